import { DEADLINE_CHECK_FUNCTION_ID, type DeadlineTimerInput, deadlineTimers } from './deadline-schedules';
import { REMEDY_ACTION_CHECK_FUNCTION_ID, type RemedyActionTimerInput, remedyActionTimers } from './remedy';
import { SURVEY_WINDOW_FUNCTION_ID, type SurveyWindowTimerInput, surveyWindowTimers } from './survey-window';
import type { Ticket } from './ticket';

/** One timer a complaint needs: a running deadline or an open remedy action, at its due time. */
export interface TicketTimer {
  readonly name: string;
  readonly due: string;
  readonly functionId: string;
  readonly input: DeadlineTimerInput | RemedyActionTimerInput | SurveyWindowTimerInput;
}

/** What one saved change of a complaint does to its timers; carried on the change's first event. */
export interface TicketTimerChange {
  readonly set: readonly TicketTimer[];
  readonly clear: readonly string[];
}

/** The timers of the complaint's running deadlines, not yet breached. */
export function deadlineTicketTimers(ticket: Ticket): TicketTimer[] {
  return deadlineTimers(ticket).map((t) => ({
    name: t.name,
    due: t.input.due,
    functionId: DEADLINE_CHECK_FUNCTION_ID,
    input: t.input,
  }));
}

/** The timers of the complaint's open remedy actions, not yet escalated. */
export function remedyActionTicketTimers(ticket: Ticket): TicketTimer[] {
  return remedyActionTimers(ticket).map((t) => ({
    name: t.name,
    due: t.input.due,
    functionId: REMEDY_ACTION_CHECK_FUNCTION_ID,
    input: t.input,
  }));
}

/** The end of the survey window of a resolved complaint nobody rated yet. */
export function surveyWindowTicketTimers(ticket: Ticket): TicketTimer[] {
  return surveyWindowTimers(ticket).map((t) => ({ ...t, functionId: SURVEY_WINDOW_FUNCTION_ID }));
}

/** Every timer the complaint needs in this state. */
export function ticketTimers(ticket: Ticket): TicketTimer[] {
  return [
    ...deadlineTicketTimers(ticket),
    ...remedyActionTicketTimers(ticket),
    ...surveyWindowTicketTimers(ticket),
  ];
}

/**
 * Only the difference a change makes: timers new in `after` are set, timers `after` no longer needs are
 * cleared; the timers of deadlines that did not move are left alone (never re-issued on every change).
 */
export function ticketTimerChange(before: Ticket | undefined, after: Ticket): TicketTimerChange {
  const wanted = ticketTimers(after);
  const had = before ? ticketTimers(before) : [];
  const hadNames = new Set(had.map((t) => t.name));
  const wantedNames = new Set(wanted.map((t) => t.name));
  return {
    set: wanted.filter((t) => !hadNames.has(t.name)),
    clear: had.filter((t) => !wantedNames.has(t.name)).map((t) => t.name),
  };
}

export function isNoTimerChange(change: TicketTimerChange): boolean {
  return change.set.length === 0 && change.clear.length === 0;
}
