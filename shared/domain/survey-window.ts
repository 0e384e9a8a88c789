import { addMinutes } from './severity';
import type { Ticket } from './ticket';

/** Catalog id of the function the survey window's timer fires (the deadline check also ends windows). */
export const SURVEY_WINDOW_FUNCTION_ID = 'DeadlineCheck';

export interface SurveyWindowTimerInput {
  readonly kind: 'surveyWindow';
  readonly ticketId: string;
  readonly due: string;
}

/** One window per resolution (a reopen and a new resolution get their own). */
export function surveyWindowTimerName(ticket: Pick<Ticket, 'id' | 'reopenCount'>): string {
  return `survey-window-${ticket.id}-${ticket.reopenCount}`;
}

/** The end of a survey nobody answered by phone: the e-mailed link's expiry, or now when nothing was mailed. */
export function surveyWindowEnd(mailedAt: string | undefined, now: string, linkDays: number): string {
  return mailedAt ? addMinutes(mailedAt, linkDays * 24 * 60) : now;
}

/** The timer a resolved complaint needs while its survey waits for the e-mailed answer. */
export function surveyWindowTimers(
  ticket: Ticket,
): { name: string; due: string; input: SurveyWindowTimerInput }[] {
  if (ticket.status !== 'resolved' || !ticket.surveyWindowEndsAt) return [];
  const due = ticket.surveyWindowEndsAt;
  return [
    { name: surveyWindowTimerName(ticket), due, input: { kind: 'surveyWindow', ticketId: ticket.id, due } },
  ];
}

/** The survey of this resolution is over unanswered at `due`: the complaint closes (still resolved only). */
export function surveyWindowEnded(ticket: Ticket, due: string, now: string): boolean {
  return ticket.status === 'resolved' && ticket.surveyWindowEndsAt === due && due <= now;
}
