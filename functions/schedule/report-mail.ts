import * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import { DynamoReportRecipientStore } from '#shared/adapters/dynamo-report-recipients';
import { DynamoReportStore } from '#shared/adapters/dynamo-report-store';
import { reportPeriods } from '#shared/domain/reports';
import { type ReportMailRun, sendScheduledReports } from '#shared/use-cases/report-mail';
import { logger } from './logger';

/** What the recurring schedules of functions/catalog.ts pass (an `at` reports the period holding it). */
export const reportMailInputSchema = z.strictObject({
  kind: z.literal('reportMail'),
  period: z.enum(reportPeriods),
  at: z.iso.datetime({ offset: true }).optional(),
});

/**
 * Target of the weekly, monthly and yearly report schedules: the previous period's report by e-mail to the
 * general managers, and each department manager's part to them, once per period and recipient.
 */
export async function handler(event: unknown): Promise<ReportMailRun | { result: 'invalid' }> {
  const parsed = reportMailInputSchema.safeParse(event);
  if (!parsed.success) {
    // A malformed payload would fail forever: log it and let the delivery succeed.
    logger.error('Report mail payload refused', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return { result: 'invalid' };
  }
  const deps = dependencies();
  const table = { client: deps.documentClient, tableName: deps.config.tableName };
  return sendScheduledReports(
    {
      config: deps.config,
      clock: deps.clock,
      mailer: deps.mailer,
      reports: new DynamoReportStore(table),
      recipients: new DynamoReportRecipientStore(table),
    },
    { period: parsed.data.period, ...(parsed.data.at ? { at: parsed.data.at } : {}) },
  );
}
