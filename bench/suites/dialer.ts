import { functionsTriggeredBy } from '#functions/catalog';
import { createConnectEmulator, type OutboundCallLogEntry } from '#local/connect/emulator';
import { startConnectServer } from '#local/connect/server';
import { FakeClock } from '#local/connect/testing';
import { configureLocalHotline } from '#local/hotline';
import { functionIdFromArn, LambdaHost, localFunctionArn } from '#local/lambda-host';
import { REPO_ROOT, startLocalRuntime } from '#local/runtime';
import { createDependencies, setDependencies } from '#shared/adapters/dependencies';
import { loadConfig } from '#shared/config';
import { type CallJob, finalCallJobStates, newCallJob } from '#shared/domain/call-job';
import type { Timer } from '#shared/ports/timer';
import { type BenchRow, ms } from '../stats';

/** Monday 2 March 2026, 10:00 in New York: inside calling hours. */
const START = '2026-03-02T15:00:00.000Z';

export interface DialerScenario {
  readonly jobs: number;
  readonly callsPerSecond: number;
  readonly concurrentCalls: number;
  /** Seconds a called phone rings before it is answered. */
  readonly ringSeconds: number;
  /** Give up after this much simulated time. */
  readonly maxSeconds: number;
}

export interface DialerOutcome {
  readonly simulatedSeconds: number;
  readonly theoreticalSeconds: number;
  readonly maxStartsPerSecond: number;
  readonly peakConcurrent: number;
  readonly throttled: number;
  readonly finalJobs: number;
  readonly ringsPerAttemptMax: number;
  readonly wallMs: number;
  readonly log: readonly OutboundCallLogEntry[];
}

/** One-time timers in memory, fired by the harness's clock loop (the Scheduler's part). */
class MemoryTimer implements Timer {
  readonly timers = new Map<string, { at: string; functionId: string; input: unknown }>();

  async setTimer(name: string, at: string, target: { functionId: string; input: unknown }): Promise<boolean> {
    if (this.timers.has(name)) return false;
    this.timers.set(name, { at, ...target });
    return true;
  }

  async clearTimer(name: string): Promise<void> {
    this.timers.delete(name);
  }

  async hasTimer(name: string): Promise<boolean> {
    return this.timers.has(name);
  }

  takeDue(now: Date): { functionId: string; input: unknown }[] {
    const due = [...this.timers.entries()].filter(([, t]) => Date.parse(t.at) <= now.getTime());
    for (const [name] of due) this.timers.delete(name);
    return due.map(([, t]) => t);
  }
}

/**
 * Due call jobs through the real dialer (use cases, DynamoDB Local, the Connect emulator over its HTTP API,
 * the outbound flows and their Lambdas, contact events), on a fake clock stepped one second at a time.
 * Limits are checked from the emulator's own call log.
 */
export async function runDialerScenario(scenario: DialerScenario): Promise<DialerOutcome> {
  const runtime = await startLocalRuntime({ port: 0 });
  const clock = new FakeClock(START);
  const lambdas = new LambdaHost(REPO_ROOT);
  const connect = createConnectEmulator({
    clock,
    limits: {
      callsPerSecond: scenario.callsPerSecond,
      burst: scenario.callsPerSecond,
      maxConcurrentCalls: scenario.concurrentCalls,
    },
    invokeLambda: (arn, event) => lambdas.invoke(functionIdFromArn(arn), event),
    emitContactEvent: async (event) => {
      for (const id of functionsTriggeredBy('connectContactEvents')) await lambdas.invoke(id, event);
    },
    defaultNumberBehaviour: { answer: 'answer', keys: '1', ringSeconds: scenario.ringSeconds },
    log: () => undefined,
  });
  await configureLocalHotline(connect, { lambdaArn: localFunctionArn });
  const server = await startConnectServer({ emulator: connect, host: '127.0.0.1', port: 0 });
  const timer = new MemoryTimer();
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_CONNECT: server.url,
      CONNECT_CALLS_PER_SECOND: String(scenario.callsPerSecond),
      CONNECT_CONCURRENT_CALLS: String(scenario.concurrentCalls),
      CUSTOMER_TIME_ZONE: 'America/New_York',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const deps = { ...createDependencies(loadConfig(process.env), clock), timer };
    setDependencies(deps);

    const kinds = ['survey', 'progress'] as const;
    const ids: string[] = [];
    for (let i = 0; i < scenario.jobs; i++) {
      const job: CallJob = newCallJob(
        {
          id: `${kinds[i % 2]}-bench-${i}`,
          kind: kinds[i % 2] ?? 'progress',
          phone: `+1555700${String(i).padStart(4, '0')}`,
          timeZone: 'America/New_York',
          dueAt: START,
          requestedBy: 'bench',
        },
        START,
        deps.config.dialer.policy,
      );
      // A survey is answered with a rating; a progress notice only needs the customer to confirm who they are.
      if (job.kind === 'survey') {
        connect.setNumberBehaviour(job.phone, {
          answer: 'answer',
          keys: '14',
          ringSeconds: scenario.ringSeconds,
        });
      }
      await deps.callJobs.create(job);
      ids.push(job.id);
    }
    await deps.timer.setTimer('dialer-start', START, { functionId: 'DialerTick', input: {} });

    const started = performance.now();
    const finalStates = new Set<string>(finalCallJobStates);
    let finished = false;
    let seconds = 0;
    for (; seconds <= scenario.maxSeconds; seconds++) {
      for (const due of timer.takeDue(clock.now())) await lambdas.invoke(due.functionId, due.input);
      await connect.tick();
      await connect.whenIdle();
      if (seconds % 10 === 0 || connect.stats().activeCalls === 0) {
        const pending = await deps.callJobs.nextDue();
        if (!pending && connect.stats().activeCalls === 0 && (await deps.callJobs.activeCalls()) === 0) {
          finished = true;
          break;
        }
      }
      clock.advance(1);
    }
    const wallMs = performance.now() - started;

    let finalJobs = 0;
    for (const id of ids) if (finalStates.has((await deps.callJobs.get(id))?.state ?? '')) finalJobs += 1;

    const log = connect.callLog;
    const starts = log.filter((e) => e.result === 'started');
    const perSecond = new Map<number, number>();
    for (const e of starts) {
      const s = Math.floor(Date.parse(e.at) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    const perToken = new Map<string, number>();
    for (const e of starts) perToken.set(e.clientToken ?? '', (perToken.get(e.clientToken ?? '') ?? 0) + 1);
    const first = Math.min(...starts.map((e) => Date.parse(e.at)));
    const last = Math.max(...starts.map((e) => Date.parse(e.endedAt ?? e.at)));
    const avgCallSeconds =
      starts.reduce((n, e) => n + (Date.parse(e.endedAt ?? e.at) - Date.parse(e.at)), 0) /
      1000 /
      starts.length;
    const theoreticalSeconds = Math.max(
      scenario.jobs / scenario.callsPerSecond,
      (scenario.jobs * avgCallSeconds) / scenario.concurrentCalls,
    );
    return {
      simulatedSeconds: finished ? (last - first) / 1000 : Number.POSITIVE_INFINITY,
      theoreticalSeconds,
      maxStartsPerSecond: Math.max(0, ...perSecond.values()),
      peakConcurrent: Math.max(connect.stats().peakActiveCalls, ...log.map((e) => e.activeCallsAfter)),
      throttled: connect.stats().throttled + connect.stats().limitExceeded,
      finalJobs,
      ringsPerAttemptMax: Math.max(0, ...perToken.values()),
      wallMs,
      log,
    };
  } finally {
    setDependencies(undefined);
    await server.close();
    await runtime.stop();
  }
}

/** 1,000 due call jobs through the dialer with Connect limits of 5 calls/s and 20 concurrent calls. */
export async function dialerBench(): Promise<BenchRow[]> {
  const jobs = 1000;
  const out = await runDialerScenario({
    jobs,
    callsPerSecond: 5,
    concurrentCalls: 20,
    // Calls last about 4 s, so 20 live calls carry 5 calls/s: both limits bind at once.
    ringSeconds: 4,
    maxSeconds: 600,
  });
  const ratio = out.simulatedSeconds / out.theoreticalSeconds;
  return [
    {
      benchmark: 'dialer',
      metric: 'starts per second (max, call log)',
      value: String(out.maxStartsPerSecond),
      target: '<= 5',
      pass: out.maxStartsPerSecond <= 5,
    },
    {
      benchmark: 'dialer',
      metric: 'concurrent calls (peak, call log)',
      value: String(out.peakConcurrent),
      target: '<= 20',
      pass: out.peakConcurrent <= 20,
    },
    {
      benchmark: 'dialer',
      metric: `simulated time for ${jobs} jobs`,
      value: `${out.simulatedSeconds.toFixed(0)} s (min ${out.theoreticalSeconds.toFixed(0)} s, x${ratio.toFixed(3)})`,
      target: '<= 1.10 x theoretical minimum',
      pass: ratio <= 1.1,
    },
    {
      benchmark: 'dialer',
      metric: 'jobs with a final state',
      value: `${out.finalJobs}/${jobs}`,
      target: `${jobs}/${jobs}`,
      pass: out.finalJobs === jobs,
    },
    {
      benchmark: 'dialer',
      metric: 'rings per attempt (max)',
      value: String(out.ringsPerAttemptMax),
      target: '1',
      pass: out.ringsPerAttemptMax === 1,
    },
    {
      benchmark: 'dialer',
      metric: 'starts refused by Connect limits / wall time',
      value: `${out.throttled} / ${ms(out.wallMs)}`,
      target: 'info',
      pass: undefined,
    },
  ];
}
