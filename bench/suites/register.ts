import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalRuntime } from '#local/runtime';
import { createDocumentClient } from '#shared/adapters/dependencies';
import { reportCounterWrites } from '#shared/adapters/dynamo-report-store';
import { eventItem, ticketItem } from '#shared/adapters/dynamo-ticket-store';
import { loadConfig } from '#shared/config';
import { aComplaint, aTicket } from '#test/fixtures/tickets';
import { type BenchRow, ms, percentile, runConcurrently } from '../stats';

const TOTAL = 1000;
const CONCURRENCY = 8;
const ROUNDS = 10;

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
    const bare = async () => {
      const number = String(seq++);
      const ticket = aTicket({}, new Date().toISOString(), number);
      const event = {
        ticketId: number,
        type: 'registered' as const,
        at: ticket.createdAt,
        actor: 'bench',
        version: 1,
        data: {},
      };
      // The same items the store writes: the ticket, its event and the report counters (week, month, year).
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: runtime.tableName,
                Item: ticketItem(ticket),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: runtime.tableName, Item: eventItem(event, 'b') } },
            ...reportCounterWrites(runtime.tableName, ticket, [event], 'America/New_York'),
          ],
        }),
      );
    };

    // Warm the JVM and the handler (cold start) before measuring.
    await runConcurrently(300, CONCURRENCY, viaGateway);
    await runConcurrently(300, CONCURRENCY, bare);

    const gateway: number[] = [];
    const direct: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      gateway.push(...(await runConcurrently(TOTAL / ROUNDS, CONCURRENCY, viaGateway)));
      direct.push(...(await runConcurrently(TOTAL / ROUNDS, CONCURRENCY, bare)));
    }
    const g50 = percentile(gateway, 50);
    const g99 = percentile(gateway, 99);
    const d50 = percentile(direct, 50);
    const d99 = percentile(direct, 99);
    const name = `register ${TOTAL} @ c${CONCURRENCY}`;
    return [
      {
        benchmark: name,
        metric: 'gateway p50 / p99',
        value: `${ms(g50)} / ${ms(g99)}`,
        target: '',
        pass: undefined,
      },
      {
        benchmark: name,
        metric: 'bare TransactWriteItems p50 / p99',
        value: `${ms(d50)} / ${ms(d99)}`,
        target: '',
        pass: undefined,
      },
      {
        benchmark: name,
        metric: 'ratio p50',
        value: `${(g50 / d50).toFixed(2)}x`,
        target: '<= 2x',
        pass: g50 / d50 <= 2,
      },
      {
        benchmark: name,
        metric: 'ratio p99',
        value: `${(g99 / d99).toFixed(2)}x`,
        target: '<= 2x',
        pass: g99 / d99 <= 2,
      },
    ];
  } finally {
    await runtime.stop();
  }
}
