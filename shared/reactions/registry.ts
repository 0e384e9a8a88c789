import {
  continueFanOut,
  continueFollowUps,
  openIncidentOfBroadcast,
  startFanOut,
  startFollowUps,
} from './broadcast-reactions';
import { broadcastAttemptEnded, jobEnded } from './call-job-reactions';
import { continueImport, startImport } from './customer-import-reactions';
import { continueNotice, incidentUpdateCall, incidentUpdateMail, startNotice } from './incident-reactions';
import type { DeskEventKey, Reaction } from './reaction';
import {
  breachEscalation,
  cancelSurveyOnClose,
  erasePersonalDataCopies,
  keepPromisedAnswers,
  linkToOpenIncidents,
  lowRatingMail,
  progressNotice,
  remedyActionLate,
  retentionTimer,
  satisfactionSurvey,
  ticketTimers,
} from './ticket-reactions';

/**
 * What follows each kind of event: the one place that says it. Exhaustive by type, so an event kind
 * with no entry here does not compile; an empty list says "nothing follows" on purpose.
 */
export type ReactionRegistry = { readonly [K in DeskEventKey]: readonly Reaction<K>[] };

/** Any change of a complaint may start or end deadlines and remedy actions: their timers follow it. */
const change = [ticketTimers] as const;

export const reactions: ReactionRegistry = {
  'ticket.registered': [...change, linkToOpenIncidents],
  'ticket.dispatched': change,
  'ticket.contact_attempted': change,
  'ticket.progress_recorded': [...change, keepPromisedAnswers],
  'ticket.department_result_recorded': [...change, keepPromisedAnswers],
  'ticket.resolved': [...change, keepPromisedAnswers, satisfactionSurvey],
  'ticket.reopened': change,
  'ticket.reviewed': change,
  'ticket.extension_requested': change,
  'ticket.extension_decided': change,
  // An audit record of a read: nothing follows.
  'ticket.personal_data_read': [],
  'ticket.deadline_breached': [...change, breachEscalation],
  'ticket.escalated': [...change, lowRatingMail],
  'ticket.progress_notice_queued': [...change, progressNotice],
  'ticket.callback_requested': change,
  'ticket.answer_promised': change,
  'ticket.answer_promise_kept': change,
  'ticket.survey_queued': change,
  'ticket.survey_answered': change,
  'ticket.survey_not_reached': change,
  'ticket.closed': [...change, retentionTimer, cancelSurveyOnClose],
  'ticket.archived': [...change, erasePersonalDataCopies],
  'ticket.incident_linked': change,
  'ticket.incident_unlinked': change,
  'ticket.incident_update_sent': [...change, incidentUpdateMail, incidentUpdateCall],
  'ticket.incident_update_call_ended': change,
  'ticket.incident_cleared': change,
  'ticket.remedy_proposed': change,
  'ticket.remedy_decided': change,
  'ticket.remedy_offered': change,
  'ticket.remedy_answered': change,
  'ticket.remedy_action_done': change,
  'ticket.remedy_action_overdue': [...change, remedyActionLate],
  'ticket.assigned': change,
  'broadcast.sent': [openIncidentOfBroadcast, startFanOut],
  'broadcast.fan_out_progressed': [continueFanOut],
  'broadcast.follow_up_requested': [startFollowUps],
  'broadcast.follow_up_progressed': [continueFollowUps],
  // The dialer only dials: each job kind decides what an attempt's end and a job's end mean.
  'callJob.attempt_ended': [broadcastAttemptEnded],
  'callJob.ended': [jobEnded],
  // An incident's record; only a notice to its complainants has work that follows (in resumable slices).
  'incident.opened': [],
  'incident.updated': [],
  'incident.complaint_linked': [],
  'incident.complaint_unlinked': [],
  'incident.complainants_notice_requested': [startNotice],
  'incident.complainants_notice_progressed': [continueNotice],
  'incident.complainants_notified': [],
  'incident.complaint_resolved': [],
  'incident.closed': [],
  // A large customer file is saved in resumable slices of chunks after the request answered.
  'customerImport.queued': [startImport],
  'customerImport.progressed': [continueImport],
  'customerImport.finished': [],
};

/** The reactions of an event key, or undefined for a key this code does not know (a newer writer). */
export function reactionsOf(key: string): readonly Reaction[] | undefined {
  return Object.hasOwn(reactions, key) ? (reactions[key as DeskEventKey] as readonly Reaction[]) : undefined;
}
