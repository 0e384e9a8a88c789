import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config';
import { ConflictError } from '#shared/domain/errors';
import { REMEDY_ACTION_CHECK_FUNCTION_ID, remedyActionTimerName } from '#shared/domain/remedy';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import { applyAction, type Ticket, type TicketEvent } from '#shared/domain/ticket';
import { ticketTimerChange } from '#shared/domain/ticket-timers';
import type { Dependencies } from '#shared/ports/dependencies';
import type { TicketStore } from '#shared/ports/ticket-store';
import type { Timer } from '#shared/ports/timer';
import { ticketTimers } from '#shared/reactions/ticket-reactions';
import { changeRemedy, proposeRemedy, type RemedyDeps } from '#shared/use-cases/remedies';
import { anAgent, aSupervisor, aTicket, minutesAfter, T0 } from '#test/fixtures/tickets';

/**
 * Just enough of a ticket store: get and a versioned update that keeps the events, and, as the reactor
 * would after the save, applies the change's timers (the `ticket-timers` reaction).
 */
function memoryStore(first: Ticket, timer: () => Timer) {
  let current = first;
  const saved: TicketEvent[] = [];
  const store: Pick<TicketStore, 'get' | 'update'> = {
    get: async (id) => (id === current.id ? current : undefined),
    update: async (ticket, expectedVersion, events, before) => {
      if (current.version !== expectedVersion) throw new ConflictError('stale');
      current = ticket;
      saved.push(...events);
      const deps = { timer: timer() } as unknown as Dependencies;
      await ticketTimers.run(deps, {
        key: 'ticket.remedy_proposed',
        id: 'e',
        event: events[0] as never,
        timers: ticketTimerChange(before, ticket),
      });
    },
  };
  return { store: store as TicketStore, saved, current: () => current };
}

function memoryTimer() {
  const timers = new Map<string, { at: string; functionId: string; input: unknown }>();
  const timer: Timer = {
    setTimer: async (name, at, target) => {
      const fresh = !timers.has(name);
      timers.set(name, { at, ...target });
      return fresh;
    },
    clearTimer: async (name) => {
      timers.delete(name);
    },
    hasTimer: async (name) => timers.has(name),
  };
  return { timer, timers };
}

const NOW = minutesAfter(T0, 30);
const DUE = minutesAfter(T0, 6 * 60);

function setUp(env: Record<string, string> = {}) {
  const contacted = applyAction(
    aTicket(),
    { type: 'recordContact', outcome: 'reached' },
    { actor: anAgent(), now: minutesAfter(T0, 5), policy: defaultDeadlinePolicy },
  ).ticket;
  const timers = memoryTimer();
  const tickets = memoryStore(contacted, () => timers.timer);
  const deps: RemedyDeps = {
    config: loadConfig({ TABLE_NAME: 'complaints', ...env }),
    clock: { now: () => new Date(NOW) },
    tickets: tickets.store,
    timer: timers.timer,
  };
  return { deps, tickets, timers };
}

describe('remedy use cases', () => {
  it('gives the remedy and its actions ids, refuses a stale version, and writes nothing then', async () => {
    const { deps, tickets } = setUp();
    const version = tickets.current().version;
    const proposal = {
      kind: 'repair' as const,
      description: 'Replace the meter cover',
      actions: [{ department: 'field_service', task: 'Replace the cover', dueAt: DUE }],
    };
    await expect(proposeRemedy(deps, anAgent(), tickets.current().id, version - 1, proposal)).rejects.toThrow(
      /is at version/,
    );
    expect(tickets.saved).toHaveLength(0);
    const after = await proposeRemedy(deps, anAgent(), tickets.current().id, version, proposal);
    const remedy = after.remedies?.[0];
    expect(remedy?.id).toMatch(/^[0-9a-f]{10}$/);
    expect(remedy?.actions[0]?.id).toMatch(/^[0-9a-f]{10}$/);
    expect(remedy?.needsApproval).toBe(false);
    expect(tickets.saved.map((e) => e.type)).toEqual(['remedy_proposed']);
  });

  it('the authority amount comes from REMEDY_AUTHORITY_AMOUNT', async () => {
    const proposal = { kind: 'repair' as const, amount: 150, description: 'New pipe', actions: [] };
    const low = setUp();
    const high = setUp({ REMEDY_AUTHORITY_AMOUNT: '200' });
    for (const { deps, tickets } of [low, high]) {
      await proposeRemedy(deps, anAgent(), tickets.current().id, tickets.current().version, proposal);
    }
    expect(low.tickets.current().remedies?.[0]?.needsApproval).toBe(true);
    expect(high.tickets.current().remedies?.[0]?.needsApproval).toBe(false);
  });

  it('sets a timer per action when the customer agrees, and clears it when the action is done', async () => {
    const { deps, tickets, timers } = setUp();
    const id = tickets.current().id;
    const v = () => tickets.current().version;
    await proposeRemedy(deps, anAgent(), id, v(), {
      kind: 'compensation',
      amount: 30,
      description: 'Compensation',
      actions: [{ department: 'billing', task: 'Credit the account', dueAt: DUE }],
    });
    const remedyId = tickets.current().remedies?.[0]?.id ?? '';
    const actionId = tickets.current().remedies?.[0]?.actions[0]?.id ?? '';
    await changeRemedy(deps, aSupervisor(), id, v(), { type: 'decideRemedy', remedyId, approve: true });
    await changeRemedy(deps, anAgent(), id, v(), { type: 'offerRemedy', remedyId });
    expect(timers.timers.size).toBe(0);

    await changeRemedy(deps, anAgent(), id, v(), {
      type: 'recordRemedyAnswer',
      remedyId,
      answer: 'agreed',
      how: 'phone',
    });
    const name = remedyActionTimerName(id, actionId, DUE);
    expect(timers.timers.get(name)).toEqual({
      at: DUE,
      functionId: REMEDY_ACTION_CHECK_FUNCTION_ID,
      input: { kind: 'remedyActionCheck', ticketId: id, remedyId, actionId, due: DUE },
    });

    await changeRemedy(deps, anAgent(), id, v(), { type: 'completeRemedyAction', remedyId, actionId });
    expect(timers.timers.size).toBe(0);
    expect(tickets.saved.map((e) => e.type)).toEqual([
      'remedy_proposed',
      'remedy_decided',
      'remedy_offered',
      'remedy_answered',
      'remedy_action_done',
    ]);
  });
});
