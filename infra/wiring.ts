import { functions as catalogFunctions, type FunctionSpec } from '#functions/catalog';

/**
 * What a catalog function needs besides its table access and its triggers (which the catalog says).
 * This is the one place to change when a function starts scheduling, dialling or mailing: the stateless
 * stack turns each need into exactly these grants and environment variables, nothing more.
 *
 * - `manageSchedules`: create / update / delete / read one-time schedules in the app's schedule group.
 *   Env: SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN, SCHEDULER_DLQ_ARN, SCHEDULE_TARGET_ARNS (JSON: function id ->
 *   ARN of every function with trigger `scheduler`). Grants: scheduler:* on `schedule/<group>/*`, iam:PassRole
 *   of the scheduler role.
 * - `placeCalls`: StartOutboundVoiceContact / StopContact / DescribeContact on the instance's contacts.
 *   Env: CONNECT_INSTANCE_ID, HOTLINE_PHONE_NUMBER, CONTACT_FLOW_IDS (JSON: flow name -> id),
 *   CONNECT_QUEUE_IDS (JSON: queue name -> id).
 * - `sendEmail`: ses:SendEmail from the sender identity. Env: MAIL_FROM.
 * - `surveyLinkSecret`: signs or verifies one-time survey links. Env: SURVEY_LINK_SECRET_ARN (the CDK-generated
 *   Secrets Manager secret, read once per instance). Grants: secretsmanager:GetSecretValue / DescribeSecret on
 *   that secret only.
 */
export interface FunctionNeeds {
  readonly manageSchedules?: boolean;
  readonly placeCalls?: boolean;
  readonly sendEmail?: boolean;
  readonly surveyLinkSecret?: boolean;
}

/** Function id (functions/catalog.ts) -> what it needs. Ids must exist in the catalog. */
export const functionNeeds: Readonly<Record<string, FunctionNeeds>> = {
  // The reactor sets and clears timers, queues call jobs (waking the dialer) and sends the desk's mails,
  // among them the fallback e-mail of a survey nobody answered, with its signed link.
  Reactor: { manageSchedules: true, sendEmail: true, surveyLinkSecret: true },
  // The deadline and remedy checks, the sweep and the dialer only save changes and dial: their mails follow
  // as reactions. Registering and changing a complaint (API, phone) or a remedy needs no Scheduler at all:
  // its timers are the reactor's.
  DeadlineCheck: { manageSchedules: true, placeCalls: true },
  DeadlineSweep: { manageSchedules: true, placeCalls: true },
  DialerTick: { manageSchedules: true, placeCalls: true },
  ContactEvents: { manageSchedules: true, placeCalls: true },
  OutboundSurveyAnswer: { manageSchedules: true },
  // The public survey page verifies the signed link.
  CallbacksApi: { manageSchedules: true, sendEmail: true, surveyLinkSecret: true },
  // A promised answer is a call job that wakes the dialer.
  AnswerPromisesApi: { manageSchedules: true },
  RemedyActionCheck: { manageSchedules: true },
  PhoneRequestCallback: { manageSchedules: true },
  // A broadcast fans out into call jobs and wakes the dialer; recipients without a phone are e-mailed.
  BroadcastsApi: { manageSchedules: true, sendEmail: true },
  BroadcastWorker: { manageSchedules: true, sendEmail: true },
  // The scheduled report e-mails (with the CSV attached).
  ReportMail: { sendEmail: true },
  // Incident updates and follow-ups e-mail complainants and queue calls (the dialer wakes by schedule).
  IncidentsApi: { manageSchedules: true, sendEmail: true },
};

/** Every `functionNeeds` key must name a catalog function. */
export function checkFunctionNeeds(
  needs: Readonly<Record<string, FunctionNeeds>> = functionNeeds,
  specs: readonly FunctionSpec[] = catalogFunctions,
): void {
  const known = new Set(specs.map((s) => s.id));
  const unknown = Object.keys(needs).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `infra/wiring.ts names functions that are not in functions/catalog.ts: ${unknown.join(', ')}`,
    );
  }
}
