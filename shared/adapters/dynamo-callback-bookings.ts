import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CallJob } from '#shared/domain/call-job';
import { isOpenCallback, openCallbackKey } from '#shared/domain/callback-request';
import { ConflictError } from '#shared/domain/errors';
import type { TicketEvent } from '#shared/domain/ticket';
import type { CallJobStore } from '#shared/ports/call-jobs';
import type { CallbackBooking, CallbackBookings } from '#shared/ports/callback-bookings';
import type { IdempotencyRecord } from '#shared/ports/ticket-store';
import { callJobItem } from './dynamo-call-jobs';
import { eventItem } from './dynamo-ticket-store';
import { cancellationCodes, isConditionFailed, transactWrite } from './dynamo-transactions';
import { ttlAttribute } from './table-schema';

/**
 * Items (single table):
 *   CALLBACK#OPEN#<priority>#<e164> / CALLBACK   the number's open callback (jobId); replaced once that job
 *                                                has ended, destroyed by TTL after the retention period
 *   IDEMPOTENCY#callbacks:<user>:<key> / IDEMPOTENCY   the job a keyed request booked or joined, for a day
 *   INBOUNDCONTACT#<contactId> / CALLBACK        the callback held for a call, and the call's end
 */
const openKey = (job: Pick<CallJob, 'phone' | 'priority'>) => ({
  pk: `CALLBACK#OPEN#${openCallbackKey(job.phone, job.priority)}`,
  sk: 'CALLBACK',
});
const idempotencyKey = (key: string) => ({ pk: `IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' });
const heldKey = (contactId: string) => ({ pk: `INBOUNDCONTACT#${contactId}`, sk: 'CALLBACK' });
const HELD_RETENTION_DAYS = 3;
const epochSeconds = (iso: string, plusDays: number) =>
  Math.floor(Date.parse(iso) / 1000 + plusDays * 86_400);

export class DynamoCallbackBookings implements CallbackBookings {
  constructor(
    private readonly options: {
      client: DynamoDBDocumentClient;
      tableName: string;
      callJobs: CallJobStore;
      idempotencyDays: number;
      retentionDays: number;
    },
  ) {}

  private get table(): string {
    return this.options.tableName;
  }

  private async read(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const out = await this.options.client.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  }

  private idempotencyItem(record: IdempotencyRecord, job: CallJob, joined: boolean) {
    return {
      ...idempotencyKey(record.key),
      entity: 'idempotency',
      jobId: job.id,
      joined,
      fingerprint: record.fingerprint,
      [ttlAttribute]: epochSeconds(job.createdAt, this.options.idempotencyDays),
    };
  }

  async book(
    job: CallJob,
    options: { idempotency?: IdempotencyRecord; ticketEvent?: TicketEvent } = {},
  ): Promise<CallbackBooking> {
    const { idempotency, ticketEvent } = options;
    let hold = job.heldForContact !== undefined;
    let callEndedAt: string | undefined;
    // Each round reads, then writes on conditions; a lost race (another request for the number or key) reads again.
    for (let round = 0; round < 5; round++) {
      if (idempotency) {
        const prior = await this.read(idempotencyKey(idempotency.key));
        if (prior) {
          return {
            kind: 'replayed',
            jobId: String(prior.jobId),
            joined: prior.joined === true,
            fingerprint: String(prior.fingerprint),
          };
        }
      }
      const marker = await this.read(openKey(job));
      const open = marker ? await this.options.callJobs.get(String(marker.jobId)) : undefined;
      if (open && isOpenCallback(open)) {
        if (!idempotency) return { kind: 'joined', job: open };
        try {
          await this.options.client.send(
            new PutCommand({
              TableName: this.table,
              Item: this.idempotencyItem(idempotency, open, true),
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return { kind: 'joined', job: open };
        } catch (error) {
          if (isConditionFailed(error)) continue;
          throw error;
        }
      }
      const items = [
        {
          Put: {
            TableName: this.table,
            Item: callJobItem(job, this.options.retentionDays),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: {
              ...openKey(job),
              entity: 'openCallback',
              jobId: job.id,
              [ttlAttribute]: epochSeconds(job.createdAt, this.options.retentionDays),
            },
            // Free, or still naming the job read above, which has ended.
            ConditionExpression: marker ? 'jobId = :ended' : 'attribute_not_exists(pk)',
            ...(marker ? { ExpressionAttributeValues: { ':ended': String(marker.jobId) } } : {}),
          },
        },
        ...(idempotency
          ? [
              {
                Put: {
                  TableName: this.table,
                  Item: this.idempotencyItem(idempotency, job, false),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ]
          : []),
        ...(hold && job.heldForContact
          ? [
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    ...heldKey(job.heldForContact),
                    entity: 'heldCallback',
                    jobId: job.id,
                    [ttlAttribute]: epochSeconds(job.createdAt, HELD_RETENTION_DAYS),
                  },
                  // Fails when the call's end is already recorded: then the job is released at once.
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ]
          : []),
        // The complaint's event with its job: the job's id keeps the event's key unique.
        ...(ticketEvent ? [{ Put: { TableName: this.table, Item: eventItem(ticketEvent, job.id) } }] : []),
      ];
      try {
        await transactWrite(this.options.client, items);
        return { kind: 'booked', job, ...(callEndedAt ? { callEndedAt } : {}) };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === 'ConditionalCheckFailed')
          throw new ConflictError(`Call job ${job.id} already exists`);
        const holdAt = idempotency ? 3 : 2;
        if (hold && codes[holdAt] === 'ConditionalCheckFailed' && job.heldForContact) {
          const ended = await this.read(heldKey(job.heldForContact));
          if (typeof ended?.endedAt === 'string') {
            hold = false;
            callEndedAt = ended.endedAt;
          }
        }
        if (!codes.includes('ConditionalCheckFailed') && !codes.includes('TransactionConflict')) throw error;
      }
    }
    throw new ConflictError(`Callbacks for this number are being booked at this moment; try again`, 'phone');
  }

  private heldItem(job: CallJob, contactId: string) {
    return {
      ...heldKey(contactId),
      entity: 'heldCallback',
      jobId: job.id,
      [ttlAttribute]: epochSeconds(job.updatedAt, HELD_RETENTION_DAYS),
    };
  }

  async holdFor(held: CallJob, expectedVersion: number): Promise<'held' | 'call_ended' | 'stale'> {
    if (!held.heldForContact) return 'stale';
    try {
      await transactWrite(this.options.client, [
        {
          Put: {
            TableName: this.table,
            Item: callJobItem(held, this.options.retentionDays),
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: this.heldItem(held, held.heldForContact),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      return 'held';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'stale';
      if (codes?.[1] === 'ConditionalCheckFailed') return 'call_ended';
      throw error;
    }
  }

  async callEnded(contactId: string, at: string): Promise<string | undefined> {
    const out = await this.options.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: heldKey(contactId),
        UpdateExpression:
          'SET entity = if_not_exists(entity, :entity), endedAt = :at, #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#ttl': ttlAttribute },
        ExpressionAttributeValues: {
          ':entity': 'heldCallback',
          ':at': at,
          ':ttl': epochSeconds(at, HELD_RETENTION_DAYS),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const jobId = out.Attributes?.jobId;
    return typeof jobId === 'string' ? jobId : undefined;
  }
}
