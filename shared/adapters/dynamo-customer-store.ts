import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Recipient } from '#shared/domain/broadcast';
import {
  type AreaSelection,
  areaKey,
  type Customer,
  type CustomerInput,
  matchesSelection,
  sameCustomer,
} from '#shared/domain/customer';
import { InvalidCursorError } from '#shared/domain/errors';
import type { Clock } from '#shared/ports/clock';
import type {
  CustomerAccess,
  CustomerSearch,
  CustomerStore,
  SaveOutcome,
} from '#shared/ports/customer-store';
import type { Page } from '#shared/ports/ticket-store';
import { asStartKey, decodeCursor, decodeCursorValue, encodeCursor } from './cursor';
import { batchWriteAll } from './dynamo-transactions';
import { customerPhoneKey, type GlobalIndexName, RECIPIENT_PHONE_SORT } from './table-schema';

const customerKey = (account: string) => ({ pk: `CUSTOMER#${account}`, sk: 'CUSTOMER' });
const ALL_CUSTOMERS = 'CUSTOMERS';
const ACCESS_LOG = 'AUDIT#CUSTOMERS';
const CUSTOMER_NAMES = 'CUSTOMERNAME';

/** gsi1 sorts by the account in lower case first, so an account prefix search ignores case. */
const accountSortKey = (account: string) => `${account.toLowerCase()}#${account}`;
/** gsi5 sorts by the normalised name (lower case, single spaces), so a name prefix search ignores case. */
const nameSortKey = (customer: Pick<Customer, 'name' | 'account'>) =>
  `${areaKey(customer.name)}#${customer.account}`;

/**
 * Customers in the one table: by account (the key), all of them by account (gsi1, for listing, export and
 * account prefix search), by network segment (gsi2), by district and street (gsi3), by first phone number
 * (gsi4) and by normalised name (gsi5, name prefix search).
 */
export function customerItem(customer: Customer): Record<string, unknown> {
  return {
    ...customerKey(customer.account),
    entity: 'customer',
    customer,
    gsi1pk: ALL_CUSTOMERS,
    gsi1sk: accountSortKey(customer.account),
    gsi2pk: `SEGMENT#${areaKey(customer.area.segment)}`,
    gsi2sk: customer.account,
    gsi3pk: `AREA#${areaKey(customer.area.district)}`,
    gsi3sk: `${areaKey(customer.area.street)}#${customer.account}`,
    ...(customer.phones[0] ? { gsi4pk: customerPhoneKey(customer.phones[0]), gsi4sk: customer.account } : {}),
    gsi5pk: CUSTOMER_NAMES,
    gsi5sk: nameSortKey(customer),
    // How many phone lookup items go with it (customerPhoneLookupItems): older items lack them.
    phoneLookups: Math.max(0, customer.phones.length - 1),
  };
}

/**
 * One lookup item per further phone number of a customer (the first is on the customer item itself), on the
 * number's gsi4 key: a caller from any of a customer's numbers is found by one index read, never a scan.
 * It holds a copy of the customer, rewritten with every change of the record.
 */
const phoneLookupKey = (account: string, e164: string) => ({
  pk: `CUSTOMER#${account}`,
  sk: `PHONE#${e164}`,
});

export function customerPhoneLookupItems(customer: Customer): Record<string, unknown>[] {
  return customer.phones.slice(1).map((phone) => ({
    ...phoneLookupKey(customer.account, phone),
    entity: 'customerPhone',
    customer,
    gsi4pk: customerPhoneKey(phone),
    gsi4sk: customer.account,
  }));
}

/** Whether a stored item carries the search keys this version writes (older items lack gsi5, phone lookups). */
function hasSearchKeys(item: Record<string, unknown>, customer: Customer): boolean {
  return (
    item.gsi5sk === nameSortKey(customer) &&
    item.gsi1sk === accountSortKey(customer.account) &&
    item.phoneLookups === Math.max(0, customer.phones.length - 1)
  );
}

/** One index read of a search: customers of a partition, optionally by sort key prefix. */
interface SearchPhase {
  readonly index: GlobalIndexName;
  readonly partition: string;
  readonly prefix?: string;
  /** Extra test for this phase (e.g. not already returned by an earlier phase). */
  readonly keep?: (customer: Customer) => boolean;
}

/** Index reads per request at most; a sparse search returns a short page with a cursor to go on. */
const MAX_SEARCH_READS = 10;

function decodeSearchCursor(
  cursor: string | undefined,
  phases: number,
): { phase: number; start?: Record<string, unknown> } {
  const value = decodeCursorValue(cursor);
  if (!value) return { phase: 0 };
  const { p, k } = value as { p?: unknown; k?: unknown };
  if (
    typeof p !== 'number' ||
    !Number.isInteger(p) ||
    p < 0 ||
    p >= phases ||
    (k !== undefined && (typeof k !== 'object' || k === null))
  ) {
    throw new InvalidCursorError('The cursor is not one this API returned', 'cursor');
  }
  return { phase: p, ...(k ? { start: asStartKey(k) } : {}) };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DynamoCustomerStore implements CustomerStore {
  constructor(
    private readonly options: { client: DynamoDBDocumentClient; tableName: string; clock: Clock },
  ) {}

  private get client() {
    return this.options.client;
  }

  async get(account: string): Promise<Customer | undefined> {
    const res = await this.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: customerKey(account), ConsistentRead: true }),
    );
    return (res.Item?.customer as Customer | undefined) ?? undefined;
  }

  /** Stored customers by account, with whether each item already carries the current search keys. */
  private async getMany(
    accounts: readonly string[],
  ): Promise<Map<string, { customer: Customer; searchable: boolean }>> {
    const found = new Map<string, { customer: Customer; searchable: boolean }>();
    for (const batch of chunks(accounts, 100)) {
      let keys: Record<string, unknown>[] = batch.map(customerKey);
      for (let attempt = 0; keys.length > 0; attempt++) {
        const res = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.options.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of res.Responses?.[this.options.tableName] ?? []) {
          const customer = item.customer as Customer;
          found.set(customer.account, { customer, searchable: hasSearchKeys(item, customer) });
        }
        keys = (res.UnprocessedKeys?.[this.options.tableName]?.Keys ?? []) as Record<string, unknown>[];
        if (keys.length > 0) await pause(Math.min(1000, 50 * 2 ** attempt));
      }
    }
    return found;
  }

  async outcomesOf(customers: readonly CustomerInput[]): Promise<ReadonlyMap<string, SaveOutcome>> {
    const existing = await this.getMany(customers.map((c) => c.account));
    const outcomes = new Map<string, SaveOutcome>();
    for (const input of customers) {
      const previous = existing.get(input.account)?.customer;
      outcomes.set(
        input.account,
        !previous ? 'created' : sameCustomer(previous, input) ? 'unchanged' : 'updated',
      );
    }
    return outcomes;
  }

  async saveMany(customers: readonly CustomerInput[]): Promise<ReadonlyMap<string, SaveOutcome>> {
    const existing = await this.getMany(customers.map((c) => c.account));
    const now = this.options.clock.now().toISOString();
    const outcomes = new Map<string, SaveOutcome>();
    const writes: Record<string, unknown>[] = [];
    const write = (customer: Customer, previous?: Customer) => {
      writes.push({ PutRequest: { Item: customerItem(customer) } });
      for (const item of customerPhoneLookupItems(customer)) writes.push({ PutRequest: { Item: item } });
      // A number the customer no longer has no longer finds them.
      for (const gone of (previous?.phones.slice(1) ?? []).filter(
        (p) => !customer.phones.slice(1).includes(p),
      ))
        writes.push({ DeleteRequest: { Key: phoneLookupKey(customer.account, gone) } });
    };
    for (const input of customers) {
      const stored = existing.get(input.account);
      const previous = stored?.customer;
      if (previous && sameCustomer(previous, input)) {
        outcomes.set(input.account, 'unchanged');
        // An unchanged record saved before the search keys existed is written again to gain them.
        if (!stored.searchable) write(previous);
        continue;
      }
      outcomes.set(input.account, previous ? 'updated' : 'created');
      write({ ...input, createdAt: previous?.createdAt ?? now, updatedAt: now }, previous);
    }
    await batchWriteAll(this.client, this.options.tableName, writes);
    return outcomes;
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Page<Customer>> {
    const res = await this.client.send(new QueryCommand({ TableName: this.options.tableName, ...input }));
    const nextCursor = encodeCursor(res.LastEvaluatedKey);
    return {
      items: (res.Items ?? []).map((item) => item.customer as Customer),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  list(page: { limit: number; cursor?: string }): Promise<Page<Customer>> {
    const start = decodeCursor(page.cursor);
    return this.query({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': ALL_CUSTOMERS },
      Limit: page.limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
  }

  /**
   * Customers matching every criterion of the search, read from the narrowest index: a q searches the
   * account prefix (gsi1) then the name prefix (gsi5); else a segment (gsi2), a district with or without
   * its street (gsi3), or a street alone over all customers (gsi1). The cursor names the read and the last
   * item looked at, so a page stops exactly where the next one starts.
   */
  async search(filter: CustomerSearch, page: { limit: number; cursor?: string }): Promise<Page<Customer>> {
    const same = (wanted: string | undefined, value: string) =>
      wanted === undefined || areaKey(wanted) === areaKey(value);
    const matches = (c: Customer) =>
      same(filter.district, c.area.district) &&
      same(filter.street, c.area.street) &&
      same(filter.segment, c.area.segment);
    const phases = this.searchPhases(filter);
    let { phase, start } = decodeSearchCursor(page.cursor, phases.length);
    const items: Customer[] = [];
    for (
      let reads = 0;
      phase < phases.length && items.length < page.limit && reads < MAX_SEARCH_READS;
      reads++
    ) {
      const current = phases[phase] as SearchPhase;
      const res = await this.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          IndexName: current.index,
          KeyConditionExpression: current.prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
          ExpressionAttributeNames: {
            '#pk': `${current.index}pk`,
            ...(current.prefix ? { '#sk': `${current.index}sk` } : {}),
          },
          ExpressionAttributeValues: {
            ':pk': current.partition,
            ...(current.prefix ? { ':prefix': current.prefix } : {}),
          },
          Limit: Math.min(250, Math.max(50, page.limit * 2)),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const read = res.Items ?? [];
      let stoppedAt = -1;
      for (const [i, item] of read.entries()) {
        const customer = item.customer as Customer;
        if (matches(customer) && (current.keep?.(customer) ?? true)) items.push(customer);
        if (items.length >= page.limit) {
          stoppedAt = i;
          break;
        }
      }
      const last = read[stoppedAt];
      if (last && (stoppedAt < read.length - 1 || res.LastEvaluatedKey)) {
        // Full page inside this read: go on right after the last item looked at.
        start = {
          pk: last.pk,
          sk: last.sk,
          [`${current.index}pk`]: last[`${current.index}pk`],
          [`${current.index}sk`]: last[`${current.index}sk`],
        };
      } else if (!last && res.LastEvaluatedKey) {
        start = res.LastEvaluatedKey;
      } else {
        phase += 1;
        start = undefined;
      }
    }
    const nextCursor =
      phase < phases.length ? encodeCursor({ p: phase, ...(start ? { k: start } : {}) }) : undefined;
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  private searchPhases(filter: CustomerSearch): SearchPhase[] {
    if (filter.q !== undefined) {
      const account = filter.q.trim().toLowerCase();
      const name = areaKey(filter.q);
      return [
        { index: 'gsi1', partition: ALL_CUSTOMERS, prefix: account },
        // Found by account already: not again by name.
        {
          index: 'gsi5',
          partition: CUSTOMER_NAMES,
          prefix: name,
          keep: (c) => !c.account.toLowerCase().startsWith(account),
        },
      ];
    }
    if (filter.segment !== undefined)
      return [{ index: 'gsi2', partition: `SEGMENT#${areaKey(filter.segment)}` }];
    if (filter.district !== undefined) {
      return [
        {
          index: 'gsi3',
          partition: `AREA#${areaKey(filter.district)}`,
          ...(filter.street !== undefined ? { prefix: `${areaKey(filter.street)}#` } : {}),
        },
      ];
    }
    return [{ index: 'gsi1', partition: ALL_CUSTOMERS }];
  }

  /** Every item a query finds, page after page. */
  private async queryAllItems(
    input: Omit<QueryCommandInput, 'TableName'>,
  ): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          ...input,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      all.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return all;
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Customer[]> {
    return (await this.queryAllItems(input)).map((item) => item.customer as Customer);
  }

  async select(selection: AreaSelection): Promise<Customer[]> {
    // Read the narrowest index the selection allows, then apply every criterion.
    let candidates: Customer[];
    if (selection.segments?.length) {
      candidates = (
        await Promise.all(
          selection.segments.map((segment) =>
            this.queryAll({
              IndexName: 'gsi2',
              KeyConditionExpression: 'gsi2pk = :p',
              ExpressionAttributeValues: { ':p': `SEGMENT#${areaKey(segment)}` },
            }),
          ),
        )
      ).flat();
    } else if (selection.districts?.length) {
      candidates = (
        await Promise.all(
          selection.districts.map((district) =>
            this.queryAll({
              IndexName: 'gsi3',
              KeyConditionExpression: 'gsi3pk = :p',
              ExpressionAttributeValues: { ':p': `AREA#${areaKey(district)}` },
            }),
          ),
        )
      ).flat();
    } else {
      candidates = await this.queryAll({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': ALL_CUSTOMERS },
      });
    }
    const unique = new Map(candidates.map((c) => [c.account, c]));
    return [...unique.values()]
      .filter((c) => matchesSelection(c.area, selection))
      .sort((a, b) => a.account.localeCompare(b.account));
  }

  async findByPhone(e164: string): Promise<Customer | undefined> {
    const page = await this.query({
      IndexName: 'gsi4',
      KeyConditionExpression: 'gsi4pk = :p AND gsi4sk < :r',
      ExpressionAttributeValues: { ':p': customerPhoneKey(e164), ':r': RECIPIENT_PHONE_SORT },
      Limit: 1,
    });
    return page.items[0];
  }

  async findByPhoneWithRecipients(e164: string): Promise<{ customer?: Customer; recipients: Recipient[] }> {
    const items = await this.queryAllItems({
      IndexName: 'gsi4',
      KeyConditionExpression: 'gsi4pk = :p',
      ExpressionAttributeValues: { ':p': customerPhoneKey(e164) },
    });
    const customer = items.find((item) => item.entity === 'customer' || item.entity === 'customerPhone')
      ?.customer as Customer | undefined;
    const recipients = items
      .filter((item) => item.entity === 'recipient')
      .map((item) => item.recipient as Recipient);
    return { ...(customer ? { customer } : {}), recipients };
  }

  async recordAccess(access: CustomerAccess): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { pk: ACCESS_LOG, sk: `${access.at}#${randomUUID()}`, entity: 'customer-access', access },
      }),
    );
  }

  async accessLog(page: { limit: number; cursor?: string }): Promise<Page<CustomerAccess>> {
    const start = decodeCursor(page.cursor);
    const res = await this.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': ACCESS_LOG },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const nextCursor = encodeCursor(res.LastEvaluatedKey);
    return {
      items: (res.Items ?? []).map((item) => item.access as CustomerAccess),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }
}
