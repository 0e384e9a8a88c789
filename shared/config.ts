import * as z from 'zod';
import type { DialerPolicy } from '#shared/domain/call-job';
import { parseCallingHours } from '#shared/domain/calling-hours';
import { type DeadlinePolicy, defaultDeadlinePolicy, severities } from '#shared/domain/severity';

const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9_]{1,40}$/)).min(1));

/** An optional JSON object of strings, e.g. `{"DialerTick":"arn:..."}`; absent = empty. */
const jsonRecord = (name: string) =>
  z
    .string()
    .optional()
    .transform((s, ctx): Readonly<Record<string, string>> => {
      if (!s) return {};
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(s));
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `${name} is not a JSON object of strings: ${String(e)}` });
        return z.NEVER;
      }
    });

const severityDeadlinesSchema = z.strictObject({
  firstContactMinutes: z.number().positive(),
  secondContactMinutes: z.number().positive(),
  breachPoints: z.number().int().nonnegative(),
});

const deadlinePolicySchema = z.strictObject({
  severities: z.strictObject(
    Object.fromEntries(severities.map((s) => [s, severityDeadlinesSchema])) as Record<
      (typeof severities)[number],
      typeof severityDeadlinesSchema
    >,
  ),
  dispatchMinutes: z.number().positive(),
  departmentResultMinutes: z.number().positive(),
  progressNoticeMinutes: z.number().positive(),
});

const envSchema = z.object({
  TABLE_NAME: z.string().min(3),
  AWS_REGION: z.string().default('eu-west-1'),
  /** Set locally to DynamoDB Local; unset on AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** Region used to read national-format phone numbers (ISO 3166 alpha-2). */
  DEFAULT_PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('US'),
  DESK_TIME_ZONE: z.string().default('America/New_York'),
  DEPARTMENTS: csv('network,metering,billing,field_service,customer_service'),
  CATEGORIES: csv('supply_interruption,water_quality,gas_smell,billing,metering,staff_conduct,damage,other'),
  /** JSON overriding the default deadline policy as a whole. */
  DEADLINE_POLICY: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return defaultDeadlinePolicy;
      try {
        return deadlinePolicySchema.parse(JSON.parse(s)) satisfies DeadlinePolicy;
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `DEADLINE_POLICY is not a valid policy: ${String(e)}` });
        return z.NEVER;
      }
    }),
  /** Breach points per level, in severity order (dissatisfied, very_dissatisfied, major, crisis). */
  BREACH_POINTS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      const points = s.split(',').map((x) => Number(x.trim()));
      if (points.length !== severities.length || points.some((p) => !Number.isInteger(p) || p < 0)) {
        ctx.addIssue({
          code: 'custom',
          message: `BREACH_POINTS must be ${severities.length} non-negative integers, e.g. 20,30,50,80`,
        });
        return z.NEVER;
      }
      return points;
    }),
  /** Base URL of the staff portal (links in report e-mails). */
  PORTAL_URL: z.url().default('http://127.0.0.1:3000'),
  /** Ticket numbers a function instance reserves at once (fewer round trips; gaps are harmless). */
  TICKET_NUMBER_BLOCK: z.coerce.number().int().min(1).max(1000).default(10),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  /** Days an idempotency key is remembered. */
  IDEMPOTENCY_DAYS: z.coerce.number().positive().default(1),
  // --- outbound dialer, deadlines, survey (issue 5) ---
  /** Local window in which ordinary outbound calls may ring (emergencies ignore it). */
  CALLING_HOURS: z
    .string()
    .default('08:00-21:00')
    .transform((s, ctx) => {
      try {
        return parseCallingHours(s);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `CALLING_HOURS: ${(e as Error).message}` });
        return z.NEVER;
      }
    }),
  /** Customers' time zone for calling hours; defaults to DESK_TIME_ZONE. */
  CUSTOMER_TIME_ZONE: z.string().optional(),
  CALL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Minutes to wait after each unanswered attempt (the last one repeats). */
  CALL_BACKOFF_MINUTES: z
    .string()
    .default('10,30,60')
    .transform((s) => s.split(',').map((x) => Number(x.trim())))
    .pipe(z.array(z.number().positive()).min(1)),
  CALL_ATTEMPT_LEASE_MINUTES: z.coerce.number().positive().default(15),
  /** Minutes until a callback after a bad line on our side (the rule: within 3). */
  BAD_LINE_CALLBACK_MINUTES: z.coerce.number().min(0).max(3).default(1),
  /** Minutes within which staff promise an answer ("within half an hour"): the promised call is due then. */
  ANSWER_PROMISE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  /** Connect's limits the dialer stays under (defaults: Connect's default quotas). */
  CONNECT_CALLS_PER_SECOND: z.coerce.number().int().min(1).default(2),
  CONNECT_CONCURRENT_CALLS: z.coerce.number().int().min(1).default(10),
  CONNECT_INSTANCE_ID: z.string().optional(),
  HOTLINE_PHONE_NUMBER: z.string().optional(),
  /** JSON: contact flow name -> flow id (CDK passes it; locally a flow's id is its name). */
  CONTACT_FLOW_IDS: jsonRecord('CONTACT_FLOW_IDS'),
  SCHEDULE_GROUP_NAME: z.string().default('default'),
  SCHEDULER_ROLE_ARN: z.string().optional(),
  SCHEDULER_DLQ_ARN: z.string().optional(),
  /** JSON: function id -> ARN of every schedule target (CDK passes it; locally localFunctionArn(id)). */
  SCHEDULE_TARGET_ARNS: jsonRecord('SCHEDULE_TARGET_ARNS'),
  MAIL_FROM: z.string().default('complaints@hotline.example.com'),
  SUPERVISOR_EMAIL: z.string().default('supervisor@hotline.example.com'),
  MANAGER_EMAIL: z.string().default('manager@hotline.example.com'),
  /** Base of the public survey page; the signed token is appended. */
  SURVEY_LINK_BASE_URL: z.string().default('http://127.0.0.1:3000/survey'),
  /** Secret signing one-time survey links (local use; deployed, SURVEY_LINK_SECRET_ARN wins). */
  SURVEY_LINK_SECRET: z.string().default('local-survey-secret'),
  /** Deployed: the Secrets Manager secret (CDK-generated) holding the survey link key, read once per instance. */
  SURVEY_LINK_SECRET_ARN: z.string().min(1).optional(),
  SURVEY_LINK_DAYS: z.coerce.number().positive().default(7),
  /** Days after closing until a complaint is archived and the customer's personal data destroyed. */
  ARCHIVE_AFTER_DAYS: z.coerce.number().positive().default(90),
  /** Days a finished call job (phone number, e-mail) is kept before DynamoDB TTL removes it. */
  CALL_JOB_RETENTION_DAYS: z.coerce.number().positive().default(30),
  /** Days an access log entry (a read of personal data: who, when, why) is kept before DynamoDB TTL removes it. */
  ACCESS_LOG_RETENTION_DAYS: z.coerce.number().positive().default(365),
  // --- remedies (issue 10) ---
  /** The largest remedy amount a handler may offer without a supervisor's approval (desk currency). */
  REMEDY_AUTHORITY_AMOUNT: z.coerce.number().nonnegative().default(100),
  /** The desk's currency: default of remedy amounts and currency of the authority amount (ISO 4217). */
  REMEDY_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('USD'),
});

export interface AppConfig {
  readonly tableName: string;
  readonly region: string;
  readonly dynamoDbEndpoint?: string;
  readonly defaultPhoneRegion: string;
  readonly deskTimeZone: string;
  readonly departments: readonly string[];
  readonly categories: readonly string[];
  readonly deadlinePolicy: DeadlinePolicy;
  /** The calendar report periods and report e-mails follow (the desk's time zone). */
  readonly reportTimeZone: string;
  /** Base URL of the staff portal, without a trailing slash. */
  readonly portalUrl: string;
  readonly ticketNumberBlock: number;
  readonly maxBodyBytes: number;
  readonly idempotencyDays: number;
  readonly dialer: DialerConfig;
  readonly deadlines: DeadlineConfig;
  readonly remedy: RemedyConfig;
}

export interface RemedyConfig {
  readonly authorityAmount: number;
  readonly currency: string;
}

export interface DialerConfig {
  readonly policy: DialerPolicy;
  readonly customerTimeZone: string;
  readonly badLineCallbackMinutes: number;
  /** A promised answer ("within half an hour") is a callback due this many minutes after the promise. */
  readonly answerPromiseMinutes: number;
  readonly callsPerSecond: number;
  readonly concurrentCalls: number;
  readonly instanceId?: string;
  readonly sourcePhoneNumber?: string;
  /** Contact flow name -> id (a name without an entry is its own id, as locally). */
  readonly flowIds: Readonly<Record<string, string>>;
}

export interface DeadlineConfig {
  readonly scheduleGroup: string;
  readonly schedulerRoleArn?: string;
  readonly deadLetterArn?: string;
  /** Function id -> ARN of every schedule target. */
  readonly targetArns: Readonly<Record<string, string>>;
  readonly mailFrom: string;
  readonly supervisorEmail: string;
  readonly managerEmail: string;
  readonly surveyLinkBaseUrl: string;
  readonly surveyLinkSecret: string;
  /** When set, the survey link key is this Secrets Manager secret, not `surveyLinkSecret`. */
  readonly surveyLinkSecretArn?: string;
  readonly surveyLinkDays: number;
  readonly archiveAfterDays: number;
  readonly callJobRetentionDays: number;
  readonly accessLogRetentionDays: number;
}

/** The policy with BREACH_POINTS (if set) as the points of each level. */
function withBreachPoints(policy: DeadlinePolicy, points: readonly number[] | undefined): DeadlinePolicy {
  if (!points) return policy;
  return {
    ...policy,
    severities: Object.fromEntries(
      severities.map((s, i) => [s, { ...policy.severities[s], breachPoints: points[i] ?? 0 }]),
    ) as unknown as DeadlinePolicy['severities'],
  };
}

/** Read and validate the environment once; a missing or bad variable fails with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`)
      .join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    tableName: e.TABLE_NAME,
    region: e.AWS_REGION,
    ...(e.DYNAMODB_ENDPOINT ? { dynamoDbEndpoint: e.DYNAMODB_ENDPOINT } : {}),
    defaultPhoneRegion: e.DEFAULT_PHONE_REGION,
    deskTimeZone: e.DESK_TIME_ZONE,
    departments: e.DEPARTMENTS,
    categories: e.CATEGORIES,
    deadlinePolicy: withBreachPoints(e.DEADLINE_POLICY, e.BREACH_POINTS),
    reportTimeZone: e.DESK_TIME_ZONE,
    portalUrl: e.PORTAL_URL.replace(/\/+$/, ''),
    ticketNumberBlock: e.TICKET_NUMBER_BLOCK,
    maxBodyBytes: e.MAX_BODY_BYTES,
    idempotencyDays: e.IDEMPOTENCY_DAYS,
    dialer: {
      policy: {
        callingHours: e.CALLING_HOURS,
        maxAttempts: e.CALL_MAX_ATTEMPTS,
        backoffMinutes: e.CALL_BACKOFF_MINUTES,
        attemptLeaseMinutes: e.CALL_ATTEMPT_LEASE_MINUTES,
      },
      customerTimeZone: e.CUSTOMER_TIME_ZONE ?? e.DESK_TIME_ZONE,
      badLineCallbackMinutes: e.BAD_LINE_CALLBACK_MINUTES,
      answerPromiseMinutes: e.ANSWER_PROMISE_MINUTES,
      callsPerSecond: e.CONNECT_CALLS_PER_SECOND,
      concurrentCalls: e.CONNECT_CONCURRENT_CALLS,
      ...(e.CONNECT_INSTANCE_ID ? { instanceId: e.CONNECT_INSTANCE_ID } : {}),
      ...(e.HOTLINE_PHONE_NUMBER ? { sourcePhoneNumber: e.HOTLINE_PHONE_NUMBER } : {}),
      flowIds: e.CONTACT_FLOW_IDS,
    },
    deadlines: {
      scheduleGroup: e.SCHEDULE_GROUP_NAME,
      ...(e.SCHEDULER_ROLE_ARN ? { schedulerRoleArn: e.SCHEDULER_ROLE_ARN } : {}),
      ...(e.SCHEDULER_DLQ_ARN ? { deadLetterArn: e.SCHEDULER_DLQ_ARN } : {}),
      targetArns: e.SCHEDULE_TARGET_ARNS,
      mailFrom: e.MAIL_FROM,
      supervisorEmail: e.SUPERVISOR_EMAIL,
      managerEmail: e.MANAGER_EMAIL,
      surveyLinkBaseUrl: e.SURVEY_LINK_BASE_URL,
      surveyLinkSecret: e.SURVEY_LINK_SECRET,
      ...(e.SURVEY_LINK_SECRET_ARN ? { surveyLinkSecretArn: e.SURVEY_LINK_SECRET_ARN } : {}),
      surveyLinkDays: e.SURVEY_LINK_DAYS,
      archiveAfterDays: e.ARCHIVE_AFTER_DAYS,
      callJobRetentionDays: e.CALL_JOB_RETENTION_DAYS,
      accessLogRetentionDays: e.ACCESS_LOG_RETENTION_DAYS,
    },
    remedy: { authorityAmount: e.REMEDY_AUTHORITY_AMOUNT, currency: e.REMEDY_CURRENCY },
  };
}
