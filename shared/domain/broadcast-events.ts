/** What happened to a broadcast that something must follow: the desk's event log (reactions). */
export const broadcastEventTypes = [
  'sent',
  'fan_out_progressed',
  'follow_up_requested',
  'follow_up_progressed',
] as const;
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

/** The follow-ups a broadcast owes after it: "please disregard" (a cancel) or the incident's all clear. */
export type FollowUpRequestKind = 'disregard' | 'all_clear';

/**
 * A follow-up to everyone the broadcast reached was asked for: its slices (reactions) queue each recipient's
 * follow-up, in account order, so a crash anywhere resumes where the last slice stopped.
 */
export function followUpRequested(
  broadcastId: string,
  kind: FollowUpRequestKind,
  actor: string,
  at: string,
): BroadcastEvent {
  return { broadcastId, type: 'follow_up_requested', at, actor, data: { kind } };
}

/** A follow-up slice stopped after recipient `after` (its time was up); the next slice goes on from there. */
export function followUpProgressed(
  broadcastId: string,
  kind: FollowUpRequestKind,
  after: string,
  at: string,
): BroadcastEvent {
  return { broadcastId, type: 'follow_up_progressed', at, actor: 'system:follow-up', data: { kind, after } };
}

/** How long a fan-out may stand still before the sweep starts it again. */
export const FAN_OUT_STALLED_MS = 5 * 60_000;
