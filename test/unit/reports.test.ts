import { describe, expect, it } from 'vitest';
import {
  buildReport,
  counterDeltas,
  countersFromTickets,
  mergeCounters,
  periodKey,
  periodKeys,
  reportToCsv,
} from '#shared/domain/reports';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import { applyAction, registerTicket, type Ticket, type TicketEvent } from '#shared/domain/ticket';
import { aComplaint, anAgent, aSupervisor, minutesAfter, T0 } from '#test/fixtures/tickets';

const policy = defaultDeadlinePolicy;
const TZ = 'America/New_York';

/** Run a complaint through its life, collecting the counters each write adds. */
function lifecycle(severity: 'dissatisfied' | 'major', contactAfter: number) {
  const counters = {};
  let { ticket, event } = registerTicket(aComplaint({ severity, channel: 'walk_in' }), {
    number: '1000009',
    actor: anAgent(),
    now: T0,
    policy,
  });
  mergeCounters(counters, counterDeltas(ticket, [event]));
  const step = (action: Parameters<typeof applyAction>[1], at: string, actor = anAgent()) => {
    const next: { ticket: Ticket; event: TicketEvent } = applyAction(ticket, action, {
      actor,
      now: at,
      policy,
    });
    ticket = next.ticket;
    event = next.event;
    mergeCounters(counters, counterDeltas(ticket, [event]));
  };
  step({ type: 'dispatch', department: 'billing' }, minutesAfter(T0, 5));
  step({ type: 'recordContact', outcome: 'reached' }, minutesAfter(T0, contactAfter));
  step({ type: 'resolve', resolution: 'Refunded', customerAgreement: 'Accepted' }, minutesAfter(T0, 120));
  return { counters, ticket, step };
}

describe('report buckets', () => {
  it('follows the desk calendar: late Sunday evening in New York is still that ISO week', () => {
    // 2026-03-09T03:00Z is Sunday 8 March 23:00 in New York, Monday in UTC.
    expect(periodKey('week', '2026-03-09T03:00:00Z', TZ)).toBe('2026-W10');
    expect(periodKey('week', '2026-03-09T03:00:00Z', 'UTC')).toBe('2026-W11');
    expect(periodKeys('2027-01-01T12:00:00Z', TZ)).toEqual({
      week: '2026-W53',
      month: '2027-01',
      year: '2027',
    });
  });
});

describe('write-time report counters', () => {
  it('count a complaint handled on time in volumes, first contact and resolution', () => {
    const { counters } = lifecycle('dissatisfied', 20);
    const report = buildReport('week', '2026-W10', TZ, counters, policy);
    expect(report.registered).toBe(1);
    expect(report.byChannel).toEqual({ walk_in: 1 });
    expect(report.byDepartment).toEqual({ billing: 1 });
    expect(report.firstContact).toMatchObject({ count: 1, averageMinutes: 20, onTime: 1, onTimeRate: 1 });
    expect(report.resolution).toMatchObject({ count: 1, averageMinutes: 120, withinTargetRate: 1 });
    expect(report.breaches.total).toBe(0);
  });

  it('record a late first contact as a breach of the desk with the points of its level', () => {
    const { counters } = lifecycle('major', 25);
    const report = buildReport('month', '2026-03', TZ, counters, policy);
    expect(report.firstContact.onTime).toBe(0);
    expect(report.breaches.byDeadline).toEqual({ firstContact: 1 });
    expect(report.breaches.points).toBe(50);
    expect(report.breaches.byOwner).toEqual([{ owner: 'desk', kind: 'desk', breaches: 1, points: 50 }]);
  });

  it('count reopened complaints against resolved ones', () => {
    const { counters, step } = lifecycle('dissatisfied', 10);
    step({ type: 'reopen', reason: 'Customer unhappy' }, minutesAfter(T0, 300), aSupervisor());
    expect(buildReport('year', '2026', TZ, counters, policy)).toMatchObject({ reopened: 1, reopenRate: 1 });
  });

  it('agree with a scan of the tickets', () => {
    const { counters, ticket } = lifecycle('major', 25);
    const scanned = countersFromTickets([ticket], 'year', '2026', TZ);
    expect(scanned).toEqual(counters);
    expect(countersFromTickets([ticket], 'year', '2025', TZ)).toEqual({});
  });

  it('export as CSV with one figure per row', () => {
    const { counters } = lifecycle('dissatisfied', 20);
    const csv = reportToCsv(buildReport('week', '2026-W10', TZ, counters, policy));
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('section,item,value');
    expect(lines).toContain('volume,registered,1');
    expect(lines).toContain('channel,walk_in,1');
    expect(lines).toContain('first_contact,on_time_rate,1');
  });
});
