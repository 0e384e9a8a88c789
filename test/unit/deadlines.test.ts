import { describe, expect, it } from 'vitest';
import { defaultDeadlinePolicy, type Severity } from '#shared/domain/severity';
import { applyAction, isOverdue, nextDeadline } from '#shared/domain/ticket';
import { anAgent, aTicket, minutesAfter, T0 } from '#test/fixtures/tickets';

const policy = defaultDeadlinePolicy;
const ctx = (now: string) => ({ actor: anAgent(), now, policy, departments: ['network', 'billing'] });

describe('deadlines on registration', () => {
  it.each<[Severity, number]>([
    ['dissatisfied', 30],
    ['very_dissatisfied', 20],
    ['major', 10],
    ['crisis', 10],
  ])('a %s complaint must be contacted within %i minutes', (severity, minutes) => {
    const ticket = aTicket({ severity });
    expect(ticket.deadlines.firstContact?.due).toBe(minutesAfter(T0, minutes));
    expect(ticket.deadlines.dispatch?.due).toBe(minutesAfter(T0, 10));
    expect(ticket.deadlines.progressNotice?.due).toBe(minutesAfter(T0, 24 * 60));
  });

  it('is not overdue at the very instant of the deadline, and is one millisecond after', () => {
    const ticket = aTicket({ severity: 'major' });
    const due = ticket.deadlines.dispatch?.due as string;
    expect(isOverdue(ticket, due)).toBe(false);
    expect(isOverdue(ticket, new Date(Date.parse(due) + 1).toISOString())).toBe(true);
  });

  it('takes its numbers from configuration, not code', () => {
    const custom = {
      ...policy,
      dispatchMinutes: 5,
      severities: { ...policy.severities, crisis: { ...policy.severities.crisis, firstContactMinutes: 3 } },
    };
    const ticket = applyAction(
      aTicket({ severity: 'crisis' }),
      { type: 'dispatch', department: 'network' },
      {
        ...ctx(T0),
        policy: { ...custom, departmentResultMinutes: 60 },
      },
    ).ticket;
    expect(ticket.deadlines.departmentResult?.due).toBe(minutesAfter(T0, 60));
  });
});

describe('deadlines as the complaint moves', () => {
  it('dispatch meets the dispatch deadline and starts the 12 h department result clock', () => {
    const at = minutesAfter(T0, 9);
    const { ticket } = applyAction(aTicket(), { type: 'dispatch', department: 'network' }, ctx(at));
    expect(ticket.deadlines.dispatch?.metAt).toBe(at);
    expect(ticket.deadlines.departmentResult?.due).toBe(minutesAfter(at, 12 * 60));
  });

  it('the first contact meets its deadline and starts the second contact within 24 h', () => {
    const at = minutesAfter(T0, 29);
    const { ticket } = applyAction(aTicket(), { type: 'recordContact', outcome: 'reached' }, ctx(at));
    expect(ticket.deadlines.firstContact?.metAt).toBe(at);
    expect(ticket.deadlines.secondContact?.due).toBe(minutesAfter(at, 24 * 60));
    expect(ticket.firstContactAt).toBe(at);
  });

  it('a contact attempt that did not reach the customer meets nothing', () => {
    const { ticket } = applyAction(aTicket(), { type: 'recordContact', outcome: 'not_reached' }, ctx(T0));
    expect(ticket.deadlines.firstContact?.metAt).toBeUndefined();
    expect(ticket.contactAttempts).toBe(1);
  });

  it('the earliest running deadline is next; met ones no longer count', () => {
    const ticket = aTicket({ severity: 'dissatisfied' });
    expect(nextDeadline(ticket)?.kind).toBe('dispatch');
    const dispatched = applyAction(ticket, { type: 'dispatch', department: 'network' }, ctx(T0)).ticket;
    expect(nextDeadline(dispatched)?.kind).toBe('firstContact');
  });

  it('an approved extension moves the deadline', () => {
    const t = applyAction(aTicket(), { type: 'recordContact', outcome: 'not_reached' }, ctx(T0)).ticket;
    const until = minutesAfter(T0, 120);
    const requested = applyAction(
      t,
      { type: 'requestExtension', extensionId: 'x1', deadline: 'firstContact', until, reason: 'No answer' },
      ctx(T0),
    ).ticket;
    expect(requested.deadlines.firstContact?.due).toBe(minutesAfter(T0, 30));
    const approved = applyAction(
      requested,
      { type: 'decideExtension', extensionId: 'x1', approve: true },
      { ...ctx(T0), actor: { kind: 'staff', username: 'sam', roles: ['supervisor'] } },
    ).ticket;
    expect(approved.deadlines.firstContact?.due).toBe(until);
    expect(approved.extensions[0]?.status).toBe('approved');
  });
});
