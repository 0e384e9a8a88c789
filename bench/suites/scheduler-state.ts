import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { type SchedulerServer, startSchedulerServer } from '#local/scheduler/index';
import { type BenchRow, ms, percentile, runConcurrently } from '../stats';

const SMALL = 1_000;
const LARGE = 100_000;
/** Timed creates, one at a time, that bring the live count up to each point. */
const TIMED = 500;
const WARM_UP = 2_000;
const FILL_CONCURRENCY = 16;
const GROUP = 'deadlines';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/complaint-hotline-scheduler';
const TARGET_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:first-contact-due';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:000000000000:scheduler-dlq';
// Before every at(...) below, so nothing fires while the state grows.
const clock = { now: () => new Date('2030-01-01T00:00:00Z') };
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** A first-contact deadline as SchedulerTimer creates it, each ticket a minute after the one before. */
const aDeadline = (ticket: number) =>
  new CreateScheduleCommand({
    Name: `ticket-${ticket}-first-contact`,
    GroupName: GROUP,
    ScheduleExpression: `at(${new Date(Date.UTC(2031, 0, 1) + ticket * 60_000).toISOString().slice(0, 19)})`,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: TARGET_ARN,
      RoleArn: ROLE_ARN,
      Input: JSON.stringify({ ticketId: String(ticket), due: 'firstContact' }),
      RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 },
      DeadLetterConfig: { Arn: DLQ_ARN },
    },
  });

const folderBytes = (folder: string) =>
  readdirSync(folder).reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);

/**
 * The Scheduler emulator's state as it grows with persistent data (`npm start` keeps `.local-data/`):
 * one CreateSchedule over HTTP at 1,000 and at 100,000 live schedules, then a restart on the same folder.
 */
export async function schedulerStateBench(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-scheduler-state-'));
  const dataFile = join(dataDir, 'scheduler.json');
  // As the local runtime runs it: runDue every second of real time, beside the API.
  const start = () =>
    startSchedulerServer({
      port: 0,
      clock,
      dataFile,
      autoRun: true,
      invokeTarget: async () => {},
      logger: quiet,
    });
  const clientOf = (server: SchedulerServer) =>
    new SchedulerClient({
      region: 'eu-west-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  let server = await start();
  let client = clientOf(server);
  try {
    await client.send(new CreateScheduleGroupCommand({ Name: GROUP }));
    let created = 0;
    const createNext = async () => {
      await client.send(aDeadline(created++));
    };
    /** Creates up to `live` schedules; returns the seconds it took. */
    const fillTo = async (live: number) => {
      const started = performance.now();
      await runConcurrently(live - created, FILL_CONCURRENCY, createNext);
      const seconds = (performance.now() - started) / 1000;
      // Let the fill's garbage collection settle before the timed creates.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return seconds;
    };

    // Warm up the HTTP path and the JIT with creates that are deleted again (and compact the journal).
    const warmUp = (i: number) => aDeadline(LARGE + i);
    await runConcurrently(WARM_UP, FILL_CONCURRENCY, (i) => client.send(warmUp(i)).then(() => undefined));
    await runConcurrently(WARM_UP, FILL_CONCURRENCY, (i) =>
      client
        .send(new DeleteScheduleCommand({ Name: `ticket-${LARGE + i}-first-contact`, GroupName: GROUP }))
        .then(() => undefined),
    );

    await fillTo(SMALL - TIMED);
    const atSmall = await runConcurrently(TIMED, 1, createNext);
    const fillSeconds = await fillTo(LARGE - TIMED);
    const atLarge = await runConcurrently(TIMED, 1, createNext);

    client.destroy();
    await server.close();
    const restartStarted = performance.now();
    server = await start();
    client = clientOf(server);
    await client.send(new ListSchedulesCommand({ GroupName: GROUP, MaxResults: 1 }));
    const restartMs = performance.now() - restartStarted;
    const listStarted = performance.now();
    let listed = 0;
    let NextToken: string | undefined;
    do {
      const page = await client.send(
        new ListSchedulesCommand({ GroupName: GROUP, MaxResults: 100, NextToken }),
      );
      listed += page.Schedules?.length ?? 0;
      NextToken = page.NextToken;
    } while (NextToken);
    const listMs = performance.now() - listStarted;
    const bytes = folderBytes(dataDir);

    const small99 = percentile(atSmall, 99);
    const large99 = percentile(atLarge, 99);
    const name = `scheduler-state ${LARGE.toLocaleString('en')} at()`;
    const row = (metric: string, value: string, target = '', pass?: boolean): BenchRow => ({
      benchmark: name,
      metric,
      value,
      target,
      pass,
    });
    return [
      row(
        `create p50 / p99 at ${SMALL.toLocaleString('en')} live`,
        `${ms(percentile(atSmall, 50))} / ${ms(small99)}`,
      ),
      row(
        `create p50 / p99 at ${LARGE.toLocaleString('en')} live`,
        `${ms(percentile(atLarge, 50))} / ${ms(large99)}`,
      ),
      row(
        'p99 ratio (100,000 / 1,000)',
        `${(large99 / small99).toFixed(2)}x`,
        '<= 1.5x',
        large99 <= 1.5 * small99,
      ),
      row(
        `fill ${SMALL.toLocaleString('en')} -> ${(LARGE - TIMED).toLocaleString('en')} @ c${FILL_CONCURRENCY}`,
        `${fillSeconds.toFixed(1)} s (${Math.round((LARGE - TIMED - SMALL) / fillSeconds)} creates/s)`,
      ),
      row('data folder size', `${(bytes / 1024 / 1024).toFixed(1)} MB`),
      row('restart until ListSchedules answers', ms(restartMs)),
      row('list all after restart (pages of 100)', ms(listMs)),
      row(
        'schedules listed after restart',
        listed.toLocaleString('en'),
        `= ${LARGE.toLocaleString('en')}`,
        listed === LARGE,
      ),
    ];
  } finally {
    client.destroy();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
