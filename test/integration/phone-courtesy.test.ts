import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPTS } from '#infra/flows/inbound';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime';
import { registerComplaint } from '#shared/use-cases/complaints';
import { HOTLINE_ACTOR } from '#shared/use-cases/hotline';
import { aComplaint } from '#test/fixtures/tickets';
import { aPhoneSystem, type PhoneSystem } from '#test/support/phone';

/**
 * Phone courtesy at the closing: "Thank you for your call", then a caller who stays on the line is asked
 * "is there anything else?" twice, about 3 s apart, and then the flow hangs up. A key pressed instead
 * takes the caller back to the menu.
 */

let runtime: LocalRuntime;
let nextNumber = 0;
const aCaller = () => `+1555778${String(1000 + nextNumber++).padStart(4, '0')}`;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0 });
});

afterAll(async () => {
  await runtime?.stop();
});

/** A caller who asked the status of a complaint and has just heard the closing. */
async function callerAtTheClosing(phone: PhoneSystem): Promise<string> {
  const owner = aCaller();
  const { ticket } = await registerComplaint(
    phone.deps,
    HOTLINE_ACTOR,
    aComplaint({ customer: { name: 'Ada Lovelace', phone: owner } }),
  );
  const call = await phone.dial(aCaller());
  await phone.press(call.callId, '2');
  await phone.press(call.callId, `${ticket.number}#`);
  // The second factor: the last four digits of the complaint's phone number.
  await phone.press(call.callId, `${owner.slice(-4)}#`);
  expect(phone.said(call.callId).slice(-2)).toEqual([PROMPTS.thanks, PROMPTS.anythingElse]);
  return call.callId;
}

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

describe('the closing of an inbound call', () => {
  it('a caller who stays on after the closing hears the question twice, 3 s apart, and is then hung up on', async () => {
    const phone = await aPhoneSystem();
    const callId = await callerAtTheClosing(phone);
    const system = () => phone.call(callId).transcript.filter((l) => l.speaker === 'system');
    const thanksAt = system().find((l) => l.text === PROMPTS.thanks)?.at ?? '';

    let view = await phone.silence(callId, 2);
    expect(view.state).toBe('in-progress');
    expect(system().at(-1)?.text).toBe(PROMPTS.anythingElse);

    view = await phone.silence(callId, 1);
    expect(view.state).toBe('in-progress');
    const again = system().at(-1);
    expect(again?.text).toBe(PROMPTS.anythingElseAgain);
    expect(seconds(thanksAt, again?.at ?? '')).toBe(3);

    view = await phone.silence(callId, 2);
    expect(view.state).toBe('in-progress');
    view = await phone.silence(callId, 1);
    expect(view.state).toBe('ended');
    expect(view.disconnectReason).toBe('CONTACT_FLOW_DISCONNECT');
    expect(seconds(thanksAt, view.endedAt ?? '')).toBe(6);

    const afterThanks = system()
      .map((l) => l.text)
      .slice(system().findIndex((l) => l.text === PROMPTS.thanks));
    expect(afterThanks).toEqual([
      PROMPTS.thanks,
      PROMPTS.anythingElse,
      PROMPTS.anythingElseAgain,
      PROMPTS.goodbye,
      '(call ended by the system)',
    ]);
    expect(afterThanks.filter((t) => t.startsWith('Is there anything else?'))).toHaveLength(2);
  });

  it('a key pressed after the closing takes the caller back to the menu instead', async () => {
    const phone = await aPhoneSystem();
    const callId = await callerAtTheClosing(phone);
    await phone.silence(callId, 3);
    expect(phone.said(callId).at(-1)).toBe(PROMPTS.anythingElseAgain);

    const view = await phone.press(callId, '9');
    expect(view.state).toBe('in-progress');
    expect(phone.said(callId).at(-1)).toBe(PROMPTS.mainMenu);
    // ...and the menu works as on any call: 2 asks for a complaint number.
    await phone.press(callId, '2');
    expect(phone.said(callId).at(-1)).toBe(PROMPTS.statusAsk);
  });
});
