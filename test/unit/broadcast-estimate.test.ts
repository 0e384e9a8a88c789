import { describe, expect, it } from 'vitest';
import {
  callProfileOf,
  DEFAULT_ANSWERED_MS,
  defaultCallProfile,
  durationInWords,
  estimateBroadcast,
  MIN_PROFILE_CALLS,
  type ProfiledCall,
} from '#shared/domain/broadcast-estimate';
import type { CallJob } from '#shared/domain/call-job';

const limits = { callsPerSecond: 2, concurrentCalls: 10, rounds: 3, backoffMinutes: [10, 30, 60] };
const answeredIn = (seconds: number): ProfiledCall => [{ ms: seconds * 1000, round: 1 }];

/** A finished broadcast call job whose attempts held the line for `seconds` each. */
function aFinishedCall(seconds: readonly number[], overrides: Partial<CallJob> = {}): CallJob {
  const start = Date.parse('2026-12-01T10:00:00.000Z');
  return {
    id: `job-${Math.random()}`,
    kind: 'broadcast',
    state: 'reached',
    attempts: seconds.map((s, i) => ({
      n: i + 1,
      round: i + 1,
      claimedAt: new Date(start + i * 3_600_000).toISOString(),
      endedAt: new Date(start + i * 3_600_000 + s * 1000).toISOString(),
      outcome: i === seconds.length - 1 ? 'answered' : 'no_answer',
    })),
    ...overrides,
  } as CallJob;
}

describe('how long a broadcast will take', () => {
  it('is bound by the concurrent calls when calls are long: 10 lines of 45 s calls carry 2 calls every 9 s', () => {
    const estimate = estimateBroadcast({
      ...limits,
      calls: 1000,
      profile: { calls: [answeredIn(45)], basis: 'default' },
    });

    // 1,000 calls / 10 lines = 100 waves of 45 s.
    expect(estimate.seconds).toBeGreaterThanOrEqual(4500);
    expect(estimate.seconds).toBeLessThan(4560);
    expect(estimate).toMatchObject({ calls: 1000, attempts: 1000, meanCallSeconds: 45 });
  });

  it('is bound by the calls per second when calls are short', () => {
    const estimate = estimateBroadcast({
      ...limits,
      concurrentCalls: 500,
      callsPerSecond: 50,
      calls: 100_000,
      profile: { calls: [answeredIn(5)], basis: 'default' },
    });

    expect(estimate.seconds).toBeGreaterThanOrEqual(2000);
    expect(estimate.seconds).toBeLessThanOrEqual(2006);
  });

  it('counts the back-off before the next round, not before the next number of the same round', () => {
    const nextRound: ProfiledCall = [
      { ms: 30_000, round: 1 },
      { ms: 45_000, round: 2 },
    ];
    const sameRound: ProfiledCall = [
      { ms: 30_000, round: 1 },
      { ms: 45_000, round: 1 },
    ];

    expect(
      estimateBroadcast({ ...limits, calls: 1, profile: { calls: [nextRound], basis: 'default' } }).seconds,
    ).toBe(30 + 600 + 45);
    expect(
      estimateBroadcast({ ...limits, calls: 1, profile: { calls: [sameRound], basis: 'default' } }).seconds,
    ).toBe(75);
  });

  it('leaves out rounds the dialer no longer makes', () => {
    const fourRounds: ProfiledCall = [1, 2, 3, 4].map((round) => ({ ms: 10_000, round }));

    const estimate = estimateBroadcast({
      ...limits,
      rounds: 2,
      calls: 1,
      profile: { calls: [fourRounds], basis: 'default' },
    });

    expect(estimate).toMatchObject({ attempts: 2, seconds: 10 + 600 + 10 });
  });

  it('learns from finished broadcast calls: their lengths and their retries', () => {
    const jobs = Array.from({ length: MIN_PROFILE_CALLS }, (_, i) => aFinishedCall(i % 2 ? [20, 40] : [40]));

    const profile = callProfileOf(jobs);
    const estimate = estimateBroadcast({ ...limits, calls: 20, profile: profile ?? defaultCallProfile(3) });

    expect(profile?.basis).toBe('past_broadcasts');
    expect(estimate).toMatchObject({ basis: 'past_broadcasts', sampleCalls: 20, attempts: 30 });
    expect(estimate.meanCallSeconds).toBeCloseTo((10 * 40 + 10 * 60) / 30, 1);
  });

  it('does not learn from follow-ups, calls still running or too few calls', () => {
    const followUps = Array.from({ length: MIN_PROFILE_CALLS }, () =>
      aFinishedCall([5], { attributes: { followUp: 'disregard' } }),
    );
    const running = Array.from({ length: MIN_PROFILE_CALLS }, () => aFinishedCall([5], { state: 'dialing' }));
    const tooFew = Array.from({ length: MIN_PROFILE_CALLS - 1 }, () => aFinishedCall([5]));

    expect(callProfileOf(followUps)).toBeUndefined();
    expect(callProfileOf(running)).toBeUndefined();
    expect(callProfileOf(tooFew)).toBeUndefined();
  });

  it('assumes a typical mix without past calls: 60 % answer in each round', () => {
    const profile = defaultCallProfile(3);

    expect(profile.calls).toHaveLength(100);
    expect(profile.calls.filter((c) => c.length === 1)).toHaveLength(60);
    expect(profile.calls.filter((c) => c.length === 2)).toHaveLength(24);
    expect(profile.calls.filter((c) => c.length === 3)).toHaveLength(16);
    expect(profile.calls.every((c) => c.at(-1)?.ms === DEFAULT_ANSWERED_MS)).toBe(true);
  });

  it('expects a small broadcast to last as long as its longest call: a few calls include a second round', () => {
    const profile = defaultCallProfile(3);
    const two = estimateBroadcast({ ...limits, calls: 2, profile });
    const ten = estimateBroadcast({ ...limits, calls: 10, profile });

    // 60 % are reached at the first ring: of two calls, one is expected to need the round after 10 min.
    expect(two.attempts).toBe(3);
    expect(two.seconds).toBe(30 + 600 + 45);
    // Of ten, one needs the third round (40 % x 40 % = 16 %): after 10 and then 30 min.
    expect(ten.seconds).toBe(30 + 600 + 30 + 1800 + 45);
    // A broadcast as large as the sample or larger keeps the sample's mix: 60 / 24 / 16 per hundred.
    expect(estimateBroadcast({ ...limits, calls: 200, profile }).attempts).toBe(2 * (60 + 24 * 2 + 16 * 3));
  });

  it('says nothing is to be called when nobody has a number', () => {
    expect(estimateBroadcast({ ...limits, calls: 0, profile: defaultCallProfile(3) })).toMatchObject({
      seconds: 0,
      attempts: 0,
    });
  });

  it('reads as a supervisor would say it', () => {
    expect([40, 600, 3900, 7200].map(durationInWords)).toEqual([
      '40 s',
      '10 min',
      '1 h 05 min',
      '2 h 00 min',
    ]);
  });
});
