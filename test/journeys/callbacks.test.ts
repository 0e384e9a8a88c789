/**
 * Issue 17, line 14: callbacks, as staff book them through the API and callers ask for them on the phone,
 * seen through the HTTP API, the phone simulator, the local clock and the SES store only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from './support/complaints';
import { aPhoneNumber, Desk, type Staff } from './support/desk';
import { heard, secondsUntilLocalTime } from './support/phone';

const HOTLINE = '+15550100100';

let desk: Desk;
let agent: Staff;

interface Booked {
  jobId: string;
  dueAt: string;
  joined: boolean;
}

interface JobBody {
  id: string;
  phone: string;
  state: string;
  attempt: number;
}

beforeAll(async () => {
  desk = await Desk.open();
  agent = await desk.staff('ada', ['agent']);
  // 19:00 on the desk's clock: agents have gone home (a caller pressing 4 gets a callback), and calls may
  // still be made until 21:00, so a callback rings as soon as it may.
  await desk.advance(secondsUntilLocalTime(await desk.now(), 'America/New_York', '19:00'));
});

afterAll(async () => {
  await desk?.close();
});

/** The call jobs staff see for one number. */
async function jobsFor(phone: string): Promise<JobBody[]> {
  const reply = await agent.get<{ items: JobBody[] }>('/api/call-jobs?limit=100');
  expect(reply.status, reply.text).toBe(200);
  return reply.body.items.filter((j) => j.phone === phone);
}

/** Simulated time passes in steps, so every retry and wake-up on the way happens in order. */
async function minutesPass(minutes: number): Promise<void> {
  for (let m = 0; m < minutes; m += 5) await desk.advance(5 * 60);
}

describe('callbacks', () => {
  // First: a free line (no other call of these stories ringing yet).
  it('a callback chosen in the phone menu does not ring while the caller is still on that call, and rings after it', async () => {
    const caller = aPhoneNumber();
    await desk.phoneBehaves(caller, { answer: 'manual' });
    const call = await desk.dial(caller);
    await desk.press(call.callId, '4'); // an agent, after hours: a callback is booked
    expect(await heard(desk, call.callId)).toMatch(/will call you back/i);

    await desk.advance(2);
    expect((await desk.call(call.callId)).state).not.toBe('ended');
    expect(await desk.callsTo(caller)).toHaveLength(0);

    await desk.hangUp(call.callId);
    await desk.advance(60);
    expect(await desk.callsTo(caller)).toHaveLength(1);
  });

  it('the same request sent twice with one Idempotency-Key books one callback; a different request with that key is refused', async () => {
    const phone = aPhoneNumber();
    const email = `idem.${phone.slice(-6)}@example.com`;
    await desk.phoneBehaves(phone, { answer: 'no-answer' });
    const { id } = await register(agent, { phone, email });
    const key = `retry-${phone.slice(-7)}`;
    const request = { phone, ticketId: id, reason: 'caller_request' };

    const first = await agent.post<Booked>('/api/callbacks', request, {
      headers: { 'idempotency-key': key },
    });
    const again = await agent.post<Booked>('/api/callbacks', request, {
      headers: { 'idempotency-key': key },
    });
    expect(first.status, first.text).toBe(201);
    expect(again.status, again.text).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.jobId).toBe(first.body.jobId);

    const other = await agent.post<{ error: { field?: string; message: string } }>(
      '/api/callbacks',
      { ...request, reason: 'after_hours' },
      { headers: { 'idempotency-key': key } },
    );
    expect(other.status, other.text).toBe(409);
    expect(other.body.error.field).toBe('Idempotency-Key');

    // Every attempt of the one job rings, unanswered, then one e-mail says we tried.
    await minutesPass(60);
    expect(await desk.callsTo(phone)).toHaveLength(3);
    expect(await desk.mailsTo(email)).toHaveLength(1);
    expect((await jobsFor(phone)).map((j) => j.id)).toEqual([first.body.jobId]);
  });

  it('three callbacks asked for one number join the first: it rings once', async () => {
    const phone = aPhoneNumber();
    await desk.phoneBehaves(phone, { answer: 'busy' });
    const replies = [];
    for (const reason of ['caller_request', 'caller_request', 'after_hours']) {
      replies.push(await agent.post<Booked>('/api/callbacks', { phone, reason }));
    }
    const [first, second, third] = replies;
    expect(first?.status, first?.text).toBe(201);
    expect(first?.body.joined).toBe(false);
    for (const later of [second, third]) {
      expect(later?.status, later?.text).toBe(200);
      expect(later?.body).toMatchObject({ jobId: first?.body.jobId, joined: true });
    }

    await desk.advance(3);
    expect(await desk.callsTo(phone)).toHaveLength(1);
    expect(await jobsFor(phone)).toHaveLength(1);
  });

  it('a callback about a complaint that does not exist is refused with 404 naming ticketId, and nothing rings', async () => {
    const phone = aPhoneNumber();
    await desk.phoneBehaves(phone, { answer: 'busy' });
    const reply = await agent.post<{ error: { field?: string; code: string } }>('/api/callbacks', {
      phone,
      ticketId: '9999999',
    });
    expect(reply.status, reply.text).toBe(404);
    expect(reply.body.error.field).toBe('ticketId');

    await desk.advance(5);
    expect(await jobsFor(phone)).toHaveLength(0);
    expect(await desk.callsTo(phone)).toHaveLength(0);
  });

  it("a callback to the hotline's own number is refused, by staff and from the phone menu", async () => {
    const reply = await agent.post<{ error: { field?: string } }>('/api/callbacks', { phone: HOTLINE });
    expect(reply.status, reply.text).toBe(400);
    expect(reply.body.error.field).toBe('phone');

    const call = await desk.dial(HOTLINE);
    await desk.press(call.callId, '4');
    expect(await heard(desk, call.callId)).toMatch(/could not book a call back/i);
    await desk.hangUp(call.callId);
    await desk.advance(60);
    expect(await desk.callsTo(HOTLINE)).toHaveLength(0);
    expect(await jobsFor(HOTLINE)).toHaveLength(0);
  });
});
