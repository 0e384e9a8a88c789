import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { localFunctionArn } from '#local/lambda-host';
import { startLocalRuntime } from '#local/runtime';
import { createDocumentClient } from '#shared/adapters/dependencies';
import { ticketItem } from '#shared/adapters/dynamo-ticket-store';
import { loadConfig } from '#shared/config';
import { deadlineTimerName } from '#shared/domain/deadline-schedules';
import { aComplaint, aTicket } from '#test/fixtures/tickets';
import { type BenchRow, comparisonRows, ms, percentile, runConcurrently } from '../stats';
import { bareRegistration } from './register';

const LIVE_SCHEDULES = 10_000;
const STORED = [1_000, 10_000] as const;
const TIMED = 400;
const CONCURRENCY = 8;
const ROUNDS = 8;
const LAG_SAMPLES = 100;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Registration as `npm start` runs it (persistent data folder, the stream reactor polling, 10,000 live
 * schedules in the Scheduler emulator) against a bare TransactWriteItems of the same items, side by side in
 * alternating rounds, with 1,000 and then 10,000 complaints already stored: the request's cost must not grow
 * with the data. Then the reaction lag: a complaint saved -> its first-contact timer exists.
 */
export async function registerPersistentBench(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-register-persistent-'));
  const runtime = await startLocalRuntime({ port: 0, dataDir, periodicSweep: false });
  const rows: BenchRow[] = [];
  try {
    const token = await runtime.token('bench', ['agent']);
    const client = createDocumentClient(loadConfig(process.env));
    const scheduler = new SchedulerClient({
      region: 'eu-west-1',
      endpoint: runtime.endpoints.scheduler,
      credentials,
      maxAttempts: 1,
    });
    await fillSchedules(scheduler);
    let seq = 7_000_000;
    let stored = 0;
    const register = async (): Promise<string> => {
      const res = await fetch(`${runtime.url}/api/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(aComplaint()),
      });
      if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    const bare = () => bareRegistration(client, runtime.tableName, String(seq++));
    // Complaints already stored, written straight to the table (their reactions are not what is measured).
    const storeUpTo = async (count: number) => {
      for (; stored < count; stored += 25) {
        const items = Array.from({ length: 25 }, (_, i) =>
          ticketItem(aTicket({}, new Date().toISOString(), String(9_000_000 + stored + i))),
        );
        await client.send(
          new BatchWriteCommand({
            RequestItems: { [runtime.tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
      }
    };

    await runConcurrently(200, CONCURRENCY, async () => void (await register()));
    await runConcurrently(200, CONCURRENCY, bare);
    await runtime.settled();
    for (const count of STORED) {
      await storeUpTo(count);
      const viaApi: number[] = [];
      const direct: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        viaApi.push(
          ...(await runConcurrently(TIMED / ROUNDS, CONCURRENCY, async () => void (await register()))),
        );
        direct.push(...(await runConcurrently(TIMED / ROUNDS, CONCURRENCY, bare)));
      }
      await runtime.settled();
      rows.push(
        ...comparisonRows(
          `register (npm start, ${LIVE_SCHEDULES} schedules, ${count} stored) @ c${CONCURRENCY}`,
          { path: 'API', baseline: 'bare TransactWriteItems' },
          viaApi,
          direct,
          { p50: 1.2, p99: 1.5 },
        ),
      );
    }

    // Reaction lag, one complaint at a time: answered -> the reactor (polling as in `npm start`) set its timer.
    const lags: number[] = [];
    for (let i = 0; i < LAG_SAMPLES; i++) {
      const started = performance.now();
      const id = await register();
      const saved = performance.now();
      const ticket = (await (
        await fetch(`${runtime.url}/api/tickets/${id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { deadlines: { firstContact?: { due: string } } };
      const due = ticket.deadlines.firstContact?.due;
      if (!due) throw new Error('no first-contact deadline');
      const name = deadlineTimerName(id, 'firstContact', due);
      for (;;) {
        const found = await scheduler
          .send(
            new GetScheduleCommand({
              Name: name,
              GroupName: loadConfig(process.env).deadlines.scheduleGroup,
            }),
          )
          .then(() => true)
          .catch(() => false);
        if (found) break;
        if (performance.now() - started > 10_000) throw new Error(`timer ${name} never set`);
        await new Promise((r) => setTimeout(r, 5));
      }
      lags.push(performance.now() - saved);
    }
    const [l50, l99] = [percentile(lags, 50), percentile(lags, 99)];
    rows.push({
      benchmark: `reaction lag (${LAG_SAMPLES} complaints)`,
      metric: 'saved -> timer set p50 / p99',
      value: `${ms(l50)} / ${ms(l99)}`,
      target: 'p99 <= 1 s',
      pass: l99 <= 1000,
    });
    return rows;
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function fillSchedules(scheduler: SchedulerClient): Promise<void> {
  await runConcurrently(LIVE_SCHEDULES, 16, async (n) => {
    await scheduler.send(
      new CreateScheduleCommand({
        Name: `bench-live-${n}`,
        ScheduleExpression: 'at(2031-01-01T00:00:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: localFunctionArn('DeadlineCheck'),
          RoleArn: 'arn:aws:iam::000000000000:role/complaint-hotline-scheduler',
          Input: '{}',
        },
      }),
    );
  });
}
