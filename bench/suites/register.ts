import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalRuntime } from '#local/runtime';
import { createDocumentClient } from '#shared/adapters/dependencies';
import { reportCounterWrites } from '#shared/adapters/dynamo-report-store';
import { eventItem, ticketItem } from '#shared/adapters/dynamo-ticket-store';
import { loadConfig } from '#shared/config';
import { aComplaint, aTicket } from '#test/fixtures/tickets';
import { type BenchRow, comparisonRows, runConcurrently } from '../stats';

const TOTAL = 1000;
const CONCURRENCY = 8;
const ROUNDS = 10;

/** The items the ticket store writes for a registration (ticket, event, report counters), in one transaction. */
export async function bareRegistration(
  client: DynamoDBDocumentClient,
  tableName: string,
  number: string,
): Promise<void> {
  const ticket = aTicket({}, new Date().toISOString(), number);
  const event = {
    ticketId: number,
    type: 'registered' as const,
    at: ticket.createdAt,
    actor: 'bench',
    version: 1,
    data: {},
  };
  await client.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName,
            Item: ticketItem(ticket),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: tableName, Item: eventItem(event, 'b') } },
        ...reportCounterWrites(tableName, ticket, [event], 'America/New_York'),
      ],
    }),
  );
}

/**
 * Registering a complaint through the local gateway (HTTP, JWT check, handler, validation,
 * number allocation, transaction) against a bare TransactWriteItems of the same items,
 * side by side on one DynamoDB Local, alternating rounds so JVM warm-up hits both alike.
 */
export async function registerBench(): Promise<BenchRow[]> {
  const runtime = await startLocalRuntime({ port: 0 });
  try {
    const token = await runtime.token('bench', ['agent']);
    const client = createDocumentClient(loadConfig(process.env));
    let seq = 5_000_000;

    const viaGateway = async () => {
      const res = await fetch(`${runtime.url}/api/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(aComplaint()),
      });
      if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer().catch(() => undefined);
    };
    const bare = () => bareRegistration(client, runtime.tableName, String(seq++));

    // Warm the JVM and the handler (cold start) before measuring.
    await runConcurrently(300, CONCURRENCY, viaGateway);
    await runConcurrently(300, CONCURRENCY, bare);

    const gateway: number[] = [];
    const direct: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      gateway.push(...(await runConcurrently(TOTAL / ROUNDS, CONCURRENCY, viaGateway)));
      direct.push(...(await runConcurrently(TOTAL / ROUNDS, CONCURRENCY, bare)));
    }
    return comparisonRows(
      `register ${TOTAL} @ c${CONCURRENCY}`,
      { path: 'gateway', baseline: 'bare TransactWriteItems' },
      gateway,
      direct,
      { p50: 2, p99: 2 },
    );
  } finally {
    await runtime.stop();
  }
}
