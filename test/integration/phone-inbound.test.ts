import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPTS } from '#infra/flows/inbound';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime';
import { createDependencies, setDependencies } from '#shared/adapters/dependencies';
import { loadConfig } from '#shared/config';
import { checkDigit } from '#shared/domain/ticket-number';
import { registerComplaint } from '#shared/use-cases/complaints';
import { HOTLINE_ACTOR } from '#shared/use-cases/hotline';
import { aComplaint } from '#test/fixtures/tickets';
import { aPhoneSystem, DESK_CLOSED, type LambdaOverride, type PhoneSystem } from '#test/support/phone';

let runtime: LocalRuntime;
let nextNumber = 0;
/** A caller number no other test uses, so call logs and tickets do not mix. */
const aCaller = () => `+1555777${String(1000 + nextNumber++).padStart(4, '0')}`;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0 });
});

afterAll(async () => {
  await runtime?.stop();
});

/** Stand-in for the dialer's callback Lambda: records what the flow asked for. */
function aCallbackDesk() {
  const booked: Record<string, string>[] = [];
  const handler: LambdaOverride = async (event) => {
    booked.push({ ...(event.Details.Parameters as Record<string, string>) });
    return {
      outcome: 'booked',
      jobId: `job-${booked.length}`,
      dueAt: '2026-03-02T15:30:00.000Z',
      message: 'We will call you back at your number ending 0, 0, 0, 1, within about 30 minutes.',
    };
  };
  return { booked, handler };
}

const digits = (n: string) => [...n].join(', ');

async function storedTickets(phone: PhoneSystem, caller: string) {
  return (await phone.deps.tickets.list({ phone: caller }, { limit: 10 })).items;
}

describe('the inbound hotline flow, walked by scripted calls', () => {
  it('greets an unknown caller, nudges twice about 3 s apart on silence, then says goodbye and hangs up', async () => {
    const phone = await aPhoneSystem();
    const call = await phone.dial(aCaller());
    expect(phone.said(call.callId)).toEqual([PROMPTS.welcome, PROMPTS.mainMenu]);
    expect(call.attributes.callerKnown).toBe('false');

    let view = await phone.silence(call.callId, 5);
    expect(phone.said(call.callId).slice(-1)).toEqual([PROMPTS.nudge]);
    view = await phone.silence(call.callId, 3);
    expect(phone.said(call.callId).slice(-2)).toEqual([PROMPTS.nudge, PROMPTS.nudge]);
    expect(view.state).toBe('in-progress');
    view = await phone.silence(call.callId, 3);
    expect(phone.said(call.callId).slice(-3)).toEqual([
      PROMPTS.silenceGoodbye,
      PROMPTS.goodbye,
      '(call ended by the system)',
    ]);
    expect(view.state).toBe('ended');
    expect(view.disconnectReason).toBe('CONTACT_FLOW_DISCONNECT');
  });

  it('greets a known caller by first name and reads out their open complaints', async () => {
    const caller = aCaller();
    const phone = await aPhoneSystem();
    const { ticket } = await registerComplaint(
      phone.deps,
      HOTLINE_ACTOR,
      aComplaint({ customer: { name: 'Ada Lovelace', phone: caller } }),
    );
    const call = await phone.dial(caller);
    const said = phone.said(call.callId);
    expect(said[1]).toContain('Hello Ada, welcome back. You have one open complaint.');
    expect(said[1]).toContain(`Complaint ${digits(ticket.number)} has been received`);
    expect(said[2]).toBe(PROMPTS.mainMenu);
    expect(call.attributes).toMatchObject({ callerKnown: 'true', openComplaints: '1' });
  });

  it('files a complaint from the keypad: a phone ticket with the caller number, read back twice', async () => {
    const caller = aCaller();
    const phone = await aPhoneSystem();
    const call = await phone.dial(caller);
    await phone.press(call.callId, '1'); // file
    await phone.press(call.callId, '3'); // billing
    const view = await phone.press(call.callId, '2'); // very dissatisfied

    const [ticket] = await storedTickets(phone, caller);
    expect(ticket).toMatchObject({
      channel: 'phone',
      category: 'billing',
      severity: 'very_dissatisfied',
      status: 'received',
      recordedBy: 'phone-hotline',
      customer: { phone: caller },
    });
    const number = ticket?.number ?? '';
    const confirmation = phone.said(call.callId).find((t) => t.includes('Your complaint number is')) ?? '';
    expect(confirmation.split(digits(number)).length - 1).toBe(2);
    expect(confirmation).toContain('within 20 minutes');
    expect(view.attributes.ticketNumber).toBe(number);
    expect(phone.said(call.callId).slice(-2)).toEqual([PROMPTS.thanks, PROMPTS.anythingElse]);

    // staying on the line after the closing: "anything else?" again about 3 s later, then hang up
    await phone.silence(call.callId, 3);
    expect(phone.said(call.callId).slice(-1)).toEqual([PROMPTS.anythingElseAgain]);
    const ended = await phone.silence(call.callId, 3);
    expect(ended.state).toBe('ended');
    expect(phone.said(call.callId).slice(-2)).toEqual([PROMPTS.goodbye, '(call ended by the system)']);
  });

  it('reads the status of a complaint by its number typed with #', async () => {
    const phone = await aPhoneSystem();
    const owner = aCaller();
    const { ticket } = await registerComplaint(
      phone.deps,
      HOTLINE_ACTOR,
      aComplaint({ customer: { name: 'Someone Else', phone: owner } }),
    );
    const call = await phone.dial(aCaller());
    await phone.press(call.callId, '2');
    expect(phone.said(call.callId).slice(-1)).toEqual([PROMPTS.statusAsk]);
    await phone.press(call.callId, `${ticket.number}#`);
    // A caller from another number proves they know the complaint's phone, as on the web.
    expect(phone.said(call.callId).slice(-1)).toEqual([PROMPTS.statusDigits]);
    await phone.press(call.callId, `${owner.slice(-4)}#`);
    const said = phone.said(call.callId);
    expect(said).toContain(
      `Complaint ${digits(ticket.number)} has been received and is waiting to be passed to the responsible department.`,
    );
    expect(said.slice(-2)).toEqual([PROMPTS.thanks, PROMPTS.anythingElse]);
    // nothing personal is said
    expect(said.join(' ')).not.toContain('Someone');
  });

  it('gives three tries for a status number: wrong check digit, unknown number, then an apology', async () => {
    const phone = await aPhoneSystem();
    const call = await phone.dial(aCaller());
    await phone.press(call.callId, '2');
    const body = '987654';
    const valid = `${body}${checkDigit(body)}`;
    const wrongCheck = `${body}${(checkDigit(body) + 1) % 10}`;

    await phone.press(call.callId, `${wrongCheck}#`);
    expect(phone.said(call.callId).slice(-2)).toEqual([
      `The number ${digits(wrongCheck)} is not a valid complaint number. Please check it; the last digit is a check digit.`,
      PROMPTS.statusAskAgain,
    ]);
    await phone.press(call.callId, `${valid}#`);
    // Asked whether or not the complaint exists, so the question gives nothing away.
    expect(phone.said(call.callId).slice(-1)).toEqual([PROMPTS.statusDigits]);
    await phone.press(call.callId, '1234#');
    expect(phone.said(call.callId).slice(-2)).toEqual([
      `We have no complaint with the number ${digits(valid)} and those phone digits.`,
      PROMPTS.statusAskAgain,
    ]);
    await phone.press(call.callId, '#');
    expect(phone.said(call.callId).slice(-4)).toEqual([
      'We did not receive a complaint number.',
      PROMPTS.statusGiveUp,
      PROMPTS.thanks,
      PROMPTS.anythingElse,
    ]);
    expect(phone.invocations.filter((i) => i.functionId === 'PhoneComplaintStatus')).toHaveLength(4);
  });

  it('records an emergency as a crisis ticket and puts the caller straight into the emergency queue', async () => {
    const caller = aCaller();
    const phone = await aPhoneSystem();
    const call = await phone.dial(caller);
    const view = await phone.press(call.callId, '3');

    const [ticket] = await storedTickets(phone, caller);
    expect(ticket).toMatchObject({ severity: 'crisis', channel: 'phone', customer: { phone: caller } });
    const said = phone.said(call.callId);
    expect(said).toContain(PROMPTS.emergencyAdvice);
    expect(
      said.some((t) =>
        t.includes(`Your emergency is recorded. Your complaint number is ${digits(ticket?.number ?? '')}`),
      ),
    ).toBe(true);
    expect(said.slice(-2)).toEqual([
      PROMPTS.emergencyConnect,
      '[queued] waiting in queue complaints-emergency for an agent',
    ]);
    expect(view.state).toBe('queued');
    expect(view.attributes).toMatchObject({ emergency: 'true', ticketNumber: ticket?.number });
  });

  it('books a priority callback when the emergency queue is full', async () => {
    const desk = aCallbackDesk();
    const phone = await aPhoneSystem({
      overrides: { PhoneRequestCallback: desk.handler },
      hotline: { queueOverrides: { emergency: { capacity: 0 } } },
    });
    const caller = aCaller();
    const call = await phone.dial(caller);
    const view = await phone.press(call.callId, '3');
    const [ticket] = await storedTickets(phone, caller);
    expect(desk.booked).toEqual([
      { reason: 'emergency_overflow', priority: 'emergency', ticketNumber: ticket?.number ?? 'missing' },
    ]);
    expect(phone.said(call.callId).slice(-3)).toEqual([
      'We will call you back at your number ending 0, 0, 0, 1, within about 30 minutes.',
      PROMPTS.thanks,
      PROMPTS.anythingElse,
    ]);
    expect(view.attributes.callbackJobId).toBe('job-1');
  });

  it('books a priority callback when the emergency queue is closed', async () => {
    const desk = aCallbackDesk();
    const phone = await aPhoneSystem({
      overrides: { PhoneRequestCallback: desk.handler },
      hotline: { queueOverrides: { emergency: { closed: true, hoursOfOperationId: undefined } } },
    });
    const call = await phone.dial(aCaller());
    await phone.press(call.callId, '3');
    expect(desk.booked.map((b) => b.reason)).toEqual(['emergency_overflow']);
    expect(phone.call(call.callId).state).toBe('in-progress');
  });

  it('queues a caller for an agent during desk hours, or books a callback instead of waiting', async () => {
    const desk = aCallbackDesk();
    const phone = await aPhoneSystem({ overrides: { PhoneRequestCallback: desk.handler } });
    const waiting = await phone.dial(aCaller());
    await phone.press(waiting.callId, '4');
    expect(phone.said(waiting.callId).slice(-1)).toEqual([PROMPTS.agentOffer]);
    const queued = await phone.press(waiting.callId, '1');
    expect(queued.state).toBe('queued');
    expect(queued.queue?.name).toBe('complaints-general');

    const callback = await phone.dial(aCaller());
    await phone.press(callback.callId, '4');
    await phone.press(callback.callId, '2');
    expect(desk.booked).toEqual([{ reason: 'caller_request', priority: 'callback', ticketNumber: '' }]);
    expect(phone.said(callback.callId).slice(-2)).toEqual([PROMPTS.thanks, PROMPTS.anythingElse]);
  });

  it('books an after-hours callback when the desk is closed', async () => {
    const desk = aCallbackDesk();
    const phone = await aPhoneSystem({ at: DESK_CLOSED, overrides: { PhoneRequestCallback: desk.handler } });
    const call = await phone.dial(aCaller());
    await phone.press(call.callId, '4');
    const said = phone.said(call.callId);
    expect(said).toContain(
      'Our agents are available weekdays from 08:00 to 18:00, and Saturday from 09:00 to 13:00. We will call you back.',
    );
    expect(desk.booked).toEqual([{ reason: 'after_hours', priority: 'callback', ticketNumber: '' }]);
    expect(phone.call(call.callId).queue).toBeUndefined();
  });

  it('lets a caller press 9 to hear the menu again, and gives up politely after three wrong keys', async () => {
    const phone = await aPhoneSystem();
    const call = await phone.dial(aCaller());
    await phone.press(call.callId, '9');
    expect(phone.said(call.callId).slice(-2)).toEqual([PROMPTS.mainMenu, PROMPTS.mainMenu]);
    await phone.press(call.callId, '7');
    expect(phone.said(call.callId).slice(-1)).toEqual([`${PROMPTS.wrongKey} ${PROMPTS.mainMenu}`]);
    await phone.press(call.callId, '8');
    const view = await phone.press(call.callId, '0');
    expect(phone.said(call.callId).slice(-3)).toEqual([
      PROMPTS.wrongKeysGoodbye,
      PROMPTS.goodbye,
      '(call ended by the system)',
    ]);
    expect(view.state).toBe('ended');
  });

  it('keeps a blocked caller apart: an emergency key first, then a short fixed message and the blocked queue, no menu', async () => {
    const caller = aCaller();
    const phone = await aPhoneSystem();
    await phone.deps.callers.block({
      phone: caller,
      reason: 'abusive calls',
      blockedBy: 'sam',
      blockedAt: phone.clock.now().toISOString(),
    });
    const call = await phone.dial(caller);
    expect(phone.said(call.callId)).toEqual([PROMPTS.blockedEmergencyOffer]);
    const after = await phone.silence(call.callId, 6);
    expect(phone.said(call.callId)).toEqual([
      PROMPTS.blockedEmergencyOffer,
      PROMPTS.blocked,
      '[queued] waiting in queue complaints-blocked for an agent',
    ]);
    expect(after.queue?.name).toBe('complaints-blocked');
  });

  it('flags a number that calls again and again within the hour for a supervisor', async () => {
    const caller = aCaller();
    const phone = await aPhoneSystem();
    const started = phone.clock.now().toISOString();
    const attributes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const call = await phone.dial(caller);
      attributes.push(call.attributes.repeatCaller ?? '');
      await phone.connect.hangup(call.callId);
      phone.clock.advance(60);
    }
    expect(attributes).toEqual(['false', 'false', 'false', 'true']);
    const flags = await phone.deps.callers.repeatCallerFlags(started, 50);
    expect(flags.filter((f) => f.phone === caller)).toEqual([
      expect.objectContaining({ phone: caller, recentCalls: 4 }),
    ]);
  });

  it('routes a failing phone Lambda to a polite fallback: an agent in hours, never a dropped call', async () => {
    const phone = await aPhoneSystem({
      overrides: {
        PhoneFileComplaint: async () => {
          throw new Error('DynamoDB is unavailable');
        },
      },
    });
    const call = await phone.dial(aCaller());
    await phone.press(call.callId, '1');
    await phone.press(call.callId, '7');
    const view = await phone.press(call.callId, '1');
    expect(phone.said(call.callId).slice(-2)).toEqual([
      PROMPTS.trouble,
      '[queued] waiting in queue complaints-general for an agent',
    ]);
    expect(view.state).toBe('queued');
  });

  it('answers as an unknown caller when the caller lookup fails', async () => {
    const phone = await aPhoneSystem({
      overrides: { PhoneCallerLookup: async () => ({ outcome: 'failed' }) },
    });
    const call = await phone.dial(aCaller());
    expect(phone.said(call.callId)).toEqual([PROMPTS.welcome, PROMPTS.mainMenu]);
  });
});

describe('the hotline in the running local runtime, through the phone simulator', () => {
  it('answers the hotline number with the inbound flow and reads a status typed on the keypad', async () => {
    setDependencies(createDependencies(loadConfig(process.env), runtime.clock));
    const owner = aCaller();
    const { ticket } = await registerComplaint(
      createDependencies(loadConfig(process.env), runtime.clock),
      HOTLINE_ACTOR,
      aComplaint({ customer: { name: 'Jane Smith', phone: owner } }),
    );
    const request = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${runtime.url}${path}`, {
        method,
        ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      });
      return {
        status: res.status,
        body: (await res.json()) as { callId: string; transcript: { text: string }[] },
      };
    };
    const dialed = await request('POST', '/local/phone/calls', { from: aCaller() });
    expect(dialed.status).toBe(201);
    const { callId } = dialed.body;
    await request('POST', `/local/phone/calls/${callId}/keys`, { digits: '2' });
    await request('POST', `/local/phone/calls/${callId}/keys`, { digits: `${ticket.number}#` });
    await request('POST', `/local/phone/calls/${callId}/keys`, { digits: `${owner.slice(-4)}#` });
    await runtime.connect.whenIdle();
    const view = await request('GET', `/local/phone/calls/${callId}`);
    const texts = view.body.transcript.map((l) => l.text);
    expect(texts.slice(0, 2)).toEqual([PROMPTS.welcome, PROMPTS.mainMenu]);
    expect(texts).toContain(
      `Complaint ${digits(ticket.number)} has been received and is waiting to be passed to the responsible department.`,
    );
    await request('POST', `/local/phone/calls/${callId}/hangup`);
  });
});
