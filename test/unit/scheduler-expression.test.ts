import { describe, expect, it } from 'vitest';
import {
  assertTimeZone,
  InvalidScheduleExpressionError,
  isValidTimeZone,
  nextFireTime,
  parseScheduleExpression,
  type RecurrenceWindow,
  zonedWallTimeToUtc,
} from '#local/scheduler/expression';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | undefined) => date?.toISOString();

/** Fire time of `expression` at or after `notBefore`, in `window`. */
function next(expression: string, notBefore: string, window: Partial<RecurrenceWindow> = {}) {
  return iso(
    nextFireTime(parseScheduleExpression(expression), at(notBefore), {
      rateAnchor: at('2000-01-01T00:00:00Z'),
      ...window,
    }),
  );
}

/** The first `count` fire times from `notBefore`, each strictly after the previous one. */
function series(
  expression: string,
  notBefore: string,
  count: number,
  window: Partial<RecurrenceWindow> = {},
) {
  const parsed = parseScheduleExpression(expression);
  const times: string[] = [];
  let from = at(notBefore);
  for (let i = 0; i < count; i += 1) {
    const fire = nextFireTime(parsed, from, { rateAnchor: at('2000-01-01T00:00:00Z'), ...window });
    if (!fire) break;
    times.push(fire.toISOString());
    from = new Date(fire.getTime() + 1);
  }
  return times;
}

describe('at(...) one-time expressions', () => {
  it('reads the wall time as UTC when no time zone is given', () => {
    expect(next('at(2030-05-01T09:30:00)', '2030-01-01T00:00:00Z')).toBe('2030-05-01T09:30:00.000Z');
  });

  it('reads the wall time in the schedule time zone, summer and winter offsets alike', () => {
    expect(next('at(2030-01-15T09:00:00)', '2030-01-01T00:00:00Z', { timeZone: 'America/New_York' })).toBe(
      '2030-01-15T14:00:00.000Z',
    );
    expect(next('at(2030-07-15T09:00:00)', '2030-01-01T00:00:00Z', { timeZone: 'America/New_York' })).toBe(
      '2030-07-15T13:00:00.000Z',
    );
    expect(next('at(2030-07-15T09:00:00)', '2030-01-01T00:00:00Z', { timeZone: 'Asia/Kolkata' })).toBe(
      '2030-07-15T03:30:00.000Z',
    );
  });

  it('moves a wall time that a spring-forward skips to the same time after the jump', () => {
    // Europe/Berlin jumps from 02:00 CET to 03:00 CEST on 2025-03-30: 02:30 does not exist.
    expect(next('at(2025-03-30T02:30:00)', '2025-01-01T00:00:00Z', { timeZone: 'Europe/Berlin' })).toBe(
      '2025-03-30T01:30:00.000Z',
    );
  });

  it('uses the first of two repeated wall times when clocks go back', () => {
    // America/New_York repeats 01:00-02:00 on 2025-11-02; the first 01:30 is EDT (UTC-4).
    expect(next('at(2025-11-02T01:30:00)', '2025-01-01T00:00:00Z', { timeZone: 'America/New_York' })).toBe(
      '2025-11-02T05:30:00.000Z',
    );
  });

  it('fires once: nothing is left after its instant', () => {
    expect(next('at(2030-05-01T09:30:00)', '2030-05-01T09:30:00.001Z')).toBeUndefined();
  });

  it('ignores StartDate and EndDate, as AWS does for one-time schedules', () => {
    expect(
      next('at(2030-05-01T09:30:00)', '2030-01-01T00:00:00Z', {
        startDate: at('2030-06-01T00:00:00Z'),
        endDate: at('2030-02-01T00:00:00Z'),
      }),
    ).toBe('2030-05-01T09:30:00.000Z');
  });

  it.each([
    'at(2030-13-01T09:30:00)',
    'at(2030-02-30T09:30:00)',
    'at(2030-05-01T24:00:00)',
    'at(2030-05-01T09:30)',
    'at(2030-05-01T09:30:00Z)',
    'at(2030-05-01 09:30:00)',
  ])('rejects %s', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
  });
});

describe('rate(...) expressions', () => {
  const anchor = at('2030-01-01T10:00:00Z');

  it('fires at its anchor, then every period after it', () => {
    expect(series('rate(15 minutes)', '2030-01-01T10:00:00Z', 3, { rateAnchor: anchor })).toEqual([
      '2030-01-01T10:00:00.000Z',
      '2030-01-01T10:15:00.000Z',
      '2030-01-01T10:30:00.000Z',
    ]);
  });

  it('keeps the phase of the anchor when asked from any later instant', () => {
    expect(next('rate(2 hours)', '2030-01-01T13:00:00Z', { rateAnchor: anchor })).toBe(
      '2030-01-01T14:00:00.000Z',
    );
    expect(next('rate(1 day)', '2030-01-03T10:00:00.001Z', { rateAnchor: anchor })).toBe(
      '2030-01-04T10:00:00.000Z',
    );
  });

  it('counts a day as 24 hours across a DST change, whatever the time zone', () => {
    const berlinEve = at('2025-03-29T11:00:00Z'); // 12:00 CET
    expect(
      next('rate(1 day)', '2025-03-29T11:00:00.001Z', { rateAnchor: berlinEve, timeZone: 'Europe/Berlin' }),
    ).toBe('2025-03-30T11:00:00.000Z'); // 13:00 CEST on the wall
  });

  it('does not fire before StartDate nor after EndDate', () => {
    const window = {
      rateAnchor: anchor,
      startDate: anchor,
      endDate: at('2030-01-01T10:30:00Z'),
    };
    expect(next('rate(10 minutes)', '2030-01-01T09:00:00Z', window)).toBe('2030-01-01T10:00:00.000Z');
    expect(next('rate(10 minutes)', '2030-01-01T10:30:00Z', window)).toBe('2030-01-01T10:30:00.000Z');
    expect(next('rate(10 minutes)', '2030-01-01T10:30:00.001Z', window)).toBeUndefined();
  });

  it.each([
    'rate(0 minutes)',
    'rate(-5 minutes)',
    'rate(1.5 hours)',
    'rate(5 weeks)',
    'rate(1 minutes)',
    'rate(5 hour)',
    'rate(minutes)',
  ])('rejects %s', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
  });
});

describe('cron(...) expressions', () => {
  it('fires on weekdays only, at a wall time in the schedule time zone', () => {
    // Friday 2025-06-06 12:00 in Paris is after 09:00, so the next is Monday 2025-06-09 09:00 CEST.
    expect(
      series('cron(0 9 ? * MON-FRI *)', '2025-06-06T10:00:00Z', 2, { timeZone: 'Europe/Paris' }),
    ).toEqual(['2025-06-09T07:00:00.000Z', '2025-06-10T07:00:00.000Z']);
  });

  it('numbers weekdays from 1 = Sunday', () => {
    expect(next('cron(0 12 ? * 1 *)', '2025-06-02T00:00:00Z')).toBe('2025-06-08T12:00:00.000Z');
    expect(next('cron(0 12 ? * 7 *)', '2025-06-02T00:00:00Z')).toBe('2025-06-07T12:00:00.000Z');
  });

  it('skips a wall time that spring-forward removes, and keeps the same wall time afterwards', () => {
    expect(series('cron(30 2 * * ? *)', '2025-03-29T00:00:00Z', 3, { timeZone: 'Europe/Berlin' })).toEqual([
      '2025-03-29T01:30:00.000Z', // 02:30 CET
      '2025-03-31T00:30:00.000Z', // 02:30 CEST; 2025-03-30 02:30 never happened
      '2025-04-01T00:30:00.000Z',
    ]);
  });

  it('fires once for a wall time that fall-back repeats', () => {
    expect(series('cron(30 1 * * ? *)', '2025-11-01T12:00:00Z', 2, { timeZone: 'America/New_York' })).toEqual(
      [
        '2025-11-02T05:30:00.000Z', // the first 01:30 (EDT); the second (EST) does not fire
        '2025-11-03T06:30:00.000Z',
      ],
    );
  });

  it('handles the last day of the month with L, in leap and common years', () => {
    expect(series('cron(0 0 L * ? *)', '2024-01-31T00:00:00.001Z', 2)).toEqual([
      '2024-02-29T00:00:00.000Z',
      '2024-03-31T00:00:00.000Z',
    ]);
    expect(next('cron(0 0 L 2 ? *)', '2025-01-01T00:00:00Z')).toBe('2025-02-28T00:00:00.000Z');
  });

  it('skips months that lack the day asked for', () => {
    expect(series('cron(0 8 31 * ? *)', '2025-01-31T08:00:00.001Z', 2)).toEqual([
      '2025-03-31T08:00:00.000Z',
      '2025-05-31T08:00:00.000Z',
    ]);
  });

  it('supports lists, ranges, steps and month names', () => {
    expect(series('cron(0/20 8-9 1 JAN,JUL ? *)', '2025-01-01T00:00:00Z', 7)).toEqual([
      '2025-01-01T08:00:00.000Z',
      '2025-01-01T08:20:00.000Z',
      '2025-01-01T08:40:00.000Z',
      '2025-01-01T09:00:00.000Z',
      '2025-01-01T09:20:00.000Z',
      '2025-01-01T09:40:00.000Z',
      '2025-07-01T08:00:00.000Z',
    ]);
  });

  it('supports the nth weekday (#), the last weekday of a month (nL) and the nearest weekday (W)', () => {
    expect(next('cron(0 10 ? * MON#1 *)', '2025-06-03T00:00:00Z')).toBe('2025-07-07T10:00:00.000Z');
    expect(next('cron(0 10 ? * 6L *)', '2025-06-01T00:00:00Z')).toBe('2025-06-27T10:00:00.000Z');
    // 2025-06-15 is a Sunday: 15W is Monday the 16th.
    expect(next('cron(0 10 15W * ? *)', '2025-06-01T00:00:00Z')).toBe('2025-06-16T10:00:00.000Z');
  });

  it('stops after the last year it names', () => {
    expect(next('cron(0 0 1 1 ? 2026)', '2025-06-01T00:00:00Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 1 ? 2026)', '2026-01-01T00:00:00.001Z')).toBeUndefined();
  });

  it('fires at notBefore itself when that is an occurrence', () => {
    expect(next('cron(0 * * * ? *)', '2025-06-01T10:00:00Z')).toBe('2025-06-01T10:00:00.000Z');
  });

  it.each([
    'cron(0 9 * * * *)', // both day fields given
    'cron(0 9 ? * ? *)', // neither
    'cron(0 9 * * ?)', // five fields
    'cron(60 9 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 9 32 * ? *)',
    'cron(0 9 ? * 8 *)',
    'cron(0 9 ? * FOO *)',
    'cron(0 9 * * ? 1969)',
    'cron(0/0 9 * * ? *)',
    'cron(0 9 ? * MON#6 *)',
  ])('rejects %s', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
  });
});

describe('invalid expressions and time zones', () => {
  it.each(['', 'every 5 minutes', 'rate 5 minutes', 'cron(0 9 * * ? *', 'at()', 'AT(2030-05-01T09:30:00)'])(
    'rejects %j',
    (expression) => {
      expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
    },
  );

  it('accepts IANA zone names and rejects unknown ones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(() => assertTimeZone('Europe/Atlantis')).toThrow(InvalidScheduleExpressionError);
  });

  it('reports a skipped wall time when asked to skip it', () => {
    expect(
      zonedWallTimeToUtc(
        { year: 2025, month: 3, day: 30, hour: 2, minute: 30, second: 0 },
        'Europe/Berlin',
        'skip',
      ),
    ).toBeUndefined();
  });
});
