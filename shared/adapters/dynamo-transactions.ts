import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** The most items one TransactWriteItems may hold. */
export const MAX_TRANSACTION_ITEMS = 100;

/** Each action's cancellation code when a transaction was cancelled; undefined for any other error. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (
    error instanceof TransactionCanceledException ||
    (error as Error)?.name === 'TransactionCanceledException'
  ) {
    return ((error as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  }
  return undefined;
}

/** A single write's condition did not hold (someone else was first, or the item is not in that state). */
export function isConditionFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error | undefined)?.name === 'ConditionalCheckFailedException'
  );
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends a transaction, retrying with back-off while it only collides with another transaction on the same
 * items (a hot counter); any other cancellation or error is the caller's.
 */
export async function transactWrite(
  client: DynamoDBDocumentClient,
  items: readonly TransactItem[],
): Promise<void> {
  const command = new TransactWriteCommand({ TransactItems: [...items] });
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(command);
      return;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes?.includes('TransactionConflict') || codes.includes('ConditionalCheckFailed') || attempt >= 8)
        throw error;
      await pause(Math.min(500, 20 * 2 ** attempt));
    }
  }
}

/**
 * Writes new items in one transaction, each only where its key is not stored yet, together with `also`
 * (e.g. the counters they move): all or nothing. `some_exist` when any key is already stored (then nothing
 * is written and the caller goes item by item). Items plus `also` must fit one transaction.
 */
export async function putAllIfAbsent(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  also: readonly TransactItem[] = [],
): Promise<'written' | 'some_exist'> {
  if (items.length + also.length > MAX_TRANSACTION_ITEMS)
    throw new RangeError(`One transaction holds at most ${MAX_TRANSACTION_ITEMS} items`);
  if (items.length === 0) return 'written';
  try {
    await transactWrite(client, [
      ...items.map((Item) => ({
        Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
      })),
      ...also,
    ]);
    return 'written';
  } catch (error) {
    if (cancellationCodes(error)?.slice(0, items.length).includes('ConditionalCheckFailed'))
      return 'some_exist';
    throw error;
  }
}

/**
 * Writes every put/delete request with BatchWriteItem, 25 at a time, sending again with back-off whatever
 * DynamoDB left unprocessed (throttling), until all are written.
 */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  writes: readonly Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < writes.length; i += 25) {
    let requests: Record<string, unknown>[] = writes.slice(i, i + 25);
    for (let attempt = 0; requests.length > 0; attempt++) {
      const res = await client.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }),
      );
      requests = (res.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
      if (requests.length > 0) await pause(Math.min(1000, 50 * 2 ** attempt));
    }
  }
}
