import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type AttributeValue as SdkAttributeValue,
  type _Record as SdkRecord,
  type Shard,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  AttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  StreamRecord,
} from 'aws-lambda';
import { latestStreamArn } from './dynamodb';

/**
 * The local stand-in for the Reactor's event source mapping (table stream -> Lambda): it polls the table's
 * stream in DynamoDB Local through the real Streams API and calls the handler with the batches Lambda would
 * deliver, with its partial batch responses, retries, bisecting, parking and checkpoints.
 */
export interface StreamReactorOptions {
  /** DynamoDB Local's endpoint; its Streams API answers on the same one. */
  readonly endpoint: string;
  readonly region: string;
  readonly tableName: string;
  /** For DescribeTable (the table's current stream). */
  readonly dynamo: DynamoDBClient;
  /** Streams client to use instead of one made from endpoint and region (tests count its requests). */
  readonly streams?: DynamoDBStreamsClient;
  /** Folder for `reactor-checkpoint.json` and `reactor-parked.json`; in memory without. */
  readonly dataDir?: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing (Promise<void>) must fit
  readonly handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined | void>;
  /** The mapping's filter criteria: records it rejects never reach the handler (and are checkpointed). */
  readonly filter?: (record: DynamoDBRecord) => boolean;
  /** Records per GetRecords call and so per batch, 1 to 1000; default 100. */
  readonly batchSize?: number;
  /** Retries of a failing record before it is parked; default 3. */
  readonly maxRetryAttempts?: number;
  /** Pause between polls once started; default 100 ms. */
  readonly pollIntervalMs?: number;
  readonly log?: (line: string) => void;
}

/** A record that failed every retry: skipped, like one sent to the mapping's on-failure destination. */
export interface ParkedRecord {
  readonly sequenceNumber: string;
  /** The record's eventID. */
  readonly eventId?: string;
  /** The item's key, as DynamoDB JSON (`{ pk: { S: '…' } }`). */
  readonly keys?: Record<string, unknown>;
  readonly error: string;
  /** Deliveries of the record to the handler, all failed. */
  readonly attempts: number;
  readonly parkedAt: string;
}

export interface StreamReactorStatus {
  readonly status: 'up' | 'down';
  readonly streamArn?: string;
  /** The newest checkpointed sequence number (any shard). */
  readonly lastSequenceNumber?: string;
  /** Records the handler finished. */
  readonly processed: number;
  /** Handler invocations that threw or reported batch item failures. */
  readonly failedAttempts: number;
  readonly parked: readonly ParkedRecord[];
  readonly detail?: string;
}

const CHECKPOINT_FILE = 'reactor-checkpoint.json';
const PARKED_FILE = 'reactor-parked.json';
/** Once started, a poll reads even with no write noted at least this often (writes not made through the app). */
const IDLE_READ_MS = 1000;

interface Checkpoint {
  readonly streamArn: string;
  readonly shardId: string;
  readonly sequenceNumber?: string;
  /** The shard is closed and read to its end. */
  readonly finished?: boolean;
}

interface ShardState {
  readonly shardId: string;
  readonly parentShardId?: string;
  /** Last record done (the checkpoint); reading resumes after it. */
  sequenceNumber?: string;
  finished: boolean;
  iterator?: string;
}

interface StreamState {
  readonly arn: string;
  readonly shards: Map<string, ShardState>;
}

/** One handler invocation's result: done, or failed from a position of the batch on. */
type Outcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly at: number; readonly error: string; readonly named: boolean };

type PassResult = 'idle' | 'progress' | 'error';

/** Waits before the further looks of a drain that found nothing after noted writes (150 ms at most). */
const LOOK_AGAIN_MS = [10, 20, 40, 80] as const;

export class StreamReactor {
  private readonly options: StreamReactorOptions;
  private readonly streams: DynamoDBStreamsClient;
  private readonly batchSize: number;
  private readonly maxRetryAttempts: number;
  private readonly pollIntervalMs: number;
  private readonly log: (line: string) => void;

  private stream: StreamState | undefined;
  private needsRefresh = true;
  /** Checkpoints read from disk, used for the stream they name when it is first seen. */
  private saved: readonly Checkpoint[] | undefined;
  private readonly parked: ParkedRecord[];

  /** Writes noted, against the count at the start of the last read that found nothing: dirty while they differ. */
  private writes = 1;
  private cleanAt = 0;
  private draining: Promise<void> | undefined;

  private started = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private lastReadAt = 0;

  private up = true;
  private detail: string | undefined = 'stream not read yet';
  private lastSequenceNumber: string | undefined;
  private processed = 0;
  private failedAttempts = 0;

  constructor(options: StreamReactorOptions) {
    this.options = options;
    this.batchSize = options.batchSize ?? 100;
    this.maxRetryAttempts = options.maxRetryAttempts ?? 3;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > 1000)
      throw new RangeError(`batchSize must be an integer from 1 to 1000, not ${this.batchSize}`);
    if (!Number.isInteger(this.maxRetryAttempts) || this.maxRetryAttempts < 0)
      throw new RangeError(`maxRetryAttempts must be a whole number, not ${this.maxRetryAttempts}`);
    this.log = options.log ?? (() => {});
    this.streams =
      options.streams ??
      new DynamoDBStreamsClient({
        endpoint: options.endpoint,
        region: options.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      });
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    this.parked = this.readJson<ParkedRecord[]>(PARKED_FILE, (v) => Array.isArray(v)) ?? [];
  }

  /** Begin polling in the background (the first poll at once); a second call does nothing. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.schedule(0);
  }

  /** Stop polling once the batch in flight is done. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.draining;
    this.started = false;
    this.stopping = false;
  }

  /**
   * Read and handle until the stream has nothing new. With no write noted since the last read that found
   * nothing, it returns at once without a request. Concurrent calls share one drain. Never rejects: a
   * failing read leaves status 'down' and is retried by the next drain or poll.
   */
  drain(): Promise<void> {
    return this.run(false);
  }

  /** Something was written to the table: the next drain or poll reads the stream. */
  noteWrite(): void {
    this.writes += 1;
  }

  status(): StreamReactorStatus {
    return {
      status: this.up ? 'up' : 'down',
      ...(this.stream ? { streamArn: this.stream.arn } : {}),
      ...(this.lastSequenceNumber ? { lastSequenceNumber: this.lastSequenceNumber } : {}),
      processed: this.processed,
      failedAttempts: this.failedAttempts,
      parked: [...this.parked],
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }

  private run(force: boolean): Promise<void> {
    if (this.draining) return this.draining;
    if (!force && this.writes === this.cleanAt) return Promise.resolve();
    const drain = this.drainLoop().finally(() => {
      if (this.draining === drain) this.draining = undefined;
    });
    this.draining = drain;
    return drain;
  }

  private async drainLoop(): Promise<void> {
    // Every write puts a record on the stream, but DynamoDB Local shows it a moment later (longer on a busy
    // machine): a drain that has read nothing since writes were noted looks again before it calls it clean.
    let readSomething = false;
    let lookedAgain = 0;
    for (;;) {
      const writesBefore = this.writes;
      const result = await this.pass();
      this.lastReadAt = Date.now();
      if (result === 'error') return;
      if (result === 'idle') {
        if (this.writes === writesBefore) {
          if (!readSomething && lookedAgain < LOOK_AGAIN_MS.length && !this.stopping) {
            await new Promise((r) => setTimeout(r, LOOK_AGAIN_MS[lookedAgain++]));
            continue;
          }
          this.cleanAt = writesBefore;
          return;
        }
      } else {
        readSomething = true;
        if (this.stopping) return;
      }
    }
  }

  private schedule(delayMs: number): void {
    if (!this.started || this.stopping) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ticking = this.run(Date.now() - this.lastReadAt >= IDLE_READ_MS).finally(() => {
        this.ticking = undefined;
        this.schedule(this.pollIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** One read of every shard that may be read now; never throws. */
  private async pass(): Promise<PassResult> {
    try {
      if (!this.stream || this.needsRefresh || this.readyShards().length === 0) await this.refresh();
      let progress = false;
      for (const shard of this.readyShards()) {
        if (await this.readShard(shard)) progress = true;
      }
      if (!this.up) this.log(`stream reactor: stream readable again (${this.stream?.arn})`);
      this.up = true;
      this.detail = undefined;
      return progress ? 'progress' : 'idle';
    } catch (error) {
      const detail = `stream read failed: ${describeError(error)}`;
      if (this.up || this.detail !== detail) this.log(`stream reactor: ${detail}`);
      this.up = false;
      this.detail = detail;
      // Iterators may be stale (DynamoDB Local restarted): resume from the checkpoints next time.
      for (const shard of this.stream?.shards.values() ?? []) shard.iterator = undefined;
      this.needsRefresh = true;
      return 'error';
    }
  }

  /** The table's current stream and its shards; a new stream (or none checkpointed) starts at TRIM_HORIZON. */
  private async refresh(): Promise<void> {
    const arn = await latestStreamArn(this.options.dynamo, this.options.tableName);
    if (!arn) throw new Error(`table ${this.options.tableName} has no stream`);
    if (this.stream?.arn !== arn) {
      this.saved ??= this.readCheckpoints();
      const saved = this.saved.filter((c) => c.streamArn === arn);
      if (this.stream)
        this.log(`stream reactor: the table has a new stream ${arn}; reading it from its start`);
      else if (this.saved.length > 0 && saved.length === 0)
        this.log(`stream reactor: checkpoint is for another stream; reading ${arn} from its start`);
      const shards = new Map<string, ShardState>();
      for (const c of saved)
        shards.set(c.shardId, {
          shardId: c.shardId,
          finished: c.finished === true,
          ...(c.sequenceNumber ? { sequenceNumber: c.sequenceNumber } : {}),
        });
      this.stream = { arn, shards };
      this.saved = [];
      this.lastSequenceNumber = saved
        .map((c) => c.sequenceNumber)
        .filter((n): n is string => n !== undefined)
        .reduce<string | undefined>(
          (max, n) => (max === undefined || BigInt(n) > BigInt(max) ? n : max),
          undefined,
        );
    }
    const listed = await this.describeShards(arn);
    const known = this.stream.shards;
    const next = new Map<string, ShardState>();
    for (const s of listed) {
      if (!s.ShardId) continue;
      const had = known.get(s.ShardId);
      next.set(s.ShardId, {
        shardId: s.ShardId,
        finished: had?.finished ?? false,
        ...(s.ParentShardId ? { parentShardId: s.ParentShardId } : {}),
        ...(had?.sequenceNumber ? { sequenceNumber: had.sequenceNumber } : {}),
        ...(had?.iterator ? { iterator: had.iterator } : {}),
      });
    }
    for (const [id, had] of known)
      if (!next.has(id) && !had.finished) this.log(`stream reactor: shard ${id} is gone (trimmed) unread`);
    this.stream = { arn, shards: next };
    this.needsRefresh = false;
  }

  private async describeShards(arn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let ExclusiveStartShardId: string | undefined;
    do {
      const out = await this.streams.send(
        new DescribeStreamCommand({
          StreamArn: arn,
          ...(ExclusiveStartShardId ? { ExclusiveStartShardId } : {}),
        }),
      );
      shards.push(...(out.StreamDescription?.Shards ?? []));
      ExclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    return shards;
  }

  /** Unfinished shards whose parent is finished or no longer listed: a parent is read before its children. */
  private readyShards(): ShardState[] {
    const shards = this.stream?.shards;
    if (!shards) return [];
    return [...shards.values()].filter((s) => {
      if (s.finished) return false;
      const parent = s.parentShardId ? shards.get(s.parentShardId) : undefined;
      return !parent || parent.finished;
    });
  }

  /** One GetRecords on a shard and the handling of what it returned; true if it read or finished something. */
  private async readShard(shard: ShardState): Promise<boolean> {
    const stream = this.stream!;
    shard.iterator ??= await this.iteratorFor(stream.arn, shard);
    let out: GetRecordsCommandOutput;
    try {
      out = await this.getRecords(shard.iterator);
    } catch (error) {
      if (!(error instanceof ExpiredIteratorException)) throw error;
      shard.iterator = await this.iteratorFor(stream.arn, shard);
      out = await this.getRecords(shard.iterator);
    }
    const records = out.Records ?? [];
    if (records.length > 0) await this.handlePage(stream.arn, shard, records);
    shard.iterator = out.NextShardIterator;
    if (out.NextShardIterator) return records.length > 0;
    // A closed shard read to its end: its children (or the table's next stream) come next.
    shard.finished = true;
    this.needsRefresh = true;
    this.saveCheckpoints();
    this.log(`stream reactor: shard ${shard.shardId} finished`);
    return true;
  }

  private getRecords(iterator: string | undefined): Promise<GetRecordsCommandOutput> {
    return this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.batchSize }));
  }

  private async iteratorFor(arn: string, shard: ShardState): Promise<string | undefined> {
    if (shard.sequenceNumber) {
      try {
        const out = await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: shard.shardId,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: shard.sequenceNumber,
          }),
        );
        return out.ShardIterator;
      } catch (error) {
        if (!(error instanceof TrimmedDataAccessException)) throw error;
        this.log(
          `stream reactor: records after ${shard.sequenceNumber} were trimmed; reading from the oldest`,
        );
      }
    }
    const out = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: shard.shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    return out.ShardIterator;
  }

  /**
   * Deliver one page (in stream order) as Lambda does: the filtered records as one batch; on failure the
   * records before the failing one are done and the rest is bisected and retried; a record that fails
   * 1 + maxRetryAttempts times on its own (or named in batchItemFailures) is parked and skipped.
   */
  private async handlePage(arn: string, shard: ShardState, page: readonly SdkRecord[]): Promise<void> {
    const all = page.map((r) => toLambdaRecord(r, arn, this.options.region));
    const delivered: { readonly record: DynamoDBRecord; readonly index: number }[] = [];
    all.forEach((record, index) => {
      if (this.accepts(record)) delivered.push({ record, index });
    });
    const sequenceOf = (index: number) => all[index]?.dynamodb?.SequenceNumber;
    // Everything before page index `end` is done.
    const doneBefore = (end: number) => {
      const sequenceNumber = end > 0 ? sequenceOf(end - 1) : undefined;
      if (!sequenceNumber || sequenceNumber === shard.sequenceNumber) return;
      shard.sequenceNumber = sequenceNumber;
      this.lastSequenceNumber = sequenceNumber;
      this.saveCheckpoints();
    };
    // Page index of the first record after delivered record `i` (filtered-out records in between are done too).
    const endAfter = (i: number) => delivered[i + 1]?.index ?? all.length;

    const failures = new Map<number, number>();
    const deliveries = new Map<number, number>();
    const pending: { from: number; to: number }[] =
      delivered.length > 0 ? [{ from: 0, to: delivered.length }] : [];
    while (pending.length > 0) {
      const { from, to } = pending.shift()!;
      for (let i = from; i < to; i++) deliveries.set(i, (deliveries.get(i) ?? 0) + 1);
      const outcome = await this.invoke(delivered.slice(from, to).map((d) => d.record));
      if (outcome.ok) {
        this.processed += to - from;
        doneBefore(endAfter(to - 1));
        continue;
      }
      this.failedAttempts += 1;
      const at = from + outcome.at;
      this.processed += at - from;
      doneBefore(delivered[at]!.index);
      // A failure counts against a record when the handler named it, or it was alone in the batch.
      if (outcome.named || to - at === 1) {
        const failed = (failures.get(at) ?? 0) + 1;
        failures.set(at, failed);
        if (failed > this.maxRetryAttempts) {
          this.park(delivered[at]!.record, outcome.error, deliveries.get(at) ?? failed);
          doneBefore(endAfter(at));
          if (at + 1 < to) pending.unshift({ from: at + 1, to });
          continue;
        }
      }
      // Bisect on error: retry the failed part in two halves, so a bad record ends up alone.
      if (to - at > 1) {
        const mid = at + Math.ceil((to - at) / 2);
        pending.unshift({ from: at, to: mid }, { from: mid, to });
      } else pending.unshift({ from: at, to });
    }
    doneBefore(all.length);
  }

  private accepts(record: DynamoDBRecord): boolean {
    if (!this.options.filter) return true;
    try {
      return this.options.filter(record);
    } catch (error) {
      this.log(
        `stream reactor: filter threw on ${record.dynamodb?.SequenceNumber}, skipped: ${describeError(error)}`,
      );
      return false;
    }
  }

  private async invoke(records: readonly DynamoDBRecord[]): Promise<Outcome> {
    // A fresh copy per delivery: what a handler does to its event cannot change a retry.
    const event: DynamoDBStreamEvent = { Records: structuredClone([...records]) };
    let response: Awaited<ReturnType<StreamReactorOptions['handler']>>;
    try {
      response = await this.options.handler(event);
    } catch (error) {
      return { ok: false, at: 0, error: describeError(error), named: false };
    }
    const failures = response?.batchItemFailures;
    if (!failures || failures.length === 0) return { ok: true };
    let at = records.length;
    for (const failure of failures) {
      const index = records.findIndex((r) => r.dynamodb?.SequenceNumber === failure?.itemIdentifier);
      // Lambda fails the whole batch for an itemIdentifier that is empty or not in it.
      if (!failure?.itemIdentifier || index < 0)
        return {
          ok: false,
          at: 0,
          error: `batchItemFailures named ${JSON.stringify(failure?.itemIdentifier)}, not a record of the batch`,
          named: false,
        };
      at = Math.min(at, index);
    }
    // Lambda keeps the reason in the function's log; a handler may also say it (`failureReasons`, by sequence number).
    const reasons = (response as { failureReasons?: Record<string, string> } | undefined)?.failureReasons;
    const first = records[at]?.dynamodb?.SequenceNumber;
    const reason = first ? reasons?.[first] : undefined;
    return { ok: false, at, error: reason ?? 'reported in batchItemFailures', named: true };
  }

  private park(record: DynamoDBRecord, error: string, attempts: number): void {
    const parked: ParkedRecord = {
      sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
      ...(record.eventID ? { eventId: record.eventID } : {}),
      ...(record.dynamodb?.Keys ? { keys: record.dynamodb.Keys } : {}),
      error,
      attempts,
      parkedAt: new Date().toISOString(),
    };
    this.parked.push(parked);
    this.log(`stream reactor: parked record ${parked.sequenceNumber} after ${attempts} attempts: ${error}`);
    this.writeJson(PARKED_FILE, this.parked);
  }

  private readCheckpoints(): Checkpoint[] {
    const file = this.readJson<{ checkpoints: Checkpoint[] }>(CHECKPOINT_FILE, (v) =>
      Array.isArray((v as { checkpoints?: unknown })?.checkpoints),
    );
    return (file?.checkpoints ?? []).filter(
      (c) =>
        typeof c?.streamArn === 'string' &&
        typeof c.shardId === 'string' &&
        (c.sequenceNumber === undefined || /^\d+$/.test(c.sequenceNumber)),
    );
  }

  private saveCheckpoints(): void {
    const stream = this.stream;
    if (!stream || !this.options.dataDir) return;
    const checkpoints: Checkpoint[] = [];
    for (const s of stream.shards.values())
      if (s.sequenceNumber || s.finished)
        checkpoints.push({
          streamArn: stream.arn,
          shardId: s.shardId,
          ...(s.sequenceNumber ? { sequenceNumber: s.sequenceNumber } : {}),
          ...(s.finished ? { finished: true } : {}),
        });
    this.writeJson(CHECKPOINT_FILE, { version: 1, checkpoints });
  }

  private readJson<T>(name: string, valid: (value: unknown) => boolean): T | undefined {
    if (!this.options.dataDir) return undefined;
    const file = join(this.options.dataDir, name);
    if (!existsSync(file)) return undefined;
    try {
      const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (valid(value)) return value as T;
    } catch {
      // fall through: reported below
    }
    this.log(`stream reactor: ${file} is not readable, ignored`);
    return undefined;
  }

  /** Write temp file + rename: a crash leaves the old file or the new one, never half of one. */
  private writeJson(name: string, value: unknown): void {
    if (!this.options.dataDir) return;
    const file = join(this.options.dataDir, name);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(temp, file);
  }
}

/** A GetRecords record as Lambda delivers it to a function behind an event source mapping. */
function toLambdaRecord(record: SdkRecord, streamArn: string, region: string): DynamoDBRecord {
  const r = record.dynamodb;
  const dynamodb: StreamRecord = {
    ...(r?.ApproximateCreationDateTime
      ? { ApproximateCreationDateTime: r.ApproximateCreationDateTime.getTime() / 1000 }
      : {}),
    ...(r?.Keys ? { Keys: toLambdaImage(r.Keys) } : {}),
    ...(r?.NewImage ? { NewImage: toLambdaImage(r.NewImage) } : {}),
    ...(r?.OldImage ? { OldImage: toLambdaImage(r.OldImage) } : {}),
    ...(r?.SequenceNumber ? { SequenceNumber: r.SequenceNumber } : {}),
    ...(r?.SizeBytes !== undefined ? { SizeBytes: r.SizeBytes } : {}),
    ...(r?.StreamViewType ? { StreamViewType: r.StreamViewType } : {}),
  };
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb,
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: { ...record.userIdentity } } : {}),
  };
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

/** SDK AttributeValue -> the JSON shape Lambda delivers (binary as base64). */
function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  const v = value as unknown as Partial<Record<string, unknown>>;
  if (typeof v.S === 'string') return { S: v.S };
  if (typeof v.N === 'string') return { N: v.N };
  if (typeof v.BOOL === 'boolean') return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: true };
  if (v.B instanceof Uint8Array) return { B: base64(v.B) };
  if (Array.isArray(v.SS)) return { SS: [...(v.SS as string[])] };
  if (Array.isArray(v.NS)) return { NS: [...(v.NS as string[])] };
  if (Array.isArray(v.BS)) return { BS: (v.BS as Uint8Array[]).map(base64) };
  if (Array.isArray(v.L)) return { L: (v.L as SdkAttributeValue[]).map(toLambdaValue) };
  if (v.M && typeof v.M === 'object') return { M: toLambdaImage(v.M as Record<string, SdkAttributeValue>) };
  // DynamoDB Local 10.3's GetRecords sends an empty map as `{}` (GetItem sends `{ M: {} }`): mend it.
  if (Object.keys(v).length === 0) return { M: {} };
  return { ...v } as AttributeValue;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
