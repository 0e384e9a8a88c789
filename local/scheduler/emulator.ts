/**
 * An in-process EventBridge Scheduler: the schedule API (same inputs, outputs and errors as the
 * real service) plus delivery to targets, driven by an injected clock.
 */
import { randomUUID } from 'node:crypto';
import type {
  CreateScheduleGroupInput,
  CreateScheduleGroupOutput,
  CreateScheduleInput,
  CreateScheduleOutput,
  DeleteScheduleGroupInput,
  DeleteScheduleInput,
  GetScheduleGroupInput,
  GetScheduleGroupOutput,
  GetScheduleInput,
  GetScheduleOutput,
  ListScheduleGroupsInput,
  ListScheduleGroupsOutput,
  ListSchedulesInput,
  ListSchedulesOutput,
  ListTagsForResourceInput,
  ListTagsForResourceOutput,
  TagResourceInput,
  Target,
  UntagResourceInput,
  UpdateScheduleInput,
  UpdateScheduleOutput,
} from '@aws-sdk/client-scheduler';
import * as z from 'zod';
import type { Clock } from '#shared/ports/clock';
import { conflict, notFound, validationError } from './errors';
import {
  assertTimeZone,
  InvalidScheduleExpressionError,
  nextFireTime,
  oneTimeFireTime,
  parseScheduleExpression,
  type ScheduleExpression,
} from './expression';
import { FireQueue } from './fire-queue';
import {
  type DeliveryRecord,
  type GroupRecord,
  type JournalEntry,
  type ScheduleRecord,
  SchedulerJournal,
  type SchedulerState,
  scheduleKey,
} from './persistence';
import { SortedList } from './sorted-list';
import {
  createGroupSchema,
  groupNameSchema,
  listGroupsSchema,
  listSchedulesSchema,
  type ParsedScheduleInput,
  parseOrThrow,
  type ScheduleTarget,
  scheduleInputSchema,
  scheduleRefSchema,
  tagSchema,
} from './validation';

export const DEFAULT_GROUP = 'default';
/** AWS defaults when a schedule has no RetryPolicy. */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;
/** AWS refuses a StartDate further in the past than this. */
const START_DATE_GRACE_MS = 5 * 60_000;

/** What the target receives: Input has its context attributes (`<aws.scheduler.*>`) filled in. */
export interface TargetInvocation {
  Arn: string;
  RoleArn: string;
  Input?: string;
  /** Templated-target parameters (SqsParameters, EventBridgeParameters, ...) as configured. */
  [parameter: string]: unknown;
}

export interface FiringContext {
  name: string;
  group: string;
  arn: string;
  /** The occurrence being delivered (for a clock that jumped, the first one missed). */
  scheduledTime: Date;
  /** New for each attempt, as in AWS. */
  executionId: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
}

export type InvokeTarget = (target: TargetInvocation, schedule: FiringContext) => Promise<void>;

/** Handed to `deadLetter` when an occurrence is given up; the emulator's own shape (no SQS here). */
export interface DeadLetterEvent {
  scheduleArn: string;
  scheduleName: string;
  groupName: string;
  targetArn: string;
  scheduledTime: string;
  attempts: number;
  exhaustedRetryCondition: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';
  errorMessage: string;
  /** The target input as the last attempt sent it. */
  input?: string;
}

export interface SchedulerLogger {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface SchedulerEmulatorOptions {
  clock: Clock;
  invokeTarget: InvokeTarget;
  /** Called with DeadLetterConfig.Arn when an occurrence runs out of retries or age. */
  deadLetter?: (arn: string, event: DeadLetterEvent) => Promise<void> | void;
  /** Snapshot file of the state, loaded at construction; each change goes to a journal beside it. */
  dataFile?: string;
  region?: string;
  accountId?: string;
  logger?: SchedulerLogger;
  /** Clock time between a failed attempt and its retry. Default 60 s. */
  retryDelayMs?: number;
  /** Real-time period of start(). Default 1000 ms. */
  runIntervalMs?: number;
}

export interface FiredRecord {
  name: string;
  group: string;
  arn: string;
  /** Clock time of the successful delivery (ISO). */
  at: string;
  scheduledTime: string;
  attempt: number;
}

export interface GivenUpRecord {
  name: string;
  group: string;
  arn: string;
  at: string;
  scheduledTime: string;
  attempts: number;
  reason: DeadLetterEvent['exhaustedRetryCondition'];
  errorMessage: string;
  deadLetterArn?: string;
  /** False when there was no DLQ or handing the event to it failed. */
  deadLettered: boolean;
}

const consoleLogger: SchedulerLogger = {
  info: () => {},
  warn: (message, ...extra) => console.warn(`[scheduler] ${message}`, ...extra),
  error: (message, ...extra) => console.error(`[scheduler] ${message}`, ...extra),
};

const keyOf = scheduleKey;
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const optionalDate = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed = z
      .object({ offset: z.number().int().nonnegative() })
      .parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.offset;
  } catch {
    throw validationError('The NextToken is not valid.');
  }
}

/** A schedule's place in ListSchedules' order: group, then name. */
type ListingKey = readonly [group: string, name: string];

// The same order as String.prototype.localeCompare, which ListSchedules sorted with.
const collate = new Intl.Collator().compare;
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const compareGroups = (a: string, b: string) => collate(a, b) || byCodeUnits(a, b);
const compareListingKeys = (a: ListingKey, b: ListingKey) =>
  compareGroups(a[0], b[0]) || collate(a[1], b[1]) || byCodeUnits(a[1], b[1]);

/** ListSchedules' NextToken names the last schedule returned, so the next page starts right after it. */
function encodeListingCursor(schedule: ScheduleRecord): string {
  return Buffer.from(JSON.stringify({ after: [schedule.GroupName, schedule.Name] }), 'utf8').toString(
    'base64url',
  );
}

function decodeListingCursor(token: string | undefined): ListingKey | undefined {
  if (token === undefined) return undefined;
  try {
    return z
      .object({ after: z.tuple([z.string(), z.string()]) })
      .parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).after;
  } catch {
    throw validationError('The NextToken is not valid.');
  }
}

function page<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined) {
  const offset = decodeToken(nextToken);
  const size = maxResults ?? 100;
  const slice = items.slice(offset, offset + size);
  const more = offset + size < items.length;
  return { slice, NextToken: more ? encodeToken(offset + size) : undefined };
}

/** How many fired and given-up deliveries the emulator remembers (the oldest are dropped in blocks). */
export const LOG_LIMIT = 10_000;

function keepLatest(log: unknown[]): void {
  if (log.length >= LOG_LIMIT + LOG_LIMIT / 10) log.splice(0, log.length - LOG_LIMIT + 1);
}

export class SchedulerEmulator {
  readonly region: string;
  readonly accountId: string;
  /** Successful deliveries, oldest first: the latest LOG_LIMIT (memory follows live work, not history). */
  readonly firedLog: FiredRecord[] = [];
  /** Occurrences given up after their retry policy ran out, oldest first: the latest LOG_LIMIT. */
  readonly givenUpLog: GivenUpRecord[] = [];

  private readonly clock: Clock;
  private readonly logger: SchedulerLogger;
  private readonly retryDelayMs: number;
  private readonly groups = new Map<string, GroupRecord>();
  private readonly schedules = new Map<string, ScheduleRecord>();
  private readonly listingOrder = new SortedList<ListingKey>(compareListingKeys);
  private readonly fireQueue = new FireQueue();
  /** ActionAfterCompletion DELETE schedules with nothing left to fire: deleted once their deliveries settle. */
  private readonly completedSchedules = new Set<string>();
  private readonly deliveries = new Map<string, DeliveryRecord>();
  private readonly pendingBySchedule = new Map<string, number>();
  private readonly journal: SchedulerJournal | undefined;
  private runChain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SchedulerEmulatorOptions) {
    this.clock = options.clock;
    this.region = options.region ?? 'eu-west-1';
    this.accountId = options.accountId ?? '000000000000';
    this.logger = options.logger ?? consoleLogger;
    this.retryDelayMs = options.retryDelayMs ?? 60_000;
    const opened = options.dataFile ? SchedulerJournal.open(options.dataFile) : undefined;
    this.journal = opened?.journal;
    for (const group of opened?.saved.groups ?? []) this.groups.set(group.Name, group);
    for (const schedule of opened?.saved.schedules ?? []) this.putSchedule(schedule);
    for (const delivery of opened?.saved.deliveries ?? []) this.putDelivery(delivery);
    if (!this.groups.has(DEFAULT_GROUP)) {
      const now = this.nowMs();
      const group: GroupRecord = {
        Name: DEFAULT_GROUP,
        Arn: this.groupArn(DEFAULT_GROUP),
        CreationDate: now,
        LastModificationDate: now,
        Tags: [],
      };
      this.groups.set(DEFAULT_GROUP, group);
      this.record({ change: 'group-saved', group });
    }
  }

  // ---------------------------------------------------------------- schedules

  createSchedule(input: CreateScheduleInput): CreateScheduleOutput {
    const parsed = parseOrThrow(scheduleInputSchema, input);
    const group = parsed.GroupName ?? DEFAULT_GROUP;
    this.requireGroup(group);
    const existing = this.schedules.get(keyOf(group, parsed.Name));
    if (existing) {
      // A retried request (same idempotency token) gets the first answer, not a conflict.
      if (parsed.ClientToken !== undefined && existing.ClientToken === parsed.ClientToken) {
        return { ScheduleArn: existing.Arn };
      }
      throw conflict(`Schedule ${parsed.Name} already exists.`);
    }
    const now = this.nowMs();
    const record = this.buildRecord(parsed, group, { uid: randomUUID(), CreationDate: now }, now);
    this.putSchedule(record);
    this.record({ change: 'schedule-saved', schedule: record });
    this.logger.info('schedule created', { name: record.Name, group });
    return { ScheduleArn: record.Arn };
  }

  /** Replaces the whole schedule, as UpdateSchedule does: fields left out go back to their defaults. */
  updateSchedule(input: UpdateScheduleInput): UpdateScheduleOutput {
    const parsed = parseOrThrow(scheduleInputSchema, input);
    const group = parsed.GroupName ?? DEFAULT_GROUP;
    this.requireGroup(group);
    const existing = this.requireSchedule(group, parsed.Name);
    const now = this.nowMs();
    const record = this.buildRecord(
      parsed,
      group,
      { uid: existing.uid, CreationDate: existing.CreationDate, ClientToken: existing.ClientToken },
      now,
    );
    this.putSchedule(record);
    this.record({ change: 'schedule-saved', schedule: record });
    return { ScheduleArn: record.Arn };
  }

  getSchedule(input: GetScheduleInput): GetScheduleOutput {
    const ref = parseOrThrow(scheduleRefSchema, input);
    const group = ref.GroupName ?? DEFAULT_GROUP;
    const record = this.requireSchedule(group, ref.Name);
    const retry = record.Target.RetryPolicy;
    return {
      Arn: record.Arn,
      Name: record.Name,
      GroupName: record.GroupName,
      ScheduleExpression: record.ScheduleExpression,
      ScheduleExpressionTimezone: record.ScheduleExpressionTimezone,
      StartDate: optionalDate(record.StartDate),
      EndDate: optionalDate(record.EndDate),
      Description: record.Description,
      State: record.State,
      FlexibleTimeWindow: record.FlexibleTimeWindow,
      Target: {
        ...record.Target,
        RetryPolicy: {
          MaximumEventAgeInSeconds: retry?.MaximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS,
          MaximumRetryAttempts: retry?.MaximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
        },
      } as Target,
      ActionAfterCompletion: record.ActionAfterCompletion,
      KmsKeyArn: record.KmsKeyArn,
      CreationDate: new Date(record.CreationDate),
      LastModificationDate: new Date(record.LastModificationDate),
    };
  }

  deleteSchedule(input: DeleteScheduleInput): void {
    const ref = parseOrThrow(scheduleRefSchema, input);
    const group = ref.GroupName ?? DEFAULT_GROUP;
    const record = this.requireSchedule(group, ref.Name);
    this.removeSchedule(keyOf(group, ref.Name));
    this.record({ change: 'schedule-deleted', group, name: ref.Name });
    const pending = this.pendingBySchedule.get(record.uid) ?? 0;
    if (pending > 0) {
      // Already-claimed occurrences still get delivered: delivery is at least once.
      this.logger.warn('schedule deleted while deliveries are still pending', {
        name: ref.Name,
        group,
        pending,
      });
    }
  }

  listSchedules(input: ListSchedulesInput = {}): ListSchedulesOutput {
    const query = parseOrThrow(listSchedulesSchema, input);
    if (query.GroupName !== undefined) this.requireGroup(query.GroupName);
    const size = query.MaxResults ?? 100;
    const cursor = decodeListingCursor(query.NextToken);
    // A group's schedules sit together in the order: start at the group, stop where it ends.
    const start: ListingKey | undefined =
      cursor ?? (query.GroupName === undefined ? undefined : [query.GroupName, '']);
    const slice: ScheduleRecord[] = [];
    let more = false;
    for (const [group, name] of this.listingOrder.from(start, { after: cursor !== undefined })) {
      if (query.GroupName !== undefined && group !== query.GroupName) {
        if (compareGroups(group, query.GroupName) > 0) break;
        continue;
      }
      const s = this.schedules.get(keyOf(group, name)) as ScheduleRecord;
      if (query.NamePrefix !== undefined && !s.Name.startsWith(query.NamePrefix)) continue;
      if (query.State !== undefined && s.State !== query.State) continue;
      if (slice.length === size) {
        more = true;
        break;
      }
      slice.push(s);
    }
    const last = slice.at(-1);
    const NextToken = more && last ? encodeListingCursor(last) : undefined;
    return {
      Schedules: slice.map((s) => ({
        Arn: s.Arn,
        Name: s.Name,
        GroupName: s.GroupName,
        State: s.State,
        CreationDate: new Date(s.CreationDate),
        LastModificationDate: new Date(s.LastModificationDate),
        Target: { Arn: s.Target.Arn },
      })),
      NextToken,
    };
  }

  // ---------------------------------------------------------------- groups

  createScheduleGroup(input: CreateScheduleGroupInput): CreateScheduleGroupOutput {
    const parsed = parseOrThrow(createGroupSchema, input);
    if (this.groups.has(parsed.Name)) throw conflict(`Schedule group ${parsed.Name} already exists.`);
    const now = this.nowMs();
    const group: GroupRecord = {
      Name: parsed.Name,
      Arn: this.groupArn(parsed.Name),
      CreationDate: now,
      LastModificationDate: now,
      Tags: parsed.Tags ?? [],
    };
    this.groups.set(group.Name, group);
    this.record({ change: 'group-saved', group });
    return { ScheduleGroupArn: group.Arn };
  }

  getScheduleGroup(input: GetScheduleGroupInput): GetScheduleGroupOutput {
    const name = parseOrThrow(groupNameSchema, input.Name);
    const group = this.requireGroup(name);
    return this.groupSummary(group);
  }

  listScheduleGroups(input: ListScheduleGroupsInput = {}): ListScheduleGroupsOutput {
    const query = parseOrThrow(listGroupsSchema, input);
    const matching = [...this.groups.values()]
      .filter((g) => query.NamePrefix === undefined || g.Name.startsWith(query.NamePrefix))
      .sort((a, b) => a.Name.localeCompare(b.Name));
    const { slice, NextToken } = page(matching, query.MaxResults, query.NextToken);
    return { ScheduleGroups: slice.map((g) => this.groupSummary(g)), NextToken };
  }

  /** Deletes the group and its schedules (AWS does this asynchronously; here it is immediate). */
  deleteScheduleGroup(input: DeleteScheduleGroupInput): void {
    const name = parseOrThrow(groupNameSchema, input.Name);
    if (name === DEFAULT_GROUP) throw validationError('The default schedule group cannot be deleted.');
    this.requireGroup(name);
    const inGroup: ListingKey[] = [];
    for (const key of this.listingOrder.from([name, ''])) {
      if (key[0] !== name) break;
      inGroup.push(key);
    }
    for (const [group, schedule] of inGroup) this.removeSchedule(keyOf(group, schedule));
    this.groups.delete(name);
    this.record({ change: 'group-deleted', name });
  }

  // ---------------------------------------------------------------- tags (schedule groups only, as in AWS)

  listTagsForResource(input: ListTagsForResourceInput): ListTagsForResourceOutput {
    return { Tags: this.requireGroupByArn(input.ResourceArn).Tags };
  }

  tagResource(input: TagResourceInput): void {
    const tags = parseOrThrow(z.array(tagSchema).min(1).max(200), input.Tags);
    const group = this.requireGroupByArn(input.ResourceArn);
    const byKey = new Map(group.Tags.map((t) => [t.Key, t]));
    for (const tag of tags) byKey.set(tag.Key, tag);
    group.Tags = [...byKey.values()];
    this.record({ change: 'group-saved', group });
  }

  untagResource(input: UntagResourceInput): void {
    const keys = parseOrThrow(z.array(z.string()).min(1).max(200), input.TagKeys);
    const group = this.requireGroupByArn(input.ResourceArn);
    group.Tags = group.Tags.filter((t) => !keys.includes(t.Key));
    this.record({ change: 'group-saved', group });
  }

  // ---------------------------------------------------------------- firing

  /**
   * Delivers every occurrence due at clock.now() and every retry whose back-off has passed,
   * earliest first. Returns the number of target invocations made (successful or not).
   * A recurring schedule that missed several occurrences (the clock jumped) fires once for
   * the whole missed span and then continues with its first occurrence after now.
   * Calls are serialized: a call made while another runs waits for it.
   */
  runDue(): Promise<number> {
    const run = this.runChain.then(() => this.runDueNow());
    this.runChain = run.catch(() => undefined);
    return run;
  }

  /**
   * When the next occurrence fires or the next retry of a failed delivery is due (epoch ms), or undefined:
   * a virtual clock moves straight there. Looks at the queue's head and the deliveries in flight only.
   */
  nextDueAt(): number | undefined {
    let next = this.fireQueue.peekAt();
    for (const delivery of this.deliveries.values()) {
      if (next === undefined || delivery.nextAttemptAt < next) next = delivery.nextAttemptAt;
    }
    return next;
  }

  /** Calls runDue every `intervalMs` of real time until stop(). */
  start(intervalMs = this.options.runIntervalMs ?? 1000): void {
    if (this.timer) return;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.runDue()
        .catch((error: unknown) => this.logger.error('runDue failed', { error: String(error) }))
        .finally(() => {
          busy = false;
        });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Occurrences claimed but not yet delivered or given up (for tests and diagnostics). */
  pendingDeliveries(): readonly DeliveryRecord[] {
    return [...this.deliveries.values()];
  }

  private async runDueNow(): Promise<number> {
    const now = this.nowMs();
    this.claimDueOccurrences(now);
    // Only occurrences in flight are scanned here (settled ones leave the map), not every schedule.
    const due = [...this.deliveries.values()]
      .filter((d) => d.nextAttemptAt <= now)
      .sort(
        (a, b) =>
          a.nextAttemptAt - b.nextAttemptAt ||
          a.scheduledAt - b.scheduledAt ||
          a.GroupName.localeCompare(b.GroupName) ||
          a.Name.localeCompare(b.Name),
      );
    let invocations = 0;
    for (const delivery of due) {
      if (await this.attemptDelivery(delivery, now)) invocations += 1;
      this.record(
        this.deliveries.has(delivery.deliveryId)
          ? { change: 'delivery-saved', delivery }
          : { change: 'delivery-settled', deliveryId: delivery.deliveryId },
      );
    }
    this.deleteCompletedSchedules();
    return invocations;
  }

  /** Moves each due occurrence into the delivery list and advances its schedule, before any target runs. */
  private claimDueOccurrences(now: number): void {
    for (const key of this.fireQueue.takeDue(now)) {
      const schedule = this.schedules.get(key);
      // The queue holds only stored, enabled schedules with a next occurrence.
      if (schedule === undefined || schedule.nextFireAt === null) continue;
      const delivery: DeliveryRecord = {
        deliveryId: randomUUID(),
        scheduleUid: schedule.uid,
        Name: schedule.Name,
        GroupName: schedule.GroupName,
        Arn: schedule.Arn,
        Target: schedule.Target,
        scheduledAt: schedule.nextFireAt,
        attempts: 0,
        firstAttemptAt: null,
        nextAttemptAt: schedule.nextFireAt,
      };
      this.putDelivery(delivery);
      const expression = parseScheduleExpression(schedule.ScheduleExpression);
      schedule.nextFireAt =
        expression.kind === 'at'
          ? null
          : (nextFireTime(expression, new Date(now + 1), this.windowOf(schedule))?.getTime() ?? null);
      this.fileForFiring(key, schedule);
      this.record({ change: 'occurrence-claimed', delivery, schedule });
    }
  }

  /** Returns whether the target was invoked. */
  private async attemptDelivery(delivery: DeliveryRecord, now: number): Promise<boolean> {
    const retry = delivery.Target.RetryPolicy;
    const maxRetries = retry?.MaximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
    const maxAgeMs = (retry?.MaximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    // Age counts from the first attempt, so an occurrence caught up late after a clock jump still gets its retries.
    if (delivery.firstAttemptAt !== null && now - delivery.firstAttemptAt > maxAgeMs) {
      await this.giveUp(delivery, 'MaximumEventAgeInSeconds', now);
      return false;
    }
    const attempt = delivery.attempts + 1;
    const executionId = randomUUID().replaceAll('-', '').slice(0, 16);
    const { RetryPolicy: _retry, DeadLetterConfig: _dlq, ...target } = delivery.Target;
    const input =
      target.Input === undefined
        ? undefined
        : this.fillContextAttributes(target.Input, delivery, executionId, attempt);
    const invocation: TargetInvocation = { ...target, ...(input === undefined ? {} : { Input: input }) };
    delivery.attempts = attempt;
    delivery.firstAttemptAt ??= now;
    try {
      await this.options.invokeTarget(invocation, {
        name: delivery.Name,
        group: delivery.GroupName,
        arn: delivery.Arn,
        scheduledTime: new Date(delivery.scheduledAt),
        executionId,
        attempt,
      });
    } catch (error) {
      delivery.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const nextAttemptAt = now + this.retryDelayMs;
      if (attempt - 1 >= maxRetries) {
        await this.giveUp(delivery, 'MaximumRetryAttempts', now, input);
      } else if (nextAttemptAt - delivery.firstAttemptAt > maxAgeMs) {
        await this.giveUp(delivery, 'MaximumEventAgeInSeconds', now, input);
      } else {
        delivery.nextAttemptAt = nextAttemptAt;
        this.logger.warn('target invocation failed; will retry', {
          name: delivery.Name,
          group: delivery.GroupName,
          attempt,
          retryAt: new Date(nextAttemptAt).toISOString(),
          error: delivery.lastError,
        });
      }
      return true;
    }
    this.removeDelivery(delivery);
    keepLatest(this.firedLog);
    this.firedLog.push({
      name: delivery.Name,
      group: delivery.GroupName,
      arn: delivery.Arn,
      at: new Date(now).toISOString(),
      scheduledTime: new Date(delivery.scheduledAt).toISOString(),
      attempt,
    });
    return true;
  }

  private async giveUp(
    delivery: DeliveryRecord,
    reason: DeadLetterEvent['exhaustedRetryCondition'],
    now: number,
    input = delivery.Target.Input,
  ): Promise<void> {
    this.removeDelivery(delivery);
    const deadLetterArn = delivery.Target.DeadLetterConfig?.Arn;
    const errorMessage = delivery.lastError ?? 'no successful invocation';
    const event: DeadLetterEvent = {
      scheduleArn: delivery.Arn,
      scheduleName: delivery.Name,
      groupName: delivery.GroupName,
      targetArn: delivery.Target.Arn,
      scheduledTime: isoSeconds(delivery.scheduledAt),
      attempts: delivery.attempts,
      exhaustedRetryCondition: reason,
      errorMessage,
      ...(input === undefined ? {} : { input }),
    };
    let deadLettered = false;
    if (deadLetterArn && this.options.deadLetter) {
      try {
        await this.options.deadLetter(deadLetterArn, event);
        deadLettered = true;
      } catch (error) {
        this.logger.error('dead-letter delivery failed', { name: delivery.Name, error: String(error) });
      }
    }
    keepLatest(this.givenUpLog);
    this.givenUpLog.push({
      name: delivery.Name,
      group: delivery.GroupName,
      arn: delivery.Arn,
      at: new Date(now).toISOString(),
      scheduledTime: new Date(delivery.scheduledAt).toISOString(),
      attempts: delivery.attempts,
      reason,
      errorMessage,
      ...(deadLetterArn ? { deadLetterArn } : {}),
      deadLettered,
    });
    const log = deadLettered ? this.logger.warn : this.logger.error;
    log.call(
      this.logger,
      deadLettered ? 'occurrence dead-lettered' : 'occurrence dropped: no dead-letter queue took it',
      {
        name: delivery.Name,
        group: delivery.GroupName,
        reason,
        attempts: delivery.attempts,
        deadLetterArn,
      },
    );
  }

  /** ActionAfterCompletion DELETE: a schedule with nothing left to fire goes once its last delivery settles. */
  private deleteCompletedSchedules(): void {
    for (const key of this.completedSchedules) {
      const schedule = this.schedules.get(key);
      if (schedule === undefined || this.pendingBySchedule.has(schedule.uid)) continue;
      this.removeSchedule(key);
      this.record({ change: 'schedule-deleted', group: schedule.GroupName, name: schedule.Name });
      this.logger.info('completed schedule deleted', { name: schedule.Name, group: schedule.GroupName });
    }
  }

  private fillContextAttributes(
    input: string,
    delivery: DeliveryRecord,
    executionId: string,
    attempt: number,
  ): string {
    return input
      .replaceAll('<aws.scheduler.schedule-arn>', delivery.Arn)
      .replaceAll('<aws.scheduler.scheduled-time>', isoSeconds(delivery.scheduledAt))
      .replaceAll('<aws.scheduler.execution-id>', executionId)
      .replaceAll('<aws.scheduler.attempt-number>', String(attempt));
  }

  private putDelivery(delivery: DeliveryRecord): void {
    if (!this.deliveries.has(delivery.deliveryId)) {
      this.pendingBySchedule.set(
        delivery.scheduleUid,
        (this.pendingBySchedule.get(delivery.scheduleUid) ?? 0) + 1,
      );
    }
    this.deliveries.set(delivery.deliveryId, delivery);
  }

  private removeDelivery(delivery: DeliveryRecord): void {
    if (!this.deliveries.delete(delivery.deliveryId)) return;
    const left = (this.pendingBySchedule.get(delivery.scheduleUid) ?? 1) - 1;
    if (left > 0) this.pendingBySchedule.set(delivery.scheduleUid, left);
    else this.pendingBySchedule.delete(delivery.scheduleUid);
  }

  /** Stores a new or replaced schedule and files it in the listing order and the fire queue. */
  private putSchedule(schedule: ScheduleRecord): void {
    const key = keyOf(schedule.GroupName, schedule.Name);
    if (!this.schedules.has(key)) this.listingOrder.insert([schedule.GroupName, schedule.Name]);
    this.schedules.set(key, schedule);
    this.fileForFiring(key, schedule);
  }

  private removeSchedule(key: string): void {
    const schedule = this.schedules.get(key);
    if (schedule === undefined) return;
    this.schedules.delete(key);
    this.listingOrder.delete([schedule.GroupName, schedule.Name]);
    this.fireQueue.delete(key);
    this.completedSchedules.delete(key);
  }

  /** Keeps the fire queue and the completed set in step with the schedule's state and next occurrence. */
  private fileForFiring(key: string, schedule: ScheduleRecord): void {
    if (schedule.State === 'ENABLED' && schedule.nextFireAt !== null) {
      this.fireQueue.set(key, schedule.nextFireAt);
    } else {
      this.fireQueue.delete(key);
    }
    if (schedule.ActionAfterCompletion === 'DELETE' && schedule.nextFireAt === null) {
      this.completedSchedules.add(key);
    } else {
      this.completedSchedules.delete(key);
    }
  }

  // ---------------------------------------------------------------- helpers

  private buildRecord(
    input: ParsedScheduleInput,
    group: string,
    identity: Pick<ScheduleRecord, 'uid' | 'CreationDate' | 'ClientToken'>,
    now: number,
  ): ScheduleRecord {
    let expression: ScheduleExpression;
    try {
      expression = parseScheduleExpression(input.ScheduleExpression);
      if (input.ScheduleExpressionTimezone !== undefined) assertTimeZone(input.ScheduleExpressionTimezone);
    } catch (error) {
      if (error instanceof InvalidScheduleExpressionError) throw validationError(error.message);
      throw error;
    }
    const startDate = input.StartDate?.getTime();
    const endDate = input.EndDate?.getTime();
    if (expression.kind !== 'at') {
      if (startDate !== undefined && startDate < now - START_DATE_GRACE_MS) {
        throw validationError(
          'The StartDate you specify cannot be earlier than 5 minutes prior to the current time.',
        );
      }
      if (endDate !== undefined && endDate <= now) {
        throw validationError('The EndDate you specify cannot be earlier than the current time.');
      }
      if (startDate !== undefined && endDate !== undefined && endDate <= startDate) {
        throw validationError('The EndDate you specify must be later than the StartDate.');
      }
    }
    const record: ScheduleRecord = {
      uid: identity.uid,
      Name: input.Name,
      GroupName: group,
      Arn: this.scheduleArn(group, input.Name),
      ScheduleExpression: input.ScheduleExpression,
      ScheduleExpressionTimezone: input.ScheduleExpressionTimezone,
      StartDate: startDate,
      EndDate: endDate,
      Description: input.Description,
      State: input.State ?? 'ENABLED',
      FlexibleTimeWindow: input.FlexibleTimeWindow,
      Target: input.Target,
      ActionAfterCompletion: input.ActionAfterCompletion ?? 'NONE',
      KmsKeyArn: input.KmsKeyArn,
      ClientToken: identity.ClientToken ?? input.ClientToken,
      CreationDate: identity.CreationDate,
      LastModificationDate: now,
      rateAnchor: startDate ?? now,
      nextFireAt: null,
    };
    // A one-time schedule already in the past fires at the next runDue rather than never.
    record.nextFireAt =
      expression.kind === 'at'
        ? oneTimeFireTime(expression.wall, record.ScheduleExpressionTimezone).getTime()
        : (nextFireTime(expression, new Date(now), this.windowOf(record))?.getTime() ?? null);
    return dropUndefined(record);
  }

  private windowOf(schedule: ScheduleRecord) {
    return {
      timeZone: schedule.ScheduleExpressionTimezone,
      startDate: optionalDate(schedule.StartDate),
      endDate: optionalDate(schedule.EndDate),
      rateAnchor: new Date(schedule.rateAnchor),
    };
  }

  private requireGroup(name: string): GroupRecord {
    const group = this.groups.get(name);
    if (!group) throw notFound(`Schedule group ${name} does not exist.`);
    return group;
  }

  private requireGroupByArn(arn: string | undefined): GroupRecord {
    if (arn === undefined) throw validationError('ResourceArn is required.');
    const group = [...this.groups.values()].find((g) => g.Arn === arn);
    if (!group) throw notFound(`Resource ${arn} does not exist.`);
    return group;
  }

  private requireSchedule(group: string, name: string): ScheduleRecord {
    const schedule = this.schedules.get(keyOf(group, name));
    if (!schedule) throw notFound(`Schedule ${name} does not exist.`);
    return schedule;
  }

  private groupSummary(group: GroupRecord) {
    return {
      Arn: group.Arn,
      Name: group.Name,
      State: 'ACTIVE' as const,
      CreationDate: new Date(group.CreationDate),
      LastModificationDate: new Date(group.LastModificationDate),
    };
  }

  private scheduleArn(group: string, name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule/${group}/${name}`;
  }

  private groupArn(name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule-group/${name}`;
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  /** Journals one change, folding the journal into a new snapshot once it outgrows the state. */
  private record(entry: JournalEntry): void {
    if (!this.journal) return;
    this.journal.append(entry);
    if (this.journal.isDueForCompaction(this.groups.size + this.schedules.size + this.deliveries.size)) {
      const state: SchedulerState = {
        groups: [...this.groups.values()],
        schedules: [...this.schedules.values()],
        deliveries: [...this.deliveries.values()],
      };
      this.journal.compact(state);
    }
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export type { ScheduleTarget };
