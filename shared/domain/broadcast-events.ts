/** What happened to a broadcast that something must follow: the desk's event log (reactions). */
export const broadcastEventTypes = ['sent', 'fan_out_progressed'] as const;
export type BroadcastEventType = (typeof broadcastEventTypes)[number];

export interface BroadcastEvent {
  readonly broadcastId: string;
  readonly type: BroadcastEventType;
  readonly at: string;
  readonly actor: string;
  /** `fan_out_progressed`: `from`, the first recipient (in selection order) still to be written. */
  readonly data: Readonly<Record<string, unknown>>;
}

export function broadcastSent(broadcastId: string, actor: string, at: string): BroadcastEvent {
  return { broadcastId, type: 'sent', at, actor, data: {} };
}

/**
 * The fan-out stopped at `from` (its time slice ended) and continues from there; `resumed` when the sweep
 * found it stalled (its earlier continuation given up on) and starts it again.
 */
export function fanOutProgressed(
  broadcastId: string,
  from: number,
  at: string,
  resumed = false,
): BroadcastEvent {
  return {
    broadcastId,
    type: 'fan_out_progressed',
    at,
    actor: resumed ? 'system:sweep' : 'system:fan-out',
    data: { from, ...(resumed ? { resumed: true } : {}) },
  };
}

/** How long a fan-out may stand still before the sweep starts it again. */
export const FAN_OUT_STALLED_MS = 5 * 60_000;
