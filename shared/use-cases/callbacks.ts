import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ANSWER_PROMISE_PURPOSE,
  ANSWER_PROMISE_REASON,
  assertPromisable,
  isAnswerPromise,
  isResultSince,
  promisedAt,
  promisedCallMessage,
  RESULT_EVENT_TYPES,
} from '#shared/domain/answer-promise';
import {
  type CallbackReason,
  type CallJob,
  type CallPriority,
  cancelCallJob,
  newCallJob,
} from '#shared/domain/call-job';
import {
  assertNotHotlineNumber,
  earliestRing,
  holdUntilCallEnds,
  releaseAfterCall,
} from '#shared/domain/callback-request';
import { asTicketEvents } from '#shared/domain/deadline-schedules';
import { ConflictError, ForbiddenError, NotFoundError } from '#shared/domain/errors';
import { toE164 } from '#shared/domain/phone';
import { type Actor, applyAction, hasRole, type Ticket, type TicketEvent } from '#shared/domain/ticket';
import type { CallJobFilter } from '#shared/ports/call-jobs';
import type { Dependencies } from '#shared/ports/dependencies';
import type { Mail } from '#shared/ports/mailer';
import type { IdempotencyRecord, Page } from '#shared/ports/ticket-store';
import { normalisePhone } from './complaints';
import { changeTicketAsSystem, SYSTEM_ACTOR } from './deadlines';
import { enqueueNewCallJob, wakeDialer } from './dialer';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

export interface CallbackRequest {
  readonly phone: string;
  readonly ticketId?: string;
  /** A complaint number typed on a keypad may be wrong: the phone books without it instead of refusing. */
  readonly unknownTicket?: 'refuse' | 'book_without';
  readonly reason: CallbackReason;
  readonly priority?: 'emergency' | 'callback';
  readonly requestedBy: Actor;
  /** The caller's own inbound call that asks for it: the callback does not ring before that call ends. */
  readonly onCall?: string;
  /** Idempotency-Key (namespaced by the caller) and a hash of the request. */
  readonly idempotency?: IdempotencyRecord;
}

export interface CallbackAnswer {
  readonly jobId: string;
  /** When it rings at the earliest (after calling hours; for a call still going on, a moment after it ends). */
  readonly dueAt: string;
  /** The number already had an open callback: this request joined it, nothing new rings. */
  readonly joined: boolean;
  /** The same Idempotency-Key was used before with the same request: its answer again. */
  readonly replayed: boolean;
}

/**
 * Books a callback as a call job of the one dialer and returns when it will ring.
 *   Input: the number, optionally a complaint, why, who asks; from a call, that call; from the API, a key.
 *   Output: the job (new, or the number's open callback joined) and when it rings.
 *   Primary course: the number is not the hotline's own (400), the complaint exists (404), the job is stored
 *   in one transaction with its number's open-callback marker and its key; then the dialer is woken.
 * Ordinary callbacks wait for calling hours (an after-hours request rings at the next opening); an emergency
 * overflow rings at once; a bad line on our side is called back within minutes; one asked for on a call is
 * held until that call has ended (released by the contact event, see callbackCallEnded).
 */
export async function requestCallback(deps: Dependencies, input: CallbackRequest): Promise<CallbackAnswer> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const phone = normalisePhone(input.phone, deps.config, 'phone');
  const dialer = deps.config.dialer;
  const hotline = dialer.sourcePhoneNumber
    ? toE164(dialer.sourcePhoneNumber, deps.config.defaultPhoneRegion)
    : undefined;
  assertNotHotlineNumber(phone, hotline, 'phone');
  const priority: CallPriority =
    input.priority ?? (input.reason === 'emergency_overflow' ? 'emergency' : 'callback');
  const ticket = input.ticketId ? await deps.tickets.get(input.ticketId) : undefined;
  if (input.ticketId && !ticket && input.unknownTicket !== 'book_without') {
    throw new NotFoundError(`ticketId: no complaint ${input.ticketId}`, 'ticketId');
  }
  const dueAt =
    input.reason === 'bad_line'
      ? new Date(now.getTime() + dialer.badLineCallbackMinutes * 60_000).toISOString()
      : nowIso;
  const booked = newCallJob(
    {
      id: `callback-${randomUUID()}`,
      kind: priority === 'emergency' ? 'emergency' : 'callback',
      priority,
      phone,
      ...(ticket
        ? {
            ticketId: ticket.id,
            customerName: ticket.customer.name,
            ...(ticket.customer.email ? { email: ticket.customer.email } : {}),
          }
        : {}),
      reason: input.reason,
      timeZone: dialer.customerTimeZone,
      dueAt,
      // The customer was on the line with us a moment ago: a bad line is made good at once.
      respectsCallingHours: priority !== 'emergency' && input.reason !== 'bad_line',
      requestedBy: input.requestedBy.username,
    },
    nowIso,
    dialer.policy,
  );
  const job = input.onCall ? holdUntilCallEnds(booked, input.onCall, nowIso) : booked;
  // Saved with the job (only when a new one is booked): the complaint's timeline shows the callback.
  const [event] = ticket
    ? asTicketEvents([
        {
          ticketId: ticket.id,
          type: 'callback_requested',
          at: nowIso,
          actor: input.requestedBy.username,
          version: ticket.version,
          data: {
            jobId: job.id,
            reason: input.reason,
            priority,
            dueAt: earliestRing(job, nowIso, dialer.policy),
          },
        },
      ])
    : [];
  const booking = await deps.callbackBookings.book(job, {
    ...(input.idempotency ? { idempotency: input.idempotency } : {}),
    ...(event ? { ticketEvent: event } : {}),
  });
  if (booking.kind === 'replayed') {
    if (booking.fingerprint !== input.idempotency?.fingerprint) {
      throw new ConflictError(
        'Idempotency-Key: this key was already used for a different callback request',
        'Idempotency-Key',
      );
    }
    const first = await deps.callJobs.get(booking.jobId);
    return {
      jobId: booking.jobId,
      dueAt: first ? earliestRing(first, nowIso, dialer.policy) : job.nextAttemptAt,
      joined: booking.joined,
      replayed: true,
    };
  }
  if (booking.kind === 'joined') {
    const open = input.onCall ? await holdJoined(deps, booking.job, input.onCall) : booking.job;
    return {
      jobId: open.id,
      dueAt: earliestRing(open, nowIso, dialer.policy),
      joined: true,
      replayed: false,
    };
  }
  // The call had ended before its link was written: nothing to wait for.
  const stored =
    (booking.callEndedAt && input.onCall
      ? await releaseHeldCallback(deps, booking.job, input.onCall, booking.callEndedAt)
      : undefined) ?? booking.job;
  await wakeDialer(deps, stored.nextAttemptAt).catch((error: unknown) => {
    // The job is stored: the sweep wakes the dialer for due jobs it finds.
    logger.warn('Dialer wake-up not scheduled', { jobId: stored.id, errorName: (error as Error)?.name });
  });
  return {
    jobId: stored.id,
    dueAt: earliestRing(stored, nowIso, dialer.policy),
    joined: false,
    replayed: false,
  };
}

/** A caller who asks again on a new call joins their waiting callback: it waits for this call to end too. */
async function holdJoined(deps: Dependencies, open: CallJob, contactId: string): Promise<CallJob> {
  if (open.state !== 'pending' || open.heldForContact === contactId) return open;
  const held = {
    ...holdUntilCallEnds(open, contactId, deps.clock.now().toISOString()),
    updatedAt: deps.clock.now().toISOString(),
    version: open.version + 1,
  };
  // Ringing or changed meanwhile, or this call already over: the job stays as it is.
  return (await deps.callbackBookings.holdFor(held, open.version)) === 'held' ? held : open;
}

/** The held job may ring from a moment after its call ended: saved, and the dialer woken for then. */
async function releaseHeldCallback(
  deps: Dependencies,
  job: CallJob,
  contactId: string,
  endedAt: string,
): Promise<CallJob | undefined> {
  let current: CallJob | undefined = job;
  for (let tries = 0; tries < 3 && current; tries++) {
    const released = releaseAfterCall(
      current,
      contactId,
      endedAt,
      deps.clock.now().toISOString(),
      deps.config.dialer.policy,
    );
    if (!released) return undefined;
    if (await deps.callJobs.save(released, current.version)) {
      await wakeDialer(deps, released.nextAttemptAt);
      return released;
    }
    current = await deps.callJobs.get(job.id);
  }
  return undefined;
}

/**
 * A caller's inbound call ended (Connect contact event): the callback they asked for on it, if any, may
 * now ring (a short gap after the end). A redelivered event finds nothing held and changes nothing.
 */
export async function callbackCallEnded(
  deps: Dependencies,
  contactId: string,
  endedAt: string,
): Promise<CallJob | undefined> {
  const jobId = await deps.callbackBookings.callEnded(contactId, endedAt);
  const job = jobId ? await deps.callJobs.get(jobId) : undefined;
  return job ? releaseHeldCallback(deps, job, contactId, endedAt) : undefined;
}

/** Staff view of the dialer's work: callbacks, surveys, progress notices, emergencies. */
export async function listCallJobs(
  deps: Dependencies,
  actor: Actor,
  filter: CallJobFilter,
  page: { limit: number; cursor?: string },
): Promise<Page<CallJob>> {
  if (!hasRole(actor, 'agent')) throw new ForbiddenError('Only staff may list call jobs');
  return deps.callJobs.list(filter, page);
}

export async function getCallJob(deps: Dependencies, actor: Actor, id: string): Promise<CallJob> {
  if (!hasRole(actor, 'agent')) throw new ForbiddenError('Only staff may read call jobs');
  const job = await deps.callJobs.get(id);
  if (!job) throw new NotFoundError(`No call job ${id}`);
  return job;
}

/** Cancel a job that has not ended and is not ringing right now. */
export async function cancelCallJobAsStaff(deps: Dependencies, actor: Actor, id: string): Promise<CallJob> {
  if (!hasRole(actor, 'agent')) throw new ForbiddenError('Only staff may cancel call jobs');
  const job = await deps.callJobs.get(id);
  if (!job) throw new NotFoundError(`No call job ${id}`);
  const cancelled = cancelCallJob(job, deps.clock.now().toISOString());
  if (!(await deps.callJobs.save(cancelled, job.version))) {
    throw new ConflictError(`Call job ${id} changed meanwhile; reload it`);
  }
  return cancelled;
}

/** A finished callback is a contact attempt on its complaint: reached, or not reached after every try. */
export async function callbackEnded(deps: Dependencies, job: CallJob): Promise<void> {
  if (!job.ticketId || (job.state !== 'reached' && job.state !== 'not_reached')) return;
  const outcome = job.state === 'reached' ? 'reached' : 'not_reached';
  await changeTicketAsSystem(deps, job.ticketId, (ticket, now) => {
    try {
      return applyAction(
        ticket,
        {
          type: 'recordContact',
          outcome,
          note: isAnswerPromise(job)
            ? `Promised answer: status ${outcome === 'reached' ? 'told' : 'not told'} on callback ${job.id}, ${job.attempt} attempt(s)`
            : `Callback ${job.id}, ${job.attempt} attempt(s)`,
        },
        { actor: SYSTEM_ACTOR, now, policy: deps.config.deadlinePolicy },
      );
    } catch {
      return undefined; // closed meanwhile: nothing to record
    }
  });
}

export function callbackFallbackMail(_deps: Dependencies, job: CallJob, to: string): Mail {
  const about = job.ticketId ? ` about your complaint ${job.ticketId}` : '';
  return {
    to,
    subject: job.ticketId
      ? `We tried to call you back (complaint ${job.ticketId})`
      : 'We tried to call you back',
    text:
      `We tried to call you back${about} ${job.attempt} time(s) but could not reach you.\n` +
      'Please call the complaint hotline at a time that suits you, and we will be glad to help.',
  };
}

// --- "within half an hour": a promised answer ------------------------------------------------------

export interface AnswerPromise {
  readonly jobId: string;
  readonly promisedAt: string;
  /** When the half hour is up. */
  readonly dueAt: string;
  /** When the call rings: dueAt, or the next opening of calling hours in the customer's time zone. */
  readonly callAt: string;
}

/** Every promised-answer callback of a complaint, ended or not. */
async function answerPromises(deps: Dependencies, ticketId: string): Promise<CallJob[]> {
  const all: CallJob[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const found = await deps.callJobs.list(
      { ticketId, kind: 'callback' },
      { limit: 50, ...(cursor ? { cursor } : {}) },
    );
    all.push(...found.items.filter(isAnswerPromise));
    cursor = found.nextCursor;
    if (!cursor) break;
  }
  return all;
}

/** A promised-answer callback that has not ended (waiting, or ringing now). */
const isOpenPromise = (job: CallJob) => job.state === 'pending' || job.state === 'dialing';

/** Promised-answer callbacks of a complaint that have not ended. */
async function openAnswerPromises(deps: Dependencies, ticketId: string): Promise<CallJob[]> {
  return (await answerPromises(deps, ticketId)).filter(isOpenPromise);
}

/**
 * Staff promise the customer an answer within half an hour (ANSWER_PROMISE_MINUTES): a callback due then,
 * and an `answer_promised` event. Refused on a closed complaint (409) and while an earlier promise is open.
 */
export async function promiseAnswer(
  deps: Dependencies,
  actor: Actor,
  ticketId: string,
): Promise<AnswerPromise> {
  if (!hasRole(actor, 'agent')) throw new ForbiddenError('Only staff may promise an answer');
  const ticket = await deps.tickets.get(ticketId);
  if (!ticket) throw new NotFoundError(`Complaint ${ticketId} not found`);
  assertPromisable(ticket);
  const promises = await answerPromises(deps, ticket.id);
  const earlier = promises.find(isOpenPromise);
  if (earlier) {
    throw new ConflictError(
      `An answer on complaint ${ticket.id} is already promised (call ${earlier.id}, due ${earlier.dueAt})`,
    );
  }
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const dialer = deps.config.dialer;
  const job = newCallJob(
    {
      // The n-th promise of this complaint: two promises made at the same moment both want this id, and the
      // conditional write lets only one have it.
      id: `callback-promise-${ticket.id}-${promises.length + 1}`,
      kind: 'callback',
      priority: 'callback',
      phone: ticket.customer.phone,
      customerName: ticket.customer.name,
      ...(ticket.customer.email ? { email: ticket.customer.email } : {}),
      ticketId: ticket.id,
      reason: ANSWER_PROMISE_REASON,
      timeZone: dialer.customerTimeZone,
      dueAt: new Date(now.getTime() + dialer.answerPromiseMinutes * 60_000).toISOString(),
      requestedBy: actor.username,
      attributes: { callbackPurpose: ANSWER_PROMISE_PURPOSE, promisedAt: nowIso },
    },
    nowIso,
    dialer.policy,
  );
  if (!(await enqueueNewCallJob(deps, job)))
    throw new ConflictError(`An answer on complaint ${ticket.id} was promised a moment ago`);
  const [event] = asTicketEvents([
    {
      ticketId: ticket.id,
      type: 'answer_promised',
      at: nowIso,
      actor: actor.username,
      version: ticket.version,
      data: {
        jobId: job.id,
        minutes: dialer.answerPromiseMinutes,
        dueAt: job.dueAt,
        callAt: job.nextAttemptAt,
      },
    },
  ]);
  if (event) await deps.tickets.appendEvent(event);
  return { jobId: job.id, promisedAt: nowIso, dueAt: job.dueAt, callAt: job.nextAttemptAt };
}

/**
 * Reaction to a result (progress, department result, resolution, whoever saved it): every open promise of
 * an answer is kept, so its call is cancelled and `answer_promise_kept` recorded. A call ringing right now
 * is left alone: it reads the complaint's news itself. A failure throws, so the reaction is retried.
 */
export async function keepAnswerPromises(
  deps: Partial<Dependencies>,
  ticket: Pick<Ticket, 'id' | 'version'>,
  event: Pick<TicketEvent, 'type' | 'actor' | 'at'>,
): Promise<void> {
  if (!RESULT_EVENT_TYPES.includes(event.type)) return;
  if (!deps.callJobs || !deps.tickets || !deps.clock || !deps.config) return;
  const full = deps as Dependencies;
  for (const job of await openAnswerPromises(full, ticket.id)) {
    if (job.state !== 'pending') continue;
    const now = full.clock.now().toISOString();
    if (!(await full.callJobs.save(cancelCallJob(job, now), job.version))) continue;
    const [kept] = asTicketEvents([
      {
        ticketId: ticket.id,
        type: 'answer_promise_kept',
        at: now,
        actor: event.actor,
        version: ticket.version,
        data: { jobId: job.id, by: event.type, promisedAt: promisedAt(job) ?? null },
      },
    ]);
    if (kept) await full.tickets.appendEvent(kept);
  }
}

export type PromisedCallAnswer =
  | { readonly outcome: 'ok'; readonly message: string; readonly news: boolean }
  /** Not a promise, or the customer has not confirmed who they are on this attempt: nothing is said. */
  | { readonly outcome: 'not_verified' | 'not_found' };

/**
 * What the promised call tells the customer who confirmed who they are: the complaint's status, and
 * whether a result came since the promise. Refuses (says nothing) unless this attempt was confirmed.
 */
export async function promisedCallStatus(
  deps: Dependencies,
  input: { jobId: string; attempt: number },
): Promise<PromisedCallAnswer> {
  const job = await deps.callJobs.get(input.jobId);
  const since = job ? promisedAt(job) : undefined;
  if (!job?.ticketId || since === undefined) return { outcome: 'not_found' };
  const attempt = job.attempts.find((a) => a.n === input.attempt);
  if (input.attempt !== job.attempt || !attempt?.reached) return { outcome: 'not_verified' };
  const ticket = await deps.tickets.get(job.ticketId);
  if (!ticket) return { outcome: 'not_found' };
  let news = false;
  let cursor: string | undefined;
  for (let page = 0; page < 20 && !news; page++) {
    const found = await deps.tickets.events(ticket.id, { limit: 100, ...(cursor ? { cursor } : {}) });
    news = found.items.some((e) => isResultSince(e, since));
    cursor = found.nextCursor;
    if (!cursor) break;
  }
  return { outcome: 'ok', message: promisedCallMessage(ticket, news), news };
}
