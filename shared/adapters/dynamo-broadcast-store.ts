import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Broadcast, Recipient, RecipientState } from '#shared/domain/broadcast';
import type { BroadcastEvent } from '#shared/domain/broadcast-events';
import { InvalidInputError } from '#shared/domain/errors';
import type { BroadcastStore, BroadcastView } from '#shared/ports/broadcast-store';
import type { Page } from '#shared/ports/ticket-store';
import { decodeCursor, encodeCursor } from './cursor';
import {
  cancellationCodes,
  MAX_TRANSACTION_ITEMS,
  putAllIfAbsent,
  transactWrite,
} from './dynamo-transactions';
import { deskEventMark } from './event-items';
import { customerPhoneKey, RECIPIENT_PHONE_SORT } from './table-schema';

const partition = (id: string) => `BROADCAST#${id}`;
const broadcastKey = (id: string) => ({ pk: partition(id), sk: 'BROADCAST' });
const recipientKey = (id: string, account: string) => ({ pk: partition(id), sk: `RECIPIENT#${account}` });
const ALL_BROADCASTS = 'BROADCASTS';
const fanOutKey = (id: string) => ({ pk: partition(id), sk: 'FANOUT' });

/**
 * A broadcast event's item. Its key is derived from the event, so a retried step writes the same item once:
 * `sent` once per broadcast, `fan_out_progressed` once per position reached.
 */
export function broadcastEventItem(event: BroadcastEvent): Record<string, unknown> {
  return {
    pk: partition(event.broadcastId),
    sk: broadcastEventSortKey(event),
    ...deskEventMark(`broadcast.${event.type}`),
    event,
  };
}

function broadcastEventSortKey(event: BroadcastEvent): string {
  switch (event.type) {
    case 'fan_out_progressed':
      return `EVENT#FANOUT#${String(event.data.from).padStart(9, '0')}${event.data.resumed ? `#RESUMED#${event.at}` : ''}`;
    // One request per kind (a second cancel with disregard asks nothing new); one event per slice's end.
    case 'follow_up_requested':
      return `EVENT#FOLLOWUP#${String(event.data.kind)}`;
    case 'follow_up_progressed':
      return `EVENT#FOLLOWUP#${String(event.data.kind)}#AFTER#${String(event.data.after)}`;
    default:
      return `EVENT#${event.type.toUpperCase()}`;
  }
}
/** Recipients per transaction: the rest of its hundred items is the counter update. */
const RECIPIENT_GROUP = MAX_TRANSACTION_ITEMS - 1;
/** Items read per request when recipients are filtered by state. */
const STATE_FILTER_READ = 500;

/** A recipient with a phone is also found by that number (gsi4, beside the customer it was made from). */
function recipientItem(recipient: Recipient): Record<string, unknown> {
  return {
    ...recipientKey(recipient.broadcastId, recipient.account),
    entity: 'recipient',
    version: recipient.version,
    recipient,
    ...(recipient.phone
      ? {
          gsi4pk: customerPhoneKey(recipient.phone),
          gsi4sk: `${RECIPIENT_PHONE_SORT}${recipient.broadcastId}#${recipient.account}`,
        }
      : {}),
  };
}

function toView(item: Record<string, unknown>): BroadcastView {
  return { ...(item.broadcast as Broadcast), counts: (item.counts as BroadcastView['counts']) ?? {} };
}

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

  async save(
    broadcast: Broadcast,
    expectedVersion: number,
    events: readonly BroadcastEvent[] = [],
  ): Promise<boolean> {
    if (events.length > 0) return this.saveWithEvents(broadcast, expectedVersion, events);
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

  private async saveWithEvents(
    broadcast: Broadcast,
    expectedVersion: number,
    events: readonly BroadcastEvent[],
  ): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: broadcastKey(broadcast.id),
                UpdateExpression: 'SET broadcast = :b, version = :next',
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: {
                  ':b': broadcast,
                  ':next': broadcast.version,
                  ':v': expectedVersion,
                },
              },
            },
            ...events.map((e) => ({ Put: { TableName: this.table, Item: broadcastEventItem(e) } })),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async fanOutMark(id: string): Promise<{ next: number; at?: string }> {
    const res = await this.client.send(
      new GetCommand({ TableName: this.table, Key: fanOutKey(id), ConsistentRead: true }),
    );
    return res.Item ? { next: Number(res.Item.next), at: String(res.Item.at) } : { next: 0 };
  }

  async saveFanOutMark(id: string, next: number, at: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...fanOutKey(id), entity: 'fanOutMark', next, at },
          ConditionExpression: 'attribute_not_exists(#next) OR #next <= :next',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: { ':next': next },
        }),
      );
    } catch (error) {
      // A later slice got further already: the mark stays where it is.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async appendEvent(event: BroadcastEvent): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: broadcastEventItem(event),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
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
    // New recipients and the counters they move are written together, 99 to a transaction: a first send
    // of 10,000 is about a hundred writes. A group with someone already stored (a repeated send) goes one
    // by one, leaving those as they are.
    for (let i = 0; i < recipients.length; i += RECIPIENT_GROUP) {
      const group = recipients.slice(i, i + RECIPIENT_GROUP);
      const outcome = await putAllIfAbsent(this.client, this.table, group.map(recipientItem), [
        this.countersUp(group),
      ]);
      added += outcome === 'written' ? group.length : await this.addOneByOne(group);
    }
    return added;
  }

  private async addOneByOne(recipients: readonly Recipient[]): Promise<number> {
    let added = 0;
    const queue = [...recipients];
    const workers = Array.from({ length: 8 }, async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const outcome = await putAllIfAbsent(
          this.client,
          this.table,
          [recipientItem(r)],
          [this.countersUp([r])],
        );
        if (outcome === 'written') added++;
      }
    });
    await Promise.all(workers);
    return added;
  }

  /** Adds the recipients (all of one broadcast) to the counters of their states. */
  private countersUp(recipients: readonly Recipient[]) {
    const byState = new Map<string, number>();
    for (const r of recipients) byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
    const states = [...byState];
    return {
      Update: {
        TableName: this.table,
        Key: broadcastKey((recipients[0] as Recipient).broadcastId),
        UpdateExpression: `SET ${states.map((_, k) => `counts.#s${k} = if_not_exists(counts.#s${k}, :zero) + :n${k}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(states.map(([state], k) => [`#s${k}`, state])),
        ExpressionAttributeValues: {
          ':zero': 0,
          ...Object.fromEntries(states.map(([, n], k) => [`:n${k}`, n])),
        },
      },
    };
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

  async recipients(
    broadcastId: string,
    page: { limit: number; cursor?: string },
    state?: RecipientState,
  ): Promise<Page<Recipient>> {
    let start = decodeCursor(page.cursor);
    if (start && (start.pk !== partition(broadcastId) || !String(start.sk).startsWith('RECIPIENT#')))
      throw new InvalidInputError('The cursor is not one this API returned for this broadcast', 'cursor');
    const items: Recipient[] = [];
    // A state is a filter after the read, so a read may bring fewer than asked: read on until the page is full.
    for (;;) {
      const res = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
          ExpressionAttributeValues: {
            ':p': partition(broadcastId),
            ':r': 'RECIPIENT#',
            ...(state ? { ':s': state } : {}),
          },
          ...(state
            ? { FilterExpression: 'recipient.#state = :s', ExpressionAttributeNames: { '#state': 'state' } }
            : {}),
          Limit: state ? STATE_FILTER_READ : page.limit - items.length,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const found = res.Items ?? [];
      for (const [n, item] of found.entries()) {
        items.push(item.recipient as Recipient);
        if (items.length < page.limit) continue;
        // Full: the next page starts after this item, unless it was the very last one.
        const more = n < found.length - 1 || res.LastEvaluatedKey !== undefined;
        const nextCursor = more ? encodeCursor({ pk: item.pk, sk: item.sk }) : undefined;
        return { items, ...(nextCursor ? { nextCursor } : {}) };
      }
      if (!res.LastEvaluatedKey) return { items };
      start = res.LastEvaluatedKey;
    }
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
      await transactWrite(this.client, [
        {
          Put: {
            TableName: this.table,
            Item: recipientItem(next),
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
      ]);
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }
}
