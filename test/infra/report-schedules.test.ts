import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionsTriggeredBy, recurringSchedules } from '#functions/catalog';
import { buildTestApp, withoutBundling } from './support';

type Resource = { Type: string; Properties: Record<string, unknown> };

function recurringSchedulesOf(context: Record<string, unknown> = {}) {
  const hotline = buildTestApp({ ...withoutBundling, ...context });
  const resources = Template.fromStack(hotline.api).toJSON().Resources as Record<string, Resource>;
  const schedules = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
  return { hotline, schedules };
}

const reportMailInput = (r: Resource) =>
  JSON.parse(String((r.Properties.Target as { Input?: string }).Input ?? '{}')) as Record<string, unknown>;

describe('report e-mail schedules', () => {
  const { hotline, schedules } = recurringSchedulesOf();
  const reports = schedules.filter((r) => reportMailInput(r).kind === 'reportMail');

  it('sends the weekly, monthly and yearly report at 08:00 in the desk time zone', () => {
    const byPeriod = Object.fromEntries(
      reports.map((r) => [
        String(reportMailInput(r).period),
        [r.Properties.ScheduleExpression, r.Properties.ScheduleExpressionTimezone],
      ]),
    );
    expect(byPeriod).toEqual({
      week: ['cron(0 8 ? * MON *)', 'America/New_York'],
      month: ['cron(0 8 1 * ? *)', 'America/New_York'],
      year: ['cron(0 8 1 1 ? *)', 'America/New_York'],
    });
    expect(reports).toHaveLength(3);
  });

  it('invokes ReportMail through the scheduler role, with retries and the dead-letter queue', () => {
    const arn = JSON.stringify(hotline.api.scheduling.targetArns.ReportMail);
    expect(arn).toContain('ReportMail');
    for (const r of reports) {
      const target = r.Properties.Target as Record<string, unknown>;
      expect(JSON.stringify(target.Arn)).toContain('Hotline-dev-Api-ReportMail');
      expect(target.RoleArn).toBeDefined();
      expect(target.DeadLetterConfig).toBeDefined();
      expect(target.RetryPolicy).toBeDefined();
      expect(r.Properties.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    }
  });

  it('keeps the 5-minute sweep, and every catalog schedule is deployed once', () => {
    const sweeps = functionsTriggeredBy('scheduler').filter((id) => id.includes('Sweep'));
    expect(sweeps).toContain('DeadlineSweep');
    const rates = schedules.filter((r) => r.Properties.ScheduleExpression === 'rate(5 minutes)');
    expect(rates).toHaveLength(sweeps.length);
    expect(hotline.api.scheduling.recurring.size).toBe(recurringSchedules().length);
    expect(schedules).toHaveLength(recurringSchedules().length + sweeps.length);
  });

  it('follows a configured desk time zone', () => {
    const berlin = recurringSchedulesOf({ functionEnvironment: { DESK_TIME_ZONE: 'Europe/Berlin' } });
    const zones = berlin.schedules
      .filter((r) => reportMailInput(r).kind === 'reportMail')
      .map((r) => r.Properties.ScheduleExpressionTimezone);
    expect(zones).toEqual(['Europe/Berlin', 'Europe/Berlin', 'Europe/Berlin']);
  });
});
