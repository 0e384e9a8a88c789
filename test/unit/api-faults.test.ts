import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '#functions/api/tickets';
import { createDependencies, setDependencies } from '#shared/adapters/dependencies';
import { loadConfig } from '#shared/config';
import { aComplaint, aTicket } from '#test/fixtures/tickets';
import { anApiEvent } from '#test/support/api-event';

const ddb = mockClient(DynamoDBDocumentClient);
const context = {} as Context;

beforeEach(() => {
  ddb.reset();
  setDependencies(
    createDependencies(loadConfig({ TABLE_NAME: 'desk', POWERTOOLS_LOG_LEVEL: 'SILENT' }), {
      now: () => new Date('2026-03-02T09:00:00Z'),
    }),
  );
});

afterAll(() => {
  ddb.restore();
  setDependencies(undefined);
});

const invoke = async (event: ReturnType<typeof anApiEvent>) => {
  const result = await handler(event, context);
  return { ...result, json: JSON.parse(result.body as string) };
};

describe('when DynamoDB fails', () => {
  it('a throttled write is a 503 with a correlation id, written in one transaction or not at all', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { value: 100_009 } });
    ddb
      .on(TransactWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const res = await invoke(anApiEvent('POST /api/tickets', { body: aComplaint() }));
    expect(res.statusCode).toBe(503);
    expect(res.json.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', correlationId: 'req-1' });
    // The ticket, its event and the report counters (week, month, year) go in one TransactWriteItems:
    // no separate Put could leave half a complaint or a report that counts what was never stored.
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((i) => (i.Put ? `Put ${String(i.Put.Item?.pk).split('#')[0]}` : 'Update'))).toEqual([
      'Put TICKET',
      'Put TICKET',
      'Update',
      'Update',
      'Update',
    ]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('an unknown failure is a generic 500 that leaks no detail', async () => {
    ddb.on(GetCommand).rejects(new Error('socket hang up at 10.1.2.3 with table desk'));
    const res = await invoke(anApiEvent('GET /api/tickets/{id}', { pathParameters: { id: '1000009' } }));
    expect(res.statusCode).toBe(500);
    expect(res.json.error.code).toBe('INTERNAL');
    expect(res.json.error.correlationId).toBe('req-1');
    expect(res.body).not.toContain('10.1.2.3');
  });

  it('a failed state change leaves the stored ticket as it was (the write is conditional and atomic)', async () => {
    ddb.on(GetCommand).resolves({ Item: { ticket: aTicket() } });
    ddb.on(TransactWriteCommand).rejects(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
    const res = await invoke(
      anApiEvent('POST /api/tickets/{id}/dispatch', {
        pathParameters: { id: '1000009' },
        body: { department: 'network' },
        headers: { 'if-match': '1' },
      }),
    );
    expect(res.statusCode).toBe(503);
    const write = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(write?.TransactItems?.[0]?.Put?.ConditionExpression).toBe('#version = :expected');
    expect(write?.TransactItems?.filter((i) => i.Put)).toHaveLength(2);
    expect(
      write?.TransactItems?.filter((i) => i.Update?.Key?.pk?.toString().startsWith('REPORT#')),
    ).toHaveLength(3);
  });
});
