import { describe, expect, it } from 'vitest';
import { breachOwner } from '#shared/domain/deadline-schedules';
import { ForbiddenError, TransitionNotAllowedError } from '#shared/domain/errors';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import { type Actor, allowedActions, applyAction, type Ticket } from '#shared/domain/ticket';
import { anAdmin, anAgent, aSupervisor, aTicket, minutesAfter, nobody, T0 } from '#test/fixtures/tickets';

const ctx = (actor: Actor) => ({ actor, now: minutesAfter(T0, 5), policy: defaultDeadlinePolicy });
const assign = (ticket: Ticket, assignee: string, actor: Actor) =>
  applyAction(ticket, { type: 'assign', assignee }, ctx(actor));

describe('assigning a complaint to a staff member', () => {
  it('a supervisor assigns it to anyone; the event records from and to', () => {
    const { ticket, event } = assign(aTicket(), 'bob', aSupervisor());
    expect(ticket.assignee).toBe('bob');
    expect(ticket.version).toBe(2);
    expect(ticket.status).toBe('received');
    expect(event).toMatchObject({
      type: 'assigned',
      actor: 'sam',
      version: 2,
      data: { from: null, to: 'bob' },
    });

    const again = assign(ticket, 'carol', anAdmin());
    expect(again.ticket.assignee).toBe('carol');
    expect(again.event.data).toEqual({ from: 'bob', to: 'carol' });
  });

  it('an agent may take a complaint for themselves, not give it to someone else', () => {
    expect(assign(aTicket(), 'alice', anAgent('alice')).ticket.assignee).toBe('alice');
    expect(() => assign(aTicket(), 'bob', anAgent('alice'))).toThrow(ForbiddenError);
    expect(() => assign(aTicket(), 'nina', nobody('nina'))).toThrow(ForbiddenError);
  });

  it('refuses assigning to the same person again and assigning a complaint no longer open', () => {
    const assigned = assign(aTicket(), 'bob', aSupervisor()).ticket;
    expect(() => assign(assigned, 'bob', aSupervisor())).toThrow(TransitionNotAllowedError);
    expect(() => assign({ ...aTicket(), status: 'resolved' }, 'bob', aSupervisor())).toThrow(
      TransitionNotAllowedError,
    );
  });

  it('is offered to agents and supervisors on open complaints only', () => {
    expect(allowedActions(aTicket(), anAgent())).toContain('assign');
    expect(allowedActions({ ...aTicket(), status: 'closed' }, aSupervisor())).not.toContain('assign');
  });

  it('makes the assignee the owner of a late contact, the desk still of a late dispatch', () => {
    const assigned = assign(aTicket(), 'bob', aSupervisor()).ticket;
    expect(breachOwner(assigned, 'firstContact')).toBe('staff:bob');
    expect(breachOwner(assigned, 'dispatch')).toBe('desk');
    expect(breachOwner(aTicket(), 'firstContact')).toBe('desk');
  });
});
