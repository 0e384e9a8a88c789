/** Input shapes and constraints of the Scheduler API model (scheduler-2021-06-30), as zod schemas. */

import type { ZodType } from 'zod';
import * as z from 'zod';
import { validationError } from './errors';

const NAME_PATTERN = /^[0-9a-zA-Z-_.]+$/;
const CLIENT_TOKEN_PATTERN = /^[a-zA-Z0-9-_]+$/;
const ROLE_ARN_PATTERN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const DEAD_LETTER_ARN_PATTERN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9-_]+$/;
const KMS_KEY_ARN_PATTERN = /^arn:aws(-[a-z]+)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*$/;

const pattern = (re: RegExp) =>
  `Member must satisfy regular expression pattern: ${re.source.replace(/^\^/, '').replace(/\$$/, '')}`;

const boundedString = (min: number, max: number) =>
  z
    .string()
    .min(min, `Member must have length greater than or equal to ${min}`)
    .max(max, `Member must have length less than or equal to ${max}`);

const boundedInt = (min: number, max: number) =>
  z
    .number()
    .int('Member must be an integer')
    .min(min, `Member must have value greater than or equal to ${min}`)
    .max(max, `Member must have value less than or equal to ${max}`);

export const nameSchema = boundedString(1, 64).regex(NAME_PATTERN, pattern(NAME_PATTERN));
export const groupNameSchema = nameSchema;
export const clientTokenSchema = boundedString(1, 64).regex(
  CLIENT_TOKEN_PATTERN,
  pattern(CLIENT_TOKEN_PATTERN),
);

/** rest-json sends timestamps as epoch seconds; ISO strings and Date objects are accepted too. */
const timestampSchema = z.union([z.number(), z.string(), z.date()]).transform((value, ctx) => {
  const ms =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'Member must be a timestamp' });
    return z.NEVER;
  }
  return new Date(ms);
});

export const scheduleStates = ['ENABLED', 'DISABLED'] as const;
export type ScheduleState = (typeof scheduleStates)[number];
export const actionsAfterCompletion = ['NONE', 'DELETE'] as const;
export type ActionAfterCompletion = (typeof actionsAfterCompletion)[number];

const enumOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `Member must satisfy enum value set: [${values.join(', ')}]` });

export const retryPolicySchema = z.object({
  MaximumEventAgeInSeconds: boundedInt(60, 86_400).optional(),
  MaximumRetryAttempts: boundedInt(0, 185).optional(),
});

export const targetSchema = z.looseObject({
  Arn: boundedString(1, 1600),
  RoleArn: boundedString(1, 1600).regex(ROLE_ARN_PATTERN, pattern(ROLE_ARN_PATTERN)),
  Input: boundedString(1, Number.MAX_SAFE_INTEGER).optional(),
  RetryPolicy: retryPolicySchema.optional(),
  DeadLetterConfig: z
    .object({
      Arn: boundedString(1, 1600).regex(DEAD_LETTER_ARN_PATTERN, pattern(DEAD_LETTER_ARN_PATTERN)).optional(),
    })
    .optional(),
});
export type ScheduleTarget = z.infer<typeof targetSchema>;

export const flexibleTimeWindowSchema = z
  .object({
    Mode: enumOf(['OFF', 'FLEXIBLE']),
    MaximumWindowInMinutes: boundedInt(1, 1440).optional(),
  })
  .refine((w) => w.Mode === 'OFF' || w.MaximumWindowInMinutes !== undefined, {
    message: 'MaximumWindowInMinutes is required when Mode is FLEXIBLE',
    path: ['MaximumWindowInMinutes'],
  });
export type FlexibleTimeWindow = z.infer<typeof flexibleTimeWindowSchema>;

/** Body of CreateSchedule and UpdateSchedule (both replace the whole schedule), plus the path Name. */
export const scheduleInputSchema = z.object({
  Name: nameSchema,
  GroupName: groupNameSchema.optional(),
  ScheduleExpression: boundedString(1, 256),
  ScheduleExpressionTimezone: boundedString(1, 50).optional(),
  StartDate: timestampSchema.optional(),
  EndDate: timestampSchema.optional(),
  Description: boundedString(0, 512).optional(),
  State: enumOf(scheduleStates).optional(),
  FlexibleTimeWindow: flexibleTimeWindowSchema,
  Target: targetSchema,
  ActionAfterCompletion: enumOf(actionsAfterCompletion).optional(),
  KmsKeyArn: boundedString(1, 2048).regex(KMS_KEY_ARN_PATTERN, pattern(KMS_KEY_ARN_PATTERN)).optional(),
  ClientToken: clientTokenSchema.optional(),
});
/** What callers pass (timestamps as Date, epoch seconds or ISO strings). */
export type ScheduleInput = z.input<typeof scheduleInputSchema>;
export type ParsedScheduleInput = z.output<typeof scheduleInputSchema>;

export const scheduleRefSchema = z.object({
  Name: nameSchema,
  GroupName: groupNameSchema.optional(),
  ClientToken: clientTokenSchema.optional(),
});
export type ScheduleRef = z.input<typeof scheduleRefSchema>;

export const listSchedulesSchema = z.object({
  GroupName: groupNameSchema.optional(),
  NamePrefix: nameSchema.optional(),
  State: enumOf(scheduleStates).optional(),
  MaxResults: boundedInt(1, 100).optional(),
  NextToken: boundedString(1, 2048).optional(),
});
export type ListSchedulesInput = z.input<typeof listSchedulesSchema>;

export const tagSchema = z.object({ Key: boundedString(1, 128), Value: boundedString(1, 256) });
export type Tag = z.infer<typeof tagSchema>;

export const createGroupSchema = z.object({
  Name: groupNameSchema,
  ClientToken: clientTokenSchema.optional(),
  Tags: z.array(tagSchema).max(200).optional(),
});
export type CreateScheduleGroupInput = z.input<typeof createGroupSchema>;

export const listGroupsSchema = z.object({
  NamePrefix: nameSchema.optional(),
  MaxResults: boundedInt(1, 100).optional(),
  NextToken: boundedString(1, 2048).optional(),
});
export type ListScheduleGroupsInput = z.input<typeof listGroupsSchema>;

const lowerCamel = (segment: PropertyKey) =>
  typeof segment === 'string' ? segment.charAt(0).toLowerCase() + segment.slice(1) : String(segment);

/** Parses with zod and reports failures the way AWS words them, as a ValidationException. */
export function parseOrThrow<T extends ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    const constraint = missing ? 'Member must not be null' : issue.message;
    return `Value at '${issue.path.map(lowerCamel).join('.')}' failed to satisfy constraint: ${constraint}`;
  });
  const count = problems.length;
  throw validationError(
    `${count} validation error${count === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  );
}
