/** Phone-cluster helpers for journeys: only public surfaces (the phone simulator, the clock). */
import type { Desk, PhoneCall } from './desk';

/** The line drops on our side (a telecom problem) while the caller is on it: `POST /local/phone/calls/{id}/drop`. */
export async function lineDrops(desk: Desk, callId: string): Promise<PhoneCall> {
  const reply = await desk.http('POST', `/local/phone/calls/${callId}/drop`);
  if (reply.status >= 300) throw new Error(`drop refused: ${reply.status} ${reply.text}`);
  return desk.call(callId);
}

/** Seconds from `nowIso` until the next `HH:MM` on the wall clock of `timeZone`. */
export function secondsUntilLocalTime(nowIso: string, timeZone: string, hhmm: string): number {
  const now = new Date(nowIso);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const nowSeconds = part('hour') * 3600 + part('minute') * 60 + part('second');
  const [h, m] = hhmm.split(':').map(Number);
  const target = (h ?? 0) * 3600 + (m ?? 0) * 60;
  const ahead = target - nowSeconds;
  return ahead > 60 ? ahead : ahead + 24 * 3600;
}

/** Everything the system said on a call, as one text. */
export async function heard(desk: Desk, callId: string): Promise<string> {
  return (await desk.said(callId)).join(' ');
}
