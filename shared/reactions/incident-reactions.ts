import { noticeJobOf } from '#shared/domain/incident-events';
import { callIncidentUpdate, mailIncidentUpdate, noticeSlice } from '#shared/use-cases/incidents';
import type { Reaction } from './reaction';

/** A notice to every linked complainant starts: its first slice. */
export const startNotice: Reaction<'incident.complainants_notice_requested'> = {
  name: 'notice',
  run: async (deps, { event }) => {
    const job = noticeJobOf(event);
    if (job) await noticeSlice(deps, job);
  },
};

/** The notice goes on after the complaint where its last slice stopped. */
export const continueNotice: Reaction<'incident.complainants_notice_progressed'> = {
  name: 'notice',
  run: async (deps, { event }) => {
    const job = noticeJobOf(event);
    if (job) await noticeSlice(deps, job, String(event.data.after));
  },
};

/** A complainant told an update by e-mail gets it. */
export const incidentUpdateMail: Reaction<'ticket.incident_update_sent'> = {
  name: 'incident-update-mail',
  when: ({ event }) => event.data.emailed === true,
  run: (deps, { event }) => mailIncidentUpdate(deps, event),
};

/** A complainant who phoned (or left no e-mail) is called with the update. */
export const incidentUpdateCall: Reaction<'ticket.incident_update_sent'> = {
  name: 'incident-update-call',
  when: ({ event }) => event.data.call === true,
  run: (deps, { event }) => callIncidentUpdate(deps, event),
};
