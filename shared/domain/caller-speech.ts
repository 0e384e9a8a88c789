/**
 * What the hotline says to a caller, as plain text for a text-to-speech prompt. Numbers are read
 * digit by digit (a complaint number said as "one million..." cannot be typed back), and nothing
 * personal beyond the caller's own first name and the last digits of their own number is spoken.
 */
import type { TicketStatus } from './ticket';

/** "1000027" -> "1, 0, 0, 0, 0, 2, 7": a pause between digits so each is heard. */
export function digitByDigit(number: string): string {
  return [...number]
    .map((d) => (/\d/.test(d) ? d : ''))
    .filter(Boolean)
    .join(', ');
}

/** The complaint number said twice, as the desk promises. */
export function ticketNumberTwice(number: string): string {
  const spoken = digitByDigit(number);
  return `Your complaint number is ${spoken}. Once more: ${spoken}.`;
}

const STATUS_WORDS: Readonly<Record<TicketStatus, string>> = {
  received: 'has been received and is waiting to be passed to the responsible department',
  dispatched: 'is with the responsible department',
  contacted: 'is being handled; we have been in touch with you about it',
  in_progress: 'is being worked on',
  resolved: 'has been resolved',
  closed: 'is closed',
  reopened: 'has been reopened and is being handled again',
  archived: 'is closed',
};

export function statusSentence(number: string, status: TicketStatus): string {
  return `Complaint ${digitByDigit(number)} ${STATUS_WORDS[status]}.`;
}

/** "30 minutes", "1 hour", "24 hours" */
export function durationWords(minutes: number): string {
  if (minutes < 60 || minutes % 60 !== 0) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = minutes / 60;
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

export function filedMessage(number: string, firstContactMinutes: number): string {
  return `Thank you. Your complaint is registered. ${ticketNumberTwice(number)} We will contact you within ${durationWords(firstContactMinutes)}.`;
}

export function emergencyFiledMessage(number: string): string {
  return `Your emergency is recorded. ${ticketNumberTwice(number)}`;
}

/** Greeting for a caller whose number we know, with their open complaints (at most `limit` read out). */
export function knownCallerGreeting(
  firstName: string | undefined,
  open: readonly { readonly number: string; readonly status: TicketStatus }[],
  limit = 3,
): string {
  const hello = firstName ? `Hello ${firstName}, welcome back.` : 'Welcome back.';
  if (open.length === 0) return `${hello} You have no open complaints with us.`;
  const count = open.length === 1 ? 'one open complaint' : `${open.length} open complaints`;
  const read = open.slice(0, limit).map((t) => statusSentence(t.number, t.status));
  const more = open.length > limit ? ` ${open.length - limit} more can be read to you by an agent.` : '';
  return `${hello} You have ${count}. ${read.join(' ')}${more}`;
}

/** The first word of a name, the only part of it the phone says. */
export function firstNameOf(name: string): string | undefined {
  const first = name.trim().split(/\s+/)[0];
  return first && /^[\p{L}'-]{2,}$/u.test(first) ? first : undefined;
}

export function lastDigitsWords(e164: string, count = 4): string {
  return digitByDigit(e164.replace(/\D/g, '').slice(-count));
}

/** When a booked callback is due, as a caller understands it. */
export function callbackWhen(dueAt: string, now: string, timeZone: string): string {
  const minutes = Math.max(1, Math.ceil((Date.parse(dueAt) - Date.parse(now)) / 60_000));
  if (minutes <= 120) return `within about ${durationWords(minutes)}`;
  const spoken = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'long',
    hour: 'numeric',
    minute: '2-digit',
  }).format(new Date(dueAt));
  return `from ${spoken}`;
}

export function callbackBookedMessage(input: {
  readonly emergency: boolean;
  readonly phone: string;
  readonly dueAt: string;
  readonly now: string;
  readonly timeZone: string;
}): string {
  const who = input.emergency ? 'Our emergency team' : 'We';
  return `${who} will call you back at your number ending ${lastDigitsWords(input.phone)}, ${callbackWhen(input.dueAt, input.now, input.timeZone)}.`;
}
