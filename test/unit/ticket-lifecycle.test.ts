import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidInputError, TransitionNotAllowedError } from '#shared/domain/errors';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import {
  type Actor,
  allowedActions,
  applyAction,
  registerTicket,
  type Ticket,
  type TicketAction,
  type TicketStatus,
  ticketStatuses,
  transitionRules,
} from '#shared/domain/ticket';
import {
  aComplaint,
  anAdmin,
  anAgent,
  aSupervisor,
  aTicket,
  minutesAfter,
  nobody,
  T0,
} from '#test/fixtures/tickets';

const policy = defaultDeadlinePolicy;
const departments = ['network', 'billing'];
const ctx = (actor: Actor = anAgent(), now = minutesAfter(T0, 5)) => ({ actor, now, policy, departments });

/** A valid example of each action, for a ticket in the given state. */
function exampleAction(type: TicketAction['type'], ticket: Ticket): TicketAction {
  switch (type) {
    case 'dispatch':
      return { type, department: ticket.department === 'network' ? 'billing' : 'network' };
    case 'recordContact':
      return { type, outcome: 'reached' };
    case 'recordProgress':
      return { type, note: 'Engineer booked' };
    case 'recordDepartmentResult':
      return { type, result: 'Meter replaced' };
    case 'resolve':
      return { type, resolution: 'Bill corrected', customerAgreement: 'Accepts the corrected bill' };
    case 'reopen':
      return { type, reason: 'Customer still unhappy' };
    case 'review':
      return { type, note: 'Reviewed: hand back to the department' };
    case 'close':
      return { type, reason: 'Customer cannot be reached for the survey' };
    case 'requestExtension':
      return {
        type,
        extensionId: 'e1',
        deadline: 'progressNotice',
        until: minutesAfter(T0, 3000),
        reason: 'x',
      };
    case 'decideExtension':
      return { type, extensionId: 'e1', approve: true };
    case 'assign':
      return { type, assignee: 'bob' };
  }
}

/** The customer did not answer a call (no answer, busy). */
function unreachable(ticket: Ticket): Ticket {
  return applyAction(ticket, { type: 'recordContact', outcome: 'not_reached' }, ctx()).ticket;
}

/** A ticket brought to a status the way staff would bring it there. */
function ticketIn(status: TicketStatus): Ticket {
  // A first call that did not reach the customer: the ground an extension request stands on.
  let t = unreachable(aTicket());
  const sup = ctx(aSupervisor());
  const step = (a: TicketAction, c = ctx()) => {
    t = applyAction(t, a, c).ticket;
  };
  const withPendingExtension = () =>
    step({
      type: 'requestExtension',
      extensionId: 'e1',
      deadline: 'progressNotice',
      until: minutesAfter(T0, 3000),
      reason: 'x',
    });
  if (status === 'received') return t;
  step({ type: 'dispatch', department: 'network' });
  if (status === 'dispatched') return t;
  step({ type: 'recordContact', outcome: 'reached' });
  if (status === 'contacted') return t;
  step({ type: 'recordProgress', note: 'Working on it' });
  if (status === 'in_progress') return t;
  step({ type: 'resolve', resolution: 'Fixed', customerAgreement: 'Agreed' });
  if (status === 'resolved') return t;
  if (status === 'reopened') {
    step({ type: 'reopen', reason: 'Not fixed' }, sup);
    step({ type: 'review', note: 'Send it back to the network team' }, sup);
    return t;
  }
  // closed and archived are reached by the survey and archiving (later capabilities)
  void withPendingExtension;
  return { ...t, status };
}

describe('the lifecycle state machine', () => {
  for (const type of Object.keys(transitionRules) as TicketAction['type'][]) {
    for (const status of ticketStatuses) {
      const rule = transitionRules[type];
      const allowed = rule.from.includes(status);
      it(`${type} from ${status} is ${allowed ? 'allowed' : 'refused'}`, () => {
        let ticket = ticketIn(status);
        // A review belongs to a reopen not yet reviewed.
        if (type === 'review' && status === 'reopened') ticket = { ...ticket, review: undefined };
        if (type === 'decideExtension' && allowed) {
          ticket = applyAction(ticket, exampleAction('requestExtension', ticket), ctx()).ticket;
        }
        const run = () => applyAction(ticket, exampleAction(type, ticket), ctx(anAdmin()));
        if (allowed) {
          const { ticket: next, event } = run();
          expect(next.version).toBe(ticket.version + 1);
          expect(event.version).toBe(next.version);
          expect(event.actor).toBe('ada');
        } else {
          expect(run).toThrow(TransitionNotAllowedError);
        }
      });
    }
  }

  it('walks received -> dispatched -> contacted -> in progress -> resolved -> reopened', () => {
    const statuses: TicketStatus[] = [];
    let t = aTicket();
    for (const [action, actor] of [
      [{ type: 'dispatch', department: 'network' }, anAgent()],
      [{ type: 'recordContact', outcome: 'reached' }, anAgent()],
      [{ type: 'recordDepartmentResult', result: 'Leak repaired' }, anAgent()],
      [{ type: 'resolve', resolution: 'Repaired', customerAgreement: 'Happy with repair' }, anAgent()],
      [{ type: 'reopen', reason: 'Leak is back' }, aSupervisor()],
    ] as [TicketAction, Actor][]) {
      t = applyAction(t, action, ctx(actor)).ticket;
      statuses.push(t.status);
    }
    expect(statuses).toEqual(['dispatched', 'contacted', 'in_progress', 'resolved', 'reopened']);
    expect(t.reopenCount).toBe(1);
    expect(t.resolution).toBeUndefined();
  });
});

describe('who may act', () => {
  it('an agent may not reopen; a supervisor and an admin may', () => {
    const resolved = ticketIn('resolved');
    const reopen: TicketAction = { type: 'reopen', reason: 'Unhappy' };
    expect(() => applyAction(resolved, reopen, ctx(anAgent()))).toThrow(ForbiddenError);
    expect(applyAction(resolved, reopen, ctx(aSupervisor())).ticket.status).toBe('reopened');
    expect(applyAction(resolved, reopen, ctx(anAdmin())).ticket.status).toBe('reopened');
  });

  it('an agent may not decide an extension, nor may anyone decide their own', () => {
    const requested = applyAction(
      ticketIn('dispatched'),
      {
        type: 'requestExtension',
        extensionId: 'e1',
        deadline: 'firstContact',
        until: minutesAfter(T0, 90),
        reason: 'No answer',
      },
      ctx(aSupervisor('sam')),
    ).ticket;
    const decide: TicketAction = { type: 'decideExtension', extensionId: 'e1', approve: true };
    expect(() => applyAction(requested, decide, ctx(anAgent()))).toThrow(ForbiddenError);
    expect(() => applyAction(requested, decide, ctx(aSupervisor('sam')))).toThrow(/own/);
    expect(applyAction(requested, decide, ctx(aSupervisor('sue'))).ticket.extensions[0]?.status).toBe(
      'approved',
    );
  });

  it('moving a complaint from one department to another is for a supervisor', () => {
    const dispatched = ticketIn('dispatched');
    const move: TicketAction = { type: 'dispatch', department: 'billing' };
    expect(() => applyAction(dispatched, move, ctx(anAgent()))).toThrow(ForbiddenError);
    expect(applyAction(dispatched, move, ctx(aSupervisor())).ticket.department).toBe('billing');
  });

  it('a user in no staff group may do nothing, not even register', () => {
    expect(() =>
      registerTicket(aComplaint(), { number: '1000009', actor: nobody(), now: T0, policy }),
    ).toThrow(ForbiddenError);
    expect(allowedActions(aTicket(), nobody())).toEqual([]);
  });

  it('lists the actions the actor may take now', () => {
    expect(allowedActions(ticketIn('resolved'), anAgent())).toEqual([]);
    expect(allowedActions(ticketIn('resolved'), aSupervisor())).toEqual(['reopen', 'close']);
    expect(allowedActions(aTicket(), anAgent())).toEqual([
      'dispatch',
      'recordContact',
      'requestExtension',
      'assign',
    ]);
  });
});

describe('an extension is for a customer who cannot be reached', () => {
  const request: TicketAction = {
    type: 'requestExtension',
    extensionId: 'e1',
    deadline: 'firstContact',
    until: minutesAfter(T0, 90),
    reason: 'Customer does not answer',
  };

  it('is refused while no failed contact attempt is on record', () => {
    expect(() => applyAction(aTicket(), request, ctx())).toThrow(/failed contact attempt/);
    const reached = applyAction(aTicket(), { type: 'recordContact', outcome: 'reached' }, ctx()).ticket;
    expect(() => applyAction(reached, { ...request, deadline: 'secondContact' }, ctx())).toThrow(
      TransitionNotAllowedError,
    );
  });

  it('is accepted once a call did not reach the customer', () => {
    const t = unreachable(aTicket());
    expect(t.failedContactAttempts).toBe(1);
    expect(applyAction(t, request, ctx()).ticket.extensions[0]?.status).toBe('pending');
  });
});

describe("a reopened complaint waits for the customer-service manager's review", () => {
  const reopened = () => {
    const t = ticketIn('resolved');
    return applyAction(t, { type: 'reopen', reason: 'Rated 1' }, ctx(aSupervisor())).ticket;
  };

  it('refuses every handling step before the review, naming why', () => {
    const t = reopened();
    for (const type of ['dispatch', 'recordContact', 'recordProgress', 'requestExtension'] as const) {
      expect(() => applyAction(t, exampleAction(type, t), ctx(anAdmin()))).toThrow(
        /awaits the customer-service manager's review/,
      );
    }
    expect(allowedActions(t, aSupervisor())).toEqual(['review', 'decideExtension', 'assign']);
  });

  it('a supervisor reviews with a note; then handling starts again', () => {
    const t = reopened();
    expect(() => applyAction(t, { type: 'review', note: 'ok' }, ctx(anAgent()))).toThrow(ForbiddenError);
    const { ticket: reviewed, event } = applyAction(
      t,
      { type: 'review', note: 'Call the customer today' },
      ctx(aSupervisor()),
    );
    expect(event).toMatchObject({ type: 'reviewed', actor: 'sam', data: { reopenCount: 1 } });
    expect(reviewed.status).toBe('reopened');
    expect(() => applyAction(reviewed, { type: 'review', note: 'again' }, ctx(aSupervisor()))).toThrow(
      TransitionNotAllowedError,
    );
    const contacted = applyAction(reviewed, { type: 'recordContact', outcome: 'reached' }, ctx()).ticket;
    expect(contacted.status).toBe('contacted');
    // The first-contact deadline of the reopen is met by that contact, not left to breach.
    expect(contacted.deadlines.firstContact?.metAt).toBeDefined();
  });

  it('a second reopen needs a review of its own', () => {
    let t = applyAction(reopened(), { type: 'review', note: 'ok' }, ctx(aSupervisor())).ticket;
    t = applyAction(t, { type: 'recordContact', outcome: 'reached' }, ctx()).ticket;
    t = applyAction(t, { type: 'resolve', resolution: 'Fixed', customerAgreement: 'Yes' }, ctx()).ticket;
    t = applyAction(t, { type: 'reopen', reason: 'Rated 2' }, ctx(aSupervisor())).ticket;
    expect(() => applyAction(t, { type: 'recordProgress', note: 'x' }, ctx())).toThrow(/review/);
  });
});

describe('closing a resolved complaint without a rating', () => {
  it('is a supervisor action with a reason, recorded on the event', () => {
    const t = ticketIn('resolved');
    const close: TicketAction = { type: 'close', reason: 'Customer unreachable for the survey' };
    expect(() => applyAction(t, close, ctx(anAgent()))).toThrow(ForbiddenError);
    const { ticket: closed, event } = applyAction(t, close, ctx(aSupervisor()));
    expect(closed.status).toBe('closed');
    expect(event).toMatchObject({ type: 'closed', reason: close.reason, data: { via: 'staff' } });
    expect(() => applyAction(ticketIn('in_progress'), close, ctx(aSupervisor()))).toThrow(
      TransitionNotAllowedError,
    );
  });
});

describe('invariants inside the domain', () => {
  it('refuses an unknown department', () => {
    expect(() => applyAction(aTicket(), { type: 'dispatch', department: 'catering' }, ctx())).toThrow(
      InvalidInputError,
    );
  });

  it('refuses an extension that does not move the deadline later', () => {
    const run = () =>
      applyAction(
        unreachable(aTicket()),
        { type: 'requestExtension', extensionId: 'e', deadline: 'firstContact', until: T0, reason: 'x' },
        ctx(),
      );
    expect(run).toThrow(/later/);
  });

  it('refuses a rejection without a reason', () => {
    const requested = applyAction(
      unreachable(aTicket()),
      {
        type: 'requestExtension',
        extensionId: 'e1',
        deadline: 'firstContact',
        until: minutesAfter(T0, 90),
        reason: 'x',
      },
      ctx(),
    ).ticket;
    expect(() =>
      applyAction(
        requested,
        { type: 'decideExtension', extensionId: 'e1', approve: false },
        ctx(aSupervisor()),
      ),
    ).toThrow(InvalidInputError);
  });

  it('records who did what in the event, with the reason', () => {
    const { event } = applyAction(
      ticketIn('resolved'),
      { type: 'reopen', reason: 'Leak is back' },
      ctx(aSupervisor()),
    );
    expect(event).toMatchObject({
      type: 'reopened',
      actor: 'sam',
      reason: 'Leak is back',
      data: { from: 'resolved' },
    });
  });
});
