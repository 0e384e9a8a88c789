import { RESULT_EVENT_TYPES } from '#shared/domain/answer-promise';
import { DEADLINE_CHECK_FUNCTION_ID } from '#shared/domain/deadline-schedules';
import { archiveDue, retentionTimerName } from '#shared/domain/retention';
import type { Ticket } from '#shared/domain/ticket';
import type { Dependencies } from '#shared/ports/dependencies';
import { keepAnswerPromises } from '#shared/use-cases/callbacks';
import { mailBreach, queueProgressNotice, setTicketTimers } from '#shared/use-cases/deadlines';
import { eraseArchivedComplaintCopies } from '#shared/use-cases/erasure';
import { linkNewComplaint } from '#shared/use-cases/incidents';
import { mailRemedyActionLate } from '#shared/use-cases/remedies';
import { cancelPendingSurvey, mailLowRating, queueSurvey } from '#shared/use-cases/survey';
import type { Reaction, TicketEventKey } from './reaction';

/** The complaint as it is now; a reaction to an erased or missing complaint has nothing to do. */
async function currentTicket(deps: Dependencies, id: string): Promise<Ticket | undefined> {
  return deps.tickets.get(id);
}

/** The change's timers: set those it started, clear those it ended; the others are left alone. */
export const ticketTimers: Reaction<TicketEventKey> = {
  name: 'ticket-timers',
  when: (input) => input.timers !== undefined,
  run: async (deps, { timers }) => {
    await setTicketTimers(deps, timers?.set ?? []);
    for (const name of timers?.clear ?? []) await deps.timer.clearTimer(name);
  },
};

/** A complaint from an open incident's area, during it, is linked to the incident. */
export const linkToOpenIncidents: Reaction<'ticket.registered'> = {
  name: 'link-to-open-incidents',
  run: async (deps, { event }) => {
    const ticket = await currentTicket(deps, event.ticketId);
    if (ticket) await linkNewComplaint(deps, ticket);
  },
};

/** A result (progress, department result, resolution) keeps the promise of an answer: its call is cancelled. */
export const keepPromisedAnswers: Reaction<TicketEventKey> = {
  name: 'keep-answer-promises',
  when: ({ event }) => RESULT_EVENT_TYPES.includes(event.type),
  run: async (deps, { event }) => {
    const ticket = await currentTicket(deps, event.ticketId);
    if (ticket) await keepAnswerPromises(deps, ticket, event);
  },
};

/** Resolved: the satisfaction call of this resolution (not if it was reopened or closed since). */
export const satisfactionSurvey: Reaction<'ticket.resolved'> = {
  name: 'satisfaction-survey',
  run: async (deps, { event }) => {
    const ticket = await currentTicket(deps, event.ticketId);
    if (ticket?.status === 'resolved') await queueSurvey(deps, ticket);
  },
};

/** Closed: archived (its personal data destroyed) once the retention period has passed. */
export const retentionTimer: Reaction<'ticket.closed'> = {
  name: 'retention-timer',
  run: async (deps, { event }) => {
    await deps.timer.setTimer(
      retentionTimerName(event.ticketId),
      archiveDue(event.at, deps.config.deadlines.archiveAfterDays),
      { functionId: DEADLINE_CHECK_FUNCTION_ID, input: { kind: 'retention', ticketId: event.ticketId } },
    );
  },
};

/** Archived: the customer's data is erased everywhere it was copied (call jobs, the complaint's history). */
export const erasePersonalDataCopies: Reaction<'ticket.archived'> = {
  name: 'erase-personal-data-copies',
  run: async (deps, { event }) => {
    await eraseArchivedComplaintCopies(deps, event.ticketId);
  },
};

/** Closed by staff before the survey call rang: the call is not made. */
export const cancelSurveyOnClose: Reaction<'ticket.closed'> = {
  name: 'cancel-survey-on-close',
  when: ({ event }) => event.data.via === 'staff',
  run: async (deps, { event }) => {
    const ticket = await currentTicket(deps, event.ticketId);
    if (ticket) await cancelPendingSurvey(deps, ticket);
  },
};

/** A missed deadline: counted (metric) and the supervisor e-mailed. */
export const breachEscalation: Reaction<'ticket.deadline_breached'> = {
  name: 'breach-escalation',
  run: async (deps, { event }) => {
    const ticket = await currentTicket(deps, event.ticketId);
    if (ticket) await mailBreach(deps, ticket, event);
  },
};

/** Another period open: the customer is told of the progress (a call, else e-mail). */
export const progressNotice: Reaction<'ticket.progress_notice_queued'> = {
  name: 'progress-notice',
  run: async (deps, { event }) => {
    const ticket = await currentTicket(deps, event.ticketId);
    if (ticket) await queueProgressNotice(deps, ticket, Number(event.data.occurrence) || 1);
  },
};

/** A low satisfaction rating reopened the complaint: the manager is e-mailed to review it. */
export const lowRatingMail: Reaction<'ticket.escalated'> = {
  name: 'low-rating-mail',
  when: ({ event }) => event.data.to === 'manager',
  run: async (deps, { event }) => {
    const ticket = await currentTicket(deps, event.ticketId);
    if (ticket) await mailLowRating(deps, ticket, Number(event.data.rating));
  },
};

/** A remedy action late: counted and the supervisor e-mailed. */
export const remedyActionLate: Reaction<'ticket.remedy_action_overdue'> = {
  name: 'remedy-action-late',
  run: async (deps, { event }) => {
    const ticket = await currentTicket(deps, event.ticketId);
    if (ticket) await mailRemedyActionLate(deps, ticket, event);
  },
};
