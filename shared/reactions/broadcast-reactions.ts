import { ensureIncident, fanOutSlice } from '#shared/use-cases/broadcasts';
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
