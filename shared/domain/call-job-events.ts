import type { CallJob } from './call-job';

/**
 * What the dialer tells the job kinds: an attempt ended and the job will ring again (`attempt_ended`), or
 * the job is over (`ended`: reached, or not reached with its e-mail fallback owed). The dialer only dials;
 * what that means for a broadcast, a survey or a callback is each kind's reaction (shared/reactions).
 */
export const callJobEventTypes = ['attempt_ended', 'ended'] as const;
export type CallJobEventType = (typeof callJobEventTypes)[number];

export interface CallJobEvent {
  readonly jobId: string;
  readonly type: CallJobEventType;
  readonly at: string;
  readonly attempt: number;
  /** The job as it was saved with the event: its kind, state, attempts and fallback. */
  readonly job: CallJob;
}

export function callJobEvent(type: CallJobEventType, job: CallJob, at: string): CallJobEvent {
  return { jobId: job.id, type, at, attempt: job.attempt, job };
}
