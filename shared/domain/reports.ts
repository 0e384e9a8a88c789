import type { DeadlineKind, DeadlinePolicy, Severity } from './severity';
import { deadlineKinds, severities } from './severity';
import type { Ticket, TicketEvent } from './ticket';

/**
 * Management reports (weekly, monthly, yearly). Counters are kept per period bucket as events
 * happen, so a report reads three small items instead of every complaint. Everything here is pure.
 */
export const reportPeriods = ['week', 'month', 'year'] as const;
export type ReportPeriod = (typeof reportPeriods)[number];

/** A bag of named counters: `registered`, `category:billing`, `breach:firstContact:major`, ... */
export type Counters = Record<string, number>;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant on the desk's wall calendar. */
export function deskDate(at: string, timeZone: string): { year: number; month: number; day: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** ISO-8601 week of a calendar date: weeks start on Monday, week 1 holds the first Thursday. */
function isoWeek(year: number, month: number, day: number): { weekYear: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return { weekYear, week };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The bucket an instant falls in: `2026-W10`, `2026-03` or `2026` (desk time zone). */
export function periodKey(period: ReportPeriod, at: string, timeZone: string): string {
  const { year, month, day } = deskDate(at, timeZone);
  if (period === 'year') return String(year);
  if (period === 'month') return `${year}-${pad(month)}`;
  const { weekYear, week } = isoWeek(year, month, day);
  return `${weekYear}-W${pad(week)}`;
}

export function periodKeys(at: string, timeZone: string): Record<ReportPeriod, string> {
  return {
    week: periodKey('week', at, timeZone),
    month: periodKey('month', at, timeZone),
    year: periodKey('year', at, timeZone),
  };
}

const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

/** Who owned a deadline when it was missed: the department for its result, the desk for the rest. */
export function deadlineOwner(kind: DeadlineKind, ticket: Pick<Ticket, 'department'>): string {
  return kind === 'departmentResult' ? (ticket.department ?? 'desk') : 'desk';
}

function add(counters: Counters, name: string, by = 1): void {
  counters[name] = (counters[name] ?? 0) + by;
}

/** The breaches that became known at `at`: recorded then, or a deadline met late then. */
function breachesAt(ticket: Ticket, at: string): DeadlineKind[] {
  return deadlineKinds.filter((kind) => {
    const d = ticket.deadlines[kind];
    if (!d) return false;
    if (d.breachedAt) return d.breachedAt === at;
    return d.metAt === at && d.metAt > d.due;
  });
}

function addBreach(counters: Counters, ticket: Ticket, kind: DeadlineKind): void {
  add(counters, 'breaches');
  add(counters, `breach:${kind}`);
  add(counters, `breachSeverity:${ticket.severity}`);
  add(counters, `breachOwner:${deadlineOwner(kind, ticket)}:${ticket.severity}`);
}

/** A satisfaction score carried by an event (the survey issue records `survey_answered`). */
function satisfactionScore(event: TicketEvent): number | undefined {
  if ((event.type as string) !== 'survey_answered') return undefined;
  const score = Number(event.data.score);
  return Number.isInteger(score) && score >= 1 && score <= 5 ? score : undefined;
}

/**
 * What one write of a ticket adds to the report counters: the ticket as saved and the events
 * saved with it. Each event counts once, because it is saved once (the ticket write is conditional).
 */
export function counterDeltas(ticket: Ticket, events: readonly TicketEvent[]): Counters {
  const counters: Counters = {};
  for (const event of events) {
    switch (event.type) {
      case 'registered':
        add(counters, 'registered');
        add(counters, `category:${ticket.category}`);
        add(counters, `channel:${ticket.channel}`);
        add(counters, `severity:${ticket.severity}`);
        break;
      case 'dispatched':
        add(counters, `department:${String(event.data.department)}`);
        break;
      case 'contact_attempted': {
        if (event.data.outcome !== 'reached' || event.data.first !== true) break;
        const deadline = ticket.deadlines.firstContact;
        add(counters, 'firstContact:count');
        add(counters, 'firstContact:minutes', minutesBetween(ticket.createdAt, event.at));
        if (deadline && event.at <= deadline.due) add(counters, 'firstContact:onTime');
        break;
      }
      case 'resolved': {
        const target = ticket.deadlines.progressNotice;
        add(counters, 'resolved:count');
        add(counters, 'resolved:minutes', minutesBetween(ticket.createdAt, event.at));
        if (!target || event.at <= target.due) add(counters, 'resolved:onTime');
        break;
      }
      case 'reopened':
        add(counters, 'reopened');
        break;
      default: {
        const score = satisfactionScore(event);
        if (score !== undefined) add(counters, `satisfaction:${score}`);
      }
    }
  }
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.at)) continue;
    seen.add(event.at);
    for (const kind of breachesAt(ticket, event.at)) addBreach(counters, ticket, kind);
  }
  return counters;
}

/**
 * The same counters computed from the tickets themselves, for one bucket: what a report would
 * cost without write-time aggregates (the benchmark's baseline, and a cross-check in tests).
 */
export function countersFromTickets(
  tickets: Iterable<Ticket>,
  period: ReportPeriod,
  key: string,
  timeZone: string,
): Counters {
  const counters: Counters = {};
  const inBucket = (at: string | undefined) => at !== undefined && periodKey(period, at, timeZone) === key;
  for (const ticket of tickets) {
    if (inBucket(ticket.createdAt)) {
      add(counters, 'registered');
      add(counters, `category:${ticket.category}`);
      add(counters, `channel:${ticket.channel}`);
      add(counters, `severity:${ticket.severity}`);
    }
    if (ticket.department && inBucket(ticket.dispatchedAt)) add(counters, `department:${ticket.department}`);
    if (ticket.firstContactAt && inBucket(ticket.firstContactAt)) {
      const deadline = ticket.deadlines.firstContact;
      add(counters, 'firstContact:count');
      add(counters, 'firstContact:minutes', minutesBetween(ticket.createdAt, ticket.firstContactAt));
      if (deadline && ticket.firstContactAt <= deadline.due) add(counters, 'firstContact:onTime');
    }
    if (ticket.resolution && inBucket(ticket.resolution.at)) {
      const target = ticket.deadlines.progressNotice;
      add(counters, 'resolved:count');
      add(counters, 'resolved:minutes', minutesBetween(ticket.createdAt, ticket.resolution.at));
      if (!target || ticket.resolution.at <= target.due) add(counters, 'resolved:onTime');
    }
    for (const kind of deadlineKinds) {
      const d = ticket.deadlines[kind];
      const at = d?.breachedAt ?? (d?.metAt && d.metAt > d.due ? d.metAt : undefined);
      if (inBucket(at)) addBreach(counters, ticket, kind);
    }
  }
  return counters;
}

export function mergeCounters(target: Counters, more: Counters): Counters {
  for (const [name, value] of Object.entries(more)) add(target, name, value);
  return target;
}

export interface OwnerBreaches {
  readonly owner: string;
  readonly breaches: number;
  readonly points: number;
}

export interface ManagementReport {
  readonly period: ReportPeriod;
  readonly key: string;
  readonly timeZone: string;
  readonly registered: number;
  readonly byCategory: Record<string, number>;
  readonly byChannel: Record<string, number>;
  readonly bySeverity: Record<string, number>;
  readonly byDepartment: Record<string, number>;
  readonly firstContact: {
    readonly count: number;
    readonly averageMinutes: number | null;
    readonly onTime: number;
    readonly onTimeRate: number | null;
    readonly targetMinutes: Record<Severity, number>;
  };
  readonly resolution: {
    readonly count: number;
    readonly averageMinutes: number | null;
    readonly withinTarget: number;
    readonly withinTargetRate: number | null;
    readonly targetMinutes: number;
  };
  readonly breaches: {
    readonly total: number;
    readonly points: number;
    readonly byDeadline: Record<string, number>;
    readonly byOwner: readonly OwnerBreaches[];
  };
  readonly satisfaction: {
    readonly responses: number;
    readonly average: number | null;
    readonly distribution: Record<string, number>;
  };
  readonly reopened: number;
  readonly reopenRate: number | null;
}

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 1000 : null);
const average = (sum: number, count: number) => (count > 0 ? Math.round((sum / count) * 10) / 10 : null);

function group(counters: Counters, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) {
    if (name.startsWith(`${prefix}:`)) out[name.slice(prefix.length + 1)] = value;
  }
  return out;
}

/** Turn the counters of one bucket into the report management reads (points from the policy). */
export function buildReport(
  period: ReportPeriod,
  key: string,
  timeZone: string,
  counters: Counters,
  policy: DeadlinePolicy,
): ManagementReport {
  const c = (name: string) => counters[name] ?? 0;
  const points = (severity: string) => policy.severities[severity as Severity]?.breachPoints ?? 0;
  const owners = new Map<string, { breaches: number; points: number }>();
  for (const [rest, count] of Object.entries(group(counters, 'breachOwner'))) {
    const at = rest.lastIndexOf(':');
    const owner = rest.slice(0, at);
    const entry = owners.get(owner) ?? { breaches: 0, points: 0 };
    entry.breaches += count;
    entry.points += count * points(rest.slice(at + 1));
    owners.set(owner, entry);
  }
  const totalPoints = Object.entries(group(counters, 'breachSeverity')).reduce(
    (sum, [severity, count]) => sum + count * points(severity),
    0,
  );
  const distribution = group(counters, 'satisfaction');
  const responses = Object.values(distribution).reduce((a, b) => a + b, 0);
  const scoreSum = Object.entries(distribution).reduce((sum, [score, n]) => sum + Number(score) * n, 0);
  return {
    period,
    key,
    timeZone,
    registered: c('registered'),
    byCategory: group(counters, 'category'),
    byChannel: group(counters, 'channel'),
    bySeverity: group(counters, 'severity'),
    byDepartment: group(counters, 'department'),
    firstContact: {
      count: c('firstContact:count'),
      averageMinutes: average(c('firstContact:minutes'), c('firstContact:count')),
      onTime: c('firstContact:onTime'),
      onTimeRate: ratio(c('firstContact:onTime'), c('firstContact:count')),
      targetMinutes: Object.fromEntries(
        severities.map((s) => [s, policy.severities[s].firstContactMinutes]),
      ) as Record<Severity, number>,
    },
    resolution: {
      count: c('resolved:count'),
      averageMinutes: average(c('resolved:minutes'), c('resolved:count')),
      withinTarget: c('resolved:onTime'),
      withinTargetRate: ratio(c('resolved:onTime'), c('resolved:count')),
      targetMinutes: policy.progressNoticeMinutes,
    },
    breaches: {
      total: c('breaches'),
      points: totalPoints,
      byDeadline: group(counters, 'breach'),
      byOwner: [...owners]
        .map(([owner, v]) => ({ owner, ...v }))
        .sort((a, b) => b.points - a.points || a.owner.localeCompare(b.owner)),
    },
    satisfaction: { responses, average: average(scoreSum, responses), distribution },
    reopened: c('reopened'),
    reopenRate: ratio(c('reopened'), c('resolved:count')),
  };
}

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // Quote, and defuse spreadsheet formulas in text cells.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV rows `section,item,value`, one figure per row (spreadsheet friendly). */
export function reportToCsv(report: ManagementReport): string {
  const rows: (string | number | null)[][] = [['section', 'item', 'value']];
  const push = (section: string, item: string, value: number | string | null) =>
    rows.push([section, item, value]);
  push('period', report.period, report.key);
  push('period', 'time_zone', report.timeZone);
  push('volume', 'registered', report.registered);
  for (const [section, values] of [
    ['category', report.byCategory],
    ['channel', report.byChannel],
    ['severity', report.bySeverity],
    ['department', report.byDepartment],
  ] as const) {
    for (const [item, value] of Object.entries(values)) push(section, item, value);
  }
  push('first_contact', 'count', report.firstContact.count);
  push('first_contact', 'average_minutes', report.firstContact.averageMinutes);
  push('first_contact', 'on_time', report.firstContact.onTime);
  push('first_contact', 'on_time_rate', report.firstContact.onTimeRate);
  push('resolution', 'count', report.resolution.count);
  push('resolution', 'average_minutes', report.resolution.averageMinutes);
  push('resolution', 'within_target', report.resolution.withinTarget);
  push('resolution', 'within_target_rate', report.resolution.withinTargetRate);
  push('resolution', 'target_minutes', report.resolution.targetMinutes);
  push('breaches', 'total', report.breaches.total);
  push('breaches', 'points', report.breaches.points);
  for (const [kind, n] of Object.entries(report.breaches.byDeadline)) push('breaches', kind, n);
  for (const o of report.breaches.byOwner) {
    push('breaches_by_owner', `${o.owner}:breaches`, o.breaches);
    push('breaches_by_owner', `${o.owner}:points`, o.points);
  }
  push('satisfaction', 'responses', report.satisfaction.responses);
  push('satisfaction', 'average', report.satisfaction.average);
  for (const [score, n] of Object.entries(report.satisfaction.distribution)) push('satisfaction', score, n);
  push('reopen', 'reopened', report.reopened);
  push('reopen', 'rate', report.reopenRate);
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
