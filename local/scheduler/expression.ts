/**
 * EventBridge Scheduler expressions (`at`, `rate`, `cron`) and when they fire.
 * Pure: no clock, no I/O; every instant comes in as an argument.
 */
import { type CronSpec, CronSyntaxError, nextCronTime, parseCron } from './cron';
import { isValidTimeZone, type WallTime, zonedWallTimeToUtc } from './time-zone';

export type { CronSpec } from './cron';
export { isValidTimeZone, type WallTime, wallTimeInZone, zonedWallTimeToUtc } from './time-zone';

export type RateUnit = 'minutes' | 'hours' | 'days';

export type ScheduleExpression =
  | { kind: 'at'; wall: WallTime }
  | { kind: 'rate'; value: number; unit: RateUnit; periodMs: number }
  | { kind: 'cron'; cron: CronSpec };

export class InvalidScheduleExpressionError extends Error {
  override name = 'InvalidScheduleExpressionError';
}

export const DEFAULT_TIME_ZONE = 'UTC';

const UNIT_MS: Record<RateUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

function parseAt(body: string, expression: string): ScheduleExpression {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match) {
    throw new InvalidScheduleExpressionError(
      `Invalid Schedule Expression ${expression}: use at(yyyy-mm-ddThh:mm:ss)`,
    );
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day &&
    probe.getUTCHours() === hour &&
    probe.getUTCMinutes() === minute &&
    probe.getUTCSeconds() === second;
  if (!valid)
    throw new InvalidScheduleExpressionError(`Invalid Schedule Expression ${expression}: no such date`);
  return { kind: 'at', wall: { year, month, day, hour, minute, second } };
}

function parseRate(body: string, expression: string): ScheduleExpression {
  const match = /^(\d+)\s+(minute|minutes|hour|hours|day|days)$/.exec(body.trim());
  const value = match ? Number(match[1]) : Number.NaN;
  const word = match?.[2] ?? '';
  if (!match || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidScheduleExpressionError(
      `Invalid Schedule Expression ${expression}: use rate(value unit) with a positive integer and minute(s), hour(s) or day(s)`,
    );
  }
  // As in EventBridge: rate(1 hour) and rate(5 hours), never rate(1 hours) or rate(5 hour).
  if ((value === 1) !== !word.endsWith('s')) {
    throw new InvalidScheduleExpressionError(
      `Invalid Schedule Expression ${expression}: the unit is singular for 1 and plural otherwise`,
    );
  }
  const unit = (word.endsWith('s') ? word : `${word}s`) as RateUnit;
  return { kind: 'rate', value, unit, periodMs: value * UNIT_MS[unit] };
}

export function parseScheduleExpression(expression: string): ScheduleExpression {
  const match = /^(at|rate|cron)\((.*)\)$/s.exec(expression.trim());
  if (!match) {
    throw new InvalidScheduleExpressionError(
      `Invalid Schedule Expression ${expression}: expected at(...), rate(...) or cron(...)`,
    );
  }
  const [, kind, body = ''] = match;
  if (kind === 'at') return parseAt(body, expression);
  if (kind === 'rate') return parseRate(body, expression);
  try {
    return { kind: 'cron', cron: parseCron(body) };
  } catch (error) {
    if (error instanceof CronSyntaxError) {
      throw new InvalidScheduleExpressionError(`Invalid Schedule Expression ${expression}: ${error.message}`);
    }
    throw error;
  }
}

export function assertTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) {
    throw new InvalidScheduleExpressionError(`Invalid ScheduleExpressionTimezone ${timeZone}`);
  }
}

/**
 * The single instant of a one-time schedule. A wall time that does not exist in the zone
 * (clocks jumped forward) is moved forward by the jump, so the one-time job is not lost.
 */
export function oneTimeFireTime(wall: WallTime, timeZone = DEFAULT_TIME_ZONE): Date {
  const instant = zonedWallTimeToUtc(wall, timeZone, 'shift-forward');
  if (!instant) throw new Error('shift-forward always yields an instant');
  return instant;
}

export interface RecurrenceWindow {
  timeZone?: string;
  /** Occurrences before this instant do not happen (inclusive start). */
  startDate?: Date;
  /** Occurrences after this instant do not happen (inclusive end). */
  endDate?: Date;
  /** A rate schedule fires at anchor + k * period (k >= 0): its StartDate, or when it was created or updated. */
  rateAnchor: Date;
}

/**
 * Earliest instant >= notBefore at which the schedule fires, or undefined when it never
 * fires again. `at` schedules ignore StartDate and EndDate, as in AWS.
 */
export function nextFireTime(
  expression: ScheduleExpression,
  notBefore: Date,
  window: RecurrenceWindow,
): Date | undefined {
  const timeZone = window.timeZone ?? DEFAULT_TIME_ZONE;
  if (expression.kind === 'at') {
    const instant = oneTimeFireTime(expression.wall, timeZone);
    return instant.getTime() >= notBefore.getTime() ? instant : undefined;
  }
  const from = Math.max(notBefore.getTime(), window.startDate?.getTime() ?? Number.NEGATIVE_INFINITY);
  let next: number | undefined;
  if (expression.kind === 'rate') {
    // A day is 24 hours here, whatever DST does to the wall clock (as AWS documents).
    const anchor = window.rateAnchor.getTime();
    const periods = Math.max(0, Math.ceil((from - anchor) / expression.periodMs));
    next = anchor + periods * expression.periodMs;
  } else {
    next = nextCronTime(expression.cron, new Date(from), timeZone)?.getTime();
  }
  if (next === undefined) return undefined;
  if (window.endDate && next > window.endDate.getTime()) return undefined;
  return new Date(next);
}
