/** What happened to an incident: its part of the desk's event log (reactions follow some of them). */
export const incidentEventTypes = [
  'opened',
  'updated',
  'complaint_linked',
  'complaint_unlinked',
  // An update is to go to every linked complainant: a durable job, in slices, resumable after any crash.
  'complainants_notice_requested',
  'complainants_notice_progressed',
  'complainants_notified',
  'complaint_resolved',
  'closed',
] as const;
export type IncidentEventType = (typeof incidentEventTypes)[number];

export interface IncidentEvent {
  readonly incidentId: string;
  readonly type: IncidentEventType;
  readonly at: string;
  readonly actor: string;
  /**
   * `complainants_notice_requested`: `update` (its number). `complainants_notice_progressed`: `update` and
   * `after`, the last complaint id handled. `complainants_notified`: `update` and the counts.
   */
  readonly data: Readonly<Record<string, unknown>>;
}

/** One request to send update `n` to every linked complainant: the job its slices belong to. */
export interface NoticeJob {
  readonly incidentId: string;
  readonly update: number;
  /** Unique per request: keys the job's progress events. */
  readonly request: string;
  /** Who asked for it (the complaints' events name them). */
  readonly by: string;
}

/** Update `n` is to be sent to every linked complainant not yet told it. */
export function noticeRequested(job: NoticeJob, actor: string, at: string): IncidentEvent {
  const { incidentId, ...data } = job;
  return { incidentId, type: 'complainants_notice_requested', at, actor, data };
}

/** The notice stopped after complaint `after` (its time slice ended) and goes on from there. */
export function noticeProgressed(job: NoticeJob, after: string, at: string): IncidentEvent {
  const { incidentId, ...data } = job;
  return {
    incidentId,
    type: 'complainants_notice_progressed',
    at,
    actor: 'system:notice',
    data: { ...data, after },
  };
}

/** The job of a notice event (requested or progressed), or undefined when its data is not one. */
export function noticeJobOf(event: IncidentEvent): NoticeJob | undefined {
  const { update, request, by } = event.data;
  if (typeof update !== 'number' || typeof request !== 'string') return undefined;
  return { incidentId: event.incidentId, update, request, by: typeof by === 'string' ? by : event.actor };
}
