/**
 * How long a broadcast's calls will take, told before it is sent: the makespan of an ideal dialer
 * (shared/domain/ideal-schedule.ts) at the configured Connect limits, over calls like those of past
 * broadcasts (their attempts' lengths and how many rounds it took to reach people), or over a default mix
 * when the desk has sent none yet. Calling hours are not counted: an emergency broadcast rings at any hour.
 */
import type { CallJob } from './call-job';
import { idealMakespanMs } from './ideal-schedule';

/** One attempt of a profiled call: how long it held a line (ms), and the round it belonged to. */
export interface ProfiledAttempt {
  readonly ms: number;
  readonly round: number;
}

/** A call as past broadcasts made it: its attempts in order, up to the one that reached someone. */
export type ProfiledCall = readonly ProfiledAttempt[];

export interface CallProfile {
  readonly calls: readonly ProfiledCall[];
  /** `past_broadcasts`: the desk's own recent broadcast calls; `default`: none yet, a typical mix. */
  readonly basis: 'past_broadcasts' | 'default';
}

export interface BroadcastEstimate {
  /** Seconds from the send until the last call has ended. */
  readonly seconds: number;
  /** Calls to make: one per household with a number (members sharing a number share the call). */
  readonly calls: number;
  /** Attempts those calls are expected to take, retries included. */
  readonly attempts: number;
  readonly callsPerSecond: number;
  readonly concurrentCalls: number;
  /** The mean time an attempt holds a line (ringing included), in seconds. */
  readonly meanCallSeconds: number;
  readonly basis: CallProfile['basis'];
  /** How many past calls the profile was drawn from (0 for the default mix). */
  readonly sampleCalls: number;
}

/** Fewer past calls than this say too little: the default mix is used instead. */
export const MIN_PROFILE_CALLS = 20;
/** The default mix: an answered call lasts 45 s, an unanswered one rings 30 s, 60 % answer in each round. */
export const DEFAULT_ANSWERED_MS = 45_000;
export const DEFAULT_UNANSWERED_MS = 30_000;
export const DEFAULT_ANSWER_SHARE = 0.6;

/** A typical mix of 100 calls over `rounds` rounds, for a desk without past broadcasts. */
export function defaultCallProfile(rounds: number): CallProfile {
  const calls: ProfiledCall[] = [];
  let left = 100;
  for (let round = 1; round <= rounds && left > 0; round++) {
    const answered = round === rounds ? left : Math.round(left * DEFAULT_ANSWER_SHARE);
    const misses = Array.from({ length: round - 1 }, (_, i) => ({ ms: DEFAULT_UNANSWERED_MS, round: i + 1 }));
    // The last round's remainder is partly never reached: it rings out, which takes about as long.
    for (let i = 0; i < answered; i++) calls.push([...misses, { ms: DEFAULT_ANSWERED_MS, round }]);
    left -= answered;
  }
  return { calls, basis: 'default' };
}

/**
 * The profile of finished broadcast calls (the newest first, as the store lists them); undefined when there
 * are too few to say anything. Follow-up calls ("please disregard", all clear) are not counted: they are
 * shorter and fewer.
 */
export function callProfileOf(jobs: readonly CallJob[]): CallProfile | undefined {
  const calls: ProfiledCall[] = [];
  for (const job of jobs) {
    if (job.kind !== 'broadcast' || job.attributes?.followUp) continue;
    if (job.state !== 'reached' && job.state !== 'not_reached') continue;
    const attempts = job.attempts.flatMap((a) =>
      a.endedAt && a.outcome !== 'stopped'
        ? [{ ms: Math.max(0, Date.parse(a.endedAt) - Date.parse(a.claimedAt)), round: a.round ?? a.n }]
        : [],
    );
    if (attempts.length > 0) calls.push(attempts);
  }
  return calls.length >= MIN_PROFILE_CALLS ? { calls, basis: 'past_broadcasts' } : undefined;
}

export interface EstimateInput {
  readonly calls: number;
  readonly profile: CallProfile;
  readonly callsPerSecond: number;
  readonly concurrentCalls: number;
  /** Rounds a broadcast call may take (the dialer's maxAttempts). */
  readonly rounds: number;
  /** Back-off after round n (1-based) is backoffMinutes[n-1], the last entry repeating. */
  readonly backoffMinutes: readonly number[];
}

/** From the first attempt's start to the last one's end: the call's lengths and the back-offs between rounds. */
function chainMs(call: ProfiledCall, backoffAfterRound: (round: number) => number): number {
  return call.reduce((sum, a, i) => {
    const before = call[i - 1];
    return sum + a.ms + (before && a.round > before.round ? backoffAfterRound(before.round) : 0);
  }, 0);
}

/**
 * `count` calls like the sample's. At least as many as the sample: the sample in turn, so the mix is the
 * sample's. Fewer: a broadcast lasts as long as its longest call, so the picks are spread over the sample's
 * calls by length (the k-th of n at the k/(n+1) quantile), not its first few: two calls from a mix where 40 %
 * need a second round are expected to include one, and the estimate says so.
 */
function drawCalls(
  sample: readonly ProfiledCall[],
  count: number,
  backoffAfterRound: (round: number) => number,
): ProfiledCall[] {
  if (sample.length === 0) return [];
  if (count >= sample.length)
    return Array.from({ length: count }, (_, i) => sample[i % sample.length] as ProfiledCall);
  const byLength = sample
    .map((call) => ({ call, ms: chainMs(call, backoffAfterRound) }))
    .sort((a, b) => a.ms - b.ms);
  return Array.from(
    { length: count },
    (_, i) => byLength[Math.floor(((i + 1) * sample.length) / (count + 1))]?.call as ProfiledCall,
  );
}

/** The estimate: `calls` calls drawn from the profile (drawCalls), made by an ideal dialer at the limits. */
export function estimateBroadcast(input: EstimateInput): BroadcastEstimate {
  const { calls, profile } = input;
  const sample = profile.calls
    .map((c) => c.filter((a) => a.round <= input.rounds))
    .filter((c) => c.length > 0);
  const backoffAfterRound = (round: number): number =>
    (input.backoffMinutes[Math.min(round, input.backoffMinutes.length) - 1] ?? 0) * 60_000;
  const jobs = drawCalls(sample, calls, backoffAfterRound);
  const makespan = idealMakespanMs(
    jobs.map((c) => c.map((a) => a.ms)),
    {
      perSecond: input.callsPerSecond,
      concurrent: input.concurrentCalls,
      // The next number of the same round rings at once; the next round waits its back-off.
      backoffMs: (n, job) => {
        const call = jobs[job] as ProfiledCall;
        const ended = call[n - 1];
        const next = call[n];
        return ended && next && next.round > ended.round ? backoffAfterRound(ended.round) : 0;
      },
    },
  );
  const attempts = jobs.reduce((sum, c) => sum + c.length, 0);
  const heldMs = jobs.reduce((sum, c) => sum + c.reduce((s, a) => s + a.ms, 0), 0);
  return {
    seconds: Math.ceil(makespan / 1000),
    calls,
    attempts,
    callsPerSecond: input.callsPerSecond,
    concurrentCalls: input.concurrentCalls,
    meanCallSeconds: attempts ? Math.round(heldMs / attempts / 100) / 10 : 0,
    basis: profile.basis,
    sampleCalls: profile.basis === 'past_broadcasts' ? profile.calls.length : 0,
  };
}

/** "1 h 05 min", "12 min", "40 s": a duration as a supervisor reads it. */
export function durationInWords(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
