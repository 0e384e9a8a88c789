import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type BlockEntry, CALL_LOG_RETENTION_DAYS } from '#shared/domain/caller-screening';
import type { CallerRegistry, LoggedCall, RepeatCallerFlag } from '#shared/ports/caller-registry';
import type { Page } from '#shared/ports/ticket-store';
import { decodeCursor, encodeCursor } from './cursor';
import { isConditionFailed } from './dynamo-transactions';

/**
 * Items (single table):
 *   CALLER#<e164> / BLOCK                   the block-list entry; gsi1 BLOCKED_CALLER / <blockedAt>#<e164>
 *   CALLER#<e164> / CALL#<at>#<contactId>   one logged inbound call, destroyed by TTL after retention
 *   CALLER#<e164> / FLAG                    the repeat-caller flag; gsi1 REPEAT_CALLER / <flaggedAt>#<e164>
 *   INBOUNDCONTACT#<contactId> / CALLER     the caller's number of a contact (badLineAt once its callback is
 *                                           claimed), destroyed by TTL after a few days
 */
const contactKey = (contactId: string) => ({ pk: `INBOUNDCONTACT#${contactId}`, sk: 'CALLER' });
const CONTACT_RETENTION_DAYS = 3;
const callerPk = (phone: string) => `CALLER#${phone}`;
const FLAG_PARTITION = 'REPEAT_CALLER';
const BLOCK_PARTITION = 'BLOCKED_CALLER';

export class DynamoCallerRegistry implements CallerRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async blockEntry(phone: string): Promise<BlockEntry | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: callerPk(phone), sk: 'BLOCK' } }),
    );
    return out.Item?.entry as BlockEntry | undefined;
  }

  async block(entry: BlockEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: callerPk(entry.phone),
          sk: 'BLOCK',
          entity: 'blockEntry',
          entry,
          gsi1pk: BLOCK_PARTITION,
          gsi1sk: `${entry.blockedAt}#${entry.phone}`,
        },
      }),
    );
  }

  async unblock(phone: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: callerPk(phone), sk: 'BLOCK' } }),
    );
  }

  async listBlocked(page: { limit: number; cursor?: string }): Promise<Page<BlockEntry>> {
    const start = decodeCursor(page.cursor);
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': BLOCK_PARTITION },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const nextCursor = encodeCursor(out.LastEvaluatedKey);
    return {
      items: (out.Items ?? []).map((item) => item.entry as BlockEntry),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async logCall(call: LoggedCall, since: string): Promise<{ recentCalls: number; lastFlaggedAt?: string }> {
    const expiresAt = Math.floor(Date.parse(call.at) / 1000) + CALL_LOG_RETENTION_DAYS * 86_400;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: callerPk(call.phone),
          sk: `CALL#${call.at}#${call.contactId}`,
          entity: 'loggedCall',
          call,
          expiresAt,
        },
      }),
    );
    await this.client
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...contactKey(call.contactId),
            entity: 'inboundContact',
            phone: call.phone,
            at: call.at,
            expiresAt: Math.floor(Date.parse(call.at) / 1000) + CONTACT_RETENTION_DAYS * 86_400,
          },
          // A retried lookup must not undo a claimed callback.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailed(error)) throw error;
      });
    // One query reads the recent calls and the flag: both sort after "CALL#<since>".
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND #sk >= :from',
        ExpressionAttributeValues: { ':pk': callerPk(call.phone), ':from': `CALL#${since}` },
        ProjectionExpression: '#sk, #flag',
        ExpressionAttributeNames: { '#sk': 'sk', '#flag': 'flag' },
      }),
    );
    const items = out.Items ?? [];
    const contacts = new Set(
      items
        .map((item) => String(item.sk))
        .filter((sk) => sk.startsWith('CALL#'))
        .map((sk) => sk.slice(sk.lastIndexOf('#') + 1)),
    );
    const flag = items.find((item) => item.sk === 'FLAG')?.flag as RepeatCallerFlag | undefined;
    return { recentCalls: contacts.size, ...(flag ? { lastFlaggedAt: flag.flaggedAt } : {}) };
  }

  async flagRepeatCaller(flag: RepeatCallerFlag): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: callerPk(flag.phone),
          sk: 'FLAG',
          entity: 'repeatCallerFlag',
          flag,
          gsi1pk: FLAG_PARTITION,
          gsi1sk: `${flag.flaggedAt}#${flag.phone}`,
        },
      }),
    );
  }

  async repeatCallerFlags(since: string, limit: number): Promise<RepeatCallerFlag[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
        ExpressionAttributeValues: { ':pk': FLAG_PARTITION, ':since': since },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => item.flag as RepeatCallerFlag);
  }

  async claimBadLineCallback(contactId: string, at: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: contactKey(contactId),
          UpdateExpression: 'SET badLineAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(badLineAt)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return typeof out.Attributes?.phone === 'string' ? out.Attributes.phone : undefined;
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
  }

  async releaseBadLineCallback(contactId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: contactKey(contactId),
        UpdateExpression: 'REMOVE badLineAt',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }
}
