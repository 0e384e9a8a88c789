import { describe, expect, it } from 'vitest';
import {
  type CallJob,
  claimAttempt,
  defaultDialerPolicy,
  isDialable,
  newCallJob,
} from '#shared/domain/call-job';
import {
  AFTER_CALL_GAP_SECONDS,
  assertNotHotlineNumber,
  CALL_END_WAIT_LIMIT_MINUTES,
  earliestRing,
  holdUntilCallEnds,
  isOpenCallback,
  openCallbackKey,
  releaseAfterCall,
} from '#shared/domain/callback-request';
import { InvalidInputError } from '#shared/domain/errors';

const policy = defaultDialerPolicy;
const NY = 'America/New_York';
const EVENING = '2026-01-15T23:00:00.000Z'; // 18:00 in New York: calls allowed until 21:00
const LATE = '2026-01-16T01:59:50.000Z'; // 20:59:50 in New York

function aCallback(now = EVENING): CallJob {
  return newCallJob(
    {
      id: 'callback-1',
      kind: 'callback',
      phone: '+15551230001',
      timeZone: NY,
      dueAt: now,
      requestedBy: 'hotline',
    },
    now,
    policy,
  );
}

const plusSeconds = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

describe('a requested callback', () => {
  it("is refused for the hotline's own number, naming the field", () => {
    expect(() => assertNotHotlineNumber('+15550100100', '+15550100100', 'phone')).toThrow(InvalidInputError);
    try {
      assertNotHotlineNumber('+15550100100', '+15550100100', 'phone');
    } catch (error) {
      expect((error as InvalidInputError).field).toBe('phone');
    }
    expect(() => assertNotHotlineNumber('+15551230001', '+15550100100', 'phone')).not.toThrow();
    expect(() => assertNotHotlineNumber('+15551230001', undefined, 'phone')).not.toThrow();
  });

  it('counts as open while waiting or ringing, not once ended; one open per number and priority', () => {
    const job = aCallback();
    expect(isOpenCallback(job)).toBe(true);
    expect(isOpenCallback(claimAttempt(job, EVENING, policy))).toBe(true);
    for (const state of ['reached', 'not_reached', 'cancelled'] as const) {
      expect(isOpenCallback({ state })).toBe(false);
    }
    expect(openCallbackKey('+15551230001', 'callback')).not.toBe(
      openCallbackKey('+15551230001', 'emergency'),
    );
  });

  it('asked for on a call, it does not ring while that call lasts (up to the wait limit)', () => {
    const held = holdUntilCallEnds(aCallback(), 'contact-1', EVENING);
    expect(held.heldForContact).toBe('contact-1');
    expect(isDialable(held, plusSeconds(EVENING, 1))).toBe(false);
    expect(isDialable(held, plusSeconds(EVENING, 30 * 60))).toBe(false);
    // A lost end of call never leaves it owed for ever.
    expect(isDialable(held, plusSeconds(EVENING, CALL_END_WAIT_LIMIT_MINUTES * 60))).toBe(true);
    // The caller is told: a moment after this call.
    expect(earliestRing(held, EVENING, policy)).toBe(plusSeconds(EVENING, AFTER_CALL_GAP_SECONDS));
  });

  it('rings a short gap after its call ended, and only that call releases it', () => {
    const held = holdUntilCallEnds(aCallback(), 'contact-1', EVENING);
    const ended = plusSeconds(EVENING, 90);
    expect(releaseAfterCall(held, 'contact-2', ended, ended, policy)).toBeUndefined();
    const released = releaseAfterCall(held, 'contact-1', ended, ended, policy);
    expect(released?.heldForContact).toBeUndefined();
    expect(released?.nextAttemptAt).toBe(plusSeconds(ended, AFTER_CALL_GAP_SECONDS));
    expect(released?.version).toBe(held.version + 1);
    // A redelivered end changes nothing more.
    expect(released && releaseAfterCall(released, 'contact-1', ended, ended, policy)).toBeUndefined();
  });

  it('released after calling hours, it waits for the next opening', () => {
    const held = holdUntilCallEnds(aCallback(LATE), 'contact-1', LATE);
    const released = releaseAfterCall(held, 'contact-1', LATE, LATE, policy);
    expect(released?.nextAttemptAt).toBe('2026-01-16T13:00:00.000Z'); // 08:00 in New York
  });

  it('an unheld callback rings when it is due', () => {
    const job = aCallback();
    expect(earliestRing(job, EVENING, policy)).toBe(job.nextAttemptAt);
  });
});
