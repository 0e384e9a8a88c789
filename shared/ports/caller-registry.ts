import type { BlockEntry } from '#shared/domain/caller-screening';
import type { Page } from './ticket-store';

export interface LoggedCall {
  /** E.164 */
  readonly phone: string;
  readonly contactId: string;
  readonly at: string;
}

export interface RepeatCallerFlag {
  /** E.164 */
  readonly phone: string;
  readonly flaggedAt: string;
  /** Calls within the window when the flag was raised. */
  readonly recentCalls: number;
  readonly contactId: string;
}

/** The hotline's memory of callers: the block list, the call log and repeat-caller flags. */
export interface CallerRegistry {
  blockEntry(phone: string): Promise<BlockEntry | undefined>;
  block(entry: BlockEntry): Promise<void>;
  unblock(phone: string): Promise<void>;
  /** The block list, most recently blocked first. */
  listBlocked(page: { limit: number; cursor?: string }): Promise<Page<BlockEntry>>;
  /**
   * Log an inbound call (idempotent per contact) and count this number's calls since `since`; the contact
   * is remembered with its number for a while, so a contact event (which carries no number) finds its caller.
   */
  logCall(call: LoggedCall, since: string): Promise<{ recentCalls: number; lastFlaggedAt?: string }>;
  /** Raise (or refresh) the supervisor's flag on a repeat caller. */
  flagRepeatCaller(flag: RepeatCallerFlag): Promise<void>;
  /** Flags raised since `since`, newest first. */
  repeatCallerFlags(since: string, limit: number): Promise<RepeatCallerFlag[]>;
  /**
   * Claim the one bad-line callback of a logged inbound contact: its caller's number the first time, then
   * (and for a contact never logged) undefined. Atomic, so a redelivered contact event books nothing more.
   */
  claimBadLineCallback(contactId: string, at: string): Promise<string | undefined>;
  /** Give a claim back (the booking failed), so the event's retry may book it. */
  releaseBadLineCallback(contactId: string): Promise<void>;
}
