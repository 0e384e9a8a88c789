import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type AreaSelection,
  areaKey,
  type Customer,
  type CustomerInput,
  matchesSelection,
  sameCustomer,
} from '#shared/domain/customer';
import type { Clock } from '#shared/ports/clock';
import type { CustomerAccess, CustomerStore, SaveOutcome } from '#shared/ports/customer-store';
import type { Page } from '#shared/ports/ticket-store';
import { decodeCursor, encodeCursor } from './cursor';

const customerKey = (account: string) => ({ pk: `CUSTOMER#${account}`, sk: 'CUSTOMER' });
const ALL_CUSTOMERS = 'CUSTOMERS';
const ACCESS_LOG = 'AUDIT#CUSTOMERS';

/**
 * Customers in the one table: by account (the key), all of them (gsi1, for listing and export), by
 * network segment (gsi2), by district and street (gsi3) and by first phone number (gsi4).
 */
export function customerItem(customer: Customer): Record<string, unknown> {
  return {
    ...customerKey(customer.account),
    entity: 'customer',
    customer,
    gsi1pk: ALL_CUSTOMERS,
    gsi1sk: customer.account,
    gsi2pk: `SEGMENT#${areaKey(customer.area.segment)}`,
    gsi2sk: customer.account,
    gsi3pk: `AREA#${areaKey(customer.area.district)}`,
    gsi3sk: `${areaKey(customer.area.street)}#${customer.account}`,
    ...(customer.phones[0]
      ? { gsi4pk: `CUSTOMERPHONE#${customer.phones[0]}`, gsi4sk: customer.account }
      : {}),
  };
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

  private async getMany(accounts: readonly string[]): Promise<Map<string, Customer>> {
    const found = new Map<string, Customer>();
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
          found.set(customer.account, customer);
        }
        keys = (res.UnprocessedKeys?.[this.options.tableName]?.Keys ?? []) as Record<string, unknown>[];
        if (keys.length > 0) await pause(Math.min(1000, 50 * 2 ** attempt));
      }
    }
    return found;
  }

  async saveMany(customers: readonly CustomerInput[]): Promise<ReadonlyMap<string, SaveOutcome>> {
    const existing = await this.getMany(customers.map((c) => c.account));
    const now = this.options.clock.now().toISOString();
    const outcomes = new Map<string, SaveOutcome>();
    const writes: Customer[] = [];
    for (const input of customers) {
      const previous = existing.get(input.account);
      if (previous && sameCustomer(previous, input)) {
        outcomes.set(input.account, 'unchanged');
        continue;
      }
      outcomes.set(input.account, previous ? 'updated' : 'created');
      writes.push({ ...input, createdAt: previous?.createdAt ?? now, updatedAt: now });
    }
    for (const batch of chunks(writes, 25)) {
      let requests: Record<string, unknown>[] = batch.map((c) => ({ PutRequest: { Item: customerItem(c) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const res = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.options.tableName]: requests as never } }),
        );
        requests = (res.UnprocessedItems?.[this.options.tableName] ?? []) as Record<string, unknown>[];
        if (requests.length > 0) await pause(Math.min(1000, 50 * 2 ** attempt));
      }
    }
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

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Customer[]> {
    const all: Customer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          ...input,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of res.Items ?? []) all.push(item.customer as Customer);
      start = res.LastEvaluatedKey;
    } while (start);
    return all;
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
      KeyConditionExpression: 'gsi4pk = :p',
      ExpressionAttributeValues: { ':p': `CUSTOMERPHONE#${e164}` },
      Limit: 1,
    });
    return page.items[0];
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
