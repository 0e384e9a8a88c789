import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { GuessWindow } from '#shared/domain/status-guesses';
import type { StatusGuesses } from '#shared/ports/status-guesses';
import { isConditionFailed } from './dynamo-transactions';

/**
 * Items (single table):
 *   STATUSGUESS#<ticketId> / WINDOW   { wrong, windowEndsAt, expiresAt }   TTL removes it after its window
 * An open window is counted up with an atomic ADD conditioned on the window still running; a missing or
 * ended window is replaced by a conditional put. Two instances racing on the same guess both count.
 */
const key = (ticketId: string) => ({ pk: `STATUSGUESS#${ticketId}`, sk: 'WINDOW' });

export class DynamoStatusGuesses implements StatusGuesses {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(ticketId: string, now: string): Promise<GuessWindow | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key(ticketId), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item || typeof item.windowEndsAt !== 'string' || item.windowEndsAt <= now) return undefined;
    return { wrong: Number(item.wrong ?? 0), windowEndsAt: item.windowEndsAt };
  }

  async recordWrong(ticketId: string, now: string, windowMinutes: number): Promise<GuessWindow> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const out = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key(ticketId),
            UpdateExpression: 'ADD wrong :one',
            ConditionExpression: 'windowEndsAt > :now',
            ExpressionAttributeValues: { ':one': 1, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return {
          wrong: Number(out.Attributes?.wrong ?? 1),
          windowEndsAt: String(out.Attributes?.windowEndsAt),
        };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      const windowEndsAt = new Date(Date.parse(now) + windowMinutes * 60_000).toISOString();
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key(ticketId),
              entity: 'statusGuesses',
              wrong: 1,
              windowEndsAt,
              expiresAt: Math.floor(Date.parse(windowEndsAt) / 1000) + 3600,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR windowEndsAt <= :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return { wrong: 1, windowEndsAt };
      } catch (error) {
        // Another instance opened the window meanwhile: count this guess in it.
        if (!isConditionFailed(error)) throw error;
      }
    }
    throw new Error('Could not count a wrong status guess');
  }
}
