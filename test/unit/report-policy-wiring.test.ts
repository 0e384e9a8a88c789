import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createDependencies } from '#shared/adapters/dependencies';
import { loadConfig } from '#shared/config';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import { applyAction } from '#shared/domain/ticket';
import { anAgent, aTicket, minutesAfter, T0 } from '#test/fixtures/tickets';

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
});
afterAll(() => ddb.restore());

/** The breach points one saved change adds to each report bucket it touches. */
async function pointsSavedWith(env: Record<string, string>): Promise<number[]> {
  const deps = createDependencies(
    loadConfig({ TABLE_NAME: 'desk', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env }),
    { now: () => new Date(minutesAfter(T0, 15)) },
  );
  // A major complaint (first contact due in 10 minutes) reached at 15, before its timer fired:
  // no deadline_breached event, so the counters price the late contact themselves.
  const ticket = aTicket({ severity: 'major' });
  const { ticket: contacted, event } = applyAction(
    ticket,
    { type: 'recordContact', outcome: 'reached' },
    { actor: anAgent(), now: minutesAfter(T0, 15), policy: defaultDeadlinePolicy },
  );
  await deps.tickets.update(contacted, ticket.version, [event], ticket);
  const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
  return items.flatMap((item) => {
    const update = item.Update;
    if (!update) return [];
    const name = Object.entries(update.ExpressionAttributeNames ?? {}).find(([, v]) => v === 'breachPoints');
    return name ? [Number(update.ExpressionAttributeValues?.[name[0].replace('#', ':')])] : [];
  });
}

describe('a deadline met late before its timer fired', () => {
  it('is priced with the configured breach points (BREACH_POINTS), in every report bucket', async () => {
    expect(await pointsSavedWith({ BREACH_POINTS: '1,2,7,9' })).toEqual([7, 7, 7]);
  });

  it('is priced with the default points when none are configured', async () => {
    expect(await pointsSavedWith({})).toEqual([50, 50, 50]);
  });
});
