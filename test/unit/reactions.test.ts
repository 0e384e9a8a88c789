import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { reactToRecord, UnknownDeskEventError } from '#functions/stream/react';
import { incidentEventItem } from '#shared/adapters/dynamo-incident-store';
import { eventItem } from '#shared/adapters/dynamo-ticket-store';
import type { ReactionLedger } from '#shared/adapters/reaction-ledger';
import { noticeJobOf, noticeProgressed, noticeRequested } from '#shared/domain/incident-events';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import { applyAction, type Ticket, type TicketEvent, type TicketEventType } from '#shared/domain/ticket';
import { ticketTimerChange } from '#shared/domain/ticket-timers';
import type { Dependencies } from '#shared/ports/dependencies';
import type { Timer } from '#shared/ports/timer';
import { reactions, reactionsOf } from '#shared/reactions/registry';
import { anAgent, aTicket, minutesAfter, T0 } from '#test/fixtures/tickets';

const ctx = (now: string) => ({
  actor: anAgent(),
  now,
  policy: defaultDeadlinePolicy,
  departments: ['network'],
});

/** A ledger in memory: the Powertools one's contract (a completed pair is skipped, a failed one runs again). */
function memoryLedger(): ReactionLedger & { done: Set<string> } {
  const done = new Set<string>();
  return {
    done,
    async once(reaction, eventId, run) {
      const key = `${reaction}|${eventId}`;
      if (done.has(key)) return;
      await run();
      done.add(key);
    },
  };
}

function recordingTimer(failTimes = 0): Timer & { set: string[]; cleared: string[] } {
  let failures = failTimes;
  const set: string[] = [];
  const cleared: string[] = [];
  return {
    set,
    cleared,
    async setTimer(name) {
      if (failures > 0) {
        failures--;
        throw new Error('Scheduler unavailable');
      }
      set.push(name);
      return true;
    },
    async clearTimer(name) {
      cleared.push(name);
    },
    async hasTimer() {
      return false;
    },
  };
}

function depsWith(timer: Timer, ticket?: Ticket): Dependencies {
  return {
    timer,
    tickets: { get: async () => ticket },
    config: { deadlines: { archiveAfterDays: 30 } },
  } as unknown as Dependencies;
}

/** A stream record as Lambda delivers it, of one saved event item. */
function recordOf(item: Record<string, unknown>): DynamoDBRecord {
  return {
    eventName: 'INSERT',
    dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) as never, SequenceNumber: '1' },
  };
}

function contacted(ticket: Ticket, now: string): { ticket: Ticket; event: TicketEvent } {
  return applyAction(ticket, { type: 'recordContact', outcome: 'reached' }, ctx(now));
}

describe('what a change does to the timers', () => {
  it('a registration sets one timer per running deadline', () => {
    const ticket = aTicket({ severity: 'major' });
    const change = ticketTimerChange(undefined, ticket);
    expect(change.clear).toEqual([]);
    expect(change.set.map((t) => t.input)).toContainEqual(
      expect.objectContaining({ kind: 'deadlineCheck', deadline: 'firstContact' }),
    );
  });

  it('a contact clears the first-contact timer and re-issues none of the deadlines that did not move', () => {
    const ticket = aTicket({ severity: 'major' });
    const { ticket: after } = contacted(ticket, minutesAfter(T0, 5));
    const change = ticketTimerChange(ticket, after);
    const before = new Set(ticketTimerChange(undefined, ticket).set.map((t) => t.name));
    expect(change.clear).toEqual([expect.stringContaining('-firstContact-')]);
    // Only deadlines the contact started (the next step's) get a timer; the others keep theirs.
    expect(change.set.filter((t) => before.has(t.name))).toEqual([]);
    expect(change.set.map((t) => t.name)).not.toContainEqual(expect.stringContaining('-firstContact-'));
  });

  it('a note that moves no deadline changes no timer', () => {
    const ticket = aTicket();
    expect(ticketTimerChange(ticket, { ...ticket, version: ticket.version + 1 })).toEqual({
      set: [],
      clear: [],
    });
  });
});

describe('the reaction registry', () => {
  it('declares reactions for every ticket event type, and fails loudly for a key it does not know', async () => {
    const types = Object.keys(reactions).filter((k) => k.startsWith('ticket.'));
    expect(types.length).toBeGreaterThan(30);
    expect(reactionsOf('ticket.no_such_event')).toBeUndefined();
    const unknown = { ...eventItem(aTicketEvent('registered'), 'a'), eventKey: 'ticket.no_such_event' };
    await expect(
      reactToRecord(depsWith(recordingTimer()), recordOf(unknown), undefined, memoryLedger()),
    ).rejects.toThrow(UnknownDeskEventError);
  });

  it('a resolution keeps promises and queues the survey; a registration links incidents; a read starts nothing', () => {
    const names = (key: keyof typeof reactions) => reactions[key].map((r) => r.name);
    expect(names('ticket.resolved')).toEqual([
      'ticket-timers',
      'keep-answer-promises',
      'satisfaction-survey',
    ]);
    expect(names('ticket.registered')).toEqual(['ticket-timers', 'link-to-open-incidents']);
    expect(names('ticket.personal_data_read')).toEqual([]);
    expect(names('broadcast.sent')).toEqual(['open-incident', 'fan-out']);
  });
});

function aTicketEvent(type: TicketEventType, ticket = aTicket()): TicketEvent {
  return { ticketId: ticket.id, type, at: T0, actor: 'alice', version: ticket.version, data: {} };
}

describe('reacting to one stream record', () => {
  it('sets the timers a registration carries, once, however often the record is delivered', async () => {
    const ticket = aTicket({ severity: 'major' });
    const timer = recordingTimer();
    const ledger = memoryLedger();
    const record = recordOf(
      eventItem(aTicketEvent('registered', ticket), 'a', ticketTimerChange(undefined, ticket)),
    );
    const deps = depsWith(timer, undefined);

    await reactToRecord(deps, record, undefined, ledger);
    await reactToRecord(deps, record, undefined, ledger);

    expect(timer.set).toEqual(ticketTimerChange(undefined, ticket).set.map((t) => t.name));
    expect(timer.set.length).toBeGreaterThan(0);
  });

  it('a reaction failing twice fails the record twice, then succeeds on the third delivery', async () => {
    const ticket = aTicket({ severity: 'major' });
    const timer = recordingTimer(2);
    const ledger = memoryLedger();
    const record = recordOf(
      eventItem(aTicketEvent('registered', ticket), 'a', ticketTimerChange(undefined, ticket)),
    );
    const deps = depsWith(timer);

    await expect(reactToRecord(deps, record, undefined, ledger)).rejects.toThrow('Scheduler unavailable');
    await expect(reactToRecord(deps, record, undefined, ledger)).rejects.toThrow('Scheduler unavailable');
    await reactToRecord(deps, record, undefined, ledger);

    expect(timer.set.length).toBe(ticketTimerChange(undefined, ticket).set.length);
  });

  it('a closed complaint gets its retention timer; an event of a change that moves nothing sets no timer', async () => {
    const ticket = aTicket();
    const timer = recordingTimer();
    const deps = depsWith(timer, ticket);
    const ledger = memoryLedger();

    await reactToRecord(deps, recordOf(eventItem(aTicketEvent('closed', ticket), 'c')), undefined, ledger);
    await reactToRecord(deps, recordOf(eventItem(aTicketEvent('assigned', ticket), 'd')), undefined, ledger);

    expect(timer.set).toEqual([`retention-${ticket.id}`]);
    expect(timer.cleared).toEqual([]);
  });
});

describe('an incident notice to every complainant', () => {
  const job = { incidentId: 'inc-1', update: 2, request: 'r-1', by: 'sam' };

  it('starts with its request and goes on with each progress, both reacted to as the notice', () => {
    const requested = noticeRequested(job, 'sam', T0);
    const progressed = noticeProgressed(job, '1000042', T0);

    expect(reactions['incident.complainants_notice_requested'].map((r) => r.name)).toEqual(['notice']);
    expect(reactions['incident.complainants_notice_progressed'].map((r) => r.name)).toEqual(['notice']);
    expect(noticeJobOf(requested)).toEqual(job);
    expect(noticeJobOf(progressed)).toEqual(job);
    expect(progressed.data.after).toBe('1000042');
  });

  it("keys a slice's progress and the notice's end by update, request and position, so a retried slice writes each once", () => {
    const progressed = incidentEventItem(noticeProgressed(job, '1000042', T0));
    const again = incidentEventItem(noticeProgressed(job, '1000042', minutesAfter(T0, 5)));
    const other = incidentEventItem(noticeProgressed({ ...job, request: 'r-2' }, '1000042', T0));

    expect(again.sk).toBe(progressed.sk);
    expect(other.sk).not.toBe(progressed.sk);
    expect(progressed).toMatchObject({
      entity: 'event',
      eventKey: 'incident.complainants_notice_progressed',
    });
  });

  it('mails a complainant told by e-mail and calls one told by phone', () => {
    const sent = (data: Record<string, unknown>) =>
      ({
        key: 'ticket.incident_update_sent',
        id: 'x',
        event: { ...aTicketEvent('incident_update_sent'), data },
      }) as const;
    const [mail, call] = ['incident-update-mail', 'incident-update-call'].map((name) =>
      reactions['ticket.incident_update_sent'].find((r) => r.name === name),
    );

    expect(mail?.when?.(sent({ emailed: true, call: false }) as never)).toBe(true);
    expect(call?.when?.(sent({ emailed: true, call: false }) as never)).toBe(false);
    expect(call?.when?.(sent({ emailed: false, call: true }) as never)).toBe(true);
  });
});
