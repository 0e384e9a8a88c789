import type { Broadcast, IncidentSeverity } from './broadcast';
import { type AreaSelection, areaKey, matchesSelection, type ServiceArea } from './customer';
import { InvalidInputError, TransitionNotAllowedError } from './errors';
import type { IncidentEvent } from './incident-events';

/**
 * An incident: what the desk knows about an outage or a danger, opened when its emergency broadcast is
 * sent (same id), with versioned updates (new estimate, all clear), the complaints linked to it, and a state.
 * The broadcast keeps the recipients and their calls; the incident is what callers, complainants and the
 * public status page are told.
 */
export const incidentStates = ['open', 'closed'] as const;
export type IncidentState = (typeof incidentStates)[number];

export interface IncidentUpdate {
  /** 1 for the broadcast's own message, then one more per update. */
  readonly n: number;
  readonly at: string;
  readonly by: string;
  /** Public text: what callers hear and the status page shows; no personal data. */
  readonly message: string;
  /** The same text per BCP 47 language tag (e.g. `es`), where one was written. */
  readonly translations?: Readonly<Record<string, string>>;
  /** When the desk expects it to be over (ISO), if said. */
  readonly estimate?: string;
  /** The update that says it is over. */
  readonly allClear?: boolean;
}

export interface Incident {
  readonly id: string;
  readonly broadcastId: string;
  readonly what: string;
  readonly where: string;
  readonly since: string;
  readonly severity: IncidentSeverity;
  readonly selection: AreaSelection;
  readonly state: IncidentState;
  readonly openedAt: string;
  readonly openedBy: string;
  readonly closedAt?: string;
  readonly closedBy?: string;
  /** `all_clear`: over; `withdrawn`: the broadcast was cancelled (sent in error or no longer needed). */
  readonly closeReason?: 'all_clear' | 'withdrawn';
  readonly updates: readonly IncidentUpdate[];
  readonly version: number;
}

/** The incident a sent broadcast announced: open, with the broadcast's message as update 1. */
export function openIncident(broadcast: Broadcast, now: string): Incident {
  return {
    id: broadcast.id,
    broadcastId: broadcast.id,
    what: broadcast.what,
    where: broadcast.where,
    since: broadcast.since,
    severity: broadcast.severity,
    selection: broadcast.selection,
    state: 'open',
    openedAt: broadcast.sentAt ?? now,
    openedBy: broadcast.sentBy ?? broadcast.createdBy,
    updates: [
      {
        n: 1,
        at: broadcast.sentAt ?? now,
        by: broadcast.sentBy ?? broadcast.createdBy,
        message: broadcast.message,
        ...(broadcast.translations ? { translations: broadcast.translations } : {}),
      },
    ],
    version: 1,
  };
}

export interface NewIncidentUpdate {
  readonly message: string;
  readonly translations?: Readonly<Record<string, string>>;
  readonly estimate?: string;
  readonly allClear?: boolean;
}

/** Adds the next version of what is known; an update never replaces an earlier one. */
export function addUpdate(incident: Incident, update: NewIncidentUpdate, by: string, now: string): Incident {
  if (incident.state !== 'open')
    throw new TransitionNotAllowedError(`Incident ${incident.id} is closed; it takes no more updates`);
  if (update.estimate !== undefined && update.estimate < incident.since)
    throw new InvalidInputError('The estimate cannot be before the incident started', 'estimate');
  const n = latestUpdate(incident).n + 1;
  return {
    ...incident,
    updates: [...incident.updates, { n, at: now, by, ...update }],
    version: incident.version + 1,
  };
}

/** Closes the incident; an all-clear close carries its final update (the all-clear message). */
export function closeIncident(
  incident: Incident,
  by: string,
  now: string,
  reason: 'all_clear' | 'withdrawn',
  finalUpdate?: NewIncidentUpdate,
): Incident {
  if (incident.state !== 'open')
    throw new TransitionNotAllowedError(`Incident ${incident.id} is already closed`);
  const updated = finalUpdate
    ? addUpdate(incident, { ...finalUpdate, allClear: reason === 'all_clear' }, by, now)
    : incident;
  return {
    ...updated,
    state: 'closed',
    closedAt: now,
    closedBy: by,
    closeReason: reason,
    version: incident.version + 1,
  };
}

export function latestUpdate(incident: Pick<Incident, 'updates'>): IncidentUpdate {
  const last = incident.updates[incident.updates.length - 1];
  if (!last) throw new Error('An incident always has its first update');
  return last;
}

/** The latest message in the customer's language where one was written, else the default text. */
export function latestMessage(incident: Pick<Incident, 'updates'>, language?: string): string {
  const update = latestUpdate(incident);
  if (!language) return update.message;
  const translations = update.translations ?? {};
  const base = language.toLowerCase().split('-')[0] ?? '';
  const exact = Object.entries(translations).find(([tag]) => tag.toLowerCase() === language.toLowerCase());
  const sameBase = Object.entries(translations).find(([tag]) => tag.toLowerCase().split('-')[0] === base);
  return exact?.[1] ?? sameBase?.[1] ?? update.message;
}

/** What a caller from the area hears before the menu: what, where, since when, and the latest update. */
export function inboundNotice(incident: Incident, language: string | undefined, timeZone: string): string {
  const message = latestMessage(incident, language);
  if (message !== latestUpdate(incident).message) return message;
  return `We know about the ${incident.what.toLowerCase()} affecting ${incident.where}, since ${timeInWords(incident.since, timeZone)}. ${message}`;
}

/** "9:30 AM on Tuesday 24 November" in the desk's time zone, for a voice prompt. */
export function timeInWords(iso: string, timeZone: string): string {
  const date = new Date(iso);
  const time = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone }).format(
    date,
  );
  const day = new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone,
  }).format(date);
  return `${time} on ${day.replace(',', '')}`;
}

export function isOpenIncident(incident: Pick<Incident, 'state'>): boolean {
  return incident.state === 'open';
}

/** A customer whose service area the incident's selection covers. */
export function coversArea(incident: Pick<Incident, 'selection'>, area: ServiceArea): boolean {
  return matchesSelection(area, incident.selection);
}

/**
 * A free-text address ("12 Elm St, North") inside the selection: it names one of the selected streets as
 * whole words. Selections by district or segment only cannot be judged from an address.
 */
export function addressInArea(selection: AreaSelection, address: string | undefined): boolean {
  if (!address || !selection.streets?.length) return false;
  const words = ` ${areaKey(address)
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')} `;
  return selection.streets.some((street) => {
    const key = areaKey(street)
      .replace(/[^\p{L}\p{N} ]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return key.length > 0 && words.includes(` ${key} `);
  });
}

/** Whether something that happened at `at` falls in the incident's time: from its start until it closed. */
export function withinWindow(incident: Pick<Incident, 'since' | 'closedAt'>, at: string): boolean {
  return at >= incident.since && (incident.closedAt === undefined || at <= incident.closedAt);
}

// --- linked complaints ---------------------------------------------------------------------------------

export type LinkReason = 'customer_area' | 'address' | 'manual';

export interface IncidentNotification {
  /** The update sent. */
  readonly n: number;
  readonly at: string;
  readonly emailed: boolean;
  readonly callJobId?: string;
}

/** A complaint linked to an incident (no personal data: the ticket holds it). */
export interface IncidentLink {
  readonly incidentId: string;
  readonly ticketId: string;
  readonly category: string;
  readonly channel: string;
  readonly registeredAt: string;
  readonly linkedAt: string;
  readonly linkedBy: string;
  readonly reason: LinkReason;
  /** The incident caused the complaint: closing the incident resolves it. */
  readonly cause: boolean;
  /** Updates sent to this complainant, once each. */
  readonly notified: readonly IncidentNotification[];
  readonly resolvedAt?: string;
  readonly version: number;
}

export function newLink(
  incidentId: string,
  ticket: {
    readonly id: string;
    readonly category: string;
    readonly channel: string;
    readonly createdAt: string;
  },
  how: { readonly reason: LinkReason; readonly by: string; readonly cause?: boolean },
  now: string,
): IncidentLink {
  return {
    incidentId,
    ticketId: ticket.id,
    category: ticket.category,
    channel: ticket.channel,
    registeredAt: ticket.createdAt,
    linkedAt: now,
    linkedBy: how.by,
    reason: how.reason,
    // Complaints from the area during the incident are presumed caused by it; staff can say otherwise.
    cause: how.cause ?? true,
    notified: [],
    version: 1,
  };
}

export function wasNotified(link: IncidentLink, n: number): boolean {
  return link.notified.some((x) => x.n === n);
}

export function recordNotified(link: IncidentLink, notification: IncidentNotification): IncidentLink {
  if (wasNotified(link, notification.n)) return link;
  return { ...link, notified: [...link.notified, notification], version: link.version + 1 };
}

export function countsByCategory(links: readonly Pick<IncidentLink, 'category'>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const link of links) counts[link.category] = (counts[link.category] ?? 0) + 1;
  return counts;
}

// --- what callers and the public are told ----------------------------------------------------------------

/** Most incidents an unknown caller is offered on the keypad (keys 1 to 3). */
export const MAX_OFFERED_INCIDENTS = 3;

/** "If you are calling about the gas leak on Elm Street, press 1. ..." for callers the registry does not place. */
export function offerPrompt(incidents: readonly Pick<Incident, 'what' | 'where'>[]): string {
  const offered = incidents.slice(0, MAX_OFFERED_INCIDENTS);
  const choices = offered.map(
    (incident, i) =>
      `If you are calling about the ${incident.what.toLowerCase()} in ${incident.where}, press ${i + 1}.`,
  );
  return `${choices.join(' ')} Otherwise, stay on the line for our menu.`;
}

/** The public face of an incident: state, area in words, since when, latest update; no names or numbers. */
export interface PublicIncident {
  readonly id: string;
  readonly state: IncidentState;
  readonly what: string;
  readonly where: string;
  readonly since: string;
  readonly severity: IncidentSeverity;
  readonly latestUpdate: {
    readonly n: number;
    readonly at: string;
    readonly message: string;
    readonly estimate?: string;
    readonly allClear: boolean;
  };
  readonly closedAt?: string;
}

export function publicIncident(incident: Incident): PublicIncident {
  const latest = latestUpdate(incident);
  return {
    id: incident.id,
    state: incident.state,
    what: incident.what,
    where: incident.where,
    since: incident.since,
    severity: incident.severity,
    latestUpdate: {
      n: latest.n,
      at: latest.at,
      message: latest.message,
      ...(latest.estimate ? { estimate: latest.estimate } : {}),
      allClear: latest.allClear === true,
    },
    ...(incident.closedAt ? { closedAt: incident.closedAt } : {}),
  };
}

/** An incident as the API answers it: with its latest update. */
export interface IncidentView extends Incident {
  readonly latestUpdate: IncidentUpdate;
}

/** An incident with what hangs on it, as `GET /api/incidents/{id}` answers it. */
export interface IncidentDetail {
  readonly incident: IncidentView;
  readonly complaints: readonly (IncidentLink & {
    readonly status: string;
    readonly severity: string | null;
  })[];
  readonly countsByCategory: Readonly<Record<string, number>>;
  readonly events: readonly IncidentEvent[];
  readonly broadcast: {
    readonly id: string;
    readonly state: string;
    readonly counts: Readonly<Record<string, number>>;
    readonly recipientCount: number;
  } | null;
}
