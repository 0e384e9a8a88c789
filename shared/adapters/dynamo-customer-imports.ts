import { gunzipSync, gzipSync } from 'node:zlib';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CustomerInput } from '#shared/domain/customer';
import type { ImportCounts, ImportEvent, ImportJob } from '#shared/domain/customer-import-job';
import type { CustomerImportStore } from '#shared/ports/customer-imports';
import { batchWriteAll, cancellationCodes, isConditionFailed } from './dynamo-transactions';
import { deskEventMark } from './event-items';
import { ttlAttribute } from './table-schema';

/**
 * Items (single table), one partition per job `IMPORT#<id>`: `JOB` (the job), `CHUNK#<n>` (customers to save,
 * expiring after a few days: a copy of personal data kept no longer than the save needs) and `EVENT#...`
 * (its events: `QUEUED`, `PROGRESS#<next>`, `FINISHED`, each written once).
 */
const partition = (id: string) => `IMPORT#${id}`;
const chunkKey = (id: string, n: number) => ({
  pk: partition(id),
  sk: `CHUNK#${String(n).padStart(6, '0')}`,
});
const jobKey = (id: string) => ({ pk: partition(id), sk: 'JOB' });
const CHUNK_DAYS = 3;
const JOB_DAYS = 90;

function eventSk(event: ImportEvent): string {
  if (event.type === 'progressed') return `EVENT#PROGRESS#${String(event.data.next).padStart(6, '0')}`;
  return `EVENT#${event.type.toUpperCase()}`;
}

function eventItem(event: ImportEvent): Record<string, unknown> {
  return {
    pk: partition(event.importId),
    sk: eventSk(event),
    ...deskEventMark(`customerImport.${event.type}`),
    event,
  };
}

const expires = (at: string, days: number) => ({
  [ttlAttribute]: Math.floor(Date.parse(at) / 1000 + days * 86_400),
});

export class DynamoCustomerImportStore implements CustomerImportStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  private get client() {
    return this.options.client;
  }

  private get table() {
    return this.options.tableName;
  }

  private jobItem(job: ImportJob): Record<string, unknown> {
    return {
      ...jobKey(job.id),
      entity: 'customer-import',
      version: job.version,
      job,
      ...expires(job.queuedAt, JOB_DAYS),
    };
  }

  async create(
    job: ImportJob,
    chunks: readonly (readonly CustomerInput[])[],
    event: ImportEvent,
  ): Promise<void> {
    const items = chunks.map((customers, n) => ({
      ...chunkKey(job.id, n),
      entity: 'customer-import-chunk',
      // One opaque compressed value: DynamoDB reads and writes it far faster than a list of maps.
      customers: gzipSync(JSON.stringify(customers)),
      ...expires(job.queuedAt, CHUNK_DAYS),
    }));
    await batchWriteAll(
      this.client,
      this.table,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: this.jobItem(job),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: this.table, Item: eventItem(event) } },
        ],
      }),
    );
  }

  async get(id: string): Promise<ImportJob | undefined> {
    const res = await this.client.send(
      new GetCommand({ TableName: this.table, Key: jobKey(id), ConsistentRead: true }),
    );
    return res.Item?.job as ImportJob | undefined;
  }

  async chunk(id: string, n: number): Promise<{ customers: CustomerInput[]; counts?: ImportCounts }> {
    const res = await this.client.send(
      new GetCommand({ TableName: this.table, Key: chunkKey(id, n), ConsistentRead: true }),
    );
    if (!res.Item) throw new Error(`Chunk ${n} of import ${id} is missing`);
    return {
      customers: JSON.parse(gunzipSync(res.Item.customers as Uint8Array).toString('utf8')) as CustomerInput[],
      ...(res.Item.counts ? { counts: res.Item.counts as ImportCounts } : {}),
    };
  }

  async recordChunkCounts(id: string, n: number, counts: ImportCounts): Promise<ImportCounts> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: chunkKey(id, n),
          UpdateExpression: 'SET #c = :c',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#c)',
          ExpressionAttributeNames: { '#c': 'counts' },
          ExpressionAttributeValues: { ':c': counts },
        }),
      );
      return counts;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const stored = (await this.chunk(id, n)).counts;
      if (!stored) throw error;
      return stored;
    }
  }

  async advance(next: ImportJob, expectedVersion: number, event?: ImportEvent): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: this.jobItem(next),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': expectedVersion },
              },
            },
            ...(event ? [{ Put: { TableName: this.table, Item: eventItem(event) } }] : []),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async appendProgress(event: ImportEvent): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: eventItem(event),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // The slice ran before (a retry after a crash): its event is there already.
      if (!isConditionFailed(error)) throw error;
    }
  }
}
