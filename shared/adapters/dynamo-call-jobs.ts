import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type CallJob,
  type CallPriority,
  callPriorities,
  isFinalCallJob,
  priorityRank,
} from '#shared/domain/call-job';
import type { CallJobEvent } from '#shared/domain/call-job-events';
import type {
  CallJobFilter,
  CallJobStore,
  ClaimResult,
  ContactEnd,
  ContactLink,
  DialLimits,
  DueJobs,
} from '#shared/ports/call-jobs';
import type { Page } from '#shared/ports/ticket-store';
import { decodeCursor, encodeCursor } from './cursor';
import {
  cancellationCodes,
  isConditionFailed,
  MAX_TRANSACTION_ITEMS,
  putAllIfAbsent,
} from './dynamo-transactions';
import { deskEventMark, rewriteEventItems } from './event-items';
import { ttlAttribute } from './table-schema';

const jobKey = (id: string) => ({ pk: `CALLJOB#${id}`, sk: 'CALLJOB' });

/** A call job event's item: one per attempt ended, one for the job's end, so a retried write is one event. */
export function callJobEventItem(event: CallJobEvent): Record<string, unknown> {
  const sk =
    event.type === 'ended' ? 'EVENT#ENDED' : `EVENT#ATTEMPT#${String(event.attempt).padStart(3, '0')}`;
  return { pk: `CALLJOB#${event.jobId}`, sk, ...deskEventMark(`callJob.${event.type}`), event };
}
const pendingPartition = (p: CallPriority) => `CALLJOB#PENDING#${priorityRank(p)}${p}`;
const DIALING_PARTITION = 'CALLJOB#DIALING';
const ALL_PARTITION = 'CALLJOB';
const ACTIVE_KEY = { pk: 'DIALER#ACTIVE', sk: 'DIALER' };
const rateKey = (second: number) => ({ pk: 'DIALER#RATE', sk: String(second) });
const PACE_KEY = { pk: 'DIALER#PACE', sk: 'DIALER' };
const TURN_KEY = { pk: 'DIALER#TURN', sk: 'DIALER' };

/**
 * The pacing part of a claim, by the generic cell rate algorithm on one number, `tat` (the theoretical
 * arrival time of the next start): a start at `atMs` conforms while tat <= atMs + (burst - 1) * interval,
 * and moves tat to max(tat, atMs) + interval. DynamoDB has no max(), so the two cases are two conditions:
 * `idle` (tat already past) and `busy` (tat ahead, within the burst tolerance).
 */
function paceUpdate(table: string, limits: DialLimits, mode: 'idle' | 'busy') {
  const interval = 1000 / limits.perSecond;
  const tolerance = (limits.perSecond - 1) * interval;
  return mode === 'idle'
    ? {
        TableName: table,
        Key: PACE_KEY,
        UpdateExpression: 'SET #t = :next',
        ConditionExpression: 'attribute_not_exists(#t) OR #t < :now',
        ExpressionAttributeNames: { '#t': 'tat' },
        ExpressionAttributeValues: { ':now': limits.atMs, ':next': limits.atMs + interval },
      }
    : {
        TableName: table,
        Key: PACE_KEY,
        UpdateExpression: 'SET #t = #t + :interval',
        ConditionExpression: '#t >= :now AND #t <= :latest',
        ExpressionAttributeNames: { '#t': 'tat' },
        ExpressionAttributeValues: {
          ':now': limits.atMs,
          ':latest': limits.atMs + tolerance,
          ':interval': interval,
        },
      };
}
const contactKey = (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'CALLJOB' });

/**
 * Index use (generic GSI names, see table-schema.ts):
 * gsi5 (sparse, work queue): pending jobs per priority by next attempt; dialing jobs by lease; final: none.
 * gsi1: jobs by state; gsi2: all jobs; gsi3: jobs of one complaint.
 */
export function callJobItem(job: CallJob, retentionDays = 30): Record<string, unknown> {
  const created = `${job.createdAt}#${job.id}`;
  const queue =
    job.state === 'pending'
      ? { gsi5pk: pendingPartition(job.priority), gsi5sk: `${job.nextAttemptAt}#${job.id}` }
      : job.state === 'dialing'
        ? { gsi5pk: DIALING_PARTITION, gsi5sk: `${job.leaseUntil ?? job.updatedAt}#${job.id}` }
        : {};
  return {
    ...jobKey(job.id),
    entity: 'callJob',
    version: job.version,
    job,
    gsi1pk: `CALLJOB#STATE#${job.state}`,
    gsi1sk: created,
    gsi2pk: ALL_PARTITION,
    gsi2sk: created,
    ...(job.ticketId ? { gsi3pk: `CALLJOB#TICKET#${job.ticketId}`, gsi3sk: created } : {}),
    ...(isFinalCallJob(job) ? {} : queue),
    // A finished job's phone number and e-mail are expired data after the retention period (TTL, never a timer).
    ...(isFinalCallJob(job) && job.finishedAt
      ? { [ttlAttribute]: Math.floor(Date.parse(job.finishedAt) / 1000 + retentionDays * 86_400) }
      : {}),
    kind: job.kind,
  };
}

function isConditionFailure(error: unknown): boolean {
  return (
    isConditionFailed(error) ||
    // A versioned put with its events: the put's condition is the first of the transaction.
    cancellationCodes(error)?.[0] === 'ConditionalCheckFailed'
  );
}

export class DynamoCallJobStore implements CallJobStore {
  constructor(
    private readonly options: { client: DynamoDBDocumentClient; tableName: string; retentionDays?: number },
  ) {}

  private item(job: CallJob): Record<string, unknown> {
    return callJobItem(job, this.options.retentionDays);
  }

  private get table(): string {
    return this.options.tableName;
  }

  async create(job: CallJob): Promise<{ created: boolean; job: CallJob }> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.table,
          Item: this.item(job),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, job };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(job.id);
      if (!existing) throw error;
      return { created: false, job: existing };
    }
  }

  async createMany(jobs: readonly CallJob[]): Promise<{ created: boolean; job: CallJob }[]> {
    const results: { created: boolean; job: CallJob }[] = [];
    // New jobs go in transactions of a hundred; a group with a job already stored goes one by one.
    for (let i = 0; i < jobs.length; i += MAX_TRANSACTION_ITEMS) {
      const group = jobs.slice(i, i + MAX_TRANSACTION_ITEMS);
      const outcome = await putAllIfAbsent(
        this.options.client,
        this.table,
        group.map((job) => this.item(job)),
      );
      results.push(
        ...(outcome === 'written'
          ? group.map((job) => ({ created: true, job }))
          : await Promise.all(group.map((job) => this.create(job)))),
      );
    }
    return results;
  }

  async get(id: string): Promise<CallJob | undefined> {
    const out = await this.options.client.send(
      new GetCommand({ TableName: this.table, Key: jobKey(id), ConsistentRead: true }),
    );
    return out.Item?.job as CallJob | undefined;
  }

  async save(job: CallJob, expectedVersion: number, events: readonly CallJobEvent[] = []): Promise<boolean> {
    try {
      if (events.length > 0) {
        await this.options.client.send(
          new TransactWriteCommand({
            TransactItems: [{ Put: this.versionedPut(job, expectedVersion) }, ...this.eventPuts(events)],
          }),
        );
        return true;
      }
      await this.options.client.send(new PutCommand(this.versionedPut(job, expectedVersion)));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async queryQueue(
    partition: string,
    before: string | undefined,
    limit: number,
  ): Promise<readonly CallJob[]> {
    const jobs: CallJob[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const input: QueryCommandInput = {
        TableName: this.table,
        IndexName: 'gsi5',
        KeyConditionExpression: before ? 'gsi5pk = :pk AND gsi5sk < :before' : 'gsi5pk = :pk',
        ExpressionAttributeValues: { ':pk': partition, ...(before ? { ':before': before } : {}) },
        Limit: limit - jobs.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      const out = await this.options.client.send(new QueryCommand(input));
      for (const item of out.Items ?? []) jobs.push(item.job as CallJob);
      startKey = out.LastEvaluatedKey;
    } while (startKey && jobs.length < limit);
    return jobs;
  }

  async due(priority: CallPriority, now: string, limit: number): Promise<DueJobs> {
    // The head of the queue, due or not: the due jobs come first (by next attempt), and the first one that
    // is not due yet is the next wake-up, so an idle dialer needs no second read.
    const head = await this.queryQueue(pendingPartition(priority), undefined, limit);
    const jobs = head.filter((job) => job.nextAttemptAt <= now);
    const next = head.find((job) => job.nextAttemptAt > now)?.nextAttemptAt;
    return next ? { jobs, next } : { jobs };
  }

  dialing(limit: number): Promise<readonly CallJob[]> {
    return this.queryQueue(DIALING_PARTITION, undefined, limit);
  }

  async nextDue(): Promise<string | undefined> {
    const firsts = await Promise.all(
      callPriorities.map((p) => this.queryQueue(pendingPartition(p), undefined, 1)),
    );
    const times = firsts.flatMap((jobs) => jobs.map((j) => j.nextAttemptAt)).sort();
    return times[0];
  }

  async list(filter: CallJobFilter, page: { limit: number; cursor?: string }): Promise<Page<CallJob>> {
    const [index, partition] = filter.ticketId
      ? ['gsi3', `CALLJOB#TICKET#${filter.ticketId}`]
      : filter.state
        ? ['gsi1', `CALLJOB#STATE#${filter.state}`]
        : ['gsi2', ALL_PARTITION];
    const names: Record<string, string> = { '#pk': `${index}pk` };
    const values: Record<string, unknown> = { ':pk': partition };
    const filters: string[] = [];
    if (filter.kind) {
      names['#kind'] = 'kind';
      values[':kind'] = filter.kind;
      filters.push('#kind = :kind');
    }
    if (filter.state && index !== 'gsi1') {
      names['#state'] = 'gsi1pk';
      values[':state'] = `CALLJOB#STATE#${filter.state}`;
      filters.push('#state = :state');
    }
    const items: CallJob[] = [];
    let startKey = decodeCursor(page.cursor);
    for (let round = 0; round < 10; round++) {
      const out = await this.options.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: page.limit - items.length,
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of out.Items ?? []) items.push(item.job as CallJob);
      startKey = out.LastEvaluatedKey;
      if (!startKey || items.length >= page.limit) break;
    }
    const nextCursor = encodeCursor(startKey);
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  /** The job written only if the stored one is still at `expectedVersion` (optimistic lock). */
  private eventPuts(events: readonly CallJobEvent[]) {
    return events.map((e) => ({ Put: { TableName: this.table, Item: callJobEventItem(e) } }));
  }

  async eraseJob(
    erased: CallJob,
    expectedVersion: number,
    rewrite: (event: CallJobEvent) => CallJobEvent | undefined,
  ): Promise<boolean> {
    // The events first: a crash before the job's save leaves the job unerased, so the retry comes back here.
    await rewriteEventItems(this.options.client, this.table, jobKey(erased.id).pk, (item) =>
      rewrite(item.event as CallJobEvent),
    );
    return this.save(erased, expectedVersion);
  }

  private versionedPut(job: CallJob, expectedVersion: number) {
    return {
      TableName: this.table,
      Item: this.item(job),
      ConditionExpression: '#v = :expected',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':expected': expectedVersion },
    };
  }

  /** The pacing condition that held at the last claim: during a broadcast the bucket stays busy. */
  private paceGuess: 'idle' | 'busy' = 'idle';

  async claim(next: CallJob, expectedVersion: number, limits: DialLimits): Promise<ClaimResult> {
    // Another dialer run claiming at the same moment makes DynamoDB cancel one transaction as a conflict
    // (the counters are shared): that one tries again. The pacing state picks its condition (idle: the
    // bucket's time has passed; busy: it is ahead, within the burst): the one that held last time first.
    // The bucket's time only moves forward, so once `idle` has failed, a failing `busy` means the rate is
    // used up; a `busy` that fails first may have found it idle, so `idle` comes next, then `busy` again.
    const order =
      this.paceGuess === 'busy' ? (['busy', 'idle', 'busy'] as const) : (['idle', 'busy'] as const);
    let step = 0;
    for (let round = 0; round < 8; round++) {
      const mode = order[step] ?? 'busy';
      const result = await this.claimPaced(next, expectedVersion, limits, mode);
      if (result === 'pace_busy') {
        if (++step >= order.length) return 'rate_limited';
      } else if (result !== 'conflict') {
        if (result === 'claimed') this.paceGuess = mode;
        return result;
      }
    }
    return 'rate_limited';
  }

  private async claimPaced(
    next: CallJob,
    expectedVersion: number,
    limits: DialLimits,
    mode: 'idle' | 'busy',
  ): Promise<ClaimResult | 'pace_busy' | 'conflict'> {
    try {
      await this.options.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: this.versionedPut(next, expectedVersion),
            },
            {
              Update: {
                TableName: this.table,
                Key: ACTIVE_KEY,
                UpdateExpression: 'ADD #n :one',
                ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
                ExpressionAttributeNames: { '#n': 'active' },
                ExpressionAttributeValues: { ':one': 1, ':limit': limits.concurrent },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: rateKey(limits.second),
                UpdateExpression: 'ADD #n :one SET expiresAt = :expires',
                ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
                ExpressionAttributeNames: { '#n': 'starts' },
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':limit': limits.perSecond,
                  ':expires': limits.second + 3600,
                },
              },
            },
            { Update: paceUpdate(this.table, limits, mode) },
          ],
        }),
      );
      return 'claimed';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[0] === 'ConditionalCheckFailed') return 'stale';
      if (codes[1] === 'ConditionalCheckFailed') return 'no_slot';
      if (codes[2] === 'ConditionalCheckFailed') return 'rate_limited';
      if (codes[3] === 'ConditionalCheckFailed') return 'pace_busy';
      if (codes.includes('TransactionConflict')) return 'conflict';
      throw error;
    }
  }

  async release(
    next: CallJob,
    expectedVersion: number,
    events: readonly CallJobEvent[] = [],
  ): Promise<boolean> {
    try {
      await this.options.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: this.versionedPut(next, expectedVersion),
            },
            {
              Update: {
                TableName: this.table,
                Key: ACTIVE_KEY,
                UpdateExpression: 'ADD #n :minus',
                ConditionExpression: '#n > :zero',
                ExpressionAttributeNames: { '#n': 'active' },
                ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
              },
            },
            ...this.eventPuts(events),
          ],
        }),
      );
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return false;
      if (codes?.[1] === 'ConditionalCheckFailed') {
        // The counter is already at zero (repaired meanwhile): the job's change still has to land.
        return this.save(next, expectedVersion, events);
      }
      throw error;
    }
  }

  async activeCalls(): Promise<number> {
    const out = await this.options.client.send(
      new GetCommand({ TableName: this.table, Key: ACTIVE_KEY, ConsistentRead: true }),
    );
    return Number(out.Item?.active ?? 0);
  }

  async startsInSecond(second: number): Promise<number> {
    const out = await this.options.client.send(
      new GetCommand({ TableName: this.table, Key: rateKey(second), ConsistentRead: true }),
    );
    return Number(out.Item?.starts ?? 0);
  }

  async linkContact(contactId: string, jobId: string, attempt: number): Promise<{ ended?: ContactEnd }> {
    const out = await this.options.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: contactKey(contactId),
        UpdateExpression: 'SET entity = :entity, jobId = :job, attempt = :attempt, expiresAt = :expires',
        ExpressionAttributeValues: {
          ':entity': 'callContact',
          ':job': jobId,
          ':attempt': attempt,
          ':expires': Math.floor(Date.now() / 1000) + 30 * 86400,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const ended = out.Attributes?.ended as ContactEnd | undefined;
    return ended ? { ended } : {};
  }

  async recordContactEnd(contactId: string, end: ContactEnd): Promise<ContactLink | undefined> {
    const out = await this.options.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: contactKey(contactId),
        UpdateExpression: 'SET entity = :entity, ended = :ended',
        ExpressionAttributeValues: { ':entity': 'callContact', ':ended': end },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = out.Attributes;
    return item?.jobId ? { jobId: String(item.jobId), attempt: Number(item.attempt) } : undefined;
  }

  /** One conditional write to the dialer's turn: false when its condition did not hold. */
  private async turnWrite(
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: TURN_KEY,
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#o': 'owner', '#u': 'until', '#a': 'again' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async takeDialerTurn(owner: string, nowMs: number, untilMs: number): Promise<'held' | 'queued'> {
    for (let round = 0; round < 3; round++) {
      const taken = await this.turnWrite(
        'SET #o = :me, #u = :until, #a = :no',
        'attribute_not_exists(#o) OR #u < :now',
        { ':me': owner, ':until': untilMs, ':now': nowMs, ':no': false },
      );
      if (taken) return 'held';
      // Held by another run: ask it to go round again (unless it was given back meanwhile: take it then).
      if (
        await this.turnWrite('SET #a = :yes', 'attribute_exists(#o) AND #u >= :now', {
          ':now': nowMs,
          ':yes': true,
        })
      )
        return 'queued';
    }
    // Passed back and forth this often: dial without it (the claim transaction keeps the limits).
    return 'held';
  }

  async endDialerTurn(owner: string, untilMs: number, force = false): Promise<'done' | 'again'> {
    const given = await this.turnWrite('REMOVE #o, #u, #a', force ? '#o = :me' : '#o = :me AND #a = :no', {
      ':me': owner,
      ...(force ? {} : { ':no': false }),
    });
    if (given || force) return 'done';
    // Asked to go again: keep the turn (a fresh lease) with the flag cleared. If the turn lapsed and another
    // run took it, that run dials.
    const kept = await this.turnWrite('SET #a = :no, #u = :until', '#o = :me', {
      ':me': owner,
      ':no': false,
      ':until': untilMs,
    });
    return kept ? 'again' : 'done';
  }
}
