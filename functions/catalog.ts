/**
 * The one catalog of the functions and HTTP routes this app has.
 * Both the CDK app (infra/) and the local runtime (local/) read it, so a route or a
 * function exists in both or in neither. It imports no handler code: entries are paths.
 */

export type StaffRole = 'agent' | 'supervisor' | 'admin';

/** What a function may do with the one DynamoDB table. */
export type TableAccess = 'none' | 'read' | 'readWrite';

/**
 * What a catalog function needs besides its table access and its triggers (which the catalog says).
 * Declared on each catalog entry, beside its code's path: the stateless stack turns each need into exactly
 * these grants and environment variables, nothing more (infra/iam-needs.ts holds the actions of each;
 * test/infra/iam-least-privilege.test.ts holds each declaration to what the function's code calls).
 *
 * - `schedules`: one-time schedules in the app's schedule group (shared/adapters/scheduler-timer.ts): `set`
 *   creates them (and passes the scheduler role), `clear` deletes them. Env: SCHEDULE_GROUP_NAME,
 *   SCHEDULER_ROLE_ARN, SCHEDULER_DLQ_ARN, SCHEDULE_TARGET_ARNS (JSON: function id -> ARN of every function
 *   with trigger `scheduler`). Grants: on `schedule/<group>/*` only.
 * - `calls`: outbound contacts on the instance (shared/adapters/connect-dialer.ts): `start` dials
 *   (StartOutboundVoiceContact), `stop` ends a live call (StopContact), `describe` asks a contact's state
 *   (DescribeContact). Env: CONNECT_INSTANCE_ID, HOTLINE_PHONE_NUMBER, CONTACT_FLOW_IDS (JSON: flow name ->
 *   id), CONNECT_QUEUE_IDS (JSON: queue name -> id).
 * - `sendEmail`: ses:SendEmail from the sender identity. Env: MAIL_FROM.
 * - `surveyLinkSecret`: signs or verifies one-time survey links. Env: SURVEY_LINK_SECRET_ARN (the CDK-generated
 *   Secrets Manager secret, read once per instance). Grants: secretsmanager:GetSecretValue on that secret only.
 */
export type ScheduleUse = 'set' | 'clear';
export type CallUse = 'start' | 'stop' | 'describe';

export interface FunctionNeeds {
  readonly schedules?: readonly ScheduleUse[];
  readonly calls?: readonly CallUse[];
  readonly sendEmail?: boolean;
  readonly surveyLinkSecret?: boolean;
}

export interface FunctionSpec {
  /** Stable logical name, used for construct ids and local lookup. */
  readonly id: string;
  /** Entry file relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly table: TableAccess;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** What it needs besides the table and its triggers: schedules, calls, mail, the survey link key. */
  readonly needs?: FunctionNeeds;
  /**
   * What invokes it besides HTTP routes: `contactFlow` (an InvokeLambdaFunction block of a contact
   * flow), `scheduler` (an EventBridge Scheduler target), `connectContactEvents` (the EventBridge rule
   * for "Amazon Connect Contact Event"). Infra grants and wires these; the local runtime routes them.
   */
  readonly triggers?: readonly FunctionTrigger[];
  /**
   * Recurring EventBridge Scheduler schedules that invoke it (trigger `scheduler` required). Infra
   * (infra/constructs/scheduling.ts) and the local runtime (local/emulators.ts) both create them from here.
   */
  readonly schedules?: readonly RecurringSchedule[];
}

/** A recurring schedule of a function: what the desk wants to happen on a calendar, e.g. the weekly report. */
export interface RecurringSchedule {
  /** Unique within its function (construct id, local schedule name). */
  readonly name: string;
  /** EventBridge Scheduler expression: `cron(minutes hours day-of-month month day-of-week year)` or `rate(...)`. */
  readonly expression: string;
  /** IANA time zone of a cron, or `desk`: the desk's time zone (DESK_TIME_ZONE). Default UTC. */
  readonly timeZone?: string;
  /** The event the function gets (the schedule target's Input, as JSON). */
  readonly input: Readonly<Record<string, unknown>>;
  readonly description: string;
}

/** DESK_TIME_ZONE's default (shared/config.ts). */
export const DEFAULT_DESK_TIME_ZONE = 'America/New_York';

/** The IANA zone of a recurring schedule: `desk` is the configured desk time zone. */
export function scheduleTimeZone(
  schedule: Pick<RecurringSchedule, 'timeZone'>,
  env: Readonly<Record<string, string | undefined>> = {},
): string | undefined {
  if (schedule.timeZone !== 'desk') return schedule.timeZone;
  return env.DESK_TIME_ZONE || DEFAULT_DESK_TIME_ZONE;
}

/** Every recurring schedule of the catalog, with the function it invokes. */
export function recurringSchedules(
  specs: readonly FunctionSpec[] = functions,
): { readonly functionId: string; readonly schedule: RecurringSchedule }[] {
  return specs.flatMap((f) => (f.schedules ?? []).map((schedule) => ({ functionId: f.id, schedule })));
}

/** `tableStream`: the table's DynamoDB stream through an event source mapping (the one reactor). */
export type FunctionTrigger = 'contactFlow' | 'scheduler' | 'connectContactEvents' | 'tableStream';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway HTTP API route path, e.g. `/api/tickets/{id}`. */
  readonly path: string;
  readonly functionId: string;
  /** `jwt`: the HTTP API JWT authorizer runs first; `public`: no token needed. */
  readonly auth: 'jwt' | 'public';
  /**
   * Whether a successful answer shows personal data (a customer's or a staff member's name, number, e-mail,
   * address, or free text about them), and for what purpose: every such call is written to the access log
   * (shared/http/api.ts). Required, so a new route cannot forget to decide.
   */
  readonly personalData: PersonalDataUse;
  readonly summary: string;
}

/** `none`: the answer holds no personal data; `reads`: it does, read for this purpose (in the access log). */
export type PersonalDataUse = 'none' | { readonly reads: string };

export const functions = [
  {
    id: 'TicketsApi',
    entry: 'functions/api/tickets.ts',
    description: 'Staff API: register, find, dispatch and follow complaints',
    table: 'readWrite',
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  {
    id: 'CustomersApi',
    entry: 'functions/api/customers.ts',
    description: 'Customer registry: CSV import with a per-row report, export, incident selection preview',
    table: 'readWrite',
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'BroadcastsApi',
    entry: 'functions/api/broadcasts.ts',
    description: 'Emergency broadcasts: incident, selection preview, send, pause, resume, cancel, report',
    table: 'readWrite',
    // A broadcast fans out into call jobs and wakes the dialer; recipients without a phone are e-mailed;
    // a cancel stops the calls ringing at that moment (StopContact).
    needs: { schedules: ['set'], calls: ['stop'] },
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'BroadcastWorker',
    entry: 'functions/schedule/broadcast-worker.ts',
    description: 'Continues the fan-out of a large broadcast into call jobs',
    table: 'readWrite',
    needs: { schedules: ['set'], sendEmail: true },
    timeoutSeconds: 300,
    memoryMb: 1024,
    triggers: ['scheduler'],
  },
  {
    id: 'BroadcastConfirm',
    entry: 'functions/phone/broadcast-confirm.ts',
    description: 'Records a keypad confirmation of an emergency broadcast message',
    table: 'readWrite',
    timeoutSeconds: 5,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  // Issue 11: incidents meet complaints (notice first on the hotline, linked complaints, public status).
  {
    id: 'IncidentsApi',
    entry: 'functions/api/incidents.ts',
    description:
      'Incidents: updates, linked complaints, notify complainants, close with all clear; public status',
    table: 'readWrite',
    // Incident updates and follow-ups e-mail complainants and queue calls (the dialer wakes by schedule).
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'PhoneIncidentNotice',
    entry: 'functions/phone/incident-notice.ts',
    description: "Hotline: the open incident covering the caller's area, its latest update, before the menu",
    table: 'read',
    timeoutSeconds: 5,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  {
    id: 'PhoneIncidentConfirm',
    entry: 'functions/phone/incident-confirm.ts',
    description: 'Hotline: the caller confirmed the incident notice; their broadcast call is cancelled',
    table: 'readWrite',
    timeoutSeconds: 8,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  {
    id: 'IncidentCallHeard',
    entry: 'functions/phone/incident-call-heard.ts',
    description: 'Broadcast follow-up calls (disregard, all clear, incident update): the message was heard',
    table: 'readWrite',
    timeoutSeconds: 5,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  {
    id: 'BlockListApi',
    entry: 'functions/api/block-list.ts',
    description: 'Hotline block list: agents read it, supervisors block and unblock numbers (audited)',
    table: 'readWrite',
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  {
    id: 'PublicApi',
    entry: 'functions/api/public.ts',
    description: 'Public API: complaint status without personal data, OpenAPI document',
    // Counts wrong phone digits per complaint (shared/use-cases/status-guard.ts), which locks the lookup.
    table: 'readWrite',
    timeoutSeconds: 5,
    memoryMb: 256,
  },
  {
    id: 'ReportsApi',
    entry: 'functions/api/reports.ts',
    description: 'Management reports from write-time counters; audit trail and access log for admins',
    // Writes the access log entry of every read of personal data (the audit and the access log themselves).
    table: 'readWrite',
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // Issue 10: the reports by e-mail on schedule, to recipients an admin manages.
  {
    id: 'ReportRecipientsApi',
    entry: 'functions/api/report-recipients.ts',
    description: 'Who gets the scheduled report e-mails: general and department managers (admins)',
    table: 'readWrite',
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  {
    id: 'ReportMail',
    entry: 'functions/schedule/report-mail.ts',
    description: "Weekly, monthly, yearly: the previous period's report e-mailed to managers, with its CSV",
    table: 'readWrite',
    // The scheduled report e-mails (with the CSV attached).
    needs: { sendEmail: true },
    timeoutSeconds: 120,
    memoryMb: 512,
    triggers: ['scheduler'],
    schedules: [
      {
        name: 'Weekly',
        expression: 'cron(0 8 ? * MON *)',
        timeZone: 'desk',
        input: { kind: 'reportMail', period: 'week' },
        description: "Monday 08:00 (desk time): last week's report",
      },
      {
        name: 'Monthly',
        expression: 'cron(0 8 1 * ? *)',
        timeZone: 'desk',
        input: { kind: 'reportMail', period: 'month' },
        description: "The 1st, 08:00 (desk time): last month's report",
      },
      {
        name: 'Yearly',
        expression: 'cron(0 8 1 1 ? *)',
        timeZone: 'desk',
        input: { kind: 'reportMail', period: 'year' },
        description: "1 January, 08:00 (desk time): last year's report",
      },
    ],
  },
  // Phone Lambdas: invoked by the hotline's contact flows (Connect waits at most 8 s for each). A function's
  // timeout never exceeds the wait of a flow block that invokes it (test/infra/contact-center.test.ts): else a
  // slow run would commit after the caller was sent down the error branch.
  {
    id: 'PhoneCallerLookup',
    entry: 'functions/phone/caller-lookup.ts',
    description: 'Hotline: block list, repeat-call log, known caller and open complaints',
    table: 'readWrite',
    timeoutSeconds: 4,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  {
    id: 'PhoneFileComplaint',
    entry: 'functions/phone/file-complaint.ts',
    description: 'Hotline: file a complaint from the keypad',
    table: 'readWrite',
    timeoutSeconds: 8,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  {
    id: 'PhoneEmergency',
    entry: 'functions/phone/emergency.ts',
    description: 'Hotline: record an emergency before the emergency queue',
    table: 'readWrite',
    timeoutSeconds: 8,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  {
    id: 'PhoneComplaintStatus',
    entry: 'functions/phone/complaint-status.ts',
    description: 'Hotline: status of a complaint by the number typed on the keypad',
    // Counts wrong phone digits per complaint, as the public status lookup does.
    table: 'readWrite',
    timeoutSeconds: 5,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  {
    id: 'PhoneRequestCallback',
    entry: 'functions/phone/request-callback.ts',
    description: 'Hotline: book a callback (caller request, after hours, emergency overflow)',
    table: 'readWrite',
    needs: { schedules: ['set'] },
    timeoutSeconds: 8,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  // The one reactor: what follows a saved change, read from the table's stream (shared/reactions/).
  {
    id: 'Reactor',
    entry: 'functions/stream/reactor.ts',
    description: 'Reacts to the desk event log (the table stream): timers, call jobs, mails, fan-out',
    table: 'readWrite',
    // The reactor sets and clears timers, queues call jobs (waking the dialer) and sends the desk's mails,
    // among them the fallback e-mail of a survey nobody answered, with its signed link; a fan-out chunk
    // written as its broadcast is cancelled stops that chunk's ringing calls (StopContact).
    needs: { schedules: ['set', 'clear'], sendEmail: true, surveyLinkSecret: true, calls: ['stop'] },
    timeoutSeconds: 60,
    memoryMb: 1024,
    triggers: ['tableStream'],
  },
  // Issue 5: deadlines, the outbound dialer, callbacks and the satisfaction survey.
  {
    id: 'DeadlineCheck',
    entry: 'functions/schedule/deadline-check.ts',
    description: 'Deadline timer target: breach + escalation, or the next progress notice',
    table: 'readWrite',
    // The deadline and remedy checks, the sweep and the dialer only save changes and dial: their mails follow
    // as reactions. Registering and changing a complaint (API, phone) or a remedy needs no Scheduler at all:
    // its timers are the reactor's.
    needs: { schedules: ['set'] },
    timeoutSeconds: 30,
    memoryMb: 512,
    triggers: ['scheduler'],
  },
  {
    id: 'DeadlineSweep',
    entry: 'functions/schedule/deadline-sweep.ts',
    description: 'Every 5 minutes: repair lost deadline timers and stuck outbound call attempts',
    table: 'readWrite',
    needs: { schedules: ['set'], calls: ['start', 'stop', 'describe'] },
    timeoutSeconds: 120,
    memoryMb: 512,
    triggers: ['scheduler'],
  },
  {
    id: 'DialerTick',
    entry: 'functions/schedule/dialer-tick.ts',
    description: 'The one outbound dialer: rings due call jobs within Connect limits and calling hours',
    table: 'readWrite',
    needs: { schedules: ['set'], calls: ['start', 'stop'] },
    timeoutSeconds: 60,
    memoryMb: 512,
    triggers: ['scheduler'],
  },
  {
    id: 'ContactEvents',
    entry: 'functions/events/contact-events.ts',
    description: 'Connect contact events: ended outbound calls end their attempt and free their slot',
    table: 'readWrite',
    needs: { schedules: ['set'], calls: ['start', 'stop'] },
    timeoutSeconds: 60,
    memoryMb: 512,
    triggers: ['connectContactEvents'],
  },
  {
    id: 'OutboundCallAnswer',
    entry: 'functions/phone/outbound-call-answer.ts',
    description: 'Outbound flows: who answered a callback or progress call',
    table: 'readWrite',
    timeoutSeconds: 8,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  {
    id: 'OutboundSurveyAnswer',
    entry: 'functions/phone/outbound-survey-answer.ts',
    description: 'Outbound survey flow: the keypad rating (1-2 reopens, 3-5 closes)',
    table: 'readWrite',
    timeoutSeconds: 8,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
  // Issue 10: the remedy, its approval, the customer's answer, department actions.
  {
    id: 'RemediesApi',
    entry: 'functions/api/remedies.ts',
    description: "Staff API: propose, approve, offer a remedy, record the customer's answer, actions done",
    table: 'readWrite',
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  {
    id: 'RemedyActionCheck',
    entry: 'functions/schedule/remedy-action-check.ts',
    description: 'Remedy action timer target: a late department action is escalated to the supervisor',
    table: 'readWrite',
    needs: { schedules: ['set'] },
    timeoutSeconds: 30,
    memoryMb: 512,
    triggers: ['scheduler'],
  },
  {
    id: 'CallbacksApi',
    entry: 'functions/api/callbacks.ts',
    description: 'Staff API: callbacks and outbound call jobs; public one-time survey answers',
    table: 'readWrite',
    // The public survey page verifies the signed link.
    needs: { schedules: ['set'], surveyLinkSecret: true },
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // Issue 10: "within half an hour" (a promised answer) and the promised call's status message.
  {
    id: 'AnswerPromisesApi',
    entry: 'functions/api/answer-promises.ts',
    description: 'Staff API: promise an answer within half an hour (a callback due then)',
    table: 'readWrite',
    // A promised answer is a call job that wakes the dialer.
    needs: { schedules: ['set'] },
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  {
    id: 'OutboundPromiseStatus',
    entry: 'functions/phone/outbound-promise-status.ts',
    description: 'Outbound callback flow: the status a promised call tells the confirmed customer',
    table: 'read',
    timeoutSeconds: 8,
    memoryMb: 512,
    triggers: ['contactFlow'],
  },
] as const satisfies readonly FunctionSpec[];

export const routes = [
  {
    method: 'POST',
    path: '/api/broadcasts',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Record an incident for an emergency broadcast (draft)',
  },
  {
    method: 'GET',
    path: '/api/broadcasts',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'List broadcasts with live counts',
  },
  {
    method: 'GET',
    path: '/api/broadcasts/{id}',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Read a broadcast with live counts per recipient state',
  },
  {
    method: 'GET',
    path: '/api/broadcasts/{id}/preview',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Count the recipients before sending',
  },
  {
    method: 'POST',
    path: '/api/broadcasts/{id}/send',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Send: call every reachable recipient (idempotent)',
  },
  {
    method: 'POST',
    path: '/api/broadcasts/{id}/pause',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Pause a broadcast',
  },
  {
    method: 'POST',
    path: '/api/broadcasts/{id}/resume',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Resume a paused broadcast',
  },
  {
    method: 'POST',
    path: '/api/broadcasts/{id}/cancel',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Cancel a broadcast: no further calls',
  },
  {
    method: 'GET',
    path: '/api/broadcasts/{id}/recipients',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: { reads: 'following an emergency broadcast: who was reached' },
    summary: 'Recipients, by state',
  },
  {
    method: 'GET',
    path: '/api/broadcasts/{id}/report',
    functionId: 'BroadcastsApi',
    auth: 'jwt',
    personalData: { reads: 'the result list of an emergency broadcast' },
    summary: 'The final report (JSON or CSV)',
  },
  {
    method: 'GET',
    path: '/api/incidents',
    functionId: 'IncidentsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'List incidents, open first, with their latest update',
  },
  {
    method: 'GET',
    path: '/api/incidents/{id}',
    functionId: 'IncidentsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'An incident with its updates, linked complaints (counts by category) and events',
  },
  {
    method: 'POST',
    path: '/api/incidents/{id}/updates',
    functionId: 'IncidentsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Post a new version of what is known (optionally sent to linked complainants)',
  },
  {
    method: 'POST',
    path: '/api/incidents/{id}/notify',
    functionId: 'IncidentsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Send an update to every linked complainant, once each',
  },
  {
    method: 'POST',
    path: '/api/incidents/{id}/complaints',
    functionId: 'IncidentsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Link a complaint to the incident by hand',
  },
  {
    method: 'DELETE',
    path: '/api/incidents/{id}/complaints/{ticketId}',
    functionId: 'IncidentsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Unlink a complaint from the incident',
  },
  {
    method: 'POST',
    path: '/api/incidents/{id}/close',
    functionId: 'IncidentsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Close with the all clear (all-clear calls, complainants told, caused complaints resolved)',
  },
  {
    method: 'GET',
    path: '/api/status/incidents/{id}',
    functionId: 'IncidentsApi',
    auth: 'public',
    personalData: 'none',
    summary: 'Public status of an incident: state, area, since when, latest update; no personal data',
  },
  {
    method: 'GET',
    path: '/api/block-list',
    functionId: 'BlockListApi',
    auth: 'jwt',
    personalData: { reads: 'keeping the hotline block list' },
    summary: 'The hotline block list, most recently blocked first (staff)',
  },
  {
    method: 'PUT',
    path: '/api/block-list/{phone}',
    functionId: 'BlockListApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Block a number, with the reason (supervisor)',
  },
  {
    method: 'DELETE',
    path: '/api/block-list/{phone}',
    functionId: 'BlockListApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Take a number off the block list (supervisor)',
  },
  {
    method: 'POST',
    path: '/api/customers/import',
    functionId: 'CustomersApi',
    auth: 'jwt',
    personalData: { reads: 'importing the customer registry' },
    summary:
      'Import customers from CSV (per-row report; dryRun=true previews; a large file is saved as a job: 202 + Location)',
  },
  {
    method: 'GET',
    path: '/api/customers/imports/{id}',
    functionId: 'CustomersApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Follow an import saved as a job: state, totals, progress (supervisor)',
  },
  {
    method: 'GET',
    path: '/api/customers',
    functionId: 'CustomersApi',
    auth: 'jwt',
    personalData: { reads: 'finding a customer in the registry' },
    summary: 'List customers',
  },
  {
    method: 'GET',
    path: '/api/customers/export',
    functionId: 'CustomersApi',
    auth: 'jwt',
    personalData: { reads: 'exporting the customer registry' },
    summary: 'Export the customer registry as CSV',
  },
  {
    method: 'GET',
    path: '/api/customers/access-log',
    functionId: 'CustomersApi',
    auth: 'jwt',
    personalData: { reads: 'auditing who read or changed customer data' },
    summary: 'Who read or changed customer data (admin)',
  },
  {
    method: 'POST',
    path: '/api/customers/selection-preview',
    functionId: 'CustomersApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Count the customers an incident selection reaches',
  },
  {
    method: 'GET',
    path: '/api/customers/{account}',
    functionId: 'CustomersApi',
    auth: 'jwt',
    personalData: { reads: 'reading a customer record' },
    summary: 'Read one customer',
  },
  {
    method: 'PUT',
    path: '/api/customers/{account}',
    functionId: 'CustomersApi',
    auth: 'jwt',
    personalData: { reads: 'changing a customer record' },
    summary: 'Create or change a customer',
  },
  {
    method: 'POST',
    path: '/api/tickets',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'registering a complaint' },
    summary: 'Register a complaint',
  },
  {
    method: 'GET',
    path: '/api/tickets',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'finding complaints' },
    summary: 'List and search complaints',
  },
  {
    method: 'GET',
    path: '/api/tickets/{id}',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Read one complaint',
  },
  {
    method: 'GET',
    path: '/api/tickets/{id}/events',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'following the history of a complaint' },
    summary: 'Read the event history of a complaint',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/dispatch',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Dispatch a complaint to a department',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/contacts',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Record a contact attempt with the customer',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/progress',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Record progress on a complaint',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/department-result',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: "Record the department's handling result",
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/resolve',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Resolve a complaint (a supervisor may override open remedy actions with a reason)',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/reopen',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Reopen a resolved or closed complaint',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/review',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: "The customer-service manager's review of a reopened complaint, with a note (supervisor)",
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/close',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Close a resolved complaint without a rating, with the reason (supervisor)',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/extensions',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Request a deadline extension',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/extensions/{extensionId}/decision',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Approve or reject a deadline extension',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/assign',
    functionId: 'TicketsApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Assign a complaint to a staff member (supervisor; an agent may take it for themselves)',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/remedies',
    functionId: 'RemediesApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Propose a remedy (kind, amount, description, department actions)',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/remedies/{remedyId}/decision',
    functionId: 'RemediesApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: "Approve or reject a remedy (supervisor, not the proposer's own)",
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/remedies/{remedyId}/offer',
    functionId: 'RemediesApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: 'Offer a remedy to the customer (approved, or needing no approval)',
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/remedies/{remedyId}/answer',
    functionId: 'RemediesApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: "Record the customer's agreement or refusal (who, when, how)",
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/remedies/{remedyId}/actions/{actionId}/done',
    functionId: 'RemediesApi',
    auth: 'jwt',
    personalData: { reads: 'handling the complaint' },
    summary: "Report a department's remedy action done",
  },
  {
    method: 'GET',
    path: '/api/status/{number}',
    functionId: 'PublicApi',
    auth: 'public',
    personalData: 'none',
    summary: 'Public status of a complaint by its number and the last four digits of the phone',
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    functionId: 'PublicApi',
    auth: 'public',
    personalData: 'none',
    summary: 'OpenAPI description of this API',
  },
  {
    method: 'GET',
    path: '/api/reports',
    functionId: 'ReportsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Weekly, monthly or yearly management report (JSON or CSV)',
  },
  {
    method: 'GET',
    path: '/api/audit',
    functionId: 'ReportsApi',
    auth: 'jwt',
    personalData: { reads: 'auditing reads of personal data' },
    summary:
      'Audit (admins): the access log of every read of personal data (who, when, route, ids, why), paged; ' +
      'with ?ticket= the audit trail of one complaint',
  },
  {
    method: 'GET',
    path: '/api/reports/accountability',
    functionId: 'ReportsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Who missed deadlines: breaches and points per department and owner (JSON or CSV)',
  },
  {
    method: 'GET',
    path: '/api/report-recipients',
    functionId: 'ReportRecipientsApi',
    auth: 'jwt',
    personalData: { reads: 'managing report recipients' },
    summary: 'Recipients of the scheduled report e-mails (admin)',
  },
  {
    method: 'PUT',
    path: '/api/report-recipients/{email}',
    functionId: 'ReportRecipientsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Add or change a report recipient: general manager, or a department manager (admin)',
  },
  {
    method: 'DELETE',
    path: '/api/report-recipients/{email}',
    functionId: 'ReportRecipientsApi',
    auth: 'jwt',
    personalData: 'none',
    summary: 'Remove a report recipient (admin)',
  },
  // Issue 5: callbacks, call jobs, survey links.
  {
    method: 'GET',
    path: '/api/call-jobs',
    functionId: 'CallbacksApi',
    auth: 'jwt',
    personalData: { reads: 'following outbound calls' },
    summary: 'List outbound call jobs (callbacks, surveys, progress notices, emergencies)',
  },
  {
    method: 'GET',
    path: '/api/call-jobs/{id}',
    functionId: 'CallbacksApi',
    auth: 'jwt',
    personalData: { reads: 'following an outbound call' },
    summary: 'Read one outbound call job with its attempts',
  },
  {
    method: 'POST',
    path: '/api/call-jobs/{id}/cancel',
    functionId: 'CallbacksApi',
    auth: 'jwt',
    personalData: { reads: 'cancelling an outbound call' },
    summary: 'Cancel a call job that is not ringing',
  },
  {
    method: 'POST',
    path: '/api/callbacks',
    functionId: 'CallbacksApi',
    auth: 'jwt',
    personalData: { reads: 'booking a callback' },
    summary: 'Book a callback for a customer (staff)',
  },
  {
    method: 'POST',
    path: '/api/surveys/{token}',
    functionId: 'CallbacksApi',
    auth: 'public',
    personalData: 'none',
    summary: 'Answer a satisfaction survey through its one-time e-mailed link',
  },
  {
    method: 'GET',
    path: '/survey/{token}',
    functionId: 'CallbacksApi',
    auth: 'public',
    personalData: 'none',
    summary: 'The satisfaction survey page an e-mailed link opens: complaint number and category, 1-5 (HTML)',
  },
  {
    method: 'POST',
    path: '/survey/{token}',
    functionId: 'CallbacksApi',
    auth: 'public',
    personalData: 'none',
    summary: "The survey page's form (rating=1..5, form-encoded): once; a second use says it was answered",
  },
  {
    method: 'POST',
    path: '/api/tickets/{id}/promise',
    functionId: 'AnswerPromisesApi',
    auth: 'jwt',
    personalData: { reads: 'promising the customer an answer' },
    summary: 'Promise an answer within half an hour: a callback due then that tells the status',
  },
] as const satisfies readonly RouteSpec[];

/** Every function's id, as a type. */
export type FunctionId = (typeof functions)[number]['id'];

type CatalogRoute = (typeof routes)[number];
type KeyOf<R> = R extends { readonly method: infer M extends string; readonly path: infer P extends string }
  ? `${M} ${P}`
  : never;
/** Every route key of the HTTP API (`POST /api/tickets`), as API Gateway names them. */
export type RouteKey = KeyOf<CatalogRoute>;
/** The route keys one function serves: its handler map must have exactly these (functions/api/routed.ts). */
export type RouteKeyOf<F extends FunctionId> = KeyOf<Extract<CatalogRoute, { readonly functionId: F }>>;

/** Ids of the catalog functions invoked by the given trigger. */
export function functionsTriggeredBy(trigger: FunctionTrigger): string[] {
  return (functions as readonly FunctionSpec[]).filter((f) => f.triggers?.includes(trigger)).map((f) => f.id);
}

export function functionSpec(id: string): FunctionSpec {
  const spec = functions.find((f) => f.id === id);
  if (!spec) throw new Error(`Unknown function id in catalog: ${id}`);
  return spec;
}
