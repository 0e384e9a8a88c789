import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
/**
 * The desk's event log lives in the one table: every item with `entity: 'event'` is an event, whatever it
 * belongs to (a complaint, a broadcast), and its `eventKey` names its reactions (shared/reactions/registry.ts).
 * The table's stream delivers these items to the reactor; the event source mapping filters on `entity`.
 */
export const DESK_EVENT_ENTITY = 'event';

/** The attributes that make an item an entry of the event log. */
export function deskEventMark(eventKey: string): { entity: typeof DESK_EVENT_ENTITY; eventKey: string } {
  return { entity: DESK_EVENT_ENTITY, eventKey };
}

/** An event-log item as the stream delivers it (its new image, unmarshalled). */
export interface StoredDeskEvent {
  /** Unique per event: its item key. */
  readonly id: string;
  readonly eventKey: string;
  readonly event: Readonly<Record<string, unknown>>;
  readonly item: Readonly<Record<string, unknown>>;
}

/** The event in an item's image, or undefined when the item is not an event-log entry. */
export function storedDeskEvent(image: Readonly<Record<string, unknown>>): StoredDeskEvent | undefined {
  if (image.entity !== DESK_EVENT_ENTITY) return undefined;
  const event = image.event;
  if (!event || typeof event !== 'object') return undefined;
  const type = (event as { type?: unknown }).type;
  // Ticket events saved before event keys existed name their key by their type.
  const eventKey =
    typeof image.eventKey === 'string'
      ? image.eventKey
      : typeof type === 'string'
        ? `ticket.${type}`
        : undefined;
  if (!eventKey) return undefined;
  return {
    id: `${String(image.pk)}|${String(image.sk)}`,
    eventKey,
    event: event as Record<string, unknown>,
    item: image,
  };
}

/** Set on an event item whose event was rewritten in place (retention): the reactor ignores that change. */
export const REWRITTEN_ATTRIBUTE = 'rewrittenAt';

/**
 * Overwrites in place the `event` of every event item (sk EVENT#...) of one partition that `rewrite` changes.
 * Only the event attribute changes: the item stays the same event (the reactor reacts to new items only).
 */
export async function rewriteEventItems(
  client: DynamoDBDocumentClient,
  table: string,
  pk: string,
  rewrite: (item: Record<string, unknown>) => unknown,
): Promise<number> {
  let rewritten = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'EVENT#' },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const event = rewrite(item);
      if (event === undefined) continue;
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET #event = :event, #rewritten = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#event': 'event', '#rewritten': REWRITTEN_ATTRIBUTE },
          ExpressionAttributeValues: { ':event': event, ':now': new Date().toISOString() },
        }),
      );
      rewritten++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rewritten;
}
