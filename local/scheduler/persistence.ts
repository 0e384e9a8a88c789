/** The emulator's state on disk: one JSON file, replaced atomically after every change. */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import {
  actionsAfterCompletion,
  flexibleTimeWindowSchema,
  scheduleStates,
  tagSchema,
  targetSchema,
} from './validation';

const epochMs = z.number().int();

export const scheduleRecordSchema = z.object({
  /** Stays the same through updates; a schedule deleted and created again gets a new one. */
  uid: z.string(),
  Name: z.string(),
  GroupName: z.string(),
  Arn: z.string(),
  ScheduleExpression: z.string(),
  ScheduleExpressionTimezone: z.string().optional(),
  StartDate: epochMs.optional(),
  EndDate: epochMs.optional(),
  Description: z.string().optional(),
  State: z.enum(scheduleStates),
  FlexibleTimeWindow: flexibleTimeWindowSchema,
  Target: targetSchema,
  ActionAfterCompletion: z.enum(actionsAfterCompletion),
  KmsKeyArn: z.string().optional(),
  ClientToken: z.string().optional(),
  CreationDate: epochMs,
  LastModificationDate: epochMs,
  /** A rate schedule fires at rateAnchor + k * period. */
  rateAnchor: epochMs,
  /** Next occurrence not yet handed to delivery; null once the schedule has nothing left to fire. */
  nextFireAt: epochMs.nullable(),
});
export type ScheduleRecord = z.infer<typeof scheduleRecordSchema>;

export const groupRecordSchema = z.object({
  Name: z.string(),
  Arn: z.string(),
  CreationDate: epochMs,
  LastModificationDate: epochMs,
  Tags: z.array(tagSchema),
});
export type GroupRecord = z.infer<typeof groupRecordSchema>;

/** One occurrence being delivered to its target, kept until it succeeds or is dead-lettered. */
export const deliveryRecordSchema = z.object({
  deliveryId: z.string(),
  scheduleUid: z.string(),
  Name: z.string(),
  GroupName: z.string(),
  Arn: z.string(),
  Target: targetSchema,
  scheduledAt: epochMs,
  attempts: z.number().int().nonnegative(),
  firstAttemptAt: epochMs.nullable(),
  nextAttemptAt: epochMs,
  lastError: z.string().optional(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

export const stateFileSchema = z.object({
  version: z.literal(1),
  groups: z.array(groupRecordSchema),
  schedules: z.array(scheduleRecordSchema),
  deliveries: z.array(deliveryRecordSchema),
});
export type SchedulerState = z.infer<typeof stateFileSchema>;

/** Missing file: undefined. A file that does not parse is an error, never silently replaced by an empty set. */
export function loadState(file: string): SchedulerState | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const result = stateFileSchema.safeParse(JSON.parse(text));
  if (!result.success) {
    throw new Error(`Scheduler data file ${file} is not valid: ${result.error.message}`);
  }
  return result.data;
}

export function saveState(file: string, state: SchedulerState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
