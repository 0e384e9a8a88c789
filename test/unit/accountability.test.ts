import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config';
import { breachOwner, checkDeadline, parseOwnerKey } from '#shared/domain/deadline-schedules';
import {
  accountabilityReport,
  accountabilityToCsv,
  buildReport,
  type Counters,
  counterDeltas,
  countersFromTickets,
  departmentReport,
  departmentReportToCsv,
  mergeCounters,
  reportToCsv,
} from '#shared/domain/reports';
import { type DeadlinePolicy, defaultDeadlinePolicy } from '#shared/domain/severity';
import { applyAction, type Ticket } from '#shared/domain/ticket';
import { anAgent, aTicket, minutesAfter, T0 } from '#test/fixtures/tickets';

const TZ = 'America/New_York';
const policy = defaultDeadlinePolicy;

function dispatched(department: string, severity: Ticket['severity'] = 'dissatisfied', number = '1000009') {
  return applyAction(
    aTicket({ severity }, T0, number),
    { type: 'dispatch', department },
    { actor: anAgent(), now: minutesAfter(T0, 5), policy },
  ).ticket;
}

/** The department-result timer fires after its due time: the breach write's counters. */
function lateDepartmentResult(ticket: Ticket, p: DeadlinePolicy = policy): Counters {
  const due = ticket.deadlines.departmentResult?.due ?? '';
  const check = checkDeadline(ticket, { deadline: 'departmentResult', due }, due, p);
  if (check.kind !== 'breach') throw new Error(`expected a breach, got ${check.kind}`);
  return counterDeltas(check.ticket, [check.event], p);
}

describe('breach owner and points', () => {
  it('a late department result is a breach of that department with the points of the level', () => {
    const ticket = dispatched('billing', 'major');
    const due = ticket.deadlines.departmentResult?.due ?? '';
    const check = checkDeadline(ticket, { deadline: 'departmentResult', due }, due, policy);
    expect(check.kind).toBe('breach');
    if (check.kind !== 'breach') return;
    expect(check.points).toBe(50);
    expect(check.event.data).toMatchObject({
      deadline: 'departmentResult',
      owner: 'department:billing',
      ownerKind: 'department',
      ownerName: 'billing',
      department: 'billing',
      points: 50,
      severity: 'major',
    });
  });

  it('a late contact is the desk’s, or the assigned staff member’s where one is recorded', () => {
    const ticket = aTicket({ severity: 'crisis' });
    expect(breachOwner(ticket, 'firstContact')).toBe('desk');
    expect(breachOwner({ ...ticket, assignee: 'bob' }, 'firstContact')).toBe('staff:bob');
    expect(breachOwner({ ...ticket, assignee: 'bob' }, 'secondContact')).toBe('staff:bob');
    expect(breachOwner({ ...ticket, assignee: 'bob' }, 'progressNotice')).toBe('staff:bob');
    // Dispatching is the desk's job whoever holds the complaint; a result is the department's.
    expect(breachOwner({ ...ticket, assignee: 'bob' }, 'dispatch')).toBe('desk');
    expect(breachOwner({ ...ticket, assignee: 'bob', department: 'network' }, 'departmentResult')).toBe(
      'department:network',
    );
    const check = checkDeadline(
      { ...ticket, assignee: 'bob' },
      { deadline: 'firstContact', due: minutesAfter(T0, 10) },
      minutesAfter(T0, 10),
      policy,
    );
    expect(check.kind === 'breach' && check.event.data).toMatchObject({ owner: 'staff:bob', points: 80 });
    expect(parseOwnerKey('staff:bob')).toEqual({ kind: 'staff', name: 'bob' });
    expect(parseOwnerKey('desk')).toEqual({ kind: 'desk' });
  });

  it('takes the points per level from configuration (BREACH_POINTS), defaults 20/30/50/80', () => {
    const env = { TABLE_NAME: 'complaint-hotline' };
    const points = (e: Record<string, string>) =>
      Object.values(loadConfig({ ...env, ...e }).deadlinePolicy.severities).map((s) => s.breachPoints);
    expect(points({})).toEqual([20, 30, 50, 80]);
    expect(points({ BREACH_POINTS: '1, 2,3,4' })).toEqual([1, 2, 3, 4]);
    expect(() => loadConfig({ ...env, BREACH_POINTS: '10,20' })).toThrow(/BREACH_POINTS/);
    expect(() => loadConfig({ ...env, BREACH_POINTS: '10,20,-1,5' })).toThrow(/BREACH_POINTS/);
  });
});

describe('accountability report', () => {
  it('totals breaches and points per department and per owner', () => {
    const counters: Counters = {};
    mergeCounters(counters, lateDepartmentResult(dispatched('billing', 'dissatisfied', '1000001')));
    mergeCounters(counters, lateDepartmentResult(dispatched('billing', 'crisis', '1000002')));
    mergeCounters(counters, lateDepartmentResult(dispatched('network', 'major', '1000003')));
    const report = buildReport('week', '2026-W10', TZ, counters, policy);
    expect(report.breaches.total).toBe(3);
    expect(report.breaches.points).toBe(20 + 80 + 50);
    expect(report.breaches.byDepartment).toEqual([
      { department: 'billing', breaches: 2, points: 100 },
      { department: 'network', breaches: 1, points: 50 },
    ]);
    expect(report.breaches.byOwner[0]).toEqual({
      owner: 'department:billing',
      kind: 'department',
      name: 'billing',
      breaches: 2,
      points: 100,
    });

    const accountability = accountabilityReport(report);
    expect(accountability).toMatchObject({ breaches: 3, points: 150, key: '2026-W10' });
    const csv = accountabilityToCsv(accountability).trim().split('\r\n');
    expect(csv[0]).toBe('scope,owner,breaches,points');
    expect(csv).toContain('total,week 2026-W10,3,150');
    expect(csv).toContain('department,billing,2,100');
    expect(csv).toContain('owner,department:network,1,50');
    expect(reportToCsv(report)).toContain('breaches_by_department,billing:points,100');
  });

  it('keeps the points a breach carried when it happened, even if the policy changes later', () => {
    const generous: DeadlinePolicy = {
      ...policy,
      severities: {
        ...policy.severities,
        dissatisfied: { ...policy.severities.dissatisfied, breachPoints: 7 },
      },
    };
    const counters = lateDepartmentResult(dispatched('billing'), generous);
    const report = buildReport('month', '2026-03', TZ, counters, policy);
    expect(report.breaches.points).toBe(7);
    expect(report.breaches.byDepartment).toEqual([{ department: 'billing', breaches: 1, points: 7 }]);
  });

  it('still reads counters written before points were recorded at breach time', () => {
    const report = buildReport(
      'year',
      '2026',
      TZ,
      { breaches: 2, 'breachOwner:billing:major': 1, 'breachOwner:desk:crisis': 1 },
      policy,
    );
    expect(report.breaches.points).toBe(130);
    expect(report.breaches.byDepartment).toEqual([{ department: 'billing', breaches: 1, points: 50 }]);
    expect(report.breaches.byOwner.map((o) => o.owner)).toEqual(['desk', 'department:billing']);
  });

  it("gives a department manager only their department's part", () => {
    const counters: Counters = {};
    for (const [i, t] of [
      dispatched('billing', 'major', '1000001'),
      dispatched('network', 'crisis', '1000002'),
    ].entries()) {
      mergeCounters(counters, { [`department:${t.department}`]: 1 + i });
      mergeCounters(counters, lateDepartmentResult(t));
    }
    const report = buildReport('week', '2026-W10', TZ, counters, policy);
    const billing = departmentReport(report, 'billing');
    expect(billing).toEqual({
      period: 'week',
      key: '2026-W10',
      timeZone: TZ,
      department: 'billing',
      dispatched: 1,
      breaches: 1,
      points: 50,
    });
    const csv = departmentReportToCsv(billing);
    expect(csv).toContain('breaches,points,50');
    expect(csv).not.toContain('network');
    expect(departmentReport(report, 'metering')).toMatchObject({ dispatched: 0, breaches: 0, points: 0 });
  });
});

describe('late remedy actions', () => {
  it('count as breaches of the department, with the points the escalation carried', () => {
    const ticket = dispatched('billing', 'crisis');
    const at = minutesAfter(T0, 600);
    const overdue = {
      ticketId: ticket.id,
      type: 'remedy_action_overdue',
      at,
      actor: 'system:deadlines',
      version: ticket.version + 1,
      data: {
        remedyId: 'r1',
        actionId: 'a1',
        department: 'billing',
        owner: 'department:billing',
        points: 80,
      },
    } as const;
    const counters = counterDeltas(ticket, [overdue]);
    const report = buildReport('week', '2026-W10', TZ, counters, policy);
    expect(report.breaches.byDeadline).toEqual({ remedyAction: 1 });
    expect(report.breaches.byDepartment).toEqual([{ department: 'billing', breaches: 1, points: 80 }]);

    // A scan of the complaint (its escalated action) gives the same counters.
    const escalated = {
      ...ticket,
      remedies: [{ actions: [{ department: 'billing', escalatedAt: at }] }],
    } as unknown as Ticket;
    expect(countersFromTickets([escalated], 'week', '2026-W10', TZ)).toMatchObject({
      breaches: 1,
      breachPoints: 80,
      'ownerPoints:department:billing': 80,
    });
  });
});
