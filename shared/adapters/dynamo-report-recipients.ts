import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ReportRecipient } from '#shared/domain/report-mail';
import type { ReportRecipientStore } from '#shared/ports/report-recipients';

/**
 * Items (single table):
 *   REPORT_RECIPIENT / <email>          one recipient of the scheduled report e-mails
 *   REPORT_MAIL#<deliveryKey> / MAIL    one delivery: `sending` while claimed, `sent` after; TTL after a year
 */
const RECIPIENT_PARTITION = 'REPORT_RECIPIENT';
const deliveryItemKey = (key: string) => ({ pk: `REPORT_MAIL#${key}`, sk: 'MAIL' });
const DELIVERY_RETENTION_DAYS = 400;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoReportRecipientStore implements ReportRecipientStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async list(): Promise<ReportRecipient[]> {
    const recipients: ReportRecipient[] = [];
    let start: Record<string, unknown> | undefined;
    // Bounded: a desk has a handful of managers; 10 pages of 100 is far beyond that.
    for (let page = 0; page < 10; page++) {
      const out = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': RECIPIENT_PARTITION },
          Limit: 100,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      recipients.push(...(out.Items ?? []).map((item) => item.recipient as ReportRecipient));
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    return recipients;
  }

  async get(email: string): Promise<ReportRecipient | undefined> {
    const out = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { pk: RECIPIENT_PARTITION, sk: email.toLowerCase() },
      }),
    );
    return out.Item?.recipient as ReportRecipient | undefined;
  }

  async put(recipient: ReportRecipient): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { pk: RECIPIENT_PARTITION, sk: recipient.email, entity: 'reportRecipient', recipient },
      }),
    );
  }

  async remove(email: string): Promise<boolean> {
    const out = await this.options.client.send(
      new DeleteCommand({
        TableName: this.options.tableName,
        Key: { pk: RECIPIENT_PARTITION, sk: email.toLowerCase() },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes !== undefined;
  }

  async claimDelivery(key: string, now: string, staleBefore: string): Promise<boolean> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...deliveryItemKey(key),
            entity: 'reportMail',
            state: 'sending',
            claimedAt: now,
            expiresAt: Math.floor(Date.parse(now) / 1000) + DELIVERY_RETENTION_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :sending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending', ':stale': staleBefore },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markDelivered(key: string, now: string): Promise<void> {
    await this.options.client.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: deliveryItemKey(key),
        UpdateExpression: 'SET #state = :sent, sentAt = :now',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': now },
      }),
    );
  }

  async releaseDelivery(key: string, claimedAt: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: deliveryItemKey(key),
          ConditionExpression: '#state = :sending AND claimedAt = :claimedAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending', ':claimedAt': claimedAt },
        }),
      );
    } catch (error) {
      // Someone else's newer claim, or already sent: theirs to finish.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
