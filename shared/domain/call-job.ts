import { type CallingHours, nextCallableAt } from './calling-hours';
import { InvalidInputError, TransitionNotAllowedError } from './errors';

/**
 * One outbound call the desk owes someone. Every outbound call (callback, survey, progress notice,
 * emergency broadcast) is a call job that the one dialer rings. Kinds stay open for later use cases.
 */
export const callJobKinds = ['emergency', 'callback', 'survey', 'progress', 'broadcast'] as const;
export type CallJobKind = (typeof callJobKinds)[number];

/** Highest first: emergency > callback > survey > progress. */
export const callPriorities = ['emergency', 'callback', 'survey', 'progress'] as const;
export type CallPriority = (typeof callPriorities)[number];

export const priorityRank = (p: CallPriority): number => callPriorities.indexOf(p);

export const callbackReasons = ['caller_request', 'after_hours', 'emergency_overflow', 'bad_line'] as const;
export type CallbackReason = (typeof callbackReasons)[number];

export const callJobStates = ['pending', 'dialing', 'reached', 'not_reached', 'cancelled'] as const;
export type CallJobState = (typeof callJobStates)[number];
export const finalCallJobStates: readonly CallJobState[] = ['reached', 'not_reached', 'cancelled'];
export const isFinalCallJob = (job: Pick<CallJob, 'state'>): boolean =>
  finalCallJobStates.includes(job.state);

/** What one attempt ended with. */
export const attemptOutcomes = [
  'reached',
  'no_answer',
  'busy',
  'hung_up',
  'wrong_person',
  'failed',
  'lost',
] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];

export interface CallAttempt {
  readonly n: number;
  readonly claimedAt: string;
  readonly contactId?: string;
  readonly endedAt?: string;
  readonly outcome?: AttemptOutcome;
  /** The flow confirmed the customer on the line. */
  readonly reached?: boolean;
  /** Someone else answered: nothing was disclosed. */
  readonly wrongPerson?: boolean;
}

export interface CallJob {
  readonly id: string;
  readonly kind: CallJobKind;
  readonly priority: CallPriority;
  readonly state: CallJobState;
  /** E.164 */
  readonly phone: string;
  readonly email?: string;
  /** Asked for by the outbound flow before anything is disclosed. */
  readonly customerName?: string;
  readonly ticketId?: string;
  readonly reason?: string;
  readonly timeZone: string;
  /** Whether calling hours apply (all but emergencies and a bad line just now). */
  readonly respectsCallingHours: boolean;
  /** When the customer was promised the call. */
  readonly dueAt: string;
  /** When the dialer may ring next (due, deferred to calling hours, or after a back-off). */
  readonly nextAttemptAt: string;
  /** Attempts claimed so far; attempt n is the n-th ring. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly attempts: readonly CallAttempt[];
  /** A dialing attempt not ended by then counts as lost (repairs a missed contact event). */
  readonly leaseUntil?: string;
  /** Answers collected by the outbound flow, e.g. { rating: '2' }. */
  readonly result?: Readonly<Record<string, string>>;
  readonly fallback?: { readonly channel: 'email'; readonly sentAt?: string };
  /** Extra contact attributes for the flow (no personal data beyond the name check). */
  readonly attributes?: Readonly<Record<string, string>>;
  /**
   * The inbound contact (the caller's own call) that asked for this callback: it does not ring before that
   * call has ended (shared/domain/callback-request.ts); `nextAttemptAt` holds it back until then.
   */
  readonly heldForContact?: string;
  readonly requestedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  readonly version: number;
}

export interface DialerPolicy {
  readonly callingHours: CallingHours;
  readonly maxAttempts: number;
  /** Back-off after attempt n (1-based) is backoffMinutes[n-1], the last entry repeating. */
  readonly backoffMinutes: readonly number[];
  /** A dialing attempt with no outcome after this long is counted as lost. */
  readonly attemptLeaseMinutes: number;
}

export const defaultDialerPolicy: DialerPolicy = {
  callingHours: { startMinute: 8 * 60, endMinute: 21 * 60 },
  maxAttempts: 3,
  backoffMinutes: [10, 30, 60],
  attemptLeaseMinutes: 15,
};

const addMinutes = (iso: string, minutes: number): string =>
  new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();

/** The first moment the job may ring at or after `at`, honouring calling hours where they apply. */
export function callableAt(
  job: Pick<CallJob, 'respectsCallingHours' | 'timeZone'>,
  at: string,
  policy: DialerPolicy,
): string {
  if (!job.respectsCallingHours) return at;
  return nextCallableAt(new Date(at), job.timeZone, policy.callingHours).toISOString();
}

export interface NewCallJob {
  readonly id: string;
  readonly kind: CallJobKind;
  readonly priority?: CallPriority;
  readonly phone: string;
  readonly email?: string;
  readonly customerName?: string;
  readonly ticketId?: string;
  readonly reason?: string;
  readonly timeZone: string;
  readonly dueAt: string;
  readonly requestedBy: string;
  readonly respectsCallingHours?: boolean;
  readonly maxAttempts?: number;
  readonly attributes?: Readonly<Record<string, string>>;
}

const defaultPriority: Record<CallJobKind, CallPriority> = {
  emergency: 'emergency',
  callback: 'callback',
  survey: 'survey',
  progress: 'progress',
  broadcast: 'emergency',
};

export function newCallJob(input: NewCallJob, now: string, policy: DialerPolicy): CallJob {
  if (!/^\+[1-9]\d{6,14}$/.test(input.phone)) {
    throw new InvalidInputError('The phone number must be in E.164 form', 'phone');
  }
  const priority = input.priority ?? defaultPriority[input.kind];
  const respectsCallingHours = input.respectsCallingHours ?? priority !== 'emergency';
  const dueAt = input.dueAt < now ? now : input.dueAt;
  const base = { respectsCallingHours, timeZone: input.timeZone };
  return {
    id: input.id,
    kind: input.kind,
    priority,
    state: 'pending',
    phone: input.phone,
    ...(input.email ? { email: input.email } : {}),
    ...(input.customerName ? { customerName: input.customerName } : {}),
    ...(input.ticketId ? { ticketId: input.ticketId } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    timeZone: input.timeZone,
    respectsCallingHours,
    dueAt,
    nextAttemptAt: callableAt(base, dueAt, policy),
    attempt: 0,
    maxAttempts: input.maxAttempts ?? policy.maxAttempts,
    attempts: [],
    ...(input.attributes ? { attributes: input.attributes } : {}),
    requestedBy: input.requestedBy,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

/** Whether the dialer may claim the job's next attempt now. */
export function isDialable(job: CallJob, now: string): boolean {
  return job.state === 'pending' && job.nextAttemptAt <= now && hasAttemptLeft(job);
}

/** pending -> dialing, attempt n+1 (the store makes this a conditional write). */
export function claimAttempt(job: CallJob, now: string, policy: DialerPolicy): CallJob {
  if (!isDialable(job, now)) {
    throw new TransitionNotAllowedError(`Call job ${job.id} is not due for a call (${job.state})`);
  }
  const n = job.attempt + 1;
  return {
    ...job,
    state: 'dialing',
    attempt: n,
    attempts: [...job.attempts, { n, claimedAt: now }],
    leaseUntil: addMinutes(now, policy.attemptLeaseMinutes),
    updatedAt: now,
    version: job.version + 1,
  };
}

function updateCurrentAttempt(job: CallJob, change: Partial<CallAttempt>): readonly CallAttempt[] {
  return job.attempts.map((a) => (a.n === job.attempt ? { ...a, ...change } : a));
}

/** The call of the current attempt is still live after its lease: keep the slot for another lease. */
export function extendLease(job: CallJob, now: string, policy: DialerPolicy): CallJob {
  return {
    ...job,
    leaseUntil: addMinutes(now, policy.attemptLeaseMinutes),
    updatedAt: now,
    version: job.version + 1,
  };
}

/** Connect accepted the call: remember its contact so events and flow answers find the job. */
export function recordContactStarted(job: CallJob, contactId: string, now: string): CallJob {
  return {
    ...job,
    attempts: updateCurrentAttempt(job, { contactId }),
    updatedAt: now,
    version: job.version + 1,
  };
}

/** Connect throttled the start: the attempt never rang, so it is given back and retried shortly. */
export function releaseThrottledAttempt(job: CallJob, now: string, retryAfterSeconds: number): CallJob {
  if (job.state !== 'dialing') return job;
  const { leaseUntil: _lease, ...rest } = job;
  return {
    ...rest,
    state: 'pending',
    attempt: job.attempt - 1,
    attempts: job.attempts.filter((a) => a.n !== job.attempt),
    nextAttemptAt: new Date(new Date(now).getTime() + retryAfterSeconds * 1000).toISOString(),
    updatedAt: now,
    version: job.version + 1,
  };
}

/**
 * The outbound flow heard the customer (identity confirmed, answers given). The job stays `dialing` until
 * the call has really ended (its Connect slot is still taken); a repeated answer merges.
 */
export function recordAnswer(
  job: CallJob,
  attempt: number,
  answer: { readonly reached: boolean; readonly data?: Readonly<Record<string, string>> },
  now: string,
): CallJob | undefined {
  const current = job.attempts.find((a) => a.n === attempt);
  if (job.state !== 'dialing' || attempt !== job.attempt || !current || current.outcome) return undefined;
  return {
    ...job,
    attempts: job.attempts.map((a) =>
      a.n === attempt ? { ...a, ...(answer.reached ? { reached: true } : { wrongPerson: true }) } : a,
    ),
    ...(answer.data ? { result: { ...job.result, ...answer.data } } : {}),
    updatedAt: now,
    version: job.version + 1,
  };
}

/**
 * A claim lost before Connect named its contact (the process died between the claim and the start) is not
 * known to have rung anyone: it is tried again at once, with a new attempt number (a new ClientToken), and
 * does not use up one of the job's attempts, so a crash never drops a customer. At most this many such
 * claims are forgiven per job.
 */
const UNSTARTED_RETRIES = 2;

/** Attempts count against maxAttempts, all but claims lost before their call was started. */
function hasAttemptLeft(job: Pick<CallJob, 'attempt' | 'attempts' | 'maxAttempts'>): boolean {
  const used = job.attempts.filter((a) => !(a.outcome === 'lost' && !a.contactId)).length;
  return used < job.maxAttempts && job.attempt < job.maxAttempts + UNSTARTED_RETRIES;
}

export type AttemptDecision =
  | { readonly kind: 'reached'; readonly job: CallJob }
  | { readonly kind: 'retry'; readonly job: CallJob }
  /** Attempts are used up: the caller sends the fallback, then saves finishNotReached(job). */
  | { readonly kind: 'exhausted'; readonly job: CallJob }
  /** Already ended (a duplicate event): nothing to do. */
  | { readonly kind: 'ignored'; readonly job: CallJob };

/**
 * The call of an attempt has ended (contact event, a refused start, or a lost lease). An attempt the flow
 * marked as reached counts as reached whatever the line did afterwards. Duplicate deliveries are ignored,
 * so each attempt has exactly one outcome.
 */
export function endAttempt(
  job: CallJob,
  attempt: number,
  lineOutcome: Exclude<AttemptOutcome, 'reached'>,
  now: string,
  policy: DialerPolicy,
): AttemptDecision {
  const current = job.attempts.find((a) => a.n === attempt);
  if (job.state !== 'dialing' || attempt !== job.attempt || !current || current.outcome) {
    return { kind: 'ignored', job };
  }
  const { leaseUntil: _lease, ...rest } = job;
  const outcome: AttemptOutcome = current.reached
    ? 'reached'
    : current.wrongPerson
      ? 'wrong_person'
      : lineOutcome;
  const attempts = job.attempts.map((a) => (a.n === attempt ? { ...a, endedAt: now, outcome } : a));
  if (outcome === 'reached') {
    return {
      kind: 'reached',
      job: {
        ...rest,
        state: 'reached',
        attempts,
        updatedAt: now,
        finishedAt: now,
        version: job.version + 1,
      },
    };
  }
  const unstarted = outcome === 'lost' && !current.contactId;
  if (hasAttemptLeft({ ...job, attempts })) {
    const backoff = unstarted
      ? 0
      : (policy.backoffMinutes[Math.min(job.attempt - 1, policy.backoffMinutes.length - 1)] ?? 10);
    return {
      kind: 'retry',
      job: {
        ...rest,
        state: 'pending',
        attempts,
        nextAttemptAt: callableAt(job, addMinutes(now, backoff), policy),
        updatedAt: now,
        version: job.version + 1,
      },
    };
  }
  return { kind: 'exhausted', job: { ...rest, state: 'dialing', attempts, updatedAt: now } };
}

/**
 * The final state of a job whose attempts are used up. With `emailFallback` the job records an e-mail owed
 * (sentAt unset); whoever saved this state sends it and then marks it with fallbackSent.
 */
export function finishNotReached(job: CallJob, now: string, emailFallback: boolean): CallJob {
  const { leaseUntil: _lease, ...rest } = job;
  return {
    ...rest,
    state: 'not_reached',
    ...(emailFallback ? { fallback: { channel: 'email' } } : {}),
    updatedAt: now,
    finishedAt: now,
    version: job.version + 1,
  };
}

export function fallbackSent(job: CallJob, now: string): CallJob {
  return {
    ...job,
    fallback: { channel: 'email', sentAt: now },
    updatedAt: now,
    version: job.version + 1,
  };
}

export function cancelCallJob(job: CallJob, now: string): CallJob {
  if (isFinalCallJob(job)) {
    throw new TransitionNotAllowedError(`Call job ${job.id} has already ended (${job.state})`);
  }
  if (job.state === 'dialing') {
    throw new TransitionNotAllowedError(`Call job ${job.id} is ringing now; it cannot be cancelled`);
  }
  return { ...job, state: 'cancelled', updatedAt: now, finishedAt: now, version: job.version + 1 };
}

/** ClientToken for StartOutboundVoiceContact: the same job and attempt always give the same token. */
export function clientTokenInput(job: Pick<CallJob, 'id' | 'attempt'>): string {
  return `${job.id}#${job.attempt}`;
}
