/**
 * Hours of operation as the emulator evaluates them for CheckHoursOfOperation: weekly
 * opening times in a time zone (like Connect's HoursOfOperationConfig), plus dated overrides.
 */

export const WEEKDAYS = [
  'SUNDAY',
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OpeningTimes {
  readonly day: Weekday;
  /** `HH:MM`, 24-hour, in the hours' time zone. */
  readonly start: string;
  /** `HH:MM`; `00:00` or `24:00` means midnight at the end of the day; before `start` runs past midnight. */
  readonly end: string;
}

export interface HoursOverride {
  /** `YYYY-MM-DD` in the hours' time zone. */
  readonly date: string;
  /** Closed all day (a holiday)... */
  readonly closed?: boolean;
  /** ...or open only between these times that day. */
  readonly start?: string;
  readonly end?: string;
}

export interface HoursOfOperationConfig {
  /** IANA time zone, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  readonly weekly: readonly OpeningTimes[];
  readonly overrides?: readonly HoursOverride[];
}

function minutesOf(time: string, what: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) {
    throw new Error(`Hours of operation: ${what} "${time}" is not HH:MM`);
  }
  return hours * 60 + minutes;
}

interface LocalTime {
  readonly date: string;
  readonly weekday: Weekday;
  readonly minutes: number;
}

function localTime(at: Date, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'long',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    weekday: part('weekday').toUpperCase() as Weekday,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

function previousWeekday(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] ?? day;
}

/** Within [start, end) of one opening, seen from the day it starts or the day after (overnight). */
function coversToday(start: number, end: number, now: number): boolean {
  const endOfDay = end === 0 ? 24 * 60 : end;
  return endOfDay > start ? now >= start && now < endOfDay : now >= start;
}

/** Is `at` within the hours? */
export function isWithinHours(config: HoursOfOperationConfig, at: Date): boolean {
  const now = localTime(at, config.timeZone);
  const override = config.overrides?.find((o) => o.date === now.date);
  if (override) {
    if (override.closed) return false;
    if (override.start !== undefined && override.end !== undefined) {
      return coversToday(
        minutesOf(override.start, 'override start'),
        minutesOf(override.end, 'override end'),
        now.minutes,
      );
    }
  }
  for (const opening of config.weekly) {
    const start = minutesOf(opening.start, `${opening.day} start`);
    const end = minutesOf(opening.end, `${opening.day} end`);
    if (opening.day === now.weekday && coversToday(start, end, now.minutes)) return true;
    const overnight = end !== 0 && end !== 24 * 60 && end <= start;
    if (overnight && opening.day === previousWeekday(now.weekday) && now.minutes < end) return true;
  }
  return false;
}

/** Fails fast on a malformed configuration instead of at the first call. */
export function checkHoursConfig(id: string, config: HoursOfOperationConfig): void {
  new Intl.DateTimeFormat('en-US', { timeZone: config.timeZone });
  for (const opening of config.weekly) {
    if (!(WEEKDAYS as readonly string[]).includes(opening.day))
      throw new Error(`Hours ${id}: unknown day ${opening.day}`);
    minutesOf(opening.start, `${id} ${opening.day} start`);
    minutesOf(opening.end, `${id} ${opening.day} end`);
  }
}
