import { lastFourDigits } from './phone';
import { allowedRemedyActions, remedyViews } from './remedy';
import { type Actor, allowedActions, isOverdue, nextDeadline, type Ticket } from './ticket';

/**
 * The complaint views the API answers with (`GET /api/tickets/{id}`, the queue's list), so the portal reads
 * the same types the handlers build.
 */
/** A ticket as staff see it in full, with what they may do next. */
export function ticketView(ticket: Ticket, actor: Actor, now: string) {
  return {
    ...ticket,
    repeatCaller: ticket.repeatCaller === true,
    overdue: isOverdue(ticket, now),
    nextDeadline: nextDeadline(ticket) ?? null,
    allowedActions: [...allowedActions(ticket, actor), ...allowedRemedyActions(ticket, actor)],
    remedies: remedyViews(ticket, actor),
  };
}

/** A ticket in a list: personal data masked, so listing is not a read of personal data. */
export function ticketSummary(ticket: Ticket, now: string) {
  return {
    id: ticket.id,
    number: ticket.number,
    version: ticket.version,
    status: ticket.status,
    severity: ticket.severity,
    channel: ticket.channel,
    category: ticket.category,
    department: ticket.department ?? null,
    assignee: ticket.assignee ?? null,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    customer: { initials: initials(ticket.customer.name), phoneLast4: lastFourDigits(ticket.customer.phone) },
    repeatCaller: ticket.repeatCaller === true,
    overdue: isOverdue(ticket, now),
    nextDeadline: nextDeadline(ticket) ?? null,
  };
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${part[0]?.toUpperCase() ?? ''}.`)
    .join(' ');
}

/** A complaint in full, as `GET /api/tickets/{id}` answers it. */
export type TicketView = ReturnType<typeof ticketView>;
/** A complaint in the queue's list (`GET /api/tickets`). */
export type TicketSummary = ReturnType<typeof ticketSummary>;
