/**
 * "We will answer you within half an hour": a promise staff make on a complaint. It is a callback due
 * when the half hour is up. A new result on the complaint before then (progress, the department's
 * result, the resolution) keeps the promise and cancels the call; with no result by then, the call
 * tells the customer (after the identity check) where their complaint stands, so the promise is kept
 * either way and never silently broken.
 */

import type { CallJob } from './call-job';
import { digitByDigit, statusSentence } from './caller-speech';
import { TransitionNotAllowedError } from './errors';
import type { Ticket, TicketEvent, TicketEventType, TicketStatus } from './ticket';

/** Call-job attribute `callbackPurpose` of a promised answer; the outbound callback flow branches on it. */
export const ANSWER_PROMISE_PURPOSE = 'answer_promise';
/** Call-job `reason` of a promised answer. */
export const ANSWER_PROMISE_REASON = 'answer_promise';

/** Events that are an answer: the customer's question has moved on since the promise. */
export const RESULT_EVENT_TYPES: readonly TicketEventType[] = [
  'progress_recorded',
  'department_result_recorded',
  'resolved',
];

/** Statuses on which an answer can still be promised (the complaint is open). */
const PROMISABLE: readonly TicketStatus[] = [
  'received',
  'dispatched',
  'contacted',
  'in_progress',
  'reopened',
];

/** Refuses a promise on a complaint that is no longer open. */
export function assertPromisable(ticket: Pick<Ticket, 'id' | 'status'>): void {
  if (!PROMISABLE.includes(ticket.status)) {
    throw new TransitionNotAllowedError(
      `Complaint ${ticket.id} is ${ticket.status}: an answer can only be promised on an open complaint`,
    );
  }
}

export function isAnswerPromise(job: Pick<CallJob, 'attributes'>): boolean {
  return job.attributes?.callbackPurpose === ANSWER_PROMISE_PURPOSE;
}

/** When the promise was made (call-job attribute), or undefined for any other job. */
export function promisedAt(job: Pick<CallJob, 'attributes'>): string | undefined {
  return isAnswerPromise(job) ? job.attributes?.promisedAt : undefined;
}

/** Whether `event` is a result that came after the promise made at `since`. */
export function isResultSince(event: Pick<TicketEvent, 'type' | 'at'>, since: string): boolean {
  return RESULT_EVENT_TYPES.includes(event.type) && event.at >= since;
}

/**
 * What the promised call says once the customer has confirmed who they are: the complaint's status,
 * and whether there is news since the promise (a result the cancellation did not catch in time).
 */
export function promisedCallMessage(ticket: Pick<Ticket, 'number' | 'status'>, news: boolean): string {
  const opening = `We promised to call you back within half an hour about your complaint ${digitByDigit(ticket.number)}.`;
  const status = statusSentence(ticket.number, ticket.status);
  return news
    ? `${opening} There is news: ${status}`
    : `${opening} We do not have an answer for you yet. ${status} We are sorry for the wait; we will be in touch as soon as there is an answer.`;
}
