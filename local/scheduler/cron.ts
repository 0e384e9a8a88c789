import { type WallTime, wallTimeInZone, zonedWallTimeToUtc } from './time-zone';

/**
 * AWS six-field cron: minutes hours day-of-month month day-of-week year.
 * Day-of-week is 1-7 with 1 = SUN. Exactly one of the two day fields is `?`.
 */
export interface CronSpec {
  minutes: number[];
  hours: number[];
  months: Set<number>;
  years: Set<number>;
  days: DayOfMonthRule | DayOfWeekRule;
}

export interface DayOfMonthRule {
  kind: 'day-of-month';
  days: Set<number>;
  lastDay: boolean;
  lastWeekday: boolean;
  nearestWeekday: Set<number>;
}

export interface DayOfWeekRule {
  kind: 'day-of-week';
  weekdays: Set<number>;
  lastOfMonth: Set<number>;
  nth: { weekday: number; n: number }[];
}

export class CronSyntaxError extends Error {
  override name = 'CronSyntaxError';
}

export const MIN_CRON_YEAR = 1970;
export const MAX_CRON_YEAR = 2199;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldDef {
  label: string;
  min: number;
  max: number;
  names?: string[];
  wraps: boolean;
}

const FIELDS = {
  minutes: { label: 'minutes', min: 0, max: 59, wraps: true },
  hours: { label: 'hours', min: 0, max: 23, wraps: true },
  dayOfMonth: { label: 'day-of-month', min: 1, max: 31, wraps: false },
  month: { label: 'month', min: 1, max: 12, names: MONTH_NAMES, wraps: true },
  dayOfWeek: { label: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, wraps: true },
  year: { label: 'year', min: MIN_CRON_YEAR, max: MAX_CRON_YEAR, wraps: false },
} satisfies Record<string, FieldDef>;

function parseValue(token: string, field: FieldDef): number {
  const upper = token.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  const value = named >= 0 ? named + field.min : /^\d+$/.test(token) ? Number(token) : Number.NaN;
  if (!Number.isInteger(value) || value < field.min || value > field.max) {
    throw new CronSyntaxError(`'${token}' is not a valid ${field.label} value (${field.min}-${field.max})`);
  }
  return value;
}

/** `*`, `a`, `a-b`, `a/s`, `*\/s`, `a-b/s`, comma-separated. */
function parseNumericList(text: string, field: FieldDef): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new CronSyntaxError(`empty item in ${field.label} field`);
    const [rangePart = '', stepPart, ...rest] = item.split('/');
    if (rest.length > 0) throw new CronSyntaxError(`'${item}' has more than one '/'`);
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^\d+$/.test(stepPart) || Number(stepPart) < 1) {
        throw new CronSyntaxError(`'${item}' has an invalid step`);
      }
      step = Number(stepPart);
    }
    let from: number;
    let to: number;
    if (rangePart === '*') {
      from = field.min;
      to = field.max;
    } else if (rangePart.includes('-')) {
      const [a = '', b = '', ...more] = rangePart.split('-');
      if (more.length > 0) throw new CronSyntaxError(`'${item}' is not a valid range`);
      from = parseValue(a, field);
      to = parseValue(b, field);
    } else {
      from = parseValue(rangePart, field);
      to = stepPart === undefined ? from : field.max;
    }
    if (from > to && !field.wraps) throw new CronSyntaxError(`'${item}' is a backwards range`);
    const span = from <= to ? to - from : field.max - from + 1 + (to - field.min);
    for (let i = 0; i <= span; i += step) {
      const value = from + i;
      values.add(value > field.max ? value - field.max - 1 + field.min : value);
    }
  }
  return values;
}

function parseDayOfMonth(text: string): DayOfMonthRule {
  const rule: DayOfMonthRule = {
    kind: 'day-of-month',
    days: new Set(),
    lastDay: false,
    lastWeekday: false,
    nearestWeekday: new Set(),
  };
  const plain: string[] = [];
  for (const item of text.split(',')) {
    const upper = item.toUpperCase();
    if (upper === 'L') rule.lastDay = true;
    else if (upper === 'LW') rule.lastWeekday = true;
    else if (/^\d+W$/.test(upper)) rule.nearestWeekday.add(parseValue(upper.slice(0, -1), FIELDS.dayOfMonth));
    else plain.push(item);
  }
  if (plain.length > 0) rule.days = parseNumericList(plain.join(','), FIELDS.dayOfMonth);
  return rule;
}

function parseDayOfWeek(text: string): DayOfWeekRule {
  const rule: DayOfWeekRule = { kind: 'day-of-week', weekdays: new Set(), lastOfMonth: new Set(), nth: [] };
  const plain: string[] = [];
  for (const item of text.split(',')) {
    const upper = item.toUpperCase();
    if (upper === 'L') {
      rule.weekdays.add(7);
    } else if (/^[A-Z0-9]+L$/.test(upper)) {
      rule.lastOfMonth.add(parseValue(upper.slice(0, -1), FIELDS.dayOfWeek));
    } else if (upper.includes('#')) {
      const [day = '', n = '', ...more] = upper.split('#');
      if (more.length > 0 || !/^[1-5]$/.test(n))
        throw new CronSyntaxError(`'${item}' is not a valid nth weekday`);
      rule.nth.push({ weekday: parseValue(day, FIELDS.dayOfWeek), n: Number(n) });
    } else {
      plain.push(item);
    }
  }
  if (plain.length > 0) {
    for (const value of parseNumericList(plain.join(','), FIELDS.dayOfWeek)) rule.weekdays.add(value);
  }
  return rule;
}

export function parseCron(body: string): CronSpec {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new CronSyntaxError(
      `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    );
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new CronSyntaxError('exactly one of day-of-month and day-of-week must be ?');
  }
  if (minutes.includes('?') || hours.includes('?') || month.includes('?') || year.includes('?')) {
    throw new CronSyntaxError('? is only allowed in the day-of-month or day-of-week field');
  }
  return {
    minutes: [...parseNumericList(minutes, FIELDS.minutes)].sort((a, b) => a - b),
    hours: [...parseNumericList(hours, FIELDS.hours)].sort((a, b) => a - b),
    months: parseNumericList(month, FIELDS.month),
    years: parseNumericList(year, FIELDS.year),
    days: dayOfMonth === '?' ? parseDayOfWeek(dayOfWeek) : parseDayOfMonth(dayOfMonth),
  };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday ... 7 = Saturday, as AWS cron counts. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function nearestWeekdayTo(year: number, month: number, target: number): number {
  const last = daysInMonth(year, month);
  const day = Math.min(target, last);
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1; // Saturday: Friday before, unless that leaves the month
  if (weekday === 1) return day === last ? day - 2 : day + 1; // Sunday: Monday after, unless that leaves the month
  return day;
}

function dayMatches(rule: DayOfMonthRule | DayOfWeekRule, year: number, month: number, day: number): boolean {
  const last = daysInMonth(year, month);
  if (rule.kind === 'day-of-month') {
    if (rule.days.has(day)) return true;
    if (rule.lastDay && day === last) return true;
    if (rule.lastWeekday && day === nearestWeekdayTo(year, month, last)) return true;
    for (const target of rule.nearestWeekday) {
      if (target <= last && day === nearestWeekdayTo(year, month, target)) return true;
    }
    return false;
  }
  const weekday = weekdayOf(year, month, day);
  if (rule.weekdays.has(weekday)) return true;
  if (rule.lastOfMonth.has(weekday) && day + 7 > last) return true;
  return rule.nth.some((nth) => nth.weekday === weekday && Math.ceil(day / 7) === nth.n);
}

/**
 * Earliest instant >= notBefore at which the cron fires, evaluated on the wall clock of
 * `timeZone`. Wall times skipped by a DST jump do not fire; repeated ones fire once.
 */
export function nextCronTime(spec: CronSpec, notBefore: Date, timeZone: string): Date | undefined {
  const start = wallTimeInZone(notBefore, timeZone);
  const startMinuteOfDay = start.hour * 60 + start.minute;
  let year = start.year;
  let month = start.month;
  let day = start.day;
  let firstDay = true;
  while (year <= MAX_CRON_YEAR) {
    if (!spec.years.has(year)) {
      year += 1;
      month = 1;
      day = 1;
      firstDay = false;
      continue;
    }
    if (!spec.months.has(month) || day > daysInMonth(year, month)) {
      month += 1;
      day = 1;
      firstDay = false;
      if (month > 12) {
        month = 1;
        year += 1;
      }
      continue;
    }
    if (dayMatches(spec.days, year, month, day)) {
      for (const hour of spec.hours) {
        for (const minute of spec.minutes) {
          if (firstDay && hour * 60 + minute < startMinuteOfDay) continue;
          const wall: WallTime = { year, month, day, hour, minute, second: 0 };
          const instant = zonedWallTimeToUtc(wall, timeZone, 'skip');
          if (instant && instant.getTime() >= notBefore.getTime()) return instant;
        }
      }
    }
    day += 1;
    firstDay = false;
  }
  return undefined;
}
