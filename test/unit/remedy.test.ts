import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  TransitionNotAllowedError,
} from '#shared/domain/errors';
import {
  allowedRemedyActions,
  applyRemedyCommand,
  checkRemedyAction,
  isValidAmount,
  needsApproval,
  obsoleteRemedyActionTimers,
  openRemedyActions,
  type ProposeRemedy,
  type RemedyCommand,
  type RemedyPolicy,
  remedyActionTimerName,
  remedyActionTimers,
  remedyViews,
} from '#shared/domain/remedy';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import { type Actor, applyAction, type Ticket } from '#shared/domain/ticket';
import { anAgent, aSupervisor, aTicket, minutesAfter, nobody, T0 } from '#test/fixtures/tickets';

const policy: RemedyPolicy = {
  authorityAmount: 100,
  currency: 'USD',
  departments: ['network', 'billing', 'warehouse'],
};
const NOW = minutesAfter(T0, 30);
const DUE = minutesAfter(T0, 24 * 60);

function aProposal(overrides: Partial<ProposeRemedy> = {}): ProposeRemedy {
  return {
    kind: 'compensation',
    amount: 50,
    description: 'Compensation for two days without supply',
    actions: [
      { department: 'warehouse', task: 'Ship the voucher', dueAt: DUE },
      { department: 'billing', task: 'Credit the account', dueAt: minutesAfter(T0, 48 * 60) },
    ],
    ...overrides,
  };
}

function contacted(): Ticket {
  return applyAction(
    aTicket(),
    { type: 'recordContact', outcome: 'reached' },
    { actor: anAgent(), now: minutesAfter(T0, 5), policy: defaultDeadlinePolicy },
  ).ticket;
}

/** A complaint in progress with one remedy proposed by alice. */
function withRemedy(proposal: ProposeRemedy = aProposal(), by: Actor = anAgent()): Ticket {
  return step(contacted(), propose(proposal), by);
}

const propose = (remedy: ProposeRemedy): RemedyCommand => ({
  type: 'proposeRemedy',
  remedyId: 'r1',
  actionIds: remedy.actions.map((_, i) => `a${i + 1}`),
  remedy,
});

function step(ticket: Ticket, command: RemedyCommand, actor: Actor = anAgent(), now = NOW): Ticket {
  return applyRemedyCommand(ticket, command, { actor, now, policy }).ticket;
}

const approve: RemedyCommand = { type: 'decideRemedy', remedyId: 'r1', approve: true };
const offer: RemedyCommand = { type: 'offerRemedy', remedyId: 'r1' };
const agree: RemedyCommand = {
  type: 'recordRemedyAnswer',
  remedyId: 'r1',
  answer: 'agreed',
  how: 'signed_form',
};

function agreed(): Ticket {
  return step(step(step(withRemedy(), approve, aSupervisor()), offer), agree);
}

describe('which remedies need a supervisor', () => {
  it.each([
    [{ kind: 'refund', amount: 5 }, true],
    [{ kind: 'compensation', amount: 5 }, true],
    [{ kind: 'gift', amount: 5 }, true],
    [{ kind: 'gift' }, false],
    [{ kind: 'apology' }, false],
    [{ kind: 'repair' }, false],
    [{ kind: 'repair', amount: 100 }, false],
    [{ kind: 'repair', amount: 100.01 }, true],
    [{ kind: 'repair', amount: 20, currency: 'EUR' }, true],
  ] as const)('%o -> %s', (remedy, expected) => {
    expect(needsApproval(remedy, policy)).toBe(expected);
  });

  it('the authority amount is configuration', () => {
    expect(needsApproval({ kind: 'repair', amount: 150 }, { ...policy, authorityAmount: 200 })).toBe(false);
  });

  it('amounts are above zero with at most two decimals', () => {
    expect([0.01, 1, 99.99, 1e6].every(isValidAmount)).toBe(true);
    expect([0, -1, 1.005, Number.NaN, Number.POSITIVE_INFINITY].some(isValidAmount)).toBe(false);
  });
});

describe('proposing a remedy', () => {
  it('records the remedy with pending department actions and an event', () => {
    const { ticket, events } = applyRemedyCommand(contacted(), propose(aProposal()), {
      actor: anAgent(),
      now: NOW,
      policy,
    });
    const remedy = ticket.remedies?.[0];
    expect(remedy).toMatchObject({
      id: 'r1',
      status: 'proposed',
      needsApproval: true,
      amount: 50,
      currency: 'USD',
      proposedBy: 'alice',
    });
    expect(remedy?.actions.map((a) => [a.id, a.department, a.status])).toEqual([
      ['a1', 'warehouse', 'pending'],
      ['a2', 'billing', 'pending'],
    ]);
    expect(ticket.version).toBe(3);
    expect(events[0]).toMatchObject({ type: 'remedy_proposed', actor: 'alice', version: 3 });
    expect(events[0]?.data.needsApproval).toBe(true);
    expect(() => step(ticket, propose(aProposal()))).toThrow(ConflictError);
  });

  it.each([
    [{ amount: -5 }, 'amount'],
    [{ amount: 0 }, 'amount'],
    [{ amount: 10.001 }, 'amount'],
    [{ amount: undefined }, 'amount'],
    [{ kind: 'apology', amount: 5 }, 'amount'],
    [{ currency: 'usd' }, 'currency'],
    [{ kind: 'gift', amount: undefined, currency: 'USD' }, 'currency'],
    [{ actions: [{ department: 'catering', task: 'Cake', dueAt: DUE }] }, 'actions.0.department'],
    [{ actions: [{ department: 'billing', task: 'Credit', dueAt: minutesAfter(T0, 1) }] }, 'actions.0.dueAt'],
  ] as const)('refuses %o naming %s', (overrides, field) => {
    const attempt = () => withRemedy(aProposal(overrides as Partial<ProposeRemedy>));
    expect(attempt).toThrow(InvalidInputError);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidInputError).field).toBe(field);
    }
  });

  it('needs a staff role, and an open complaint', () => {
    expect(() => withRemedy(aProposal(), nobody())).toThrow(ForbiddenError);
    const resolved = applyAction(
      withRemedy(aProposal({ actions: [] })),
      { type: 'resolve', resolution: 'Credited', customerAgreement: 'Agreed on the phone' },
      { actor: anAgent(), now: NOW, policy: defaultDeadlinePolicy },
    ).ticket;
    expect(() => step(resolved, propose(aProposal()))).toThrow(TransitionNotAllowedError);
  });
});

describe('approval', () => {
  it('a money remedy cannot be offered before approval', () => {
    expect(() => step(withRemedy(), offer)).toThrow(/approved by a supervisor before it is offered/);
  });

  it('a remedy within the authority is offered without approval', () => {
    const ticket = withRemedy(aProposal({ kind: 'repair', amount: 80 }));
    expect(step(ticket, offer).remedies?.[0]?.status).toBe('offered');
  });

  it('an agent may not approve', () => {
    expect(() => step(withRemedy(), approve, anAgent('bob'))).toThrow(ForbiddenError);
  });

  it('a supervisor may not approve their own proposal', () => {
    const ticket = withRemedy(aProposal(), aSupervisor('sam'));
    expect(() => step(ticket, approve, aSupervisor('sam'))).toThrow(/their own remedy/);
    expect(step(ticket, approve, aSupervisor('sue')).remedies?.[0]?.status).toBe('approved');
  });

  it('a decided remedy cannot be decided again', () => {
    const approved = step(withRemedy(), approve, aSupervisor());
    expect(() => step(approved, approve, aSupervisor('sue'))).toThrow(ConflictError);
    const rejection: RemedyCommand = { ...approve, approve: false, reason: 'Too much' };
    expect(() => step(approved, rejection, aSupervisor('sue'))).toThrow(/already approved by sam/);
  });

  it('a rejection needs a reason, cancels the actions, and cannot be offered', () => {
    const ticket = withRemedy();
    expect(() => step(ticket, { ...approve, approve: false }, aSupervisor())).toThrow(InvalidInputError);
    const rejected = step(
      ticket,
      { ...approve, approve: false, reason: 'Goodwill gift instead' },
      aSupervisor(),
    );
    const remedy = rejected.remedies?.[0];
    expect(remedy?.status).toBe('rejected');
    expect(remedy?.decision).toMatchObject({ approved: false, by: 'sam', reason: 'Goodwill gift instead' });
    expect(remedy?.actions.every((a) => a.status === 'cancelled')).toBe(true);
    expect(() => step(rejected, offer)).toThrow(/cannot be offered: it is rejected/);
  });

  it('a remedy that needs no approval cannot be "approved"', () => {
    const ticket = withRemedy(aProposal({ kind: 'apology', amount: undefined }));
    expect(() => step(ticket, approve, aSupervisor())).toThrow(TransitionNotAllowedError);
  });
});

describe("the customer's answer and the department actions", () => {
  it('records who, when and how; agreement opens the actions', () => {
    const ticket = agreed();
    const remedy = ticket.remedies?.[0];
    expect(remedy?.answer).toEqual({
      answer: 'agreed',
      how: 'signed_form',
      answeredAt: NOW,
      recordedBy: 'alice',
      recordedAt: NOW,
    });
    expect(openRemedyActions(ticket).map((o) => o.action.id)).toEqual(['a1', 'a2']);
  });

  it('the answer needs an offer first, and is recorded once', () => {
    const approved = step(withRemedy(), approve, aSupervisor());
    expect(() => step(approved, agree)).toThrow(/Offer the remedy/);
    expect(() => step(agreed(), agree)).toThrow(/already recorded: agreed/);
  });

  it('an answer given earlier may be recorded later, never in the future', () => {
    const offered = step(step(withRemedy(), approve, aSupervisor()), offer);
    const earlier = minutesAfter(T0, 20);
    expect(step(offered, { ...agree, answeredAt: earlier }).remedies?.[0]?.answer?.answeredAt).toBe(earlier);
    expect(() => step(offered, { ...agree, answeredAt: minutesAfter(NOW, 1) })).toThrow(
      /not be in the future/,
    );
    expect(() => step(offered, { ...agree, answeredAt: 'yesterday' })).toThrow(InvalidInputError);
  });

  it('a refusal cancels the actions', () => {
    const offered = step(step(withRemedy(), approve, aSupervisor()), offer);
    const refused = step(offered, { ...agree, answer: 'refused', how: 'phone' });
    expect(refused.remedies?.[0]?.status).toBe('refused');
    expect(openRemedyActions(refused)).toHaveLength(0);
  });

  it('a department reports its action done; not before agreement, not twice', () => {
    const done: RemedyCommand = {
      type: 'completeRemedyAction',
      remedyId: 'r1',
      actionId: 'a1',
      note: 'Shipped',
    };
    expect(() => step(withRemedy(), done)).toThrow(/starts when the customer agrees/);
    const { ticket, events } = applyRemedyCommand(agreed(), done, {
      actor: anAgent('wes'),
      now: NOW,
      policy,
    });
    expect(ticket.remedies?.[0]?.actions[0]).toMatchObject({ status: 'done', doneBy: 'wes', doneAt: NOW });
    expect(events[0]).toMatchObject({ type: 'remedy_action_done', reason: 'Shipped' });
    expect(events[0]?.data).toMatchObject({ department: 'warehouse', late: false });
    expect(() => step(ticket, done)).toThrow(/already done/);
    expect(() => step(ticket, { ...done, actionId: 'zz' })).toThrow(InvalidInputError);
  });
});

describe('an open remedy action blocks resolving the complaint', () => {
  const resolve = { type: 'resolve', resolution: 'Voucher sent', customerAgreement: 'Signed' } as const;
  const ctx = (actor: Actor) => ({ actor, now: NOW, policy: defaultDeadlinePolicy });

  it('409 naming the open actions', () => {
    expect(() => applyAction(agreed(), resolve, ctx(anAgent()))).toThrow(
      /remedy actions are still open: a1 \(warehouse: Ship the voucher\); a2 \(billing: Credit the account\)/,
    );
  });

  it('an agent may not override; a supervisor may, with a reason that goes on the event', () => {
    const override = { ...resolve, overrideOpenRemedyActions: 'Customer asked to close; voucher follows' };
    expect(() => applyAction(agreed(), override, ctx(anAgent()))).toThrow(ForbiddenError);
    const { ticket, event } = applyAction(agreed(), override, ctx(aSupervisor()));
    expect(ticket.status).toBe('resolved');
    expect(event.reason).toBe('Customer asked to close; voucher follows');
    expect(event.data.openRemedyActionsOverridden).toHaveLength(2);
  });

  it('an agent sending an override reason is refused even with nothing open; a supervisor resolves plainly', () => {
    const override = { ...resolve, overrideOpenRemedyActions: 'Just in case' };
    expect(() => applyAction(withRemedy(), override, ctx(anAgent()))).toThrow(ForbiddenError);
    const { ticket, event } = applyAction(withRemedy(), override, ctx(aSupervisor()));
    expect(ticket.status).toBe('resolved');
    expect(event.data.openRemedyActionsOverridden).toBeUndefined();
    expect(event.reason).toBeUndefined();
  });

  it('resolves normally once every action is done, and pending actions never block', () => {
    let ticket = agreed();
    for (const actionId of ['a1', 'a2']) {
      ticket = step(ticket, { type: 'completeRemedyAction', remedyId: 'r1', actionId });
    }
    expect(applyAction(ticket, resolve, ctx(anAgent())).ticket.status).toBe('resolved');
    expect(applyAction(withRemedy(), resolve, ctx(anAgent())).ticket.status).toBe('resolved');
  });
});

describe('allowed remedy steps by role', () => {
  it('agents propose and offer; only another supervisor decides', () => {
    const ticket = withRemedy();
    expect(allowedRemedyActions(ticket, anAgent())).toEqual(['proposeRemedy']);
    expect(allowedRemedyActions(ticket, aSupervisor())).toEqual(['proposeRemedy', 'decideRemedy']);
    const own = withRemedy(aProposal(), aSupervisor());
    expect(allowedRemedyActions(own, aSupervisor())).not.toContain('decideRemedy');
    expect(remedyViews(ticket, aSupervisor())[0]).toMatchObject({
      awaitingApproval: true,
      allowedActions: ['decideRemedy'],
    });
    expect(allowedRemedyActions(agreed(), anAgent())).toEqual(['proposeRemedy', 'completeRemedyAction']);
    expect(allowedRemedyActions(ticket, nobody())).toEqual([]);
    expect(allowedRemedyActions(agreed(), aSupervisor())).toEqual([
      'proposeRemedy',
      'completeRemedyAction',
      'resolveOverride',
    ]);
  });
});

describe('a late remedy action is escalated like a deadline', () => {
  it('one timer per open action; done actions lose theirs', () => {
    const ticket = agreed();
    const timers = remedyActionTimers(ticket);
    expect(timers.map((t) => t.name)).toEqual([
      remedyActionTimerName(ticket.id, 'a1', DUE),
      remedyActionTimerName(ticket.id, 'a2', minutesAfter(T0, 48 * 60)),
    ]);
    expect(remedyActionTimers(withRemedy())).toEqual([]);
    const done = step(ticket, { type: 'completeRemedyAction', remedyId: 'r1', actionId: 'a1' });
    expect(obsoleteRemedyActionTimers(ticket, done)).toEqual([timers[0]?.name]);
  });

  it('at the due time: overdue event naming the department with breach points, and an escalation, once', () => {
    const ticket = agreed();
    const timer = remedyActionTimers(ticket)[0]?.input;
    if (!timer) throw new Error('no timer');
    expect(checkRemedyAction(ticket, timer, minutesAfter(DUE, -1), defaultDeadlinePolicy).kind).toBe('early');
    const check = checkRemedyAction(ticket, timer, minutesAfter(DUE, 1), defaultDeadlinePolicy);
    if (check.kind !== 'overdue') throw new Error(`expected overdue, got ${check.kind}`);
    expect(check.events.map((e) => e.type)).toEqual(['remedy_action_overdue', 'escalated']);
    expect(check.events[0]?.data).toMatchObject({
      owner: 'department:warehouse',
      points: 20,
      actionId: 'a1',
    });
    expect(check.ticket.version).toBe(ticket.version + 1);
    expect(checkRemedyAction(check.ticket, timer, minutesAfter(DUE, 2), defaultDeadlinePolicy).kind).toBe(
      'stale',
    );
    const done = step(ticket, { type: 'completeRemedyAction', remedyId: 'r1', actionId: 'a1' });
    expect(checkRemedyAction(done, timer, minutesAfter(DUE, 1), defaultDeadlinePolicy).kind).toBe('stale');
  });
});
