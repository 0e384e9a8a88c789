import { Logger } from '@aws-lambda-powertools/logger';
import { deskMetrics } from '#shared/desk-metric-names';
import { type CallJob, newCallJob } from '#shared/domain/call-job';
import {
  asTicketEvents,
  checkDeadline,
  type DeadlineTimerInput,
  type DeskEvent,
  overdueDeadlines,
} from '#shared/domain/deadline-schedules';
import { ConflictError } from '#shared/domain/errors';
import { archiveClosedComplaint, archiveDue } from '#shared/domain/retention';
import type { Actor, Ticket, TicketEvent } from '#shared/domain/ticket';
import { deadlineTicketTimers, type TicketTimer } from '#shared/domain/ticket-timers';
import type { Dependencies } from '#shared/ports/dependencies';
import type { Mail } from '#shared/ports/mailer';
import { enqueueCallJob, repairDialer } from './dialer';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

export const SYSTEM_ACTOR: Actor = { kind: 'system', username: 'system:deadlines' };

/** One DeadlineBreaches count per breach (the stateless stack alarms on it). */
export function countBreach(deps: Dependencies, deadline: string, severity: string, at: Date): void {
  deps.metrics.count(deskMetrics.deadlineBreaches, at, { deadline, severity });
}

/**
 * Change a ticket as the system, re-reading and re-deciding on a version conflict. `build` returns
 * undefined when nothing (any more) needs doing.
 */
export async function changeTicketAsSystem(
  deps: Dependencies,
  ticketId: string,
  build: (
    ticket: Ticket,
    now: string,
  ) => { ticket: Ticket; event?: DeskEvent; events?: readonly DeskEvent[] } | undefined,
): Promise<{ before: Ticket; after: Ticket } | undefined> {
  for (let tries = 0; tries < 5; tries++) {
    const ticket = await deps.tickets.get(ticketId);
    if (!ticket) return undefined;
    const change = build(ticket, deps.clock.now().toISOString());
    if (!change) return undefined;
    const events = change.events ?? (change.event ? [change.event] : []);
    try {
      await deps.tickets.update(change.ticket, ticket.version, asTicketEvents(events), ticket);
      return { before: ticket, after: change.ticket };
    } catch (error) {
      if (error instanceof ConflictError) continue;
      throw error;
    }
  }
  throw new ConflictError(`Complaint ${ticketId} kept changing`);
}

/** Set these timers of a complaint (one that exists already is left as it is: names are deterministic). */
export async function setTicketTimers(
  deps: Pick<Dependencies, 'timer'>,
  timers: readonly TicketTimer[],
): Promise<void> {
  for (const t of timers)
    await deps.timer.setTimer(t.name, t.due, { functionId: t.functionId, input: t.input });
}

export type DeadlineCheckResult = 'stale' | 'rescheduled' | 'breached' | 'progress_notice';

/** Target of a deadline timer: acts only if the deadline still applies (duplicate deliveries are harmless). */
export async function runDeadlineCheck(
  deps: Dependencies,
  input: DeadlineTimerInput,
): Promise<DeadlineCheckResult> {
  let outcome = 'stale' as DeadlineCheckResult;
  // The breach mail, the progress notice and the timers follow the saved events (shared/reactions).
  await changeTicketAsSystem(deps, input.ticketId, (ticket, now) => {
    const check = checkDeadline(ticket, input, now, deps.config.deadlinePolicy, SYSTEM_ACTOR.username);
    outcome = check.kind === 'early' ? 'rescheduled' : 'stale';
    if (check.kind === 'breach') {
      outcome = 'breached';
      const escalated: DeskEvent = {
        ...check.event,
        type: 'escalated',
        data: { to: 'supervisor', deadline: input.deadline, channel: 'email' },
      };
      return { ticket: check.ticket, events: [check.event, escalated] };
    }
    if (check.kind === 'progressNotice') {
      outcome = 'progress_notice';
      return { ticket: check.ticket, event: check.event };
    }
    return undefined;
  });
  if (outcome === 'rescheduled') {
    const ticket = await deps.tickets.get(input.ticketId);
    if (ticket) await setTicketTimers(deps, deadlineTicketTimers(ticket));
  }
  return outcome;
}

/** Reaction to a missed deadline: counted (metric) and the supervisor e-mailed to take it over. */
export async function mailBreach(deps: Dependencies, ticket: Ticket, breach: TicketEvent): Promise<void> {
  const { deadline, due, owner, points } = breach.data;
  countBreach(deps, String(deadline), ticket.severity, new Date(breach.at));
  logger.warn('Deadline breached', { ticketId: ticket.id, deadline, severity: ticket.severity });
  await deps.mailer.send({
    to: deps.config.deadlines.supervisorEmail,
    subject: `Deadline breached: complaint ${ticket.number} (${String(deadline)})`,
    text:
      `Complaint ${ticket.number} (${ticket.severity}, ${ticket.category}) missed its ${String(deadline)} ` +
      `deadline, due ${String(due)}. Owner: ${String(owner)}. Breach points: ${String(points)}.\n` +
      'The complaint is flagged in the portal; please take it over.',
  });
}

/** The customer is told of the progress of a complaint open for another period: a call, else e-mail. */
export async function queueProgressNotice(
  deps: Dependencies,
  ticket: Ticket,
  occurrence: number,
): Promise<CallJob> {
  const now = deps.clock.now().toISOString();
  return enqueueCallJob(
    deps,
    newCallJob(
      {
        id: `progress-${ticket.id}-${occurrence}`,
        kind: 'progress',
        phone: ticket.customer.phone,
        ...(ticket.customer.email ? { email: ticket.customer.email } : {}),
        customerName: ticket.customer.name,
        ticketId: ticket.id,
        reason: `progress notice ${occurrence}`,
        timeZone: deps.config.dialer.customerTimeZone,
        dueAt: now,
        requestedBy: SYSTEM_ACTOR.username,
        attributes: { ticketStatus: ticket.status },
      },
      now,
      deps.config.dialer.policy,
    ),
  );
}

export async function progressFallbackMail(deps: Dependencies, job: CallJob, to: string): Promise<Mail> {
  const ticket = job.ticketId ? await deps.tickets.get(job.ticketId) : undefined;
  return {
    to,
    subject: `Progress of your complaint ${job.ticketId ?? ''}`.trim(),
    text:
      `Your complaint ${job.ticketId ?? ''} is still being handled` +
      `${ticket ? ` (status: ${ticket.status.replace('_', ' ')})` : ''}. ` +
      'We are sorry it is taking this long; we will tell you again if it is not resolved within a day.',
  };
}

/**
 * The periodic sweep: deadlines past due whose timer was lost are checked now, the timers of the
 * remaining deadlines of those complaints are set again, and the dialer's leases and wake-ups repaired.
 */
export async function sweepDeadlines(deps: Dependencies): Promise<{ checked: number; breached: number }> {
  const now = deps.clock.now().toISOString();
  let checked = 0;
  let breached = 0;
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await deps.tickets.list({ overdueAt: now }, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const ticket of result.items) {
      for (const overdue of overdueDeadlines(ticket, now)) {
        checked += 1;
        if ((await runDeadlineCheck(deps, overdue)) === 'breached') breached += 1;
      }
      const fresh = await deps.tickets.get(ticket.id);
      if (fresh) await setTicketTimers(deps, deadlineTicketTimers(fresh)).catch(() => undefined);
    }
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  await repairDialer(deps);
  return { checked, breached };
}

/** Target of the retention timer: a closed complaint is archived and its personal data destroyed. */
export async function runRetention(deps: Dependencies, ticketId: string): Promise<'archived' | 'stale'> {
  const changed = await changeTicketAsSystem(deps, ticketId, (ticket, now) => {
    if (ticket.status !== 'closed') return undefined;
    // Reopened and closed again since: its own, later timer archives it.
    if (archiveDue(ticket.updatedAt, deps.config.deadlines.archiveAfterDays) > now) return undefined;
    return archiveClosedComplaint(ticket, now, SYSTEM_ACTOR.username);
  });
  return changed ? 'archived' : 'stale';
}
