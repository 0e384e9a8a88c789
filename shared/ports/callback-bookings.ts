import type { CallJob } from '#shared/domain/call-job';
import type { TicketEvent } from '#shared/domain/ticket';
import type { IdempotencyRecord } from './ticket-store';

export type CallbackBooking =
  /** Stored; `callEndedAt` when the call it was to wait for had already ended (it need not be held). */
  | { readonly kind: 'booked'; readonly job: CallJob; readonly callEndedAt?: string }
  /** The number already has an open callback of this priority: that one, nothing new stored. */
  | { readonly kind: 'joined'; readonly job: CallJob }
  /** The idempotency key was used before: what that request got, and the hash of its body. */
  | {
      readonly kind: 'replayed';
      readonly jobId: string;
      readonly joined: boolean;
      readonly fingerprint: string;
    };

/** Requested callbacks: one open per number and priority, idempotent by key, held while their call lasts. */
export interface CallbackBookings {
  /**
   * Store a new callback job, in one transaction with its number's open-callback marker, the idempotency key
   * (if any) and, when `job.heldForContact` is set, the link from that call to the job. A number with an open
   * callback of the job's priority joins it instead; a key already stored replays. `ticketEvent` (the
   * complaint's `callback_requested`) is saved in the same transaction, only with a new job.
   */
  book(
    job: CallJob,
    options?: { readonly idempotency?: IdempotencyRecord; readonly ticketEvent?: TicketEvent },
  ): Promise<CallbackBooking>;
  /**
   * Hold a waiting callback for another call (a caller who asks again on a new call joins their open one):
   * the held job, saved if still at `expectedVersion`, with the link from that call, in one transaction.
   * `call_ended` when that call's end is already recorded (nothing saved), `stale` when the job changed.
   */
  holdFor(held: CallJob, expectedVersion: number): Promise<'held' | 'call_ended' | 'stale'>;
  /**
   * The caller's inbound call ended: recorded (so a booking still being written sees it), and the id of the
   * callback held for that call, if one is linked.
   */
  callEnded(contactId: string, at: string): Promise<string | undefined>;
}
