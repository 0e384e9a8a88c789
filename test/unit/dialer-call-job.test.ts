import { describe, expect, it } from 'vitest';
import {
  type CallJob,
  cancelCallJob,
  claimAttempt,
  defaultDialerPolicy,
  endAttempt,
  fallbackOwedTo,
  fallbackSent,
  finishNotReached,
  isDialable,
  newCallJob,
  nextRing,
  recordAnswer,
  releaseThrottledAttempt,
  requestStop,
} from '#shared/domain/call-job';

const policy = defaultDialerPolicy;
const NY = 'America/New_York';
const NOON = '2026-01-15T17:00:00.000Z'; // 12:00 in New York

function aJob(overrides: Partial<Parameters<typeof newCallJob>[0]> = {}, now = NOON): CallJob {
  return newCallJob(
    {
      id: 'callback-1',
      kind: 'callback',
      phone: '+15551230001',
      timeZone: NY,
      dueAt: now,
      requestedBy: 'alice',
      ...overrides,
    },
    now,
    policy,
  );
}

const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

describe('call jobs of the one dialer', () => {
  it('priorities: emergency jobs ignore calling hours, others are deferred, never dropped', () => {
    const night = '2026-01-16T03:00:00.000Z'; // 22:00 in New York
    expect(aJob({}, night).nextAttemptAt).toBe('2026-01-16T13:00:00.000Z');
    const emergency = aJob({ kind: 'emergency' }, night);
    expect(emergency.priority).toBe('emergency');
    expect(emergency.nextAttemptAt).toBe(night);
    expect(aJob({ kind: 'survey' }).priority).toBe('survey');
  });

  it('refuses a phone number that is not E.164', () => {
    expect(() => aJob({ phone: '5551230001' })).toThrow(/E\.164/);
  });

  it('an attempt is claimed once: pending -> dialing, attempt n+1', () => {
    const job = aJob();
    expect(isDialable(job, NOON)).toBe(true);
    const claimed = claimAttempt(job, NOON, policy);
    expect(claimed).toMatchObject({ state: 'dialing', attempt: 1, version: 2 });
    expect(() => claimAttempt(claimed, NOON, policy)).toThrow(/not due/);
  });

  it('a throttled start gives the attempt back and retries shortly', () => {
    const claimed = claimAttempt(aJob(), NOON, policy);
    const back = releaseThrottledAttempt(claimed, NOON, 1);
    expect(back).toMatchObject({ state: 'pending', attempt: 0, attempts: [] });
    expect(back.nextAttemptAt).toBe('2026-01-15T17:00:01.000Z');
  });

  it('not reached -> retry after back-off -> attempts used up -> final with e-mail owed', () => {
    let job = claimAttempt(aJob({ email: 'jane@example.com' }), NOON, policy);
    const first = endAttempt(job, 1, 'no_answer', plus(NOON, 1), policy);
    expect(first.kind).toBe('retry');
    expect(first.job.nextAttemptAt).toBe(plus(NOON, 11));
    job = claimAttempt(first.job, plus(NOON, 11), policy);
    const second = endAttempt(job, 2, 'busy', plus(NOON, 12), policy);
    expect(second.job.nextAttemptAt).toBe(plus(NOON, 42));
    job = claimAttempt(second.job, plus(NOON, 42), policy);
    const third = endAttempt(job, 3, 'no_answer', plus(NOON, 43), policy);
    expect(third.kind).toBe('exhausted');
    const final = finishNotReached(third.job, plus(NOON, 43), true);
    expect(final).toMatchObject({ state: 'not_reached', fallback: { channel: 'email' } });
    expect(final.attempts.map((a) => a.outcome)).toEqual(['no_answer', 'busy', 'no_answer']);
  });

  it('a claim lost before its call started does not use up an attempt: tried again at once, never dropped', () => {
    // one attempt only (an incident notice): the process died between the claim and the start
    const claimed = claimAttempt(aJob({ maxAttempts: 1 }), NOON, policy);
    const lost = endAttempt(claimed, 1, 'lost', plus(NOON, 6), policy);
    expect(lost.kind).toBe('retry');
    expect(lost.job.nextAttemptAt).toBe(plus(NOON, 6));
    expect(isDialable(lost.job, plus(NOON, 6))).toBe(true);
    // the next claim is a new attempt (a new ClientToken); once started, it is the job's one attempt
    const second = claimAttempt(lost.job, plus(NOON, 6), policy);
    expect(second.attempt).toBe(2);
    const started = {
      ...second,
      attempts: second.attempts.map((a) => (a.n === 2 ? { ...a, contactId: 'c-2' } : a)),
    };
    expect(endAttempt(started, 2, 'no_answer', plus(NOON, 7), policy).kind).toBe('exhausted');
    // a lost attempt whose call had started counts like any other
    const startedThenLost = claimAttempt(aJob({ maxAttempts: 1 }), NOON, policy);
    const withContact = {
      ...startedThenLost,
      attempts: startedThenLost.attempts.map((a) => ({ ...a, contactId: 'c-1' })),
    };
    expect(endAttempt(withContact, 1, 'lost', plus(NOON, 6), policy).kind).toBe('exhausted');
  });

  it('claims lost before starting are forgiven a bounded number of times', () => {
    let job = aJob({ maxAttempts: 1 });
    const kinds: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const claimed = claimAttempt(job, NOON, policy);
      const decision = endAttempt(claimed, n, 'lost', NOON, policy);
      kinds.push(decision.kind);
      job = decision.job;
    }
    expect(kinds).toEqual(['retry', 'retry', 'exhausted']);
  });

  it('a retry that would fall after 21:00 waits for the morning', () => {
    const evening = '2026-01-16T01:55:00.000Z'; // 20:55 in New York
    const claimed = claimAttempt(aJob({}, evening), evening, policy);
    const retry = endAttempt(claimed, 1, 'no_answer', evening, policy);
    expect(retry.job.nextAttemptAt).toBe('2026-01-16T13:00:00.000Z');
  });

  it('an answer from the flow makes the attempt reached; duplicate ends are ignored', () => {
    const claimed = claimAttempt(aJob({ kind: 'survey' }), NOON, policy);
    const answered = recordAnswer(claimed, 1, { reached: true, data: { rating: '4' } }, NOON);
    expect(answered?.result).toEqual({ rating: '4' });
    const ended = endAttempt(answered as CallJob, 1, 'hung_up', plus(NOON, 1), policy);
    expect(ended.kind).toBe('reached');
    expect(ended.job.state).toBe('reached');
    expect(endAttempt(ended.job, 1, 'hung_up', plus(NOON, 2), policy).kind).toBe('ignored');
    expect(recordAnswer(ended.job, 1, { reached: true }, NOON)).toBeUndefined();
  });

  it('someone else answering counts as not reached', () => {
    const claimed = claimAttempt(aJob(), NOON, policy);
    const wrong = recordAnswer(claimed, 1, { reached: false }, NOON) as CallJob;
    const ended = endAttempt(wrong, 1, 'hung_up', NOON, policy);
    expect(ended.kind).toBe('retry');
    expect(ended.job.attempts[0]?.outcome).toBe('wrong_person');
  });

  it('a waiting job can be cancelled; a ringing or finished one cannot', () => {
    expect(cancelCallJob(aJob(), NOON).state).toBe('cancelled');
    expect(() => cancelCallJob(claimAttempt(aJob(), NOON, policy), NOON)).toThrow(/ringing/);
    expect(() => cancelCallJob(cancelCallJob(aJob(), NOON), NOON)).toThrow(/ended/);
  });
});

describe('a job with several numbers (a round rings each once, in order)', () => {
  const FIRST = '+15551230001';
  const SECOND = '+15551230002';
  const emergency = (maxAttempts = 3) =>
    aJob({ kind: 'emergency', morePhones: [SECOND], respectsCallingHours: false, maxAttempts });
  /** Claim the next attempt at `at` and end it with `outcome`; the decision. */
  const ring = (job: CallJob, at: string, outcome: 'no_answer' | 'busy' | 'lost' = 'no_answer') => {
    const claimed = claimAttempt(job, at, policy);
    return { claimed, decision: endAttempt(claimed, claimed.attempt, outcome, at, policy) };
  };

  it('rings the next number of the round at once when the first does not answer', () => {
    const { claimed, decision } = ring(emergency(), NOON);
    expect(claimed.attempts[0]).toMatchObject({ phone: FIRST, round: 1 });
    expect(decision.kind).toBe('retry');
    expect(decision.job.nextAttemptAt).toBe(NOON);
    expect(nextRing(decision.job)).toEqual({ phone: SECOND, round: 1 });
  });

  it('starts the next round with the first number after the back-off, only once every number failed', () => {
    const first = ring(emergency(), NOON).decision.job;
    const { claimed, decision } = ring(first, NOON, 'busy');
    expect(claimed.attempts[1]).toMatchObject({ phone: SECOND, round: 1 });
    expect(decision.job.nextAttemptAt).toBe(plus(NOON, policy.backoffMinutes[0] as number));
    expect(nextRing(decision.job)).toEqual({ phone: FIRST, round: 2 });
  });

  it('counts rounds, not rings, against the attempts: two numbers and three rounds are six rings', () => {
    let job = emergency();
    const rung: string[] = [];
    let at = NOON;
    for (let i = 0; i < 10 && isDialable(job, at); i++) {
      const { claimed, decision } = ring(job, at);
      rung.push(claimed.attempts[claimed.attempts.length - 1]?.phone ?? '');
      job = decision.kind === 'exhausted' ? finishNotReached(decision.job, at, false) : decision.job;
      at = job.nextAttemptAt;
    }
    expect(rung).toEqual([FIRST, SECOND, FIRST, SECOND, FIRST, SECOND]);
    expect(job.state).toBe('not_reached');
  });

  it('ends the round (and the job) when a number answers and the customer is heard', () => {
    const first = ring(emergency(), NOON).decision.job;
    const claimed = claimAttempt(first, NOON, policy);
    const heard = recordAnswer(claimed, claimed.attempt, { reached: true }, NOON) as CallJob;
    const decision = endAttempt(heard, heard.attempt, 'hung_up', NOON, policy);
    expect(decision.kind).toBe('reached');
    expect(decision.job.state).toBe('reached');
  });

  it('rings the same number again after a claim lost before its call started', () => {
    const { decision } = ring(emergency(), NOON, 'lost');
    expect(nextRing(decision.job)).toEqual({ phone: FIRST, round: 1 });
  });

  it('owes the fallback e-mail once to each address, however many accounts share one', () => {
    const household = aJob({
      email: 'home@example.com',
      moreEmails: ['home@example.com', 'work@example.com'],
    });
    const owed = finishNotReached(household, NOON, true);
    expect(fallbackOwedTo(owed)).toEqual(['home@example.com', 'work@example.com']);
    const half = fallbackSent(owed, NOON, 'home@example.com');
    expect(fallbackOwedTo(half)).toEqual(['work@example.com']);
    expect(half.fallback?.sentAt).toBeUndefined();
    const done = fallbackSent(half, NOON, 'work@example.com');
    expect(fallbackOwedTo(done)).toEqual([]);
    expect(done.fallback?.sentAt).toBe(NOON);
  });
});

describe('stopping a call that rings when its job is cancelled', () => {
  it('ends the attempt as stopped and the job as cancelled, never retried, whatever the line did', () => {
    const claimed = claimAttempt(aJob(), NOON, policy);
    const stopping = requestStop(claimed, NOON);
    for (const line of ['no_answer', 'hung_up', 'lost'] as const) {
      const decision = endAttempt(stopping, stopping.attempt, line, NOON, policy);
      expect(decision.kind).toBe('stopped');
      expect(decision.job.state).toBe('cancelled');
      expect(decision.job.attempts[0]?.outcome).toBe('stopped');
    }
  });

  it('keeps an attempt the customer was already heard on as reached', () => {
    const claimed = claimAttempt(aJob(), NOON, policy);
    const heard = recordAnswer(claimed, claimed.attempt, { reached: true }, NOON) as CallJob;
    const decision = endAttempt(requestStop(heard, NOON), heard.attempt, 'hung_up', NOON, policy);
    expect(decision.kind).toBe('reached');
  });

  it('asks once, and only while the call rings', () => {
    const stopping = requestStop(claimAttempt(aJob(), NOON, policy), NOON);
    expect(requestStop(stopping, plus(NOON, 1))).toBe(stopping);
    expect(() => requestStop(aJob(), NOON)).toThrow(/not ringing/);
  });
});
