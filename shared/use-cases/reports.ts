import type { AppConfig } from '#shared/config';
import { ForbiddenError, NotFoundError } from '#shared/domain/errors';
import {
  buildReport,
  type Counters,
  type ManagementReport,
  periodKey,
  type ReportPeriod,
} from '#shared/domain/reports';
import { type Actor, hasRole, type TicketEvent } from '#shared/domain/ticket';
import type { Clock } from '#shared/ports/clock';
import type { TicketStore } from '#shared/ports/ticket-store';

/** Reads the write-time counters of report buckets (shared/adapters/dynamo-report-store.ts). */
export interface ReportCounterReader {
  counters(period: ReportPeriod, key: string): Promise<Counters>;
}

export interface ReportDeps {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly reports: ReportCounterReader;
}

/** The management report of the week / month / year that holds `at` (default: now). */
export async function managementReport(
  deps: ReportDeps,
  actor: Actor,
  query: { period: ReportPeriod; at?: string },
): Promise<ManagementReport> {
  if (!hasRole(actor, 'supervisor')) throw new ForbiddenError('Reports are for supervisors and admins');
  const at = query.at ?? deps.clock.now().toISOString();
  const timeZone = deps.config.deskTimeZone;
  const key = periodKey(query.period, at, timeZone);
  const counters = await deps.reports.counters(query.period, key);
  return buildReport(query.period, key, timeZone, counters, deps.config.deadlinePolicy);
}

/** Event types an auditor reviews first: reads of personal data and every change. */
export const auditEventTypes: readonly string[] = ['personal_data_read'];

/** The full event trail of one complaint, for an admin's audit (who read or changed what, when). */
export async function auditTrail(
  deps: { tickets: TicketStore },
  actor: Actor,
  ticketId: string,
): Promise<TicketEvent[]> {
  if (!hasRole(actor, 'admin')) throw new ForbiddenError('Only an admin may open the audit trail');
  const ticket = await deps.tickets.get(ticketId);
  if (!ticket) throw new NotFoundError(`Complaint ${ticketId} not found`);
  const events: TicketEvent[] = [];
  let cursor: string | undefined;
  // Bounded: an audit page shows at most 1,000 events of one complaint.
  for (let page = 0; page < 10; page++) {
    const out = await deps.tickets.events(ticketId, { limit: 100, ...(cursor ? { cursor } : {}) });
    events.push(...out.items);
    cursor = out.nextCursor;
    if (!cursor) break;
  }
  return events;
}
