import type { CallUse, FunctionNeeds, ScheduleUse, TableAccess } from '#functions/catalog';

/**
 * The one table of what each catalog declaration grants, in IAM actions: the constructs build every function
 * statement from it (app-function.ts, scheduling.ts, mail.ts, survey-link-secret.ts, api-stack.ts), and
 * test/infra/iam-least-privilege.test.ts compares each function's policy with the AWS calls its code makes
 * (test/infra/aws-calls.ts). An action belongs here only if some adapter sends it.
 */

/** `table` access -> the DynamoDB actions on the table and its indexes (resources: app-function.ts). */
export const tableAccessActions: Readonly<Record<TableAccess, readonly string[]>> = {
  none: [],
  // Get / Query of the stores a read-only function uses (BatchGet: the customer registry and reactions, both write).
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:TransactWriteItems',
  ],
};

/** Each use of one-time schedules (`needs.schedules`) -> what shared/adapters/scheduler-timer.ts sends for it. */
export const scheduleActions: Readonly<Record<ScheduleUse, readonly string[]>> = {
  // setTimer (hasTimer's GetSchedule is called by nothing; no UpdateSchedule or ListSchedules).
  set: ['scheduler:CreateSchedule'],
  // clearTimer.
  clear: ['scheduler:DeleteSchedule'],
};

/** Each use of outbound contacts (`needs.calls`) -> what shared/adapters/connect-dialer.ts sends for it. */
export const callActions: Readonly<Record<CallUse, readonly string[]>> = {
  start: ['connect:StartOutboundVoiceContact'],
  stop: ['connect:StopContact'],
  describe: ['connect:DescribeContact'],
};

/** The yes/no needs -> the actions their adapters send. */
export const needActions = {
  // shared/adapters/ses-mailer.ts (SES v2 SendEmail; no SendRawEmail).
  sendEmail: ['ses:SendEmail'],
  // shared/adapters/secrets.ts (no DescribeSecret).
  surveyLinkSecret: ['secretsmanager:GetSecretValue'],
} as const satisfies Record<'sendEmail' | 'surveyLinkSecret', readonly string[]>;

/**
 * Actions an AWS call needs besides its own, which no SDK command names. CreateSchedule names the role
 * Scheduler assumes: IAM checks that the caller may pass that role (resource: the scheduler role only).
 */
export const impliedActions: Readonly<Record<string, readonly string[]>> = {
  'scheduler:CreateSchedule': ['iam:PassRole'],
};

/**
 * Statements of roles that are not catalog functions' own, structural to a service that acts for us: the
 * role EventBridge Scheduler assumes invokes the `scheduler`-triggered functions (exact ARNs) and parks
 * failed deliveries on its dead-letter queue.
 */
export const schedulerRoleActions = {
  invokeTargets: ['lambda:InvokeFunction'],
  deadLetters: ['sqs:SendMessage'],
} as const;

/** The schedule actions a function's needs grant, and what they imply (`set` -> also iam:PassRole). */
export function scheduleGrants(needs: FunctionNeeds | undefined): { own: string[]; implied: string[] } {
  const own = (needs?.schedules ?? []).flatMap((use) => [...scheduleActions[use]]);
  return { own, implied: [...new Set(own.flatMap((a) => impliedActions[a] ?? []))] };
}

/** The Connect contact actions a function's needs grant. */
export function callGrants(needs: FunctionNeeds | undefined): string[] {
  return (needs?.calls ?? []).flatMap((use) => [...callActions[use]]);
}

/** What a catalog function's declarations grant in all: its table access and every need it declares. */
export function declaredActions(spec: {
  readonly table: TableAccess;
  readonly needs?: FunctionNeeds;
}): Set<string> {
  const { own, implied } = scheduleGrants(spec.needs);
  return new Set([
    ...tableAccessActions[spec.table],
    ...own,
    ...implied,
    ...callGrants(spec.needs),
    ...(spec.needs?.sendEmail ? needActions.sendEmail : []),
    ...(spec.needs?.surveyLinkSecret ? needActions.surveyLinkSecret : []),
  ]);
}
