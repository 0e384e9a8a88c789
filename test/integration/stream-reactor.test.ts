import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureTable, type LocalDynamo, latestStreamArn, startDynamoDbLocal } from '#local/dynamodb';
import { type ParkedRecord, StreamReactor, type StreamReactorOptions } from '#local/stream-reactor';

const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let tables = 0;
const aTableName = () => `reactor-test-${++tables}`;

/** A desk event item as the app saves it (entity "event"): what the mapping's filter lets through. */
function anEvent(complaint: string, n: number, payload: Record<string, unknown> = {}) {
  return {
    pk: `COMPLAINT#${complaint}`,
    sk: `EVENT#${String(n).padStart(4, '0')}`,
    entity: 'event',
    type: 'complaint.noted',
    payload,
  };
}

/** Any other item of the table (the filter skips it). */
function aTicket(id: string) {
  return { pk: `TICKET#${id}`, sk: 'TICKET', entity: 'ticket', status: 'open' };
}

const isEvent = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.entity?.S === 'event';
const skOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.sk?.S ?? '?';
const seqOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '?';

/** Minimal unmarshall, strict like the SDK's: a bare `{}` (DynamoDB Local's empty map) throws. */
function plain(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL) return null;
  if (value.L) return value.L.map(plain);
  if (value.M) return plainImage(value.M);
  throw new Error(`cannot unmarshall ${JSON.stringify(value)}`);
}
const plainImage = (image: Record<string, AttributeValue>) =>
  Object.fromEntries(Object.entries(image).map(([k, v]) => [k, plain(v)]));

type Verdict = 'ok' | 'fail' | 'throw';

/**
 * A handler that keeps every batch it got. `verdict(sk, delivery)` decides per record (delivery counts
 * from 1): 'fail' reports it in batchItemFailures, 'throw' throws from it (the records before it were
 * handled). Handled = a delivery that ended well.
 */
function recordingHandler(verdict: (sk: string, delivery: number) => Verdict = () => 'ok') {
  const batches: DynamoDBRecord[][] = [];
  const deliveries = new Map<string, number>();
  const handled: string[] = [];
  const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    batches.push(event.Records);
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const sk = skOf(record);
      const delivery = (deliveries.get(sk) ?? 0) + 1;
      deliveries.set(sk, delivery);
      const v = verdict(sk, delivery);
      if (v === 'throw') throw new Error(`cannot react to ${sk}`);
      if (v === 'fail') batchItemFailures.push({ itemIdentifier: seqOf(record) });
      else handled.push(sk);
    }
    return { batchItemFailures };
  };
  return {
    handler,
    batches,
    handled,
    records: () => batches.flat(),
    deliveredSks: () => batches.flat().map(skOf),
    deliveriesOf: (sk: string) => deliveries.get(sk) ?? 0,
  };
}

/** Commands sent by an SDK client, counted by a middleware. */
function countCommands(client: DynamoDBClient | DynamoDBStreamsClient): string[] {
  const commands: string[] = [];
  (client.middlewareStack as any).add(
    (next: any, context: any) => async (args: any) => {
      commands.push(context.commandName);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return commands;
}

const newStreamsClient = (endpoint: string) =>
  new DynamoDBStreamsClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });
const newDynamoClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });

describe('StreamReactor on DynamoDB Local (the stream event source mapping, locally)', () => {
  let ddb: LocalDynamo;
  let doc: DynamoDBDocumentClient;
  let dataDir: string;
  let tableName: string;
  const reactors: StreamReactor[] = [];

  beforeAll(async () => {
    ddb = await startDynamoDbLocal({ port: await freePort() });
    doc = DynamoDBDocumentClient.from(ddb.client);
  });
  afterAll(async () => {
    await ddb?.stop();
  });
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stream-reactor-'));
    tableName = aTableName();
    await ensureTable(ddb.client, tableName);
  });
  afterEach(async () => {
    await Promise.all(reactors.splice(0).map((r) => r.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  function aReactor(overrides: Partial<StreamReactorOptions> & Pick<StreamReactorOptions, 'handler'>) {
    const reactor = new StreamReactor({
      endpoint: ddb.endpoint,
      region: REGION,
      tableName,
      dynamo: ddb.client,
      dataDir,
      filter: isEvent,
      ...overrides,
    });
    reactors.push(reactor);
    return reactor;
  }

  async function put(...items: Record<string, unknown>[]) {
    for (const Item of items) await doc.send(new PutCommand({ TableName: tableName, Item }));
  }

  it('delivers the records in stream order, shaped as Lambda delivers them, empty maps included', async () => {
    const streamArn = await latestStreamArn(ddb.client, tableName);
    const since = Date.now();
    const items = [
      anEvent('7', 1, { details: {}, nested: { empty: {}, list: [{}] }, tags: ['noise'], count: 3 }),
      anEvent('7', 2, { note: 'called back' }),
      anEvent('8', 1),
      anEvent('7', 3, { done: true }),
      anEvent('9', 1),
    ];
    await put(...items);
    await doc.send(new DeleteCommand({ TableName: tableName, Key: { pk: items[2]!.pk, sk: items[2]!.sk } }));
    const seen = recordingHandler();
    const reactor = aReactor({ handler: seen.handler, filter: undefined, batchSize: 2 });

    await reactor.drain();

    const records = seen.records();
    expect(records.map(skOf)).toEqual([...items.map((i) => i.sk), items[2]!.sk]);
    expect(records.map((r) => r.eventName)).toEqual([
      'INSERT',
      'INSERT',
      'INSERT',
      'INSERT',
      'INSERT',
      'REMOVE',
    ]);
    expect(seen.batches.map((b) => b.length)).toEqual([2, 2, 2]);
    const sequence = records.map((r) => BigInt(seqOf(r)));
    expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(sequence).size).toBe(records.length);
    for (const [i, item] of items.entries())
      expect(plainImage(records[i]!.dynamodb!.NewImage!)).toEqual(item);
    expect(records[0]!.dynamodb!.NewImage!.payload).toEqual({
      M: {
        details: { M: {} },
        nested: { M: { empty: { M: {} }, list: { L: [{ M: {} }] } } },
        tags: { L: [{ S: 'noise' }] },
        count: { N: '3' },
      },
    });
    const first = records[0]!;
    expect(first).toMatchObject({
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      eventSourceARN: streamArn,
      dynamodb: { Keys: { pk: { S: items[0]!.pk }, sk: { S: items[0]!.sk } }, StreamViewType: 'NEW_IMAGE' },
    });
    expect(first.eventID).toEqual(expect.any(String));
    expect(first.dynamodb!.SizeBytes).toBeGreaterThan(0);
    // Epoch seconds (DynamoDB Local rounds down to the minute).
    const created = first.dynamodb!.ApproximateCreationDateTime!;
    expect(created).toBeGreaterThan(since / 1000 - 61);
    expect(created).toBeLessThanOrEqual(Date.now() / 1000);
    const removed = records[5]!;
    expect(removed.dynamodb!.NewImage).toBeUndefined();
    expect(removed.dynamodb!.Keys).toEqual({ pk: { S: items[2]!.pk }, sk: { S: items[2]!.sk } });
    expect(reactor.status()).toMatchObject({
      status: 'up',
      streamArn,
      lastSequenceNumber: seqOf(removed),
      processed: 6,
      failedAttempts: 0,
      parked: [],
    });
  });

  it('skips what the filter rejects and checkpoints past it', async () => {
    await put(anEvent('7', 1), aTicket('7'), anEvent('7', 2), aTicket('8'));
    const seen = recordingHandler();
    const reactor = aReactor({ handler: seen.handler });

    await reactor.drain();

    expect(seen.deliveredSks()).toEqual(['EVENT#0001', 'EVENT#0002']);
    expect(reactor.status().processed).toBe(2);
    // The ticket written last is behind the checkpoint: a reactor without the filter only sees what follows.
    await reactor.stop();
    await put(aTicket('9'));
    const unfiltered = recordingHandler();
    await aReactor({ handler: unfiltered.handler, filter: undefined }).drain();
    expect(unfiltered.records().map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['TICKET#9']);
  });

  it('resumes after the checkpoint: a new reactor on the same data folder delivers only newer records', async () => {
    await put(anEvent('7', 1), anEvent('7', 2));
    const before = recordingHandler();
    const first = aReactor({ handler: before.handler });
    await first.drain();
    await first.stop();
    await put(anEvent('7', 3), anEvent('7', 4));

    const after = recordingHandler();
    const second = aReactor({ handler: after.handler });
    await second.drain();

    expect(before.deliveredSks()).toEqual(['EVENT#0001', 'EVENT#0002']);
    expect(second.status().lastSequenceNumber).toBe(seqOf(after.records()[1]!));
    expect(after.deliveredSks()).toEqual(['EVENT#0003', 'EVENT#0004']);
    const saved = JSON.parse(readFileSync(join(dataDir, 'reactor-checkpoint.json'), 'utf8'));
    expect(saved.checkpoints).toEqual([
      {
        streamArn: await latestStreamArn(ddb.client, tableName),
        shardId: expect.any(String),
        sequenceNumber: seqOf(after.records()[1]!),
      },
    ]);
  });

  it('reads the stream from its start when the checkpoint names another stream', async () => {
    const streamArn = (await latestStreamArn(ddb.client, tableName))!;
    const streams = newStreamsClient(ddb.endpoint);
    const shardId = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn })))
      .StreamDescription!.Shards![0]!.ShardId!;
    // The shard id is this stream's and the sequence number lies ahead: honoured, it would skip everything.
    const otherStream = streamArn.replace(/stream\/.*$/, 'stream/2020-01-01T00:00:00.000');
    writeFileSync(
      join(dataDir, 'reactor-checkpoint.json'),
      JSON.stringify({
        version: 1,
        checkpoints: [{ streamArn: otherStream, shardId, sequenceNumber: '000000000000099999999' }],
      }),
    );
    await put(anEvent('7', 1), anEvent('7', 2));
    const seen = recordingHandler();

    await aReactor({ handler: seen.handler, streams }).drain();

    expect(seen.deliveredSks()).toEqual(['EVENT#0001', 'EVENT#0002']);
  });

  it('retries from a record the handler fails twice, then goes on (later records done at least once)', async () => {
    await put(...[1, 2, 3, 4, 5].map((n) => anEvent('7', n)));
    const seen = recordingHandler((sk, delivery) => (sk === 'EVENT#0003' && delivery <= 2 ? 'fail' : 'ok'));
    const checkpointsDuringRetries: string[] = [];
    const reactor = aReactor({
      handler: async (event) => {
        if (skOf(event.Records[0]!) === 'EVENT#0003') {
          const saved = JSON.parse(readFileSync(join(dataDir, 'reactor-checkpoint.json'), 'utf8'));
          checkpointsDuringRetries.push(saved.checkpoints[0].sequenceNumber);
        }
        return seen.handler(event);
      },
    });

    await reactor.drain();

    expect(seen.deliveriesOf('EVENT#0003')).toBe(3);
    expect(seen.deliveriesOf('EVENT#0001')).toBe(1);
    expect(seen.deliveriesOf('EVENT#0002')).toBe(1);
    expect(seen.deliveriesOf('EVENT#0004')).toBeGreaterThanOrEqual(1);
    expect(seen.deliveriesOf('EVENT#0005')).toBeGreaterThanOrEqual(1);
    expect(new Set(seen.handled)).toEqual(new Set([1, 2, 3, 4, 5].map((n) => anEvent('7', n).sk)));
    // Each retry starts at the failed record (bisected: the second retry is the record alone).
    expect(seen.batches.slice(0, 3).map((b) => b.map(skOf))).toEqual([
      ['EVENT#0001', 'EVENT#0002', 'EVENT#0003', 'EVENT#0004', 'EVENT#0005'],
      ['EVENT#0003', 'EVENT#0004'],
      ['EVENT#0003'],
    ]);
    // While the record is retried, the checkpoint stands on the record before it.
    const second = seqOf(seen.records()[1]!);
    expect(checkpointsDuringRetries).toEqual([second, second]);
    expect(reactor.status()).toMatchObject({ failedAttempts: 2, processed: 5, parked: [] });
    expect(reactor.status().lastSequenceNumber).toBe(seqOf(seen.records().at(-1)!));
  });

  it.each([
    ['reports it in batchItemFailures', 'fail' as const],
    ['throws', 'throw' as const],
  ])(
    'parks a record failing for good (the handler %s) and handles every other record',
    async (_how, verdict) => {
      const bad = 'EVENT#0004';
      const sks = [1, 2, 3, 4, 5, 6, 7].map((n) => anEvent('7', n).sk);
      await put(...[1, 2, 3, 4, 5, 6, 7].map((n) => anEvent('7', n)));
      const seen = recordingHandler((sk) => (sk === bad ? verdict : 'ok'));
      const reactor = aReactor({ handler: seen.handler });

      await reactor.drain();

      const badSeq = seqOf(seen.records().find((r) => skOf(r) === bad)!);
      const { parked } = reactor.status();
      expect(parked).toEqual([
        expect.objectContaining({
          sequenceNumber: badSeq,
          eventId: expect.any(String),
          keys: { pk: { S: 'COMPLAINT#7' }, sk: { S: bad } },
          error: verdict === 'throw' ? `Error: cannot react to ${bad}` : 'reported in batchItemFailures',
        }),
      ]);
      // One delivery and maxRetryAttempts (3) retries of the record; throwing, bisecting adds deliveries first.
      if (verdict === 'fail') expect(seen.deliveriesOf(bad)).toBe(4);
      else expect(seen.deliveriesOf(bad)).toBeGreaterThan(4);
      expect(parked[0]!.attempts).toBe(seen.deliveriesOf(bad));
      expect(new Set(seen.handled)).toEqual(new Set(sks.filter((sk) => sk !== bad)));
      const onDisk: ParkedRecord[] = JSON.parse(readFileSync(join(dataDir, 'reactor-parked.json'), 'utf8'));
      expect(onDisk).toEqual(parked);

      // Parked means skipped for good: a restarted reactor knows it and goes on after it.
      await reactor.stop();
      await put(anEvent('7', 8));
      const later = recordingHandler();
      const restarted = aReactor({ handler: later.handler });
      await restarted.drain();
      expect(later.deliveredSks()).toEqual(['EVENT#0008']);
      expect(restarted.status().parked).toEqual(parked);
    },
  );

  it('sends no request on drain() while no write was noted since the last empty read', async () => {
    const dynamo = newDynamoClient(ddb.endpoint);
    const streams = newStreamsClient(ddb.endpoint);
    const sent = [countCommands(dynamo), countCommands(streams)];
    const requests = () => sent.reduce((n, commands) => n + commands.length, 0);
    await put(anEvent('7', 1));
    const seen = recordingHandler();
    const reactor = aReactor({ handler: seen.handler, dynamo, streams });

    await reactor.drain();
    const afterFirst = requests();
    await reactor.drain();
    await reactor.drain();
    const idle = requests() - afterFirst;

    await put(anEvent('7', 2)); // not noted: the drain does not look
    await reactor.drain();
    const unnoted = seen.deliveredSks();
    const afterUnnoted = requests();
    reactor.noteWrite();
    await reactor.drain();

    expect(afterFirst).toBeGreaterThan(0);
    expect(sent[1]).toContain('GetRecordsCommand');
    expect(idle).toBe(0);
    expect(unnoted).toEqual(['EVENT#0001']);
    expect(afterUnnoted).toBe(afterFirst);
    expect(seen.deliveredSks()).toEqual(['EVENT#0001', 'EVENT#0002']);
    dynamo.destroy();
  });

  it('shares one drain between concurrent calls: every record is delivered once', async () => {
    await put(...[1, 2, 3].map((n) => anEvent('7', n)));
    const seen = recordingHandler();
    const reactor = aReactor({ handler: seen.handler, batchSize: 1 });

    const a = reactor.drain();
    const b = reactor.drain();
    await Promise.all([a, b]);

    expect(a).toBe(b);
    expect(seen.deliveredSks()).toEqual(['EVENT#0001', 'EVENT#0002', 'EVENT#0003']);
  });

  it('polls in the background once started, and stops', async () => {
    const seen = recordingHandler();
    const reactor = aReactor({ handler: seen.handler, pollIntervalMs: 20 });
    await reactor.start();

    await put(anEvent('7', 1));
    reactor.noteWrite();
    await vi.waitFor(() => expect(seen.deliveredSks()).toEqual(['EVENT#0001']), { timeout: 10_000 });
    await reactor.stop();

    expect(reactor.status().status).toBe('up');
  });

  it('reads a closed shard to its end, then the table’s next stream from its start', async () => {
    const firstArn = await latestStreamArn(ddb.client, tableName);
    await put(anEvent('7', 1));
    const seen = recordingHandler();
    const reactor = aReactor({ handler: seen.handler });
    await reactor.drain();
    await put(anEvent('7', 2));
    await ddb.client.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
    );
    await put(anEvent('7', 3)); // no stream: never delivered
    await ensureTable(ddb.client, tableName);
    const secondArn = await latestStreamArn(ddb.client, tableName);
    await put(anEvent('7', 4));
    reactor.noteWrite();

    await reactor.drain();

    expect(secondArn).not.toBe(firstArn);
    expect(seen.deliveredSks()).toEqual(['EVENT#0001', 'EVENT#0002', 'EVENT#0004']);
    expect(seen.records().map((r) => r.eventSourceARN)).toEqual([firstArn, firstArn, secondArn]);
    expect(reactor.status().streamArn).toBe(secondArn);
  });

  it('gives a table without a stream (made by an older version) one, and one with KEYS_ONLY a NEW_IMAGE one', async () => {
    const plainTable = aTableName();
    const keysOnlyTable = aTableName();
    const create = (TableName: string, keysOnly: boolean) =>
      ddb.client.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          ...(keysOnly ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } } : {}),
        }),
      );
    await create(plainTable, false);
    await create(keysOnlyTable, true);
    const streamOf = async (TableName: string) =>
      (await ddb.client.send(new DescribeTableCommand({ TableName }))).Table?.StreamSpecification;
    const keysOnlyArn = await latestStreamArn(ddb.client, keysOnlyTable);
    expect(await latestStreamArn(ddb.client, plainTable)).toBeUndefined();

    await ensureTable(ddb.client, plainTable);
    await ensureTable(ddb.client, keysOnlyTable);
    const arn = await latestStreamArn(ddb.client, plainTable);
    await ensureTable(ddb.client, plainTable);

    expect(await streamOf(plainTable)).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(await streamOf(keysOnlyTable)).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(arn).toMatch(/^arn:aws:dynamodb:.*:table\/reactor-test-\d+\/stream\//);
    expect(await latestStreamArn(ddb.client, plainTable)).toBe(arn);
    expect(await latestStreamArn(ddb.client, keysOnlyTable)).not.toBe(keysOnlyArn);
    expect(await streamOf(tableName)).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  });
});

describe('StreamReactor across DynamoDB Local restarts (persistent data folder)', () => {
  let ddbDir: string;
  let reactorDir: string;
  let port: number;
  let ddb: LocalDynamo | undefined;
  const tableName = 'reactor-restart';
  const reactors: StreamReactor[] = [];

  beforeEach(async () => {
    ddbDir = mkdtempSync(join(tmpdir(), 'stream-reactor-ddb-'));
    reactorDir = mkdtempSync(join(tmpdir(), 'stream-reactor-'));
    port = await freePort();
    ddb = await startDynamoDbLocal({ port, dataDir: ddbDir });
    await ensureTable(ddb.client, tableName);
  });
  afterEach(async () => {
    await Promise.all(reactors.splice(0).map((r) => r.stop()));
    await ddb?.stop();
    rmSync(ddbDir, { recursive: true, force: true });
    rmSync(reactorDir, { recursive: true, force: true });
  });

  async function restartDynamo() {
    await ddb?.stop();
    ddb = undefined;
    ddb = await startDynamoDbLocal({ port, dataDir: ddbDir });
  }
  async function put(...items: Record<string, unknown>[]) {
    const doc = DynamoDBDocumentClient.from(ddb!.client);
    for (const Item of items) await doc.send(new PutCommand({ TableName: tableName, Item }));
  }
  function aReactor(handler: StreamReactorOptions['handler']) {
    const endpoint = `http://127.0.0.1:${port}`;
    const reactor = new StreamReactor({
      endpoint,
      region: REGION,
      tableName,
      dynamo: newDynamoClient(endpoint),
      dataDir: reactorDir,
      filter: isEvent,
      handler,
    });
    reactors.push(reactor);
    return reactor;
  }

  it('keeps the stream ARN: a new reactor resumes after its checkpoint, no record twice', async () => {
    await put(anEvent('7', 1), anEvent('7', 2));
    const before = recordingHandler();
    const first = aReactor(before.handler);
    await first.drain();
    const arnBefore = first.status().streamArn;
    await first.stop();

    await restartDynamo();
    await put(anEvent('7', 3));
    const after = recordingHandler();
    const second = aReactor(after.handler);
    await second.drain();

    expect(arnBefore).toEqual(expect.any(String));
    expect(await latestStreamArn(ddb!.client, tableName)).toBe(arnBefore);
    expect(before.deliveredSks()).toEqual(['EVENT#0001', 'EVENT#0002']);
    expect(after.deliveredSks()).toEqual(['EVENT#0003']);
  });

  it('is down while DynamoDB Local is, without rejecting, and reads on when it is back', async () => {
    await put(anEvent('7', 1));
    const seen = recordingHandler();
    const reactor = aReactor(seen.handler);
    await reactor.drain();
    await ddb!.stop();
    ddb = undefined;

    reactor.noteWrite();
    await reactor.drain();
    const down = reactor.status();
    await reactor.drain(); // still dirty: tries again, still down

    ddb = await startDynamoDbLocal({ port, dataDir: ddbDir });
    await put(anEvent('7', 2));
    await reactor.drain();

    expect(down.status).toBe('down');
    expect(down.detail).toMatch(/ECONNREFUSED|connect/i);
    expect(reactor.status()).toMatchObject({ status: 'up', processed: 2 });
    expect(reactor.status().detail).toBeUndefined();
    expect(seen.deliveredSks()).toEqual(['EVENT#0001', 'EVENT#0002']);
  });
});

describe('StreamReactor shard lineage (Streams API mocked: DynamoDB Local keeps one shard per stream)', () => {
  const STREAM = 'arn:aws:dynamodb:eu-west-1:123456789012:table/hotline/stream/2030-01-01T00:00:00.000';
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'stream-reactor-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  function aStreamRecord(sequenceNumber: string, sk: string) {
    const Keys = { pk: { S: 'COMPLAINT#7' }, sk: { S: sk } };
    return {
      eventID: `id-${sequenceNumber}`,
      eventName: 'INSERT' as const,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2030-01-15T10:00:00Z'),
        Keys,
        NewImage: { ...Keys, entity: { S: 'event' } },
        SequenceNumber: sequenceNumber,
        SizeBytes: 40,
        StreamViewType: 'NEW_IMAGE' as const,
      },
    };
  }

  /** A stream whose parent shard is closed (two records left) and whose child has one record. */
  function lineageStream() {
    const dynamo = newDynamoClient('http://127.0.0.1:9');
    const streams = newStreamsClient('http://127.0.0.1:9');
    mockClient(dynamo)
      .on(DescribeTableCommand)
      .resolves({ Table: { LatestStreamArn: STREAM } });
    const mock = mockClient(streams);
    mock.on(DescribeStreamCommand).resolves({
      StreamDescription: {
        StreamArn: STREAM,
        Shards: [
          { ShardId: 'shard-child', ParentShardId: 'shard-parent' },
          {
            ShardId: 'shard-parent',
            SequenceNumberRange: { StartingSequenceNumber: '100', EndingSequenceNumber: '200' },
          },
        ],
      },
    });
    mock
      .on(GetShardIteratorCommand)
      .callsFake(async (input) => ({ ShardIterator: `${input.ShardId}@${input.SequenceNumber ?? 'start'}` }));
    mock
      .on(GetRecordsCommand, { ShardIterator: 'shard-parent@start' })
      .resolves({ Records: [aStreamRecord('100', 'EVENT#0001'), aStreamRecord('200', 'EVENT#0002')] });
    mock
      .on(GetRecordsCommand, { ShardIterator: 'shard-child@start' })
      .resolves({ Records: [aStreamRecord('300', 'EVENT#0003')], NextShardIterator: 'shard-child@300' });
    mock
      .on(GetRecordsCommand, { ShardIterator: 'shard-child@300' })
      .resolves({ Records: [], NextShardIterator: 'shard-child@300' });
    return { dynamo, streams, mock };
  }

  it('reads a parent shard to its end before its child, and remembers the finished parent', async () => {
    const first = lineageStream();
    const seen = recordingHandler();
    const options = { endpoint: 'http://127.0.0.1:9', region: REGION, tableName: 'hotline', dataDir };
    await new StreamReactor({ ...options, ...first, handler: seen.handler }).drain();

    expect(seen.deliveredSks()).toEqual(['EVENT#0001', 'EVENT#0002', 'EVENT#0003']);
    expect(seen.records()[0]).toMatchObject({ eventSourceARN: STREAM, awsRegion: REGION });
    expect(seen.records()[0]!.dynamodb!.ApproximateCreationDateTime).toBe(
      Date.parse('2030-01-15T10:00:00Z') / 1000,
    );
    const iterators = first.mock.commandCalls(GetShardIteratorCommand).map((c) => c.args[0].input);
    expect(iterators).toEqual([
      { StreamArn: STREAM, ShardId: 'shard-parent', ShardIteratorType: 'TRIM_HORIZON' },
      { StreamArn: STREAM, ShardId: 'shard-child', ShardIteratorType: 'TRIM_HORIZON' },
    ]);
    expect(existsSync(join(dataDir, 'reactor-checkpoint.json'))).toBe(true);

    const again = lineageStream();
    const later = recordingHandler();
    await new StreamReactor({ ...options, ...again, handler: later.handler }).drain();
    expect(later.deliveredSks()).toEqual([]);
    expect(again.mock.commandCalls(GetShardIteratorCommand).map((c) => c.args[0].input)).toEqual([
      {
        StreamArn: STREAM,
        ShardId: 'shard-child',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: '300',
      },
    ]);
  });
});
