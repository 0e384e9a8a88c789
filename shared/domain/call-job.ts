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
  /** The call was stopped on purpose (the job was cancelled while it rang): never retried. */
  'stopped',
] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];

export interface CallAttempt {
  readonly n: number;
  readonly claimedAt: string;
  /** The number this attempt rang (absent on attempts stored before jobs had several numbers: `phone`). */
  readonly phone?: string;
  /** The round it belongs to: each of the job's numbers once, in order (absent on older attempts: n). */
  readonly round?: number;
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
  /** E.164; the first of `phones`. */
  readonly phone: string;
  /**
   * Every number a round rings, in order, when there are several (a customer with several numbers, or a
   * household behind shared numbers); absent when `phone` is the only one.
   */
  readonly phones?: readonly string[];
  readonly email?: string;
  /** Every address the fallback e-mail goes to, once each, when there are several; absent: `email` only. */
  readonly emails?: readonly string[];
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
  /** Rounds allowed (a round rings each of the job's numbers once; with one number, a round is one ring). */
  readonly maxAttempts: number;
  readonly attempts: readonly CallAttempt[];
  /** A dialing attempt not ended by then counts as lost (repairs a missed contact event). */
  readonly leaseUntil?: string;
  /** Answers collected by the outbound flow, e.g. { rating: '2' }. */
  readonly result?: Readonly<Record<string, string>>;
  /** E-mail owed after the calls; `sentTo` the addresses done so far, `sentAt` when all are done. */
  readonly fallback?: {
    readonly channel: 'email';
    readonly sentAt?: string;
    readonly sentTo?: readonly string[];
  };
  /** The job was cancelled while its call rang: the call is being stopped and its attempt is not retried. */
  readonly stopRequestedAt?: string;
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
  /** Further numbers to ring in each round after `phone`, in order. */
  readonly morePhones?: readonly string[];
  readonly email?: string;
  /** Further addresses for the fallback e-mail after `email`. */
  readonly moreEmails?: readonly string[];
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

const distinct = (values: readonly string[]): string[] => [...new Set(values)];

export function newCallJob(input: NewCallJob, now: string, policy: DialerPolicy): CallJob {
  const phones = distinct([input.phone, ...(input.morePhones ?? [])]);
  if (!phones.every((p) => /^\+[1-9]\d{6,14}$/.test(p))) {
    throw new InvalidInputError('The phone number must be in E.164 form', 'phone');
  }
  const emails = input.email ? distinct([input.email, ...(input.moreEmails ?? [])]) : [];
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
    ...(phones.length > 1 ? { phones } : {}),
    ...(input.email ? { email: input.email } : {}),
    ...(emails.length > 1 ? { emails } : {}),
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

/** The numbers one round rings, in order. */
export function roundNumbers(job: Pick<CallJob, 'phone' | 'phones'>): readonly string[] {
  return job.phones && job.phones.length > 0 ? job.phones : [job.phone];
}

/** Whether the dialer may claim the job's next attempt now. */
export function isDialable(job: CallJob, now: string): boolean {
  return job.state === 'pending' && job.nextAttemptAt <= now && nextRing(job) !== undefined;
}

/** pending -> dialing, attempt n+1 (the store makes this a conditional write). */
export function claimAttempt(job: CallJob, now: string, policy: DialerPolicy): CallJob {
  if (!isDialable(job, now)) {
    throw new TransitionNotAllowedError(`Call job ${job.id} is not due for a call (${job.state})`);
  }
  const n = job.attempt + 1;
  const ring = nextRing(job) as Ring;
  return {
    ...job,
    state: 'dialing',
    attempt: n,
    attempts: [...job.attempts, { n, claimedAt: now, phone: ring.phone, round: ring.round }],
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

export interface Ring {
  readonly phone: string;
  readonly round: number;
}

const unstarted = (a: CallAttempt): boolean => a.outcome === 'lost' && !a.contactId;

/**
 * The number the next attempt rings, and its round: the first number to begin with; after an attempt that
 * did not reach anyone, the next number of the same round (at once), or, after the round's last number, the
 * first number of the next round (after the back-off). A claim lost before its call started rings the same
 * number again. Undefined when the rounds (`maxAttempts`) are used up.
 */
export function nextRing(
  job: Pick<CallJob, 'phone' | 'phones' | 'attempt' | 'attempts' | 'maxAttempts'>,
): Ring | undefined {
  const numbers = roundNumbers(job);
  if (job.attempt >= job.maxAttempts * numbers.length + UNSTARTED_RETRIES) return undefined;
  const last = job.attempts[job.attempts.length - 1];
  let ring: Ring;
  if (!last) ring = { phone: numbers[0] as string, round: 1 };
  else {
    const phone = last.phone ?? job.phone;
    const round = last.round ?? last.n;
    const next = numbers[numbers.indexOf(phone) + 1];
    if (unstarted(last)) ring = { phone, round };
    else if (next !== undefined) ring = { phone: next, round };
    else ring = { phone: numbers[0] as string, round: round + 1 };
  }
  return ring.round <= job.maxAttempts ? ring : undefined;
}

/** The number the current attempt rings. */
export function currentNumber(job: Pick<CallJob, 'phone' | 'attempt' | 'attempts'>): string {
  return job.attempts.find((a) => a.n === job.attempt)?.phone ?? job.phone;
}

export type AttemptDecision =
  | { readonly kind: 'reached'; readonly job: CallJob }
  | { readonly kind: 'retry'; readonly job: CallJob }
  /** Attempts are used up: the caller sends the fallback, then saves finishNotReached(job). */
  | { readonly kind: 'exhausted'; readonly job: CallJob }
  /** The job was cancelled while this attempt rang: it ends cancelled, nothing is retried. */
  | { readonly kind: 'stopped'; readonly job: CallJob }
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
    : job.stopRequestedAt
      ? 'stopped'
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
  if (outcome === 'stopped') {
    return {
      kind: 'stopped',
      job: {
        ...rest,
        state: 'cancelled',
        attempts,
        updatedAt: now,
        finishedAt: now,
        version: job.version + 1,
      },
    };
  }
  const ring = nextRing({ ...job, attempts });
  if (ring) {
    const round = current.round ?? current.n;
    // The next number of the same round rings at once; a new round waits for the back-off after this one.
    const backoff =
      ring.round === round
        ? 0
        : (policy.backoffMinutes[Math.min(round - 1, policy.backoffMinutes.length - 1)] ?? 10);
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

/** Every address the fallback e-mail goes to, each once. */
export function fallbackAddresses(job: Pick<CallJob, 'email' | 'emails'>): readonly string[] {
  if (job.emails && job.emails.length > 0) return job.emails;
  return job.email ? [job.email] : [];
}

/** Addresses the owed fallback e-mail has not gone to yet. */
export function fallbackOwedTo(job: CallJob): readonly string[] {
  if (!job.fallback || job.fallback.sentAt) return [];
  const done = job.fallback.sentTo ?? [];
  return fallbackAddresses(job).filter((a) => !done.includes(a));
}

/** The fallback went to `to` (all addresses when omitted); sent once every address has it. */
export function fallbackSent(job: CallJob, now: string, to?: string): CallJob {
  const all = fallbackAddresses(job);
  const sentTo = to ? [...new Set([...(job.fallback?.sentTo ?? []), to])] : [...all];
  const done = all.every((a) => sentTo.includes(a));
  return {
    ...job,
    fallback: { channel: 'email', ...(done ? { sentAt: now } : {}), ...(all.length > 1 ? { sentTo } : {}) },
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

/**
 * Cancel a job whose call is ringing: the call is to be stopped (StopContact), and however its attempt ends
 * it ends the job as cancelled (unless the customer was already heard). Asking twice changes nothing.
 */
export function requestStop(job: CallJob, now: string): CallJob {
  if (job.state !== 'dialing') {
    throw new TransitionNotAllowedError(`Call job ${job.id} is not ringing (${job.state})`);
  }
  if (job.stopRequestedAt) return job;
  return { ...job, stopRequestedAt: now, updatedAt: now, version: job.version + 1 };
}

/** ClientToken for StartOutboundVoiceContact: the same job and attempt always give the same token. */
export function clientTokenInput(job: Pick<CallJob, 'id' | 'attempt'>): string {
  return `${job.id}#${job.attempt}`;
}
