/**
 * Issue 17, call lines 12, 13 and 15: a supervisor's emergency broadcast as the customers' phones and
 * mailboxes see it, through the HTTP API, the phone simulator, the local clock and the SES store only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPhoneNumber, Desk, type Staff } from './support/desk';
import { secondsUntilLocalTime } from './support/phone';

let desk: Desk;
let supervisor: Staff;

beforeAll(async () => {
  desk = await Desk.open();
  supervisor = await desk.staff('sam', ['supervisor']);
});

afterAll(async () => {
  await desk?.close();
});

interface ReportRecipient {
  account: string;
  state: string;
  emailedAt?: string;
  attempts: { n: number; result: string; phone?: string }[];
}

let streets = 0;
/** A street of its own for each story, so a broadcast selects that story's customers only. */
function aStreet(): string {
  streets += 1;
  return `Broadcast Lane ${process.pid}-${streets}`;
}

/** A supervisor keeps a customer in the registry (several numbers allowed, the first one first). */
async function aCustomer(street: string, phones: readonly string[], email?: string): Promise<string> {
  const account = `BC-${phones[0]?.slice(-7)}-${Math.random().toString(36).slice(2, 6)}`;
  const saved = await supervisor.put(`/api/customers/${account}`, {
    name: `Customer ${account}`,
    phones,
    ...(email ? { email } : {}),
    address: `1 ${street}`,
    area: { district: 'North', street, segment: 'N-1' },
  });
  expect(saved.status, saved.text).toBeLessThan(300);
  return account;
}

/** A supervisor records a gas leak on the street and sends the broadcast. */
async function broadcastTo(street: string): Promise<string> {
  const since = new Date(Date.parse(await desk.now()) - 600_000).toISOString();
  const created = await supervisor.post<{ id: string }>('/api/broadcasts', {
    what: 'Gas leak',
    where: street,
    since,
    severity: 'crisis',
    message: `A gas leak has been reported on ${street}. Do not use open flames or switches.`,
    emailSubject: `Gas leak on ${street}`,
    emailText: 'Do not use open flames or switches.',
    selection: { streets: [street] },
  });
  expect(created.status, created.text).toBe(201);
  const sent = await supervisor.post(`/api/broadcasts/${created.body.id}/send`);
  expect(sent.status, sent.text).toBe(202);
  return created.body.id;
}

/** Simulated time runs on long enough for every retry round and the e-mail to have happened. */
async function everyRoundIsOver(): Promise<void> {
  for (let i = 0; i < 16; i++) await desk.advance(600);
}

async function report(id: string): Promise<{ state: string; recipients: Map<string, ReportRecipient> }> {
  const reply = await supervisor.get<{ broadcast: { state: string }; recipients: ReportRecipient[] }>(
    `/api/broadcasts/${id}/report`,
  );
  expect(reply.status, reply.text).toBe(200);
  return {
    state: reply.body.broadcast.state,
    recipients: new Map(reply.body.recipients.map((r) => [r.account, r])),
  };
}

describe('broadcast calls', () => {
  it('12: a customer whose first number does not answer is tried on the next number in the same round, and confirms there', async () => {
    const street = aStreet();
    const first = aPhoneNumber();
    const second = aPhoneNumber();
    await desk.phoneBehaves(first, { answer: 'no-answer' });
    await desk.phoneBehaves(second, { answer: 'answer', keys: '1' });
    const account = await aCustomer(street, [first, second]);

    const id = await broadcastTo(street);
    await desk.advance(120); // the first number rings out; the second rings at once, not after a back-off
    expect(await desk.callsTo(second)).toHaveLength(1);
    await everyRoundIsOver();

    expect(await desk.callsTo(first)).toHaveLength(1);
    expect(await desk.callsTo(second)).toHaveLength(1);
    const { state, recipients } = await report(id);
    expect(recipients.get(account)).toMatchObject({ state: 'confirmed' });
    expect(recipients.get(account)?.attempts.map((a) => [a.phone, a.result])).toEqual([
      [first, 'no_answer'],
      [second, 'confirmed'],
    ]);
    expect(state).toBe('completed');
  });

  it('13: two accounts behind one number are rung once per round and e-mailed once per address, and the report lists both', async () => {
    const street = aStreet();
    const answering = aPhoneNumber();
    const silent = aPhoneNumber();
    await desk.phoneBehaves(answering, { answer: 'answer', keys: '1' });
    await desk.phoneBehaves(silent, { answer: 'no-answer' });
    const household = `household.${silent.slice(-7)}@example.com`;
    const landlord = await aCustomer(street, [answering]);
    const tenant = await aCustomer(street, [answering]);
    const husband = await aCustomer(street, [silent], household);
    const wife = await aCustomer(street, [silent], household);

    const id = await broadcastTo(street);
    await everyRoundIsOver();

    // One keypad confirmation counts for both accounts behind the number.
    expect(await desk.callsTo(answering)).toHaveLength(1);
    // Three rounds, one ring each, then one e-mail to the shared address.
    expect(await desk.callsTo(silent)).toHaveLength(3);
    expect(await desk.mailsTo(household)).toHaveLength(1);
    const { state, recipients } = await report(id);
    expect(recipients.get(landlord)).toMatchObject({ state: 'confirmed' });
    expect(recipients.get(tenant)).toMatchObject({ state: 'confirmed' });
    for (const account of [husband, wife]) {
      expect(recipients.get(account)).toMatchObject({ state: 'not_reached' });
      expect(recipients.get(account)?.emailedAt).toBeTruthy();
      expect(recipients.get(account)?.attempts).toHaveLength(3);
    }
    expect(state).toBe('completed');

    // The all clear goes to the household that confirmed as its broadcast call did: one call for both.
    const closed = await supervisor.post(`/api/incidents/${id}/close`, {
      message: 'The leak is repaired. Gas is back on.',
      allClearBroadcast: true,
    });
    expect(closed.status, closed.text).toBe(200);
    // An all clear keeps calling hours (the desk's time zone by default): the morning comes first.
    await desk.advance(secondsUntilLocalTime(await desk.now(), 'America/New_York', '10:00'));
    await everyRoundIsOver();
    const calls = await desk.callsTo(answering);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.transcript.map((l) => l.text).join(' ')).toMatch(/leak is repaired/);
  });

  it('15: a call still ringing when the supervisor cancels the broadcast is stopped at once and not rung again', async () => {
    const street = aStreet();
    const number = aPhoneNumber();
    await desk.phoneBehaves(number, { answer: 'manual' }); // rings until someone acts
    const account = await aCustomer(street, [number], `ringing.${number.slice(-7)}@example.com`);
    const id = await broadcastTo(street);
    // The dialer's first wake-up is a schedule due now: a second of simulated time lets it run.
    for (let i = 0; i < 10 && (await desk.callsTo(number)).length === 0; i++) await desk.advance(1);
    const [ringing] = await desk.callsTo(number);
    expect(ringing?.state).toBe('ringing');

    const cancelled = await supervisor.post(`/api/broadcasts/${id}/cancel`);
    expect(cancelled.status, cancelled.text).toBe(200);

    expect((await desk.call(ringing?.callId ?? '')).state).toBe('ended');
    await everyRoundIsOver();
    expect(await desk.callsTo(number)).toHaveLength(1);
    expect(await desk.mailsTo(`ringing.${number.slice(-7)}@example.com`)).toHaveLength(0);
    const { state, recipients } = await report(id);
    expect(state).toBe('cancelled');
    expect(recipients.get(account)).toMatchObject({ state: 'cancelled' });
    expect(recipients.get(account)?.attempts.map((a) => a.result)).toEqual(['stopped']);
  });
});
