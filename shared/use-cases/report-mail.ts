import { Logger } from '@aws-lambda-powertools/logger';
import type { AppConfig } from '#shared/config';
import { ForbiddenError, NotFoundError } from '#shared/domain/errors';
import {
  deliveryKey,
  newRecipient,
  previousPeriodAt,
  type RecipientInput,
  type ReportRecipient,
  reportMail,
} from '#shared/domain/report-mail';
import type { ReportPeriod } from '#shared/domain/reports';
import { type Actor, hasRole } from '#shared/domain/ticket';
import type { Clock } from '#shared/ports/clock';
import type { Mailer } from '#shared/ports/mailer';
import type { ReportRecipientStore } from '#shared/ports/report-recipients';
import { managementReport, type ReportCounterReader } from './reports';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

export const REPORT_MAIL_ACTOR: Actor = { kind: 'system', username: 'system:report-mail' };

/** A claimed delivery older than this is taken to have died with its run, and is sent again. */
const STALE_CLAIM_MS = 15 * 60_000;

export interface RecipientDeps {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly recipients: ReportRecipientStore;
}

export interface ReportMailDeps extends RecipientDeps {
  readonly reports: ReportCounterReader;
  readonly mailer: Mailer;
}

/** Recipients are an admin's to manage (checked before the request is even read). */
export function requireAdmin(actor: Actor): void {
  if (actor.kind !== 'staff' || !hasRole(actor, 'admin')) {
    throw new ForbiddenError('Only an admin may manage report recipients');
  }
}

export async function listReportRecipients(deps: RecipientDeps, actor: Actor): Promise<ReportRecipient[]> {
  requireAdmin(actor);
  return (await deps.recipients.list()).sort((a, b) => a.email.localeCompare(b.email));
}

export async function setReportRecipient(
  deps: RecipientDeps,
  actor: Actor,
  email: string,
  input: RecipientInput,
): Promise<{ recipient: ReportRecipient; created: boolean }> {
  requireAdmin(actor);
  const recipient = newRecipient(email, input, {
    departments: deps.config.departments,
    now: deps.clock.now().toISOString(),
    actor: actor.username,
  });
  const created = (await deps.recipients.get(recipient.email)) === undefined;
  await deps.recipients.put(recipient);
  return { recipient, created };
}

export async function removeReportRecipient(deps: RecipientDeps, actor: Actor, email: string): Promise<void> {
  requireAdmin(actor);
  if (!(await deps.recipients.remove(email))) throw new NotFoundError(`No report recipient ${email}`);
}

export interface ReportMailRun {
  readonly period: ReportPeriod;
  readonly key: string;
  readonly sent: number;
  /** Already delivered (a duplicate run) or being delivered by another run. */
  readonly skipped: number;
  readonly failed: number;
}

/**
 * The scheduled delivery: the previous period's report (or the period holding `at`) to every recipient, the
 * whole of it to general managers and each department manager their department's part, with a link to the
 * portal and the CSV attached. Each period+recipient is claimed before it is sent, so a duplicate delivery of
 * the schedule sends nothing twice; a failed send gives its claim back and the run fails, so Scheduler's
 * retry sends what is missing.
 */
export async function sendScheduledReports(
  deps: ReportMailDeps,
  input: { period: ReportPeriod; at?: string },
): Promise<ReportMailRun> {
  const now = deps.clock.now().toISOString();
  const at = input.at ?? previousPeriodAt(input.period, now, deps.config.reportTimeZone);
  const report = await managementReport(deps, REPORT_MAIL_ACTOR, { period: input.period, at });
  const recipients = await deps.recipients.list();
  if (recipients.length === 0)
    logger.warn('No report recipients: nobody gets the report', { period: input.period });
  let sent = 0;
  let skipped = 0;
  let failed = 0;
  const staleBefore = new Date(Date.parse(now) - STALE_CLAIM_MS).toISOString();
  for (const recipient of recipients) {
    const key = deliveryKey(report.period, report.key, recipient.email);
    if (!(await deps.recipients.claimDelivery(key, now, staleBefore))) {
      skipped += 1;
      continue;
    }
    const mail = reportMail(report, recipient, { portalUrl: deps.config.portalUrl, at });
    try {
      await deps.mailer.send({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        attachments: [
          {
            filename: mail.attachment.filename,
            contentType: 'text/csv; charset=utf-8',
            content: mail.attachment.content,
          },
        ],
      });
      await deps.recipients.markDelivered(key, deps.clock.now().toISOString());
      sent += 1;
    } catch (error) {
      failed += 1;
      logger.error('Report e-mail not sent', {
        period: report.period,
        key: report.key,
        role: recipient.role,
        errorName: (error as Error)?.name,
      });
      await deps.recipients.releaseDelivery(key, now).catch(() => undefined);
    }
  }
  const run = { period: report.period, key: report.key, sent, skipped, failed };
  logger.info('Report e-mails', { ...run });
  if (failed > 0) throw new Error(`${failed} report e-mail(s) of ${report.period} ${report.key} not sent`);
  return run;
}
