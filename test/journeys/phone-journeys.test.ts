/**
 * Issue 17, phone lines 7-11: callers of the hotline and the staff who look after them, through the phone
 * simulator, the local clock and the HTTP API only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from './support/complaints';
import { aPhoneNumber, Desk, type Staff } from './support/desk';
import { heard, lineDrops, secondsUntilLocalTime } from './support/phone';

let desk: Desk;
let agent: Staff;
let supervisor: Staff;

beforeAll(async () => {
  desk = await Desk.open();
  agent = await desk.staff('ada', ['agent']);
  supervisor = await desk.staff('sam', ['supervisor']);
});

afterAll(async () => {
  await desk?.close();
});

interface TicketBody {
  id: string;
  number: string;
  severity: string;
  repeatCaller?: boolean;
  customer: { name: string; phone: string; account?: string; address?: string; email?: string };
}

/** A caller files a billing complaint by keypad; the number the system read back. */
async function fileByKeypad(from: string): Promise<string> {
  const call = await desk.dial(from);
  await desk.press(call.callId, '1'); // file a complaint
  await desk.press(call.callId, '3'); // billing
  const after = await desk.press(call.callId, '1'); // dissatisfied
  const ticketNumber = after.attributes.ticketNumber;
  expect(ticketNumber, (await desk.said(call.callId)).join('\n')).toMatch(/^\d+$/);
  await desk.hangUp(call.callId);
  return ticketNumber as string;
}

describe('phone journeys', () => {
  it('7: a caller from the second number of a registry customer files a complaint that carries their account, address and e-mail', async () => {
    const first = aPhoneNumber();
    const second = aPhoneNumber();
    const account = `ACC-${second.slice(-6)}`;
    const saved = await supervisor.put(`/api/customers/${account}`, {
      name: 'Grace Hopper',
      phones: [first, second],
      email: `grace.${second.slice(-6)}@example.com`,
      address: '12 Elm Street',
      area: { district: 'North', street: 'Elm Street', segment: 'N-1' },
    });
    expect(saved.status, saved.text).toBeLessThan(300);

    const number = await fileByKeypad(second);

    const ticket = (await agent.get<TicketBody>(`/api/tickets/${number}`)).body;
    expect(ticket.customer.name).toBe('Grace Hopper');
    expect(ticket.customer.account).toBe(account);
    expect(ticket.customer.address).toBe('12 Elm Street');
    expect(ticket.customer.email).toBe(`grace.${second.slice(-6)}@example.com`);
    expect(ticket.customer.phone).toBe(second);
  });

  it('8: a blocked caller can still report a gas smell with key 3, and otherwise hears the block message', async () => {
    const harasser = aPhoneNumber();
    const blocked = await supervisor.put(`/api/block-list/${encodeURIComponent(harasser)}`, {
      reason: 'Abusive calls at night',
    });
    expect(blocked.status, blocked.text).toBeLessThan(300);

    const emergency = await desk.dial(harasser);
    expect(await heard(desk, emergency.callId)).toMatch(/emergency.*smell of gas.*press 3/i);
    await desk.press(emergency.callId, '3');
    const text = await heard(desk, emergency.callId);
    expect(text).toMatch(/leave the building/i);
    const reported = await desk.call(emergency.callId);
    const ticketNumber = reported.attributes.ticketNumber as string;
    expect(ticketNumber).toMatch(/^\d+$/);
    expect((await agent.get<TicketBody>(`/api/tickets/${ticketNumber}`)).body.severity).toBe('crisis');
    await desk.hangUp(emergency.callId);

    const other = await desk.dial(harasser);
    await desk.advance(20); // silence at the emergency offer
    expect(await heard(desk, other.callId)).toMatch(/This line cannot take your call/);
    await desk.hangUp(other.callId);
  });

  it('9: staff see the repeat-caller flag on the complaint, in the queue and in a filtered listing', async () => {
    const caller = aPhoneNumber();
    for (let i = 0; i < 3; i++) {
      const call = await desk.dial(caller);
      await desk.hangUp(call.callId);
    }
    const number = await fileByKeypad(caller); // the fourth call within the hour

    const ticket = (await agent.get<TicketBody>(`/api/tickets/${number}`)).body;
    expect(ticket.repeatCaller).toBe(true);

    const queue = await agent.get<{ items: TicketBody[] }>('/api/tickets?limit=100');
    expect(queue.body.items.find((t) => t.id === number)?.repeatCaller).toBe(true);

    const flagged = await agent.get<{ items: TicketBody[] }>('/api/tickets?repeatCaller=true&limit=100');
    expect(flagged.status, flagged.text).toBe(200);
    expect(flagged.body.items.map((t) => t.id)).toContain(number);
    expect(flagged.body.items.every((t) => t.repeatCaller === true)).toBe(true);

    const once = await fileByKeypad(aPhoneNumber());
    expect((await agent.get<TicketBody>(`/api/tickets/${once}`)).body.repeatCaller).toBe(false);
    expect(flagged.body.items.map((t) => t.id)).not.toContain(once);
  });

  it('10a: a call cut off by a telecom problem in the middle of the menu is called back within 3 minutes, once', async () => {
    const caller = aPhoneNumber();
    await desk.phoneBehaves(caller, { answer: 'no-answer' });
    const call = await desk.dial(caller);
    await desk.press(call.callId, '1'); // choosing a category when the line drops
    const dropped = await lineDrops(desk, call.callId);
    expect(dropped.state).toBe('ended');

    await desk.advance(180);
    const callbacks = await desk.callsTo(caller);
    expect(callbacks).toHaveLength(1);
    const jobs = await agent.get<{ items: { reason?: string; phone?: string }[] }>(
      '/api/call-jobs?kind=callback&limit=100',
    );
    expect(jobs.body.items.filter((j) => j.reason === 'bad_line').length).toBeGreaterThan(0);

    // a caller who hangs up normally is not called back
    const fine = aPhoneNumber();
    const normal = await desk.dial(fine);
    await desk.hangUp(normal.callId);
    await desk.advance(180);
    expect(await desk.callsTo(fine)).toHaveLength(0);
  });

  it('11: wrong guesses of the phone digits lock a complaint for a while, on the web and on the phone', async () => {
    const customer = aPhoneNumber();
    const { id } = await register(agent, { phone: customer, name: 'Alan Turing' });
    const right = customer.slice(-4);
    const wrong = right === '0000' ? '1111' : '0000';

    // The phone asks a stranger for the last four digits before it says anything.
    const stranger = await desk.dial(aPhoneNumber());
    await desk.press(stranger.callId, '2');
    await desk.press(stranger.callId, `${id}#`);
    expect(await heard(desk, stranger.callId)).toMatch(/last four digits/i);
    await desk.press(stranger.callId, `${right}#`);
    expect(await heard(desk, stranger.callId)).toMatch(
      new RegExp(`complaint.*${id.split('').join('.*')}`, 'i'),
    );
    await desk.hangUp(stranger.callId);

    for (let i = 0; i < 5; i++) {
      const miss = await desk.http('GET', `/api/status/${id}?phoneLast4=${wrong}`);
      expect(miss.status).toBe(404);
    }
    const locked = await desk.http('GET', `/api/status/${id}?phoneLast4=${right}`);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);

    const onPhone = await desk.dial(aPhoneNumber());
    await desk.press(onPhone.callId, '2');
    await desk.press(onPhone.callId, `${id}#`);
    await desk.press(onPhone.callId, `${right}#`);
    expect(await heard(desk, onPhone.callId)).toMatch(/cannot look up that complaint now/i);
    await desk.hangUp(onPhone.callId);

    await desk.advance(16 * 60);
    const again = await desk.http('GET', `/api/status/${id}?phoneLast4=${right}`);
    expect(again.status).toBe(200);
  });

  it('12: emergency callers reach the agents on duty through their routing profiles, and nobody else is offered them', async () => {
    const staffed = (name: string, status: 'Available' | 'Offline') =>
      desk.http('PUT', `/local/phone/agents/${name}`, { body: { status } });
    expect((await staffed('dana', 'Available')).status).toBe(200);
    const first = await desk.dial(aPhoneNumber());
    const answered = await desk.press(first.callId, '3'); // an emergency
    expect(answered.state).toBe('with-agent');
    expect(answered.agent?.username).toBe('dana');

    const second = await desk.dial(aPhoneNumber());
    expect((await desk.press(second.callId, '3')).state).toBe('queued'); // dana is busy
    expect((await staffed('sam', 'Available')).status).toBe(200); // a supervisor: emergencies are in that profile too
    expect((await desk.call(second.callId)).agent?.username).toBe('sam');

    await desk.advance(121); // a simulated agent talks for 2 minutes, then hangs up
    const ended = await desk.call(first.callId);
    expect(ended.state).toBe('ended');
    expect(ended.disconnectReason).toBe('AGENT_DISCONNECT');
    await staffed('dana', 'Offline');
    await staffed('sam', 'Offline');
  });

  // Last: it moves the desk's clock to the evening.
  it('10b: a callback that finds no agent on shift says so honestly instead of queuing the customer to nobody', async () => {
    const caller = aPhoneNumber();
    await desk.phoneBehaves(caller, { answer: 'answer', keys: '1' });
    await desk.advance(secondsUntilLocalTime(await desk.now(), 'America/New_York', '19:30'));
    const call = await desk.dial(caller);
    await desk.press(call.callId, '4'); // an agent, after hours: a callback is booked
    await desk.advance(5);
    await desk.hangUp(call.callId);
    await desk.advance(60);

    const [callback] = await desk.callsTo(caller);
    expect(callback, 'a callback rang').toBeDefined();
    const text = await heard(desk, callback?.callId as string);
    expect(text).not.toMatch(
      /You asked us to call you back\. Please hold; we are connecting you to an agent/,
    );
    expect(text).toMatch(/no agent is on duty/i);
    expect((await desk.call(callback?.callId as string)).state).toBe('ended');
  });
});
