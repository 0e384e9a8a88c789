import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { customerItem, DynamoCustomerStore } from '#shared/adapters/dynamo-customer-store';
import type { Customer, CustomerInput } from '#shared/domain/customer';

const ddb = mockClient(DynamoDBDocumentClient);
const input: CustomerInput = {
  account: 'C-100',
  name: 'Ada  Lovelace',
  phones: ['+12015550100'],
  address: '1 Elm St',
  area: { district: 'North', street: 'Elm St', segment: 'S1' },
  language: 'en',
  noContact: false,
};
const stored: Customer = {
  ...input,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const store = () =>
  new DynamoCustomerStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    tableName: 'desk',
    clock: { now: () => new Date('2026-03-02T09:00:00Z') },
  });

beforeEach(() => {
  ddb.reset();
  ddb.on(BatchWriteCommand).resolves({});
});
afterAll(() => ddb.restore());

describe('the search keys of a customer item', () => {
  it('sort by lower-case account (gsi1) and normalised name (gsi5)', () => {
    expect(customerItem(stored)).toMatchObject({
      gsi1pk: 'CUSTOMERS',
      gsi1sk: 'c-100#C-100',
      gsi5pk: 'CUSTOMERNAME',
      gsi5sk: 'ada lovelace#C-100',
    });
  });

  it('a record saved before the keys existed is written again on an unchanged re-import', async () => {
    const old: Record<string, unknown> = { ...customerItem(stored), gsi1sk: 'C-100' };
    delete old.gsi5pk;
    delete old.gsi5sk;
    ddb.on(BatchGetCommand).resolves({ Responses: { desk: [old] } });
    const outcomes = await store().saveMany([input]);
    expect(outcomes.get('C-100')).toBe('unchanged');
    const writes = ddb
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => c.args[0].input.RequestItems?.desk ?? []);
    expect(writes.map((w) => w.PutRequest?.Item)).toEqual([customerItem(stored)]);
  });

  it('a record that already has them is not written again', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { desk: [customerItem(stored)] } });
    const outcomes = await store().saveMany([input]);
    expect(outcomes.get('C-100')).toBe('unchanged');
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});
