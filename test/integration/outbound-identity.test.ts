import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOUND_PROMPTS } from '#infra/flows/outbound-common';
import { digitByDigit } from '#shared/domain/caller-speech';
import type { LocalApi } from '#test/support/local-api';
import {
  addMinutes,
  callJobsOf,
  callsTo as outboundCallsTo,
  registerComplaint,
  resolveComplaint,
  startCallingDesk,
  statusOf,
} from '#test/support/outbound-calls';

/**
 * Outbound calls (survey, callback, progress) open with the desk's name and ask for the customer by name
 * before anything about a complaint is said. Someone else, silence or wrong keys: nothing is disclosed,
 * the attempt is not reached and the dialer tries again after its back-off.
 */

let api: LocalApi;
let agent: string;

interface Attempt {
  readonly n: number;
  readonly claimedAt: string;
  readonly endedAt?: string;
  readonly outcome?: string;
}

interface Job {
  readonly id: string;
  readonly state: string;
  readonly attempt: number;
  readonly nextAttemptAt: string;
  readonly attempts: readonly Attempt[];
}

/** Jane Smith's complaint, resolved (which queues its survey call) or not. */
async function complaint(phone: string, resolved: boolean): Promise<string> {
  const created = await registerComplaint(api, agent, { phone });
  if (resolved) await resolveComplaint(api, agent, created);
  return created.id;
}

async function jobOf(ticketId: string, kind: string): Promise<Job> {
  const items = await callJobsOf<Job>(api, agent, ticketId, kind);
  expect(items).toHaveLength(1);
  return items[0] as Job;
}

const status = (id: string) => statusOf(api, agent, id);

/** Every line of the outbound calls to `phone`, oldest call first. */
const callsTo = (phone: string) => outboundCallsTo(api, phone);

/** Nothing about the complaint: its number (as typed or as spoken), category, description or status. */
function expectNothingDisclosed(transcript: string, ticketId: string): void {
  expect(transcript).not.toContain(ticketId);
  expect(transcript).not.toContain(digitByDigit(ticketId));
  for (const word of ['billing', 'Charged', 'October', 'resolved', 'received', 'department', 'handled']) {
    expect(transcript).not.toContain(word);
  }
}

beforeEach(async () => {
  ({ api, agent } = await startCallingDesk({ env: { CALL_BACKOFF_MINUTES: '10,30,60' } }));
});

afterEach(async () => {
  await api.stop();
});

describe('the identity check on outbound calls', () => {
  it('a survey call answered "2, not me" says nothing about the complaint and is retried after the back-off', async () => {
    const phone = '+15551237001';
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '2' });
    const id = await complaint(phone, true);

    await api.runtime.clock.advance(5);

    const [first] = callsTo(phone);
    expect(first?.state).toBe('ended');
    const said = (first?.transcript ?? []).filter((l) => l.speaker === 'system').map((l) => l.text);
    expect(said).toContain(OUTBOUND_PROMPTS.intro);
    expect(said).toContain('Are we speaking to Jane Smith? Press 1 for yes, or 2 for no.');
    expect(said).toContain(OUTBOUND_PROMPTS.wrongPerson);
    expectNothingDisclosed((first?.transcript ?? []).map((l) => l.text).join('\n'), id);

    const job = await jobOf(id, 'survey');
    expect(job.state).toBe('pending');
    expect(job.attempt).toBe(1);
    const attempt = job.attempts[0];
    expect(attempt?.outcome).toBe('wrong_person');
    expect(job.nextAttemptAt).toBe(addMinutes(attempt?.endedAt ?? '', 10));
    // Nobody rated anything: the complaint waits for the real customer.
    expect(await status(id)).toBe('resolved');

    // The customer answers the retry and rates 4: the complaint closes.
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '14' });
    await api.runtime.clock.advance(9 * 60);
    expect(callsTo(phone)).toHaveLength(1);
    await api.runtime.clock.advance(60 + 30);
    const calls = callsTo(phone);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.transcript.map((l) => l.text).join('\n')).toContain(
      `your complaint ${digitByDigit(id)}.`,
    );
    expect(await jobOf(id, 'survey')).toMatchObject({ state: 'reached', attempt: 2 });
    expect(await status(id)).toBe('closed');
  });

  it('a callback met by silence is asked once more, then ended politely as not verified and retried', async () => {
    const phone = '+15551237002';
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer' });
    const id = await complaint(phone, false);
    const booked = await api.request<{ jobId: string }>('POST', '/api/callbacks', {
      token: agent,
      body: { phone, ticketId: id },
    });
    expect(booked.status).toBe(201);

    await api.runtime.clock.advance(3);
    const [call] = callsTo(phone);
    expect(call?.state).toBe('in-progress');
    await api.runtime.clock.advance(20);

    const ended = callsTo(phone)[0];
    expect(ended?.state).toBe('ended');
    const said = (ended?.transcript ?? []).filter((l) => l.speaker === 'system').map((l) => l.text);
    expect(said).toEqual([
      `(ringing ${phone})`,
      OUTBOUND_PROMPTS.intro,
      'Are we speaking to Jane Smith? Press 1 for yes, or 2 for no.',
      'Please press 1 if you are Jane Smith, or 2 if you are not.',
      OUTBOUND_PROMPTS.notVerified,
      '(call ended by the system)',
    ]);
    expectNothingDisclosed(said.join('\n'), id);

    const job = await jobOf(id, 'callback');
    expect(job).toMatchObject({ state: 'pending', attempt: 1 });
    expect(job.attempts[0]?.outcome).toBe('wrong_person');
    expect(job.nextAttemptAt).toBe(addMinutes(job.attempts[0]?.endedAt ?? '', 10));
  });

  it('wrong keys twice end the call the same way, and the last attempt falls back to not reached', async () => {
    const phone = '+15551237003';
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '77777777' });
    const id = await complaint(phone, false);
    await api.request('POST', '/api/callbacks', { token: agent, body: { phone, ticketId: id } });

    // three attempts: now, 10 minutes after the first ended and 30 minutes after the second ended (each
    // call takes a while: the back-offs count from its end, so each wait has room for the call before it)
    await api.runtime.clock.advance(60);
    await api.runtime.clock.advance(10 * 60 + 60);
    await api.runtime.clock.advance(30 * 60 + 120);

    const calls = callsTo(phone);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      const text = call.transcript.map((l) => l.text).join('\n');
      expect(text).toContain(OUTBOUND_PROMPTS.notVerified);
      expect(text).not.toContain('connecting you to an agent');
      expectNothingDisclosed(text, id);
    }
    const job = await jobOf(id, 'callback');
    expect(job.state).toBe('not_reached');
    expect(job.attempts.map((a) => a.outcome)).toEqual(['wrong_person', 'wrong_person', 'wrong_person']);
  });
});
