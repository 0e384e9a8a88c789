/** Issue 17 line 4: what retention erases from an archived complaint and its copies, and what it keeps. */
import { describe, expect, it } from 'vitest';
import type { CallJob } from '#shared/domain/call-job';
import type { CallJobEvent } from '#shared/domain/call-job-events';
import {
  archiveClosedComplaint,
  ERASED,
  erasedCallJob,
  erasedCallJobEvent,
  erasedTicketEvent,
} from '#shared/domain/retention';
import type { Ticket, TicketEvent } from '#shared/domain/ticket';
import { aTicket } from '#test/fixtures/tickets';

const now = '2026-06-01T09:00:00.000Z';

function aClosedTicket(): Ticket {
  const ticket = aTicket({
    description: 'Jane Smith at 12 Elm Street says the water is brown',
    customer: { name: 'Jane Smith', phone: '+15551230000', email: 'jane@example.com' },
  });
  return {
    ...ticket,
    status: 'closed',
    resolution: {
      resolution: 'Flushed the main for Jane',
      customerAgreement: 'Jane agreed',
      at: now,
      by: 'alice',
    },
    departmentResult: { result: 'Visited Jane at home', at: now, by: 'bob' },
  };
}

function aCallJob(overrides: Partial<CallJob> = {}): CallJob {
  return {
    id: 'survey-1000009-1',
    kind: 'survey',
    priority: 'survey',
    state: 'succeeded',
    phone: '+15551230000',
    email: 'jane@example.com',
    customerName: 'Jane Smith',
    ticketId: '1000009',
    timeZone: 'America/New_York',
    respectsCallingHours: true,
    dueAt: now,
    nextAttemptAt: now,
    attempt: 1,
    maxAttempts: 3,
    attempts: [{ n: 1, claimedAt: now, reached: true }],
    attributes: { customerName: 'Jane Smith' },
    result: { rating: '4' },
    requestedBy: 'system',
    createdAt: now,
    updatedAt: now,
    version: 3,
    ...overrides,
  } as CallJob;
}

describe('archiving a closed complaint', () => {
  it('erases the customer and the free text about them; keeps category, severity, dates and numbers', () => {
    const ticket = aClosedTicket();
    const archived = archiveClosedComplaint(ticket, now, 'system')?.ticket;
    const text = JSON.stringify(archived);
    for (const trace of ['Jane', 'Elm Street', '+15551230000', 'jane@example.com'])
      expect(text).not.toContain(trace);
    expect(archived).toMatchObject({
      status: 'archived',
      description: ERASED,
      customer: { name: ERASED, phone: ERASED },
      category: ticket.category,
      severity: ticket.severity,
      createdAt: ticket.createdAt,
      number: ticket.number,
      resolution: { resolution: ERASED, customerAgreement: ERASED, at: now, by: 'alice' },
    });
  });
});

describe("erasing an archived complaint's history", () => {
  const event = (data: Record<string, unknown>, reason?: string): TicketEvent => ({
    ticketId: '1000009',
    type: 'contact_attempted',
    at: now,
    actor: 'alice',
    version: 3,
    data,
    ...(reason ? { reason } : {}),
  });

  it('replaces notes, reasons and nested free text with the marker; keeps codes, counts and dates', () => {
    const erased = erasedTicketEvent(
      event(
        {
          outcome: 'reached',
          attempt: 2,
          note: 'Jane was angry',
          remedy: { description: 'A gift for Jane' },
        },
        'Spoke with Jane',
      ),
    );
    expect(erased).toEqual(
      event({ outcome: 'reached', attempt: 2, note: ERASED, remedy: { description: ERASED } }, ERASED),
    );
  });

  it('an event with nothing personal, or already erased, is left alone (the rewrite is idempotent)', () => {
    expect(
      erasedTicketEvent(event({ severity: 'major', channel: 'phone', category: 'billing' })),
    ).toBeUndefined();
    const once = erasedTicketEvent(event({ note: 'Jane' }, 'why')) as TicketEvent;
    expect(erasedTicketEvent(once)).toBeUndefined();
  });
});

describe("erasing an archived complaint's call jobs", () => {
  it('drops number, e-mail, name and flow attributes; keeps kind, state, attempts and the rating', () => {
    const erased = erasedCallJob(aCallJob(), now);
    expect(JSON.stringify(erased)).not.toMatch(/Jane|\+1555|example\.com/);
    expect(erased).toMatchObject({
      phone: ERASED,
      kind: 'survey',
      state: 'succeeded',
      result: { rating: '4' },
      version: 4,
    });
    expect(erased?.attempts).toHaveLength(1);
  });

  it("drops a household's numbers and addresses and the number each attempt rang", () => {
    const erased = erasedCallJob(
      aCallJob({
        phones: ['+15551230000', '+15551230001'],
        emails: ['jane@example.com', 'john@example.com'],
        attempts: [
          { n: 1, claimedAt: now, phone: '+15551230000', round: 1, outcome: 'no_answer' },
          { n: 2, claimedAt: now, phone: '+15551230001', round: 1, outcome: 'no_answer' },
        ],
        fallback: { channel: 'email', sentAt: now, sentTo: ['jane@example.com', 'john@example.com'] },
      }),
      now,
    );
    expect(JSON.stringify(erased)).not.toMatch(/Jane|John|\+1555|example\.com/i);
    expect(erased?.attempts.map((a) => [a.n, a.round, a.outcome])).toEqual([
      [1, 1, 'no_answer'],
      [2, 1, 'no_answer'],
    ]);
  });

  it('cancels a job still waiting to ring: there is nobody left to call', () => {
    expect(erasedCallJob(aCallJob({ state: 'pending' }), now)).toMatchObject({
      state: 'cancelled',
      finishedAt: now,
    });
  });

  it('an erased job, and an erased copy in its events, are left alone', () => {
    const erased = erasedCallJob(aCallJob(), now) as CallJob;
    expect(erasedCallJob(erased, now)).toBeUndefined();
    const jobEvent = {
      jobId: erased.id,
      type: 'ended',
      at: now,
      attempt: 1,
      job: aCallJob(),
    } as CallJobEvent;
    const rewritten = erasedCallJobEvent(jobEvent) as CallJobEvent;
    expect(JSON.stringify(rewritten)).not.toMatch(/Jane|\+1555|example\.com/);
    expect(erasedCallJobEvent(rewritten)).toBeUndefined();
  });
});
