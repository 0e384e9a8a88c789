import { InvalidInputError } from './errors';
import {
  accountabilityReport,
  departmentReport,
  departmentReportToCsv,
  type ManagementReport,
  periodKey,
  type ReportPeriod,
  reportToCsv,
} from './reports';

/**
 * Who gets the scheduled management reports by e-mail: general managers the whole report, department
 * managers only their department's part. Pure: validation, which period a run reports, what each mail says.
 */
export const recipientRoles = ['general_manager', 'department_manager'] as const;
export type RecipientRole = (typeof recipientRoles)[number];

export interface ReportRecipient {
  /** Lower-cased; the recipient's identity. */
  readonly email: string;
  readonly role: RecipientRole;
  /** The department a department manager gets the part of. */
  readonly department?: string;
  readonly name?: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface RecipientInput {
  readonly role: RecipientRole;
  readonly department?: string;
  readonly name?: string;
}

/** A recipient as the admin set it; a department manager needs a known department, a general manager none. */
export function newRecipient(
  email: string,
  input: RecipientInput,
  context: { departments: readonly string[]; now: string; actor: string },
): ReportRecipient {
  if (input.role === 'department_manager') {
    if (!input.department)
      throw new InvalidInputError('A department manager needs a department', 'department');
    if (!context.departments.includes(input.department)) {
      throw new InvalidInputError(`Unknown department ${input.department}`, 'department');
    }
  } else if (input.department !== undefined) {
    throw new InvalidInputError(
      'A general manager gets every department; leave department out',
      'department',
    );
  }
  return {
    email: email.toLowerCase(),
    role: input.role,
    ...(input.department ? { department: input.department } : {}),
    ...(input.name ? { name: input.name } : {}),
    updatedAt: context.now,
    updatedBy: context.actor,
  };
}

/**
 * An instant in the period before the one `now` falls in (desk calendar): a run on Monday 08:00 reports the
 * week that ended at midnight, on the 1st the month before, on 1 January the year before.
 */
export function previousPeriodAt(period: ReportPeriod, now: string, timeZone: string): string {
  const current = periodKey(period, now, timeZone);
  let at = Date.parse(now);
  // A year has at most 366 days; step back a day at a time until the calendar leaves the current period.
  for (let day = 0; day < 370; day++) {
    at -= 86_400_000;
    const iso = new Date(at).toISOString();
    if (periodKey(period, iso, timeZone) !== current) return iso;
  }
  throw new Error(`No period before ${current}`);
}

/** Idempotency key of one delivery: a period's report goes to a recipient once. */
export function deliveryKey(period: ReportPeriod, key: string, email: string): string {
  return `${period}#${key}#${email.toLowerCase()}`;
}

export interface ReportMailContent {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly attachment: { readonly filename: string; readonly content: string };
}

const periodNames: Record<ReportPeriod, string> = { week: 'Weekly', month: 'Monthly', year: 'Yearly' };

/** The portal page of a report: `<portal>/reports?period=week&at=2026-03-04[&department=billing]`. */
export function reportLink(
  portalUrl: string,
  report: Pick<ManagementReport, 'period'>,
  at: string,
  department?: string,
): string {
  const query = new URLSearchParams({ period: report.period, at: at.slice(0, 10) });
  if (department) query.set('department', department);
  return `${portalUrl}/reports?${query.toString()}`;
}

/** The mail one recipient gets: the whole report for a general manager, one department's part otherwise. */
export function reportMail(
  report: ManagementReport,
  recipient: Pick<ReportRecipient, 'email' | 'role' | 'department'>,
  context: { portalUrl: string; at: string },
): ReportMailContent {
  const title = `${periodNames[report.period]} complaint report ${report.key}`;
  const greeting = 'Hello,';
  if (recipient.role === 'department_manager' && recipient.department) {
    const part = departmentReport(report, recipient.department);
    return {
      to: recipient.email,
      subject: `${title}: ${part.department}`,
      text: [
        greeting,
        '',
        `Your department's part of the ${report.period} ${report.key} (${report.timeZone}):`,
        `- complaints dispatched to ${part.department}: ${part.dispatched}`,
        `- deadlines missed by ${part.department}: ${part.breaches}, breach points: ${part.points}`,
        '',
        `The report in the portal: ${reportLink(context.portalUrl, report, context.at, part.department)}`,
        'The figures are attached as CSV.',
      ].join('\n'),
      attachment: {
        filename: `complaints-${report.period}-${report.key}-${part.department}.csv`,
        content: departmentReportToCsv(part),
      },
    };
  }
  const accountability = accountabilityReport(report);
  const owners = accountability.byOwner
    .slice(0, 10)
    .map((o) => `- ${o.owner}: ${o.breaches} missed, ${o.points} points`);
  return {
    to: recipient.email,
    subject: title,
    text: [
      greeting,
      '',
      `The ${report.period} ${report.key} (${report.timeZone}):`,
      `- complaints registered: ${report.registered}, resolved: ${report.resolution.count}`,
      `- first contact on time: ${formatRate(report.firstContact.onTimeRate)}, reopened: ${report.reopened}`,
      `- deadlines missed: ${accountability.breaches}, breach points: ${accountability.points}`,
      ...(owners.length > 0 ? ['', 'Who missed deadlines:', ...owners] : []),
      '',
      `The report in the portal: ${reportLink(context.portalUrl, report, context.at)}`,
      'The figures are attached as CSV.',
    ].join('\n'),
    attachment: { filename: `complaints-${report.period}-${report.key}.csv`, content: reportToCsv(report) },
  };
}

const formatRate = (rate: number | null) => (rate === null ? 'n/a' : `${Math.round(rate * 100)} %`);
