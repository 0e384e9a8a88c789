/**
 * Rules of a requested callback (issue 17, line 14), beside the call job they book:
 * - the hotline never calls its own number;
 * - one open callback per number and priority: a second request joins the open one;
 * - a callback asked for on a call does not ring while that call is still going on: it is held until the
 *   call's end is heard of (the contact event), and then rings no sooner than a short gap after it.
 */
import { type CallJob, type CallPriority, callableAt, type DialerPolicy, isFinalCallJob } from './call-job';
import { InvalidInputError } from './errors';

/** After the caller's call has ended, its callback waits this long (the caller has put the phone down). */
export const AFTER_CALL_GAP_SECONDS = 30;

/**
 * How long a held callback waits for the end of its call at most. Should the end never be heard of (a lost
 * contact event), the callback still rings then, instead of never.
 */
export const CALL_END_WAIT_LIMIT_MINUTES = 60;

const addSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();

const later = (a: string, b: string): string => (a > b ? a : b);

/** A callback to the hotline's own number would ring the desk itself: refused (400, naming the field). */
export function assertNotHotlineNumber(
  phone: string,
  hotlineNumber: string | undefined,
  field: string,
): void {
  if (hotlineNumber && phone === hotlineNumber) {
    throw new InvalidInputError(`${field}: the hotline cannot call back its own number`, field);
  }
}

/** A callback still owed (waiting, or ringing now): a new request for its number joins it. */
export const isOpenCallback = (job: Pick<CallJob, 'state'>): boolean => !isFinalCallJob(job);

/** What "one open callback per number" is counted by: an emergency never waits behind an ordinary one. */
export function openCallbackKey(phone: string, priority: CallPriority): string {
  return `${priority}#${phone}`;
}

/** A new callback asked for on the caller's call `contactId`: it waits for that call to end. */
export function holdUntilCallEnds(job: CallJob, contactId: string, now: string): CallJob {
  return {
    ...job,
    heldForContact: contactId,
    nextAttemptAt: later(job.nextAttemptAt, addSeconds(now, CALL_END_WAIT_LIMIT_MINUTES * 60)),
  };
}

/** When a callback rings at the earliest, as the caller is told: a held one, a short gap after the call. */
export function earliestRing(job: CallJob, now: string, policy: DialerPolicy): string {
  if (!job.heldForContact) return job.nextAttemptAt;
  return callableAt(job, later(job.dueAt, addSeconds(now, AFTER_CALL_GAP_SECONDS)), policy);
}

/**
 * The call that asked for the callback ended at `endedAt`: it may ring from a short gap after that (within
 * calling hours where they apply). Undefined when the job is not held for that call (nothing to change).
 */
export function releaseAfterCall(
  job: CallJob,
  contactId: string,
  endedAt: string,
  now: string,
  policy: DialerPolicy,
): CallJob | undefined {
  if (job.heldForContact !== contactId || job.state !== 'pending') return undefined;
  const { heldForContact: _held, ...rest } = job;
  return {
    ...rest,
    nextAttemptAt: callableAt(job, later(job.dueAt, addSeconds(endedAt, AFTER_CALL_GAP_SECONDS)), policy),
    updatedAt: now,
    version: job.version + 1,
  };
}
