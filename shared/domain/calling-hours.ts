import { InvalidInputError } from './errors';

/** A daily window of local wall-clock time in which ordinary outbound calls may ring. */
export interface CallingHours {
  /** minutes after local midnight, inclusive */
  readonly startMinute: number;
  /** minutes after local midnight, exclusive */
  readonly endMinute: number;
}

export const defaultCallingHours: CallingHours = { startMinute: 8 * 60, endMinute: 21 * 60 };

/** Reads "08:00-21:00". */
export function parseCallingHours(text: string): CallingHours {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) throw new InvalidInputError(`Calling hours must look like 08:00-21:00, not "${text}"`);
  const [, sh, sm, eh, em] = match.map(Number) as [number, number, number, number, number];
  const startMinute = sh * 60 + sm;
  const endMinute = eh * 60 + em;
  if (sh > 23 || eh > 24 || sm > 59 || em > 59 || startMinute >= endMinute || endMinute > 24 * 60) {
    throw new InvalidInputError(`Calling hours "${text}" are not a window within one day`);
  }
  return { startMinute, endMinute };
}

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(instant: Date, timeZone: string): LocalParts {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The instant at which the wall clock in `timeZone` shows the given local time (DST gaps move forward). */
export function zonedTimeToInstant(
  local: { year: number; month: number; day: number; minuteOfDay: number },
  timeZone: string,
): Date {
  const wanted = Date.UTC(local.year, local.month - 1, local.day, 0, local.minuteOfDay);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const p = localParts(new Date(guess), timeZone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const diff = wanted - shown;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess);
}

/** Whether `instant` falls inside the calling hours in the customer's time zone. */
export function isWithinCallingHours(instant: Date, timeZone: string, hours: CallingHours): boolean {
  const p = localParts(instant, timeZone);
  const minute = p.hour * 60 + p.minute;
  return minute >= hours.startMinute && minute < hours.endMinute;
}

/**
 * The earliest instant at or after `instant` at which an ordinary call may ring: `instant` itself inside
 * the window, else the next opening (deferred, never dropped).
 */
export function nextCallableAt(instant: Date, timeZone: string, hours: CallingHours): Date {
  if (isWithinCallingHours(instant, timeZone, hours)) return instant;
  const p = localParts(instant, timeZone);
  const minute = p.hour * 60 + p.minute;
  // Before the opening: today; after the closing: tomorrow (Date.UTC normalises day overflow).
  const dayOffset = minute < hours.startMinute ? 0 : 1;
  const day = new Date(Date.UTC(p.year, p.month - 1, p.day + dayOffset));
  return zonedTimeToInstant(
    {
      year: day.getUTCFullYear(),
      month: day.getUTCMonth() + 1,
      day: day.getUTCDate(),
      minuteOfDay: hours.startMinute,
    },
    timeZone,
  );
}
