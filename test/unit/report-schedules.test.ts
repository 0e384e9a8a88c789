import { describe, expect, it } from 'vitest';
import { recurringSchedules, scheduleTimeZone } from '#functions/catalog';
import { nextFireTime, parseScheduleExpression } from '#local/scheduler/expression';

const anchor = new Date('2026-01-01T00:00:00Z');
const next = (period: string, from: string, timeZone = 'America/New_York') => {
  const found = recurringSchedules().find(({ schedule }) => schedule.input.period === period);
  if (!found) throw new Error(`no ${period} schedule`);
  expect(scheduleTimeZone(found.schedule, {})).toBe('America/New_York');
  const expression = parseScheduleExpression(found.schedule.expression);
  return nextFireTime(expression, new Date(from), { timeZone, rateAnchor: anchor })?.toISOString();
};

describe('report schedules of the catalog, as the Scheduler emulator runs them', () => {
  it('weekly: Monday 08:00 on the desk clock, before and after the change to summer time', () => {
    // Tuesday 3 March 2026 -> Monday 9 March 08:00 EDT (clocks went forward on 8 March).
    expect(next('week', '2026-03-03T15:00:00Z')).toBe('2026-03-09T12:00:00.000Z');
    // Tuesday 24 February -> Monday 2 March 08:00 EST.
    expect(next('week', '2026-02-24T15:00:00Z')).toBe('2026-03-02T13:00:00.000Z');
  });

  it('monthly on the 1st and yearly on 1 January, 08:00 desk time', () => {
    expect(next('month', '2026-03-15T00:00:00Z')).toBe('2026-04-01T12:00:00.000Z');
    expect(next('year', '2026-03-15T00:00:00Z')).toBe('2027-01-01T13:00:00.000Z');
    expect(next('year', '2026-03-15T00:00:00Z', 'Europe/Berlin')).toBe('2027-01-01T07:00:00.000Z');
  });

  it('takes the configured desk time zone', () => {
    const weekly = recurringSchedules().find(({ schedule }) => schedule.input.kind === 'reportMail');
    expect(weekly && scheduleTimeZone(weekly.schedule, { DESK_TIME_ZONE: 'Europe/Berlin' })).toBe(
      'Europe/Berlin',
    );
  });
});
