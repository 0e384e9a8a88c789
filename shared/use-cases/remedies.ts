import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { AppConfig } from '#shared/config';
import { ConflictError, NotFoundError } from '#shared/domain/errors';
import {
  applyRemedyCommand,
  checkRemedyAction,
  type ProposeRemedy,
  type RemedyActionTimerInput,
  type RemedyCommand,
  type RemedyPolicy,
} from '#shared/domain/remedy';
import type { Actor, Ticket, TicketEvent } from '#shared/domain/ticket';
import { remedyActionTicketTimers } from '#shared/domain/ticket-timers';
import type { Clock } from '#shared/ports/clock';
import type { Dependencies } from '#shared/ports/dependencies';
import type { TicketStore } from '#shared/ports/ticket-store';
import type { Timer } from '#shared/ports/timer';
import { changeTicketAsSystem, countBreach, SYSTEM_ACTOR, setTicketTimers } from './deadlines';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

/** What the remedy use cases need; the timer is optional so a test may leave it out. */
export interface RemedyDeps {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly tickets: TicketStore;
  readonly timer?: Timer;
}

export function remedyPolicy(config: AppConfig): RemedyPolicy {
  return {
    authorityAmount: config.remedy.authorityAmount,
    currency: config.remedy.currency,
    departments: config.departments,
  };
}

const shortId = () => randomUUID().replaceAll('-', '').slice(0, 10);

/** Apply one remedy step on the version the client saw (If-Match), then set or clear action timers. */
export async function changeRemedy(
  deps: RemedyDeps,
  actor: Actor,
  ticketId: string,
  expectedVersion: number,
  command: RemedyCommand,
): Promise<Ticket> {
  const ticket = await deps.tickets.get(ticketId);
  if (!ticket) throw new NotFoundError(`Complaint ${ticketId} not found`);
  if (ticket.version !== expectedVersion) {
    throw new ConflictError(
      `Complaint ${ticketId} is at version ${ticket.version}, not ${expectedVersion}; reload it and try again`,
      'If-Match',
    );
  }
  const { ticket: next, events } = applyRemedyCommand(ticket, command, {
    actor,
    now: deps.clock.now().toISOString(),
    policy: remedyPolicy(deps.config),
  });
  // The action timers follow the saved change (shared/reactions, ticket-timers).
  await deps.tickets.update(next, expectedVersion, events, ticket);
  return next;
}

export function proposeRemedy(
  deps: RemedyDeps,
  actor: Actor,
  ticketId: string,
  expectedVersion: number,
  remedy: ProposeRemedy,
): Promise<Ticket> {
  return changeRemedy(deps, actor, ticketId, expectedVersion, {
    type: 'proposeRemedy',
    remedyId: shortId(),
    actionIds: remedy.actions.map(() => shortId()),
    remedy,
  });
}

/** The timers of a complaint's open remedy actions, set again; a failure is logged (its sweep-free repair). */
async function setRemedyActionTimers(deps: Dependencies, ticket: Ticket): Promise<void> {
  try {
    await setTicketTimers(deps, remedyActionTicketTimers(ticket));
  } catch (error) {
    logger.error('Remedy action timers not synchronised', {
      ticketId: ticket.id,
      errorName: (error as Error)?.name,
    });
  }
}

export type RemedyActionCheckResult = 'stale' | 'rescheduled' | 'escalated';

/** Target of a remedy action's timer: a late open action is escalated to the supervisor, once. */
export async function runRemedyActionCheck(
  deps: Dependencies,
  input: RemedyActionTimerInput,
): Promise<RemedyActionCheckResult> {
  let result = 'stale' as RemedyActionCheckResult;
  // The supervisor's mail and the metric follow the saved `remedy_action_overdue` (shared/reactions).
  await changeTicketAsSystem(deps, input.ticketId, (ticket, now) => {
    const check = checkRemedyAction(ticket, input, now, deps.config.deadlinePolicy, SYSTEM_ACTOR.username);
    if (check.kind === 'early') result = 'rescheduled';
    if (check.kind !== 'overdue') return undefined;
    result = 'escalated';
    return { ticket: check.ticket, events: check.events };
  });
  if (result === 'rescheduled') {
    const ticket = await deps.tickets.get(input.ticketId);
    if (ticket) await setRemedyActionTimers(deps, ticket);
  }
  return result;
}

/** Reaction to a late remedy action: counted (metric) and the supervisor e-mailed to follow it up. */
export async function mailRemedyActionLate(
  deps: Dependencies,
  ticket: Ticket,
  late: TicketEvent,
): Promise<void> {
  const { department, due, actionId, remedyId, points } = late.data;
  countBreach(deps, 'remedyAction', ticket.severity, new Date(late.at));
  logger.warn('Remedy action late', { ticketId: ticket.id, department });
  await deps.mailer.send({
    to: deps.config.deadlines.supervisorEmail,
    subject: `Remedy action late: complaint ${ticket.number} (${String(department)})`,
    text:
      `The ${String(department)} department has not reported its remedy action for complaint ` +
      `${ticket.number} (${ticket.severity}, ${ticket.category}) done; it was due ${String(due)}.\n` +
      `Action ${String(actionId)} of remedy ${String(remedyId)}. Owner: department:${String(department)}. ` +
      `Breach points: ${String(points)}.\n` +
      'Please follow it up with the department.',
  });
}
