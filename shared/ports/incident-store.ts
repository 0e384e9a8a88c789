import type { Incident, IncidentLink } from '#shared/domain/incident';

/** Something that happened to an incident: opened, updated, a complaint linked or unlinked, notified, closed. */
export interface IncidentEvent {
  readonly incidentId: string;
  readonly type:
    | 'opened'
    | 'updated'
    | 'complaint_linked'
    | 'complaint_unlinked'
    | 'complainants_notified'
    | 'complaint_resolved'
    | 'closed';
  readonly at: string;
  readonly actor: string;
  readonly data: Readonly<Record<string, unknown>>;
}

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
  unlink(incidentId: string, ticketId: string): Promise<boolean>;
  links(incidentId: string): Promise<IncidentLink[]>;
  appendEvent(event: IncidentEvent): Promise<void>;
  events(incidentId: string): Promise<IncidentEvent[]>;
}
