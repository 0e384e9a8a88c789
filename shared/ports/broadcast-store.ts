import type {
  Broadcast,
  BroadcastCounts,
  BroadcastView,
  Recipient,
  RecipientState,
} from '#shared/domain/broadcast';
import type { BroadcastEvent } from '#shared/domain/broadcast-events';
import type { Page } from './ticket-store';

export type { BroadcastView } from '#shared/domain/broadcast';

export interface BroadcastStore {
  create(broadcast: Broadcast): Promise<void>;
  get(id: string): Promise<BroadcastView | undefined>;
  /**
   * Save if the stored version is still `expectedVersion`, with its events in the same transaction; false when
   * someone else changed it first.
   */
  save(broadcast: Broadcast, expectedVersion: number, events?: readonly BroadcastEvent[]): Promise<boolean>;
  /** How far the fan-out got: recipients (in selection order) before this index are written. 0 before any. */
  fanOutMark(id: string): Promise<{ readonly next: number; readonly at?: string }>;
  /** Store the fan-out's progress (after each chunk); it only moves forward. */
  saveFanOutMark(id: string, next: number, at: string): Promise<void>;
  /** Append an event once: a second append of the same event (a retried slice) writes nothing. */
  appendEvent(event: BroadcastEvent): Promise<void>;
  list(page: { limit: number; cursor?: string }): Promise<Page<BroadcastView>>;
  /** Write recipients not yet written (a repeated send writes nothing twice); returns how many were new. */
  addRecipients(recipients: readonly Recipient[]): Promise<number>;
  recipient(broadcastId: string, account: string): Promise<Recipient | undefined>;
  /** One page of recipients in account order, only those in `state` when given (a full page when there are). */
  recipients(
    broadcastId: string,
    page: { limit: number; cursor?: string },
    state?: RecipientState,
  ): Promise<Page<Recipient>>;
  allRecipients(broadcastId: string): Promise<Recipient[]>;
  /**
   * Replace a recipient if it is still at `previous.version`, moving the broadcast's
   * counters in the same transaction; false when someone else changed it first.
   */
  updateRecipient(previous: Recipient, next: Recipient): Promise<boolean>;
}

export type { BroadcastCounts };
