import { describe, expect, it } from 'vitest';
import {
  checkDeadline,
  deadlineTimerName,
  deadlineTimers,
  obsoleteDeadlineTimers,
  overdueDeadlines,
} from '#shared/domain/deadline-schedules';
import { archiveClosedComplaint, archiveDue } from '#shared/domain/retention';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import { applyAction } from '#shared/domain/ticket';
import { anAgent, aTicket, minutesAfter, T0 } from '#test/fixtures/tickets';

const policy = defaultDeadlinePolicy;

describe('deadline timers', () => {
  it('one deterministically named timer per running deadline', () => {
    const ticket = aTicket({ severity: 'major' });
    const timers = deadlineTimers(ticket);
    expect(timers.map((t) => t.input.deadline).sort()).toEqual([
      'dispatch',
      'firstContact',
      'progressNotice',
    ]);
    expect(timers.find((t) => t.input.deadline === 'firstContact')?.name).toBe(
      deadlineTimerName(ticket.id, 'firstContact', minutesAfter(T0, 10)),
    );
    expect(deadlineTimers(ticket).map((t) => t.name)).toEqual(timers.map((t) => t.name));
    for (const t of timers) expect(t.name.length).toBeLessThanOrEqual(64);
  });

  it('meeting a deadline makes its timer obsolete', () => {
    const ticket = aTicket({ severity: 'major' });
    const dispatched = applyAction(
      ticket,
      { type: 'dispatch', department: 'billing' },
      { actor: anAgent(), now: minutesAfter(T0, 2), policy },
    ).ticket;
    const obsolete = obsoleteDeadlineTimers(ticket, dispatched);
    expect(obsolete).toEqual([deadlineTimerName(ticket.id, 'dispatch', minutesAfter(T0, 10))]);
    expect(deadlineTimers(dispatched).map((t) => t.input.deadline)).toContain('departmentResult');
  });
});

describe('a fired deadline', () => {
  const ticket = aTicket({ severity: 'major' });
  const fired = { deadline: 'firstContact' as const, due: minutesAfter(T0, 10) };

  it('breaches once, with the level points and the owner', () => {
    const check = checkDeadline(ticket, fired, minutesAfter(T0, 10), policy);
    expect(check.kind).toBe('breach');
    if (check.kind !== 'breach') return;
    expect(check.points).toBe(50);
    expect(check.event).toMatchObject({
      type: 'deadline_breached',
      data: { deadline: 'firstContact', owner: 'desk' },
    });
    expect(check.ticket.deadlines.firstContact?.breachedAt).toBe(minutesAfter(T0, 10));
    // A second delivery of the same timer finds it handled.
    expect(checkDeadline(check.ticket, fired, minutesAfter(T0, 11), policy).kind).toBe('stale');
    expect(overdueDeadlines(check.ticket, minutesAfter(T0, 11)).map((d) => d.deadline)).toEqual(['dispatch']);
  });

  it('does nothing when the deadline was met or moved, and re-arms when early', () => {
    const contacted = applyAction(
      ticket,
      { type: 'recordContact', outcome: 'reached' },
      { actor: anAgent(), now: minutesAfter(T0, 5), policy },
    ).ticket;
    expect(checkDeadline(contacted, fired, minutesAfter(T0, 10), policy).kind).toBe('stale');
    expect(
      checkDeadline(ticket, { ...fired, due: minutesAfter(T0, 9) }, minutesAfter(T0, 10), policy).kind,
    ).toBe('stale');
    expect(checkDeadline(ticket, fired, minutesAfter(T0, 9), policy).kind).toBe('early');
  });

  it('a progress notice moves on to the next day instead of breaching', () => {
    const due = minutesAfter(T0, 24 * 60);
    const check = checkDeadline(ticket, { deadline: 'progressNotice', due }, due, policy);
    expect(check.kind).toBe('progressNotice');
    if (check.kind !== 'progressNotice') return;
    expect(check.occurrence).toBe(1);
    expect(check.ticket.deadlines.progressNotice?.due).toBe(minutesAfter(T0, 48 * 60));
    const next = checkDeadline(
      check.ticket,
      { deadline: 'progressNotice', due: minutesAfter(T0, 48 * 60) },
      minutesAfter(T0, 48 * 60),
      policy,
    );
    expect(next.kind === 'progressNotice' && next.occurrence).toBe(2);
  });
});

describe('retention', () => {
  it('a closed complaint is archived with its personal data destroyed; an open one is left alone', () => {
    const open = aTicket();
    expect(archiveClosedComplaint(open, T0, 'system')).toBeUndefined();
    const closed = { ...open, status: 'closed' as const };
    const archived = archiveClosedComplaint(closed, minutesAfter(T0, 60), 'system');
    expect(archived?.ticket.status).toBe('archived');
    expect(archived?.ticket.customer).toEqual({ name: '[erased]', phone: '[erased]' });
    expect(JSON.stringify(archived?.ticket)).not.toContain('Jane');
    expect(archived?.event.data.personalDataErased).toEqual(['name', 'phone', 'email', 'address']);
    expect(archiveDue(T0, 90)).toBe('2026-05-31T09:00:00.000Z');
  });
});
