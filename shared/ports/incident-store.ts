import type { Incident, IncidentLink } from '#shared/domain/incident';
import type { IncidentEvent } from '#shared/domain/incident-events';
import type { TicketEvent } from '#shared/domain/ticket';

export type { IncidentEvent } from '#shared/domain/incident-events';

export interface IncidentStore {
  /** Create once; a second create of the same id is harmless (returns false). */
  create(incident: Incident): Promise<boolean>;
  get(id: string): Promise<Incident | undefined>;
  /** Save if the stored version is still `expectedVersion`; false when someone else changed it first. */
  save(incident: Incident, expectedVersion: number): Promise<boolean>;
  /** Every open incident (few at a time), newest first. */
  open(): Promise<Incident[]>;
  /** Open and closed, newest first. */
  list(limit: number): Promise<Incident[]>;
  /** Link once; false when the complaint was linked already. */
  link(link: IncidentLink): Promise<boolean>;
  getLink(incidentId: string, ticketId: string): Promise<IncidentLink | undefined>;
  saveLink(link: IncidentLink, expectedVersion: number): Promise<boolean>;
  /**
   * Saves a complainant's link marked as told an update together with the complaint's own event, in one
   * transaction: false (nothing written) when the link changed first, so each update is recorded once.
   */
  saveLinkNotified(link: IncidentLink, expectedVersion: number, ticketEvent: TicketEvent): Promise<boolean>;
  unlink(incidentId: string, ticketId: string): Promise<boolean>;
  links(incidentId: string): Promise<IncidentLink[]>;
  /**
   * An event of the desk's log. A notice's progress and its end are keyed by update and position, so a
   * retried slice writes each once.
   */
  appendEvent(event: IncidentEvent): Promise<void>;
  events(incidentId: string): Promise<IncidentEvent[]>;
}
