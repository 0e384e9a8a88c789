/**
 * Screening a caller before the menu: numbers on the block list (harassing, abusive callers) are
 * kept apart, and a number that calls again and again within a short window is flagged for a
 * supervisor. Pure rules; the call log and block list live behind shared/ports/caller-registry.ts.
 */

export interface RepeatCallPolicy {
  /** Calls counted back from now. */
  readonly windowMinutes: number;
  /** Calls within the window (this one included) that make a repeat caller. */
  readonly threshold: number;
}

/** Defaults: a fourth call within an hour is worth a supervisor's look. */
export const defaultRepeatCallPolicy: RepeatCallPolicy = { windowMinutes: 60, threshold: 4 };

/** How long the call log keeps a number for analysis before TTL destroys it. */
export const CALL_LOG_RETENTION_DAYS = 90;

export interface BlockEntry {
  /** E.164 */
  readonly phone: string;
  readonly reason: string;
  readonly blockedBy: string;
  readonly blockedAt: string;
}

export interface CallerScreening {
  readonly blocked: boolean;
  /** Calls within the window, this one included. */
  readonly recentCalls: number;
  readonly repeatCaller: boolean;
  /** Raise a new supervisor flag now (not already flagged within this window). */
  readonly raiseFlag: boolean;
}

export function windowStart(now: string, policy: RepeatCallPolicy): string {
  return new Date(Date.parse(now) - policy.windowMinutes * 60_000).toISOString();
}

export function screenCall(input: {
  readonly blocked: boolean;
  readonly recentCalls: number;
  readonly lastFlaggedAt: string | undefined;
  readonly now: string;
  readonly policy: RepeatCallPolicy;
}): CallerScreening {
  const repeatCaller = input.recentCalls >= input.policy.threshold;
  const flaggedThisWindow =
    input.lastFlaggedAt !== undefined && input.lastFlaggedAt > windowStart(input.now, input.policy);
  return {
    blocked: input.blocked,
    recentCalls: input.recentCalls,
    repeatCaller,
    raiseFlag: repeatCaller && !flaggedThisWindow,
  };
}
