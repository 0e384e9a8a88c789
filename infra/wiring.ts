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
 */
export interface FunctionNeeds {
  readonly manageSchedules?: boolean;
  readonly placeCalls?: boolean;
  readonly sendEmail?: boolean;
}

/** Function id (functions/catalog.ts) -> what it needs. Ids must exist in the catalog. */
export const functionNeeds: Readonly<Record<string, FunctionNeeds>> = {
  DeadlineCheck: { manageSchedules: true, sendEmail: true, placeCalls: true },
  DeadlineSweep: { manageSchedules: true, sendEmail: true, placeCalls: true },
  DialerTick: { manageSchedules: true, sendEmail: true, placeCalls: true },
  ContactEvents: { manageSchedules: true, sendEmail: true, placeCalls: true },
  OutboundSurveyAnswer: { manageSchedules: true, sendEmail: true },
  CallbacksApi: { manageSchedules: true, sendEmail: true },
  TicketsApi: { manageSchedules: true },
  PhoneFileComplaint: { manageSchedules: true },
  PhoneEmergency: { manageSchedules: true },
  PhoneRequestCallback: { manageSchedules: true },
  // A broadcast fans out into call jobs and wakes the dialer; recipients without a phone are e-mailed.
  BroadcastsApi: { manageSchedules: true, sendEmail: true },
  BroadcastWorker: { manageSchedules: true, sendEmail: true },
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
