import type { BroadcastEvent, BroadcastEventType } from '#shared/domain/broadcast-events';
import type { CallJobEvent, CallJobEventType } from '#shared/domain/call-job-events';
import type { ImportEvent, ImportEventType } from '#shared/domain/customer-import-job';
import type { IncidentEvent, IncidentEventType } from '#shared/domain/incident-events';
import type { TicketEvent, TicketEventType } from '#shared/domain/ticket';
import type { TicketTimerChange } from '#shared/domain/ticket-timers';
import type { Dependencies } from '#shared/ports/dependencies';

/** Every kind of event in the desk's log, as `<what it belongs to>.<type>`. */
export type TicketEventKey = `ticket.${TicketEventType}`;
export type BroadcastEventKey = `broadcast.${BroadcastEventType}`;
export type CallJobEventKey = `callJob.${CallJobEventType}`;
export type IncidentEventKey = `incident.${IncidentEventType}`;
export type CustomerImportEventKey = `customerImport.${ImportEventType}`;
export type DeskEventKey =
  | TicketEventKey
  | BroadcastEventKey
  | CallJobEventKey
  | IncidentEventKey
  | CustomerImportEventKey;

/** The event a key names. */
export type DeskEventOf<K extends DeskEventKey> = K extends `ticket.${infer T}`
  ? TicketEvent & { readonly type: T }
  : K extends `broadcast.${infer T}`
    ? BroadcastEvent & { readonly type: T }
    : K extends `callJob.${infer T}`
      ? CallJobEvent & { readonly type: T }
      : K extends `incident.${infer T}`
        ? IncidentEvent & { readonly type: T }
        : K extends `customerImport.${infer T}`
          ? ImportEvent & { readonly type: T }
          : never;

/** One saved event, as a reaction sees it. */
export interface ReactionInput<K extends DeskEventKey = DeskEventKey> {
  readonly key: K;
  /** Unique per saved event (its item key): with the reaction's name, the idempotency key. */
  readonly id: string;
  readonly event: DeskEventOf<K>;
  /** What the change does to the complaint's timers (on the first event of a change only). */
  readonly timers?: TicketTimerChange;
}

/**
 * Something that follows from an event. It runs once per event (the reactor keeps a ledger by event id and
 * reaction name); it throws to be retried, and it may save further events, which get their own reactions.
 */
export interface Reaction<K extends DeskEventKey = DeskEventKey> {
  /** Stable: part of the idempotency key. */
  readonly name: string;
  /** Whether this event calls for it at all (default: always). */
  readonly when?: (input: ReactionInput<K>) => boolean;
  readonly run: (deps: Dependencies, input: ReactionInput<K>) => Promise<void>;
}
