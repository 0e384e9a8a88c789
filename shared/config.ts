import { z } from 'zod';
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
  /** Ticket numbers a function instance reserves at once (fewer round trips; gaps are harmless). */
  TICKET_NUMBER_BLOCK: z.coerce.number().int().min(1).max(1000).default(10),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  /** Days an idempotency key is remembered. */
  IDEMPOTENCY_DAYS: z.coerce.number().positive().default(1),
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
  readonly ticketNumberBlock: number;
  readonly maxBodyBytes: number;
  readonly idempotencyDays: number;
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
    deadlinePolicy: e.DEADLINE_POLICY,
    ticketNumberBlock: e.TICKET_NUMBER_BLOCK,
    maxBodyBytes: e.MAX_BODY_BYTES,
    idempotencyDays: e.IDEMPOTENCY_DAYS,
  };
}
