import { toCsv } from './csv';
import { type BreachOwnerKind, breachOwner, parseOwnerKey } from './deadline-schedules';
import type { DeadlineKind, DeadlinePolicy, Severity } from './severity';
import { deadlineKinds, defaultDeadlinePolicy, severities } from './severity';
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

/**
 * One breach: counted, and its owner charged with its points. Owner and points come from the
 * `deadline_breached` event (as decided at breach time) where there is one; a deadline met late before its
 * timer fired has none, and is charged as the event would have been.
 */
function addBreach(
  counters: Counters,
  ticket: Ticket,
  kind: DeadlineKind | typeof REMEDY_ACTION_BREACH,
  policy: DeadlinePolicy,
  event?: TicketEvent,
  fallbackOwner?: string,
): void {
  const owner =
    typeof event?.data.owner === 'string'
      ? event.data.owner
      : (fallbackOwner ?? breachOwner(ticket, kind === REMEDY_ACTION_BREACH ? 'departmentResult' : kind));
  const points =
    typeof event?.data.points === 'number'
      ? event.data.points
      : policy.severities[ticket.severity].breachPoints;
  add(counters, 'breaches');
  add(counters, `breach:${kind}`);
  add(counters, `breachSeverity:${ticket.severity}`);
  add(counters, 'breachPoints', points);
  add(counters, `ownerBreaches:${owner}`);
  add(counters, `ownerPoints:${owner}`, points);
}

/** A late department action of a remedy (remedy.ts, event `remedy_action_overdue`) is a breach like a deadline. */
export const REMEDY_ACTION_BREACH = 'remedyAction';
const REMEDY_ACTION_OVERDUE = 'remedy_action_overdue';

/** Late remedy actions as a scan sees them: escalated actions, with their department and time. */
function lateRemedyActions(ticket: Ticket): { department: string; at: string }[] {
  const remedies = (ticket as { remedies?: readonly { actions?: readonly RemedyActionView[] }[] }).remedies;
  return (remedies ?? []).flatMap((r) =>
    (r.actions ?? []).flatMap((a) =>
      a.escalatedAt && a.department ? [{ department: a.department, at: a.escalatedAt }] : [],
    ),
  );
}

interface RemedyActionView {
  readonly department?: string;
  readonly escalatedAt?: string;
}

/** The satisfaction rating a `survey_answered` event carries (`rating`, keypad or link, 1-5). */
function satisfactionScore(event: TicketEvent): number | undefined {
  if (event.type !== 'survey_answered') return undefined;
  const score = Number(event.data.rating ?? event.data.score);
  return Number.isInteger(score) && score >= 1 && score <= 5 ? score : undefined;
}

/**
 * The resolution target (the first progress notice, from registration) is judged once per complaint: at its
 * first resolution when that comes in time (`onTime`), or late before the first notice went out (`missed`);
 * otherwise the first progress notice already counted it missed. Resolutions after a reopen are not judged.
 */
function resolutionJudgedAtResolve(
  ticket: Ticket,
  at: string,
  policy: DeadlinePolicy,
): 'onTime' | 'missed' | undefined {
  if (ticket.reopenCount !== 0) return undefined;
  const target = new Date(Date.parse(ticket.createdAt) + policy.progressNoticeMinutes * 60_000).toISOString();
  if (at <= target) return 'onTime';
  const noticeDue = ticket.deadlines.progressNotice?.due;
  // The notice's due moves on once a notice went out: then that notice counted the miss.
  return noticeDue === undefined || noticeDue <= target ? 'missed' : undefined;
}

/**
 * What one write of a ticket adds to the report counters: the ticket as saved and the events
 * saved with it. Each event counts once, because it is saved once (the ticket write is conditional).
 */
export function counterDeltas(
  ticket: Ticket,
  events: readonly TicketEvent[],
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): Counters {
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
        if (event.data.outcome !== 'reached') break;
        const deadline = ticket.deadlines.firstContact;
        // Met on time by this contact; met late, or never met, it is a missed deadline (the breach count below).
        if (deadline?.metAt === event.at && deadline.metAt <= deadline.due)
          add(counters, 'firstContact:onTime');
        if (event.data.first !== true) break;
        add(counters, 'firstContact:count');
        add(counters, 'firstContact:minutes', minutesBetween(ticket.createdAt, event.at));
        break;
      }
      case 'resolved': {
        add(counters, 'resolved:count');
        add(counters, 'resolved:minutes', minutesBetween(ticket.createdAt, event.at));
        const judged = resolutionJudgedAtResolve(ticket, event.at, policy);
        if (judged) add(counters, `resolved:${judged}`);
        break;
      }
      case 'progress_notice_queued':
        // The resolution target passed with the complaint open: missed, whenever (or whether) it is resolved.
        if (ticket.reopenCount === 0 && Number(event.data.occurrence) === 1) add(counters, 'resolved:missed');
        break;
      case 'reopened':
        add(counters, 'reopened');
        break;
      default: {
        if ((event.type as string) === REMEDY_ACTION_OVERDUE) {
          const department = event.data.department;
          const owner = typeof department === 'string' ? `department:${department}` : 'desk';
          addBreach(counters, ticket, REMEDY_ACTION_BREACH, policy, event, owner);
          break;
        }
        const score = satisfactionScore(event);
        if (score !== undefined) add(counters, `satisfaction:${score}`);
      }
    }
  }
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.at)) continue;
    seen.add(event.at);
    for (const kind of breachesAt(ticket, event.at)) {
      const recorded = events.find(
        (e) => e.type === 'deadline_breached' && e.at === event.at && e.data.deadline === kind,
      );
      addBreach(counters, ticket, kind, policy, recorded);
      if (kind === 'firstContact') add(counters, 'firstContact:missed');
    }
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
  policy: DeadlinePolicy = defaultDeadlinePolicy,
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
      add(counters, 'firstContact:count');
      add(counters, 'firstContact:minutes', minutesBetween(ticket.createdAt, ticket.firstContactAt));
    }
    const firstContact = ticket.deadlines.firstContact;
    if (firstContact?.metAt && inBucket(firstContact.metAt) && firstContact.metAt <= firstContact.due) {
      add(counters, 'firstContact:onTime');
    }
    if (ticket.resolution && inBucket(ticket.resolution.at)) {
      add(counters, 'resolved:count');
      add(counters, 'resolved:minutes', minutesBetween(ticket.createdAt, ticket.resolution.at));
      const judged = resolutionJudgedAtResolve(ticket, ticket.resolution.at, policy);
      if (judged) add(counters, `resolved:${judged}`);
    }
    const target = new Date(
      Date.parse(ticket.createdAt) + policy.progressNoticeMinutes * 60_000,
    ).toISOString();
    const noticeDue = ticket.deadlines.progressNotice?.due;
    // The first progress notice went out (its due moved on) with the complaint open: missed at the target.
    if (ticket.reopenCount === 0 && noticeDue !== undefined && noticeDue > target && inBucket(target)) {
      add(counters, 'resolved:missed');
    }
    for (const kind of deadlineKinds) {
      const d = ticket.deadlines[kind];
      const at = d?.breachedAt ?? (d?.metAt && d.metAt > d.due ? d.metAt : undefined);
      if (inBucket(at)) {
        addBreach(counters, ticket, kind, policy);
        if (kind === 'firstContact') add(counters, 'firstContact:missed');
      }
    }
    for (const late of lateRemedyActions(ticket)) {
      if (inBucket(late.at)) {
        addBreach(counters, ticket, REMEDY_ACTION_BREACH, policy, undefined, `department:${late.department}`);
      }
    }
  }
  return counters;
}

export function mergeCounters(target: Counters, more: Counters): Counters {
  for (const [name, value] of Object.entries(more)) add(target, name, value);
  return target;
}

export interface OwnerBreaches {
  /** `department:<name>`, `staff:<username>` or `desk`. */
  readonly owner: string;
  readonly kind: BreachOwnerKind;
  /** Department or username; absent for the desk. */
  readonly name?: string;
  readonly breaches: number;
  readonly points: number;
}

export interface DepartmentBreaches {
  readonly department: string;
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
    /** Complaints first contacted in the period, and how long that took on average. */
    readonly count: number;
    readonly averageMinutes: number | null;
    /** First-contact deadlines met in time / missed in the period (missed whether contact came later or not). */
    readonly onTime: number;
    readonly missed: number;
    /** onTime / (onTime + missed). */
    readonly onTimeRate: number | null;
    readonly targetMinutes: Record<Severity, number>;
  };
  readonly resolution: {
    readonly count: number;
    readonly averageMinutes: number | null;
    /** Resolution targets met / missed in the period (missed when it passed unresolved, resolved later or not). */
    readonly withinTarget: number;
    readonly missedTarget: number;
    /** withinTarget / (withinTarget + missedTarget). */
    readonly withinTargetRate: number | null;
    readonly targetMinutes: number;
  };
  readonly breaches: {
    readonly total: number;
    readonly points: number;
    readonly byDeadline: Record<string, number>;
    readonly byOwner: readonly OwnerBreaches[];
    /** Breaches the departments owned (a late department result), with their points. */
    readonly byDepartment: readonly DepartmentBreaches[];
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

/**
 * Breaches and points per owner key, and the points in all. Counters written since breach points are recorded
 * at breach time are `ownerBreaches:<owner>` / `ownerPoints:<owner>`; older ones were `breachOwner:<owner>:
 * <severity>` (bare department name or `desk`) and are priced with the policy.
 */
function ownerTotals(
  counters: Counters,
  policy: DeadlinePolicy,
): { owners: Map<string, { breaches: number; points: number }>; points: number } {
  const owners = new Map<string, { breaches: number; points: number }>();
  const charge = (owner: string, breaches: number, points: number) => {
    const entry = owners.get(owner) ?? { breaches: 0, points: 0 };
    entry.breaches += breaches;
    entry.points += points;
    owners.set(owner, entry);
  };
  let points = counters.breachPoints ?? 0;
  const pointsOf = group(counters, 'ownerPoints');
  for (const [owner, count] of Object.entries(group(counters, 'ownerBreaches'))) {
    charge(owner, count, pointsOf[owner] ?? 0);
  }
  for (const [rest, count] of Object.entries(group(counters, 'breachOwner'))) {
    const at = rest.lastIndexOf(':');
    const legacy = rest.slice(0, at);
    const legacyPoints = count * (policy.severities[rest.slice(at + 1) as Severity]?.breachPoints ?? 0);
    charge(legacy === 'desk' ? 'desk' : `department:${legacy}`, count, legacyPoints);
    points += legacyPoints;
  }
  return { owners, points };
}

/** Turn the counters of one bucket into the report management reads. */
export function buildReport(
  period: ReportPeriod,
  key: string,
  timeZone: string,
  counters: Counters,
  policy: DeadlinePolicy,
): ManagementReport {
  const c = (name: string) => counters[name] ?? 0;
  const { owners, points: totalPoints } = ownerTotals(counters, policy);
  const byOwner = [...owners]
    .map(([owner, v]): OwnerBreaches => {
      const parsed = parseOwnerKey(owner);
      return { owner, kind: parsed.kind, ...(parsed.name ? { name: parsed.name } : {}), ...v };
    })
    .sort((a, b) => b.points - a.points || a.owner.localeCompare(b.owner));
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
      missed: c('firstContact:missed'),
      onTimeRate: ratio(c('firstContact:onTime'), c('firstContact:onTime') + c('firstContact:missed')),
      targetMinutes: Object.fromEntries(
        severities.map((s) => [s, policy.severities[s].firstContactMinutes]),
      ) as Record<Severity, number>,
    },
    resolution: {
      count: c('resolved:count'),
      averageMinutes: average(c('resolved:minutes'), c('resolved:count')),
      withinTarget: c('resolved:onTime'),
      missedTarget: c('resolved:missed'),
      withinTargetRate: ratio(c('resolved:onTime'), c('resolved:onTime') + c('resolved:missed')),
      targetMinutes: policy.progressNoticeMinutes,
    },
    breaches: {
      total: c('breaches'),
      points: totalPoints,
      byDeadline: group(counters, 'breach'),
      byOwner,
      byDepartment: byOwner
        .filter((o) => o.kind === 'department' && o.name)
        .map((o) => ({ department: o.name ?? '', breaches: o.breaches, points: o.points })),
    },
    satisfaction: { responses, average: average(scoreSum, responses), distribution },
    reopened: c('reopened'),
    reopenRate: ratio(c('reopened'), c('resolved:count')),
  };
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
  push('first_contact', 'missed', report.firstContact.missed);
  push('first_contact', 'on_time_rate', report.firstContact.onTimeRate);
  push('resolution', 'count', report.resolution.count);
  push('resolution', 'average_minutes', report.resolution.averageMinutes);
  push('resolution', 'within_target', report.resolution.withinTarget);
  push('resolution', 'missed_target', report.resolution.missedTarget);
  push('resolution', 'within_target_rate', report.resolution.withinTargetRate);
  push('resolution', 'target_minutes', report.resolution.targetMinutes);
  push('breaches', 'total', report.breaches.total);
  push('breaches', 'points', report.breaches.points);
  for (const [kind, n] of Object.entries(report.breaches.byDeadline)) push('breaches', kind, n);
  for (const o of report.breaches.byOwner) {
    push('breaches_by_owner', `${o.owner}:breaches`, o.breaches);
    push('breaches_by_owner', `${o.owner}:points`, o.points);
  }
  for (const d of report.breaches.byDepartment) {
    push('breaches_by_department', `${d.department}:breaches`, d.breaches);
    push('breaches_by_department', `${d.department}:points`, d.points);
  }
  push('satisfaction', 'responses', report.satisfaction.responses);
  push('satisfaction', 'average', report.satisfaction.average);
  for (const [score, n] of Object.entries(report.satisfaction.distribution)) push('satisfaction', score, n);
  push('reopen', 'reopened', report.reopened);
  push('reopen', 'rate', report.reopenRate);
  return toCsv(rows);
}

/** Who missed deadlines in a period: breaches and points per department and per owner. */
export interface AccountabilityReport {
  readonly period: ReportPeriod;
  readonly key: string;
  readonly timeZone: string;
  readonly breaches: number;
  readonly points: number;
  readonly byDepartment: readonly DepartmentBreaches[];
  readonly byOwner: readonly OwnerBreaches[];
}

export function accountabilityReport(report: ManagementReport): AccountabilityReport {
  return {
    period: report.period,
    key: report.key,
    timeZone: report.timeZone,
    breaches: report.breaches.total,
    points: report.breaches.points,
    byDepartment: report.breaches.byDepartment,
    byOwner: report.breaches.byOwner,
  };
}

/** CSV rows `scope,owner,breaches,points`: the total, each department, each owner. */
export function accountabilityToCsv(report: AccountabilityReport): string {
  return toCsv([
    ['scope', 'owner', 'breaches', 'points'],
    ['total', `${report.period} ${report.key}`, report.breaches, report.points],
    ...report.byDepartment.map((d) => ['department', d.department, d.breaches, d.points]),
    ...report.byOwner.map((o) => ['owner', o.owner, o.breaches, o.points]),
  ]);
}

/** A department manager's part of a report: their department's volume, breaches and points only. */
export interface DepartmentReport {
  readonly period: ReportPeriod;
  readonly key: string;
  readonly timeZone: string;
  readonly department: string;
  /** Complaints dispatched to the department in the period. */
  readonly dispatched: number;
  readonly breaches: number;
  readonly points: number;
}

export function departmentReport(report: ManagementReport, department: string): DepartmentReport {
  const own = report.breaches.byDepartment.find((d) => d.department === department);
  return {
    period: report.period,
    key: report.key,
    timeZone: report.timeZone,
    department,
    dispatched: report.byDepartment[department] ?? 0,
    breaches: own?.breaches ?? 0,
    points: own?.points ?? 0,
  };
}

export function departmentReportToCsv(report: DepartmentReport): string {
  return toCsv([
    ['section', 'item', 'value'],
    ['period', report.period, report.key],
    ['period', 'time_zone', report.timeZone],
    ['department', 'name', report.department],
    ['department', 'dispatched', report.dispatched],
    ['breaches', 'total', report.breaches],
    ['breaches', 'points', report.points],
  ]);
}
