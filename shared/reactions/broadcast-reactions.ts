import type { FollowUpRequestKind } from '#shared/domain/broadcast-events';
import { ensureIncident, fanOutSlice, followUpSlice } from '#shared/use-cases/broadcasts';
import type { Reaction } from './reaction';

/** A sent broadcast announces its incident: the hotline tells callers from its area at once. */
export const openIncidentOfBroadcast: Reaction<'broadcast.sent'> = {
  name: 'open-incident',
  run: (deps, { event }) => ensureIncident(deps, event.broadcastId),
};

/** A sent broadcast's fan-out into call jobs: its first slice. */
export const startFanOut: Reaction<'broadcast.sent'> = {
  name: 'fan-out',
  run: async (deps, { event }) => {
    await fanOutSlice(deps, event.broadcastId, 0);
  },
};

/** The fan-out goes on from where its last slice stopped (a slice per reaction, each resumable). */
export const continueFanOut: Reaction<'broadcast.fan_out_progressed'> = {
  name: 'fan-out',
  run: async (deps, { event }) => {
    await fanOutSlice(deps, event.broadcastId, Number(event.data.from) || 0);
  },
};

const followUpKind = (data: Readonly<Record<string, unknown>>): FollowUpRequestKind =>
  data.kind === 'all_clear' ? 'all_clear' : 'disregard';

/** A follow-up (disregard or all clear) to everyone the broadcast reached: its first slice. */
export const startFollowUps: Reaction<'broadcast.follow_up_requested'> = {
  name: 'follow-up',
  run: async (deps, { event }) => {
    await followUpSlice(deps, event.broadcastId, followUpKind(event.data));
  },
};

/** The follow-up goes on after the recipient its last slice ended on. */
export const continueFollowUps: Reaction<'broadcast.follow_up_progressed'> = {
  name: 'follow-up',
  run: async (deps, { event }) => {
    await followUpSlice(deps, event.broadcastId, followUpKind(event.data), String(event.data.after));
  },
};
