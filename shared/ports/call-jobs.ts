import type { CallJob, CallJobKind, CallJobState, CallPriority } from '#shared/domain/call-job';
import type { CallJobEvent } from '#shared/domain/call-job-events';
import type { Page } from './ticket-store';

export interface CallJobFilter {
  readonly state?: CallJobState;
  readonly kind?: CallJobKind;
  readonly ticketId?: string;
}

/** Call jobs of the one outbound dialer. Every save is conditional on the version read. */
export interface CallJobStore {
  /** Store a new job; a job with the same id already stored is returned instead (creating twice is harmless). */
  create(job: CallJob): Promise<{ readonly created: boolean; readonly job: CallJob }>;
  /** `create` for many jobs at once (in as few writes as the store allows), results in the same order. */
  createMany(
    jobs: readonly CallJob[],
  ): Promise<readonly { readonly created: boolean; readonly job: CallJob }[]>;
  get(id: string): Promise<CallJob | undefined>;
  /** Save if the stored version is still `expectedVersion`; false when someone else changed it first. */
  save(job: CallJob, expectedVersion: number, events?: readonly CallJobEvent[]): Promise<boolean>;
  /**
   * Pending jobs of one priority whose next attempt is due at `now`, earliest first (at most `limit`), and
   * when fewer are due, the next attempt after them (`next`): one read gives the dialer both.
   */
  due(priority: CallPriority, now: string, limit: number): Promise<DueJobs>;
  /** Jobs ringing now (state dialing), oldest lease first. */
  dialing(limit: number): Promise<readonly CallJob[]>;
  /** Earliest next attempt among pending jobs (to schedule the next dialer tick). */
  nextDue(): Promise<string | undefined>;
  /**
   * Retention only: save the erased job (conditional on the version read) and overwrite each of its events
   * that `rewrite` changes, in place (not new events). False when the job changed meanwhile.
   */
  eraseJob(
    erased: CallJob,
    expectedVersion: number,
    rewrite: (event: CallJobEvent) => CallJobEvent | undefined,
  ): Promise<boolean>;
  list(filter: CallJobFilter, page: { limit: number; cursor?: string }): Promise<Page<CallJob>>;

  /**
   * Claim an attempt (pending -> dialing) in one conditional transaction that also takes a concurrent-call
   * slot (only while fewer than `limits.concurrent` are taken), a start in this clock second (only while
   * fewer than `limits.perSecond`) and a start the token bucket allows. Only the claimer calls Connect.
   */
  claim(next: CallJob, expectedVersion: number, limits: DialLimits): Promise<ClaimResult>;
  /** Save a job leaving `dialing` and give its concurrent-call slot back, atomically. */
  release(next: CallJob, expectedVersion: number, events?: readonly CallJobEvent[]): Promise<boolean>;
  /** Concurrent-call slots taken now. */
  activeCalls(): Promise<number>;
  /** Starts already made in the given clock second (epoch seconds). */
  startsInSecond(second: number): Promise<number>;
  /**
   * Contact events carry only the contact id, and may arrive before the dialer has linked it (the call can
   * end while StartOutboundVoiceContact is still answering). Both sides write their half of one item and
   * read the other: whoever writes second gets both and handles the end.
   */
  linkContact(contactId: string, jobId: string, attempt: number): Promise<{ readonly ended?: ContactEnd }>;
  recordContactEnd(contactId: string, end: ContactEnd): Promise<ContactLink | undefined>;

  /**
   * The dialer's turn, so one run rings at a time (every ended call, timer and sweep starts a run; run side by
   * side they would query the same due jobs and lose their claims to each other). `held`: this run has it
   * until `untilMs`. `queued`: another run holds it and has been told to go round once more, so this run's
   * reason to dial is not lost. Only an economy: the claim transaction keeps the limits either way.
   */
  takeDialerTurn(owner: string, nowMs: number, untilMs: number): Promise<'held' | 'queued'>;
  /**
   * Give the turn back: `done`, or `again` when another run queued meanwhile (the turn is kept until
   * `untilMs` and the flag cleared: dial once more). With `force` the turn is given back either way.
   */
  endDialerTurn(owner: string, untilMs: number, force?: boolean): Promise<'done' | 'again'>;
}

export interface DueJobs {
  readonly jobs: readonly CallJob[];
  /** The earliest next attempt of this priority not yet due, when fewer than `limit` jobs are due. */
  readonly next?: string;
}

export interface ContactLink {
  readonly jobId: string;
  readonly attempt: number;
}

export interface ContactEnd {
  readonly reason: string;
  readonly connected: boolean;
  readonly at: string;
}

export interface DialLimits {
  readonly concurrent: number;
  readonly perSecond: number;
  /** Epoch second of the start. */
  readonly second: number;
  /**
   * Epoch ms of the start. Connect's rate limit is a token bucket (rate `perSecond`, burst at least as
   * large): starts are also paced by the generic cell rate algorithm with that rate and a burst of
   * `perSecond`, so a burst at the end of one second and another at the start of the next cannot empty it.
   */
  readonly atMs: number;
}

export type ClaimResult = 'claimed' | 'stale' | 'no_slot' | 'rate_limited';
