import type { Severity } from '#shared/domain/severity';
import type { Ticket, TicketEvent, TicketStatus } from '#shared/domain/ticket';

export interface IdempotencyRecord {
  readonly key: string;
  /** Hash of the request that first used the key; a different request with the same key is refused. */
  readonly fingerprint: string;
}

export type CreateResult =
  | { readonly kind: 'created'; readonly ticket: Ticket }
  | { readonly kind: 'replayed'; readonly ticketId: string; readonly fingerprint: string };

export interface TicketFilter {
  readonly status?: TicketStatus;
  readonly severity?: Severity;
  readonly department?: string;
  readonly phone?: string;
  /** Only open tickets whose earliest deadline has passed this instant. */
  readonly overdueAt?: string;
  /** Only tickets assigned to this staff member. */
  readonly assignee?: string;
  /** Only complaints filed on a call from a flagged repeat caller. */
  readonly repeatCaller?: boolean;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

export interface TicketStore {
  /** Allocate the next ticket number (unique, keypad-friendly). */
  nextTicketNumber(): Promise<string>;
  /** Write a new ticket with its first event, atomically; a repeated idempotency key replays. */
  create(ticket: Ticket, event: TicketEvent, idempotency?: IdempotencyRecord): Promise<CreateResult>;
  /**
   * Save a changed ticket and its events atomically if the stored version is still `expectedVersion`;
   * `before` is the ticket as read, so the saved change says what it does to the complaint's timers.
   */
  update(
    ticket: Ticket,
    expectedVersion: number,
    events: readonly TicketEvent[],
    before: Ticket,
  ): Promise<void>;
  get(id: string): Promise<Ticket | undefined>;
  list(filter: TicketFilter, page: { limit: number; cursor?: string }): Promise<Page<Ticket>>;
  events(id: string, page: { limit: number; cursor?: string }): Promise<Page<TicketEvent>>;
  /** Append an event that changes nothing on the ticket (e.g. an audit of a read). */
  appendEvent(event: TicketEvent): Promise<void>;
  /**
   * Retention only: every event of the complaint that `rewrite` changes (it returns undefined to keep one) is
   * overwritten in place, e.g. its free text erased. Not a new event: nothing reacts to it. Returns how many.
   */
  rewriteEvents(id: string, rewrite: (event: TicketEvent) => TicketEvent | undefined): Promise<number>;
}
