import { randomUUID } from 'node:crypto';
import type { Dependencies } from '#shared/adapters/dependencies';
import {
  type CallbackReason,
  type CallJob,
  type CallPriority,
  cancelCallJob,
  newCallJob,
} from '#shared/domain/call-job';
import { asTicketEvents } from '#shared/domain/deadline-schedules';
import { ConflictError, ForbiddenError, NotFoundError } from '#shared/domain/errors';
import { type Actor, applyAction, hasRole } from '#shared/domain/ticket';
import type { CallJobFilter } from '#shared/ports/call-jobs';
import type { Mail } from '#shared/ports/mailer';
import type { Page } from '#shared/ports/ticket-store';
import { normalisePhone } from './complaints';
import { changeTicketAsSystem, SYSTEM_ACTOR } from './deadlines';
import { enqueueCallJob } from './dialer';

export interface CallbackRequest {
  readonly phone: string;
  readonly ticketId?: string;
  readonly reason: CallbackReason;
  readonly priority?: 'emergency' | 'callback';
  readonly requestedBy: Actor;
}

/**
 * Books a callback as a call job of the one dialer and returns when it will ring.
 * Ordinary callbacks wait for calling hours (an after-hours request rings at the next opening);
 * an emergency overflow rings at once; a bad line on our side is called back within minutes.
 */
export async function requestCallback(
  deps: Dependencies,
  input: {
    phone: string;
    ticketId?: string;
    reason: 'caller_request' | 'after_hours' | 'emergency_overflow' | 'bad_line';
    priority?: 'emergency' | 'callback';
    requestedBy: Actor;
  },
): Promise<{ jobId: string; dueAt: string }> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const phone = normalisePhone(input.phone, deps.config, 'phone');
  const priority: CallPriority =
    input.priority ?? (input.reason === 'emergency_overflow' ? 'emergency' : 'callback');
  // A ticket number typed on a keypad may be wrong: the callback is still owed, just without the link.
  const ticket = input.ticketId ? await deps.tickets.get(input.ticketId) : undefined;
  const dialer = deps.config.dialer;
  const dueAt =
    input.reason === 'bad_line'
      ? new Date(now.getTime() + dialer.badLineCallbackMinutes * 60_000).toISOString()
      : nowIso;
  const job = newCallJob(
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
  await enqueueCallJob(deps, job);
  if (ticket) {
    const [event] = asTicketEvents([
      {
        ticketId: ticket.id,
        type: 'callback_requested',
        at: nowIso,
        actor: input.requestedBy.username,
        version: ticket.version,
        data: { jobId: job.id, reason: input.reason, priority, dueAt: job.nextAttemptAt },
      },
    ]);
    if (event) await deps.tickets.appendEvent(event).catch(() => undefined);
  }
  return { jobId: job.id, dueAt: job.nextAttemptAt };
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
        { type: 'recordContact', outcome, note: `Callback ${job.id}, ${job.attempt} attempt(s)` },
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
