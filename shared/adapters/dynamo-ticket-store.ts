import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#shared/domain/errors';
import type { DeadlinePolicy } from '#shared/domain/severity';
import { isOpen, nextDeadline, type Ticket, type TicketEvent } from '#shared/domain/ticket';
import { FIRST_TICKET_SEQUENCE, ticketNumberFromSequence } from '#shared/domain/ticket-number';
import { isNoTimerChange, type TicketTimerChange, ticketTimerChange } from '#shared/domain/ticket-timers';
import type { Clock } from '#shared/ports/clock';
import type {
  CreateResult,
  IdempotencyRecord,
  Page,
  TicketFilter,
  TicketStore,
} from '#shared/ports/ticket-store';
import { decodeCursor, encodeCursor } from './cursor';
import { reportCounterWrites } from './dynamo-report-store';
import { cancellationCodes } from './dynamo-transactions';
import { deskEventMark, rewriteEventItems } from './event-items';
import type { GlobalIndexName } from './table-schema';

const ticketKey = (id: string) => ({ pk: `TICKET#${id}`, sk: 'TICKET' });
const idempotencyKey = (key: string) => ({ pk: `IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' });
const COUNTER_KEY = { pk: 'COUNTER#ticketNumber', sk: 'COUNTER' };
const OPEN_PARTITION = 'OPEN#TICKET';
/** Sorts after every ISO timestamp: open tickets with no running deadline come last. */
const NO_DEADLINE = '~';

export function ticketItem(ticket: Ticket): Record<string, unknown> {
  const created = `${ticket.createdAt}#${ticket.id}`;
  const next = nextDeadline(ticket);
  return {
    ...ticketKey(ticket.id),
    entity: 'ticket',
    version: ticket.version,
    ticket,
    gsi1pk: `STATUS#${ticket.status}`,
    gsi1sk: created,
    gsi2pk: `SEVERITY#${ticket.severity}`,
    gsi2sk: created,
    ...(ticket.department ? { gsi3pk: `DEPARTMENT#${ticket.department}`, gsi3sk: created } : {}),
    gsi4pk: `PHONE#${ticket.customer.phone}`,
    gsi4sk: created,
    ...(isOpen(ticket) ? { gsi5pk: OPEN_PARTITION, gsi5sk: `${next?.due ?? NO_DEADLINE}#${ticket.id}` } : {}),
  };
}

/**
 * A ticket event's item: an entry of the desk's event log, which the reactor reads from the table stream.
 * The first event of a saved change carries what the change does to the complaint's timers.
 */
export function eventItem(
  event: TicketEvent,
  seq: string,
  timers?: TicketTimerChange,
): Record<string, unknown> {
  return {
    pk: `TICKET#${event.ticketId}`,
    sk: `EVENT#${event.at}#${String(event.version).padStart(8, '0')}#${seq}`,
    ...deskEventMark(`ticket.${event.type}`),
    event,
    ...(timers && !isNoTimerChange(timers) ? { timers } : {}),
  };
}

export interface DynamoTicketStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: Clock;
  /** Ticket numbers reserved per round trip. */
  readonly numberBlock: number;
  readonly idempotencyDays: number;
  /** Calendar the report buckets follow (config deskTimeZone); see dynamo-report-store.ts. */
  readonly reportTimeZone?: string;
  /** The configured deadline policy (config deadlinePolicy): prices a deadline met late before its timer fired. */
  readonly reportPolicy?: DeadlinePolicy;
}

export class DynamoTicketStore implements TicketStore {
  private reserved: number[] = [];
  private reserving: Promise<void> | undefined;
  private eventSeq = 0;

  constructor(private readonly options: DynamoTicketStoreOptions) {}

  private get table(): string {
    return this.options.tableName;
  }

  /** Report counters saved with the write, breaches priced by the configured policy. */
  private reportWrites(ticket: Ticket, events: readonly TicketEvent[]) {
    return reportCounterWrites(
      this.table,
      ticket,
      events,
      this.options.reportTimeZone,
      this.options.reportPolicy,
    );
  }

  async nextTicketNumber(): Promise<string> {
    while (this.reserved.length === 0) {
      // One reservation at a time per instance; concurrent callers wait for it.
      this.reserving ??= this.reserveBlock().finally(() => {
        this.reserving = undefined;
      });
      await this.reserving;
    }
    return ticketNumberFromSequence(this.reserved.shift() as number);
  }

  private async reserveBlock(): Promise<void> {
    const block = this.options.numberBlock;
    const out = await this.options.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: COUNTER_KEY,
        UpdateExpression: 'SET #v = if_not_exists(#v, :start) + :block',
        ExpressionAttributeNames: { '#v': 'value' },
        ExpressionAttributeValues: { ':start': FIRST_TICKET_SEQUENCE - 1, ':block': block },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const high = Number(out.Attributes?.value);
    for (let n = high - block + 1; n <= high; n++) this.reserved.push(n);
  }

  private seq(): string {
    this.eventSeq = (this.eventSeq + 1) % 1_000_000;
    return `${process.pid.toString(36)}${this.eventSeq.toString(36).padStart(4, '0')}`;
  }

  async create(ticket: Ticket, event: TicketEvent, idempotency?: IdempotencyRecord): Promise<CreateResult> {
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Put: {
          TableName: this.table,
          Item: ticketItem(ticket),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: eventItem(event, this.seq(), ticketTimerChange(undefined, ticket)),
        },
      },
    ];
    if (idempotency) {
      const expiresAt = Math.floor(
        this.options.clock.now().getTime() / 1000 + this.options.idempotencyDays * 86400,
      );
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            ...idempotencyKey(idempotency.key),
            entity: 'idempotency',
            ticketId: ticket.id,
            fingerprint: idempotency.fingerprint,
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    // Last, so the cancellation reasons above keep their positions.
    items.push(...this.reportWrites(ticket, [event]));
    try {
      await this.options.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'created', ticket };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (idempotency && codes?.[2] === 'ConditionalCheckFailed') {
        const prior = await this.options.client.send(
          new GetCommand({
            TableName: this.table,
            Key: idempotencyKey(idempotency.key),
            ConsistentRead: true,
          }),
        );
        if (prior.Item) {
          return {
            kind: 'replayed',
            ticketId: String(prior.Item.ticketId),
            fingerprint: String(prior.Item.fingerprint),
          };
        }
      }
      if (codes?.[0] === 'ConditionalCheckFailed')
        throw new ConflictError(`Ticket ${ticket.id} already exists`);
      throw error;
    }
  }

  async update(
    ticket: Ticket,
    expectedVersion: number,
    events: readonly TicketEvent[],
    before: Ticket,
  ): Promise<void> {
    const timers = ticketTimerChange(before, ticket);
    try {
      await this.options.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: ticketItem(ticket),
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              },
            },
            ...events.map((e, i) => ({
              Put: { TableName: this.table, Item: eventItem(e, this.seq(), i === 0 ? timers : undefined) },
            })),
            ...this.reportWrites(ticket, events),
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') {
        throw new ConflictError(
          `Complaint ${ticket.id} was changed by someone else (your version ${expectedVersion} is stale); reload it`,
          'If-Match',
        );
      }
      throw error;
    }
  }

  async get(id: string): Promise<Ticket | undefined> {
    const out = await this.options.client.send(
      new GetCommand({ TableName: this.table, Key: ticketKey(id), ConsistentRead: true }),
    );
    return out.Item?.ticket as Ticket | undefined;
  }

  async list(filter: TicketFilter, page: { limit: number; cursor?: string }): Promise<Page<Ticket>> {
    const { index, partition, range, forward } = this.chooseIndex(filter);
    const names: Record<string, string> = { '#pk': `${index}pk` };
    const values: Record<string, unknown> = { ':pk': partition };
    let keyCondition = '#pk = :pk';
    if (range) {
      names['#sk'] = `${index}sk`;
      values[':sk'] = range;
      keyCondition += ' AND #sk < :sk';
    }
    const filters: string[] = [];
    const addFilter = (attr: string, value: string | undefined) => {
      if (value === undefined) return;
      const n = `#f${filters.length}`;
      const v = `:f${filters.length}`;
      names[n] = attr;
      values[v] = value;
      filters.push(`${n} = ${v}`);
    };
    if (index !== 'gsi1') addFilter('gsi1pk', filter.status ? `STATUS#${filter.status}` : undefined);
    if (index !== 'gsi2') addFilter('gsi2pk', filter.severity ? `SEVERITY#${filter.severity}` : undefined);
    if (index !== 'gsi3')
      addFilter('gsi3pk', filter.department ? `DEPARTMENT#${filter.department}` : undefined);
    if (index !== 'gsi4') addFilter('gsi4pk', filter.phone ? `PHONE#${filter.phone}` : undefined);
    if (filter.overdueAt && index !== 'gsi5') {
      names['#open'] = 'gsi5pk';
      names['#due'] = 'gsi5sk';
      values[':due'] = filter.overdueAt;
      filters.push('attribute_exists(#open) AND #due < :due');
    }
    if (filter.assignee !== undefined) {
      names['#ticket'] = 'ticket';
      names['#assignee'] = 'assignee';
      values[':assignee'] = filter.assignee;
      filters.push('#ticket.#assignee = :assignee');
    }
    if (filter.repeatCaller !== undefined) {
      names['#ticket'] = 'ticket';
      names['#repeat'] = 'repeatCaller';
      values[':repeat'] = true;
      filters.push(filter.repeatCaller ? '#ticket.#repeat = :repeat' : 'NOT (#ticket.#repeat = :repeat)');
    }

    const items: Ticket[] = [];
    let startKey = decodeCursor(page.cursor);
    // Filters can thin a page out: keep reading until the page is full or the index ends (bounded).
    for (let round = 0; round < 10; round++) {
      const input: QueryCommandInput = {
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: keyCondition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: forward,
        Limit: page.limit - items.length,
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      const out = await this.options.client.send(new QueryCommand(input));
      for (const item of out.Items ?? []) items.push(item.ticket as Ticket);
      startKey = out.LastEvaluatedKey;
      if (!startKey || items.length >= page.limit) break;
    }
    const nextCursor = encodeCursor(startKey);
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  private chooseIndex(filter: TicketFilter): {
    index: GlobalIndexName;
    partition: string;
    range?: string;
    forward: boolean;
  } {
    if (filter.overdueAt)
      return { index: 'gsi5', partition: OPEN_PARTITION, range: filter.overdueAt, forward: true };
    if (filter.phone) return { index: 'gsi4', partition: `PHONE#${filter.phone}`, forward: false };
    if (filter.department)
      return { index: 'gsi3', partition: `DEPARTMENT#${filter.department}`, forward: false };
    if (filter.status) return { index: 'gsi1', partition: `STATUS#${filter.status}`, forward: false };
    if (filter.severity) return { index: 'gsi2', partition: `SEVERITY#${filter.severity}`, forward: false };
    // No filter: the desk's queue, every open complaint, most urgent first.
    return { index: 'gsi5', partition: OPEN_PARTITION, forward: true };
  }

  async events(id: string, page: { limit: number; cursor?: string }): Promise<Page<TicketEvent>> {
    const startKey = decodeCursor(page.cursor);
    const out = await this.options.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `TICKET#${id}`, ':prefix': 'EVENT#' },
        Limit: page.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const nextCursor = encodeCursor(out.LastEvaluatedKey);
    return {
      items: (out.Items ?? []).map((i) => i.event as TicketEvent),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async rewriteEvents(id: string, rewrite: (event: TicketEvent) => TicketEvent | undefined): Promise<number> {
    return rewriteEventItems(this.options.client, this.table, `TICKET#${id}`, (item) =>
      rewrite(item.event as TicketEvent),
    );
  }

  async appendEvent(event: TicketEvent): Promise<void> {
    await this.options.client.send(
      new PutCommand({ TableName: this.table, Item: eventItem(event, this.seq()) }),
    );
  }
}
