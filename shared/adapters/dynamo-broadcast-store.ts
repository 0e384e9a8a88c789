import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Broadcast, Recipient } from '#shared/domain/broadcast';
import type { BroadcastStore, BroadcastView } from '#shared/ports/broadcast-store';
import type { Page } from '#shared/ports/ticket-store';
import { decodeCursor, encodeCursor } from './cursor';

const partition = (id: string) => `BROADCAST#${id}`;
const broadcastKey = (id: string) => ({ pk: partition(id), sk: 'BROADCAST' });
const recipientKey = (id: string, account: string) => ({ pk: partition(id), sk: `RECIPIENT#${account}` });
const ALL_BROADCASTS = 'BROADCASTS';

function toView(item: Record<string, unknown>): BroadcastView {
  return { ...(item.broadcast as Broadcast), counts: (item.counts as BroadcastView['counts']) ?? {} };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A broadcast and its recipients share one partition; the broadcast item carries live counters per
 * recipient state, moved in the same transaction as each recipient change, so progress is one read.
 */
export class DynamoBroadcastStore implements BroadcastStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  private get client() {
    return this.options.client;
  }

  private get table() {
    return this.options.tableName;
  }

  async create(broadcast: Broadcast): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...broadcastKey(broadcast.id),
          entity: 'broadcast',
          version: broadcast.version,
          broadcast,
          counts: {},
          gsi1pk: ALL_BROADCASTS,
          gsi1sk: `${broadcast.createdAt}#${broadcast.id}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<BroadcastView | undefined> {
    const res = await this.client.send(
      new GetCommand({ TableName: this.table, Key: broadcastKey(id), ConsistentRead: true }),
    );
    return res.Item ? toView(res.Item) : undefined;
  }

  async save(broadcast: Broadcast, expectedVersion: number): Promise<boolean> {
    try {
      // An update, not a put: the counters on the item belong to the recipients' transactions.
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: broadcastKey(broadcast.id),
          UpdateExpression: 'SET broadcast = :b, version = :next',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':b': broadcast, ':next': broadcast.version, ':v': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(page: { limit: number; cursor?: string }): Promise<Page<BroadcastView>> {
    const start = decodeCursor(page.cursor);
    const res = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': ALL_BROADCASTS },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const nextCursor = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map(toView), ...(nextCursor ? { nextCursor } : {}) };
  }

  async addRecipients(recipients: readonly Recipient[]): Promise<number> {
    let added = 0;
    // Each new recipient and its counter move together; an existing one is left as it is.
    const queue = [...recipients];
    const workers = Array.from({ length: 8 }, async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        if (await this.addRecipient(r)) added++;
      }
    });
    await Promise.all(workers);
    return added;
  }

  private async addRecipient(recipient: Recipient): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    ...recipientKey(recipient.broadcastId, recipient.account),
                    entity: 'recipient',
                    version: recipient.version,
                    recipient,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: this.table,
                  Key: broadcastKey(recipient.broadcastId),
                  UpdateExpression: 'SET counts.#s = if_not_exists(counts.#s, :zero) + :one',
                  ExpressionAttributeNames: { '#s': recipient.state },
                  ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
        if (attempt >= 8) throw error;
        await pause(Math.min(500, 20 * 2 ** attempt));
      }
    }
  }

  async recipient(broadcastId: string, account: string): Promise<Recipient | undefined> {
    const res = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: recipientKey(broadcastId, account),
        ConsistentRead: true,
      }),
    );
    return res.Item?.recipient as Recipient | undefined;
  }

  async recipients(broadcastId: string, page: { limit: number; cursor?: string }): Promise<Page<Recipient>> {
    const start = decodeCursor(page.cursor);
    const res = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
        ExpressionAttributeValues: { ':p': partition(broadcastId), ':r': 'RECIPIENT#' },
        Limit: page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const nextCursor = encodeCursor(res.LastEvaluatedKey);
    return {
      items: (res.Items ?? []).map((i) => i.recipient as Recipient),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async allRecipients(broadcastId: string): Promise<Recipient[]> {
    const all: Recipient[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
          ExpressionAttributeValues: { ':p': partition(broadcastId), ':r': 'RECIPIENT#' },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of res.Items ?? []) all.push(item.recipient as Recipient);
      start = res.LastEvaluatedKey;
    } while (start);
    return all;
  }

  async updateRecipient(previous: Recipient, next: Recipient): Promise<boolean> {
    const moved = previous.state !== next.state;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...recipientKey(next.broadcastId, next.account),
                  entity: 'recipient',
                  version: next.version,
                  recipient: next,
                },
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': previous.version },
              },
            },
            ...(moved
              ? [
                  {
                    Update: {
                      TableName: this.table,
                      Key: broadcastKey(next.broadcastId),
                      UpdateExpression:
                        'SET counts.#from = counts.#from - :one, counts.#to = if_not_exists(counts.#to, :zero) + :one',
                      ExpressionAttributeNames: { '#from': previous.state, '#to': next.state },
                      ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      }
      throw error;
    }
  }
}
