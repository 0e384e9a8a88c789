import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AccessLog, PersonalDataRead } from '#shared/ports/access-log';
import type { Page } from '#shared/ports/ticket-store';
import { decodeCursor, encodeCursor } from './cursor';
import { ttlAttribute } from './table-schema';

/**
 * The access log of personal data reads, in the one table:
 *   AUDIT#READS / <at>#<uuid>   { read }   newest first by sort key; TTL after the log's retention period
 */
const READS = 'AUDIT#READS';

export class DynamoAccessLog implements AccessLog {
  constructor(
    private readonly options: {
      readonly client: DynamoDBDocumentClient;
      readonly tableName: string;
      readonly retentionDays: number;
    },
  ) {}

  async recordRead(read: PersonalDataRead): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          pk: READS,
          sk: `${read.at}#${randomUUID()}`,
          entity: 'personal-data-read',
          read,
          [ttlAttribute]: Math.floor(Date.parse(read.at) / 1000 + this.options.retentionDays * 86_400),
        },
      }),
    );
  }

  async reads(page: { limit: number; cursor?: string }): Promise<Page<PersonalDataRead>> {
    const start = decodeCursor(page.cursor);
    const res = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': READS },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const nextCursor = encodeCursor(res.LastEvaluatedKey);
    return {
      items: (res.Items ?? []).map((item) => item.read as PersonalDataRead),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }
}
