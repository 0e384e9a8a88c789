import { readFileSync } from 'node:fs';
import { startLocalRuntime } from '#local/runtime';
import { loadConfig } from '#shared/config';
import { idealMakespanMs } from '#shared/domain/ideal-schedule';
import type { BenchRow } from '../stats';
import { importCustomerCsv, supervisorApi } from '../supervisor-api';

const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : `${(value / 1000).toFixed(1)} s`);

/**
 * An emergency broadcast end to end on the local runtime: customers imported over the API, the broadcast
 * sent, every call through the Connect emulator (the limits configured alike on both sides), the outbound
 * flow and its Lambda, contact events, retries and e-mail fallback, until the report is final. Answer mix:
 * 60 % answer and confirm, 15 % answer without confirming, 20 % no answer, 5 % busy. Virtual time
 * (local/clock.ts): simulated time jumps from one due moment to the next, so the wall time is the work's.
 */
export interface BroadcastBenchOptions {
  readonly recipients: number;
  /** Calls per second (Connect's StartOutboundVoiceContact rate and the dialer's setting). */
  readonly rate: number;
  /** Concurrent calls (Connect's and the dialer's). */
  readonly concurrency: number;
  /** Wall-time target in seconds, and peak memory target of the whole runtime (Node + DynamoDB Local), MiB. */
  readonly wallTargetSeconds?: number;
  readonly memoryTargetMiB?: number;
}

export const defaultBroadcastBench: BroadcastBenchOptions = {
  recipients: Number(process.env.BENCH_BROADCAST_RECIPIENTS ?? 10_000),
  rate: 10,
  concurrency: 100,
  wallTargetSeconds: 120,
};

/** A utility serving a city: 100,000 customers at Connect quotas raised to 50 calls/s and 500 at once. */
export const cityBroadcastBench: BroadcastBenchOptions = {
  recipients: 100_000,
  rate: 50,
  concurrency: 500,
  wallTargetSeconds: 900,
  memoryTargetMiB: 500,
};

const RING_SECONDS = 3;
const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';

/** Resident memory of a process in bytes (Linux /proc), 0 where it cannot be read. */
function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line ? Number(line[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

type Behaviour = 'confirm' | 'silent' | 'no-answer' | 'busy';
const behaviourOf = (i: number): Behaviour => {
  const slot = i % 20;
  if (slot < 12) return 'confirm';
  if (slot < 15) return 'silent';
  if (slot < 19) return 'no-answer';
  return 'busy';
};
const phoneOf = (i: number) => `+1202${String(5_000_000 + i).padStart(7, '0')}`;

export async function broadcastBench(
  options: BroadcastBenchOptions = defaultBroadcastBench,
): Promise<BenchRow[]> {
  const { recipients: RECIPIENTS, rate: RATE, concurrency: CONCURRENT } = options;
  const wallStartAll = performance.now();
  const runtime = await startLocalRuntime({
    port: 0,
    clock: 'virtual',
    connectLimits: { callsPerSecond: RATE, burst: RATE, maxConcurrentCalls: CONCURRENT },
    env: { CONNECT_CALLS_PER_SECOND: String(RATE), CONNECT_CONCURRENT_CALLS: String(CONCURRENT) },
  });
  try {
    const api = await supervisorApi(runtime);
    const rows = Array.from(
      { length: RECIPIENTS },
      (_, i) => `BC-${i},Customer ${i},${phoneOf(i)},c${i}@example.com,${i} Main St,Centre,Main St,M1,en,no`,
    );
    await importCustomerCsv(api, [HEADER, ...rows].join('\n'));
    for (let i = 0; i < RECIPIENTS; i++) {
      const b = behaviourOf(i);
      runtime.connect.setNumberBehaviour(
        phoneOf(i),
        b === 'confirm'
          ? { answer: 'answer', keys: '1', ringSeconds: RING_SECONDS }
          : b === 'silent'
            ? { answer: 'answer', ringSeconds: RING_SECONDS }
            : b === 'busy'
              ? { answer: 'busy', ringSeconds: 1 }
              : { answer: 'no-answer' },
      );
    }
    const draftBody = JSON.stringify({
      what: 'Gas leak',
      where: 'Main Street',
      since: runtime.clock.now().toISOString(),
      severity: 'crisis',
      message: 'A gas leak has been reported on Main Street. Do not use open flames or switches.',
      emailSubject: 'Gas leak on Main Street',
      emailText: 'Do not use open flames or switches.',
      selection: { streets: ['Main St'] },
    });
    const draft = await api('POST', '/api/broadcasts', draftBody);
    const id = draft.id as string;
    // What the console tells the supervisor before the send (no past broadcast calls: the default mix).
    const etaBefore = (await api('GET', `/api/broadcasts/${id}/preview`)).estimate as { seconds: number };

    const sentAt = runtime.clock.now().getTime();
    const wallStart = performance.now();
    const runtimeRss = () => process.memoryUsage().rss + rssOf(runtime.dynamo.pid);
    let peakRss = runtimeRss();
    await api('POST', `/api/broadcasts/${id}/send`);
    let state = '';
    const maxSimulated = 6 * 3600;
    for (let elapsed = 0; elapsed < maxSimulated; elapsed += 30) {
      await runtime.clock.advance(30);
      peakRss = Math.max(peakRss, runtimeRss());
      state = (await api('GET', `/api/broadcasts/${id}`)).state as string;
      if (state === 'completed') break;
    }
    const doneAt = runtime.clock.now().getTime();
    const wallMs = performance.now() - wallStart;
    const report = await api('GET', `/api/broadcasts/${id}/report`);
    const recipients = report.recipients as unknown as { state: string; attempts: { n: number }[] }[];

    // From the emulator's own log: starts per second, first call, one ring per job attempt.
    const started = runtime.connect.callLog.filter((e) => e.result === 'started');
    const firstCallMs = started.length ? Date.parse(started[0]?.at as string) - sentAt : Number.NaN;
    const perSecond = new Map<number, number>();
    for (const e of started) {
      const s = Math.floor(Date.parse(e.at) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    const outbound = runtime.connect.listCalls({ direction: 'outbound' });
    const rings = new Map<string, number>();
    for (const call of outbound) {
      const key = `${call.attributes.jobId}#${call.attributes.attempt}`;
      rings.set(key, (rings.get(key) ?? 0) + 1);
    }
    const duplicates = [...rings.values()].filter((n) => n > 1).length;
    const dropped =
      recipients.filter(
        (r) => !['confirmed', 'reached_not_confirmed', 'not_reached', 'no_contact'].includes(r.state),
      ).length +
      (RECIPIENTS - recipients.length);

    // Theoretical bound: an ideal dialer making the same calls (each attempt's duration as the emulator
    // measured it) under the same limits and back-offs, starting at the click (shared/domain/ideal-schedule.ts).
    const attemptsByJob = new Map<string, { attempt: number; ms: number }[]>();
    let lastEnd = sentAt;
    for (const call of outbound) {
      const jobId = call.attributes.jobId;
      if (!jobId || !call.endedAt) continue;
      const end = Date.parse(call.endedAt);
      lastEnd = Math.max(lastEnd, end);
      const list = attemptsByJob.get(jobId) ?? [];
      list.push({ attempt: Number(call.attributes.attempt), ms: end - Date.parse(call.startedAt) });
      attemptsByJob.set(jobId, list);
    }
    const { backoffMinutes } = loadConfig(process.env).dialer.policy;
    const bound =
      idealMakespanMs(
        [...attemptsByJob.values()].map((list) =>
          list.sort((a, b) => a.attempt - b.attempt).map((a) => a.ms),
        ),
        {
          perSecond: RATE,
          concurrent: CONCURRENT,
          backoffMs: (n) => (backoffMinutes[Math.min(n - 1, backoffMinutes.length - 1)] ?? 10) * 60_000,
        },
      ) / 1000;
    const callsDone = (lastEnd - sentAt) / 1000;
    const simulated = (doneAt - sentAt) / 1000;
    const counts = report.counts as Record<string, number>;
    const maxStarts = Math.max(0, ...perSecond.values());
    const stats = runtime.connect.stats();
    // The same broadcast drafted again: what a desk with this history would be told (learned from its calls).
    const again = await api(
      'POST',
      '/api/broadcasts',
      JSON.stringify({ ...JSON.parse(draftBody), since: runtime.clock.now().toISOString() }),
    );
    const etaLearned = (await api('GET', `/api/broadcasts/${again.id as string}/preview`)).estimate as {
      seconds: number;
      basis: string;
    };
    const etaError = (eta: number) => `${eta} s (${(((eta - callsDone) / callsDone) * 100).toFixed(1)} %)`;
    const label = `broadcast ${RECIPIENTS} at ${RATE}/s, ${CONCURRENT} at once`;
    return [
      {
        benchmark: label,
        metric: 'time to the first call (simulated)',
        value: ms(firstCallMs),
        target: '',
        pass: undefined,
      },
      {
        benchmark: label,
        metric: 'last call ended (simulated) / ideal dialer, same calls',
        value: `${callsDone.toFixed(0)} s / ${bound.toFixed(0)} s (x${(callsDone / bound).toFixed(3)})`,
        target: '<= x1.05',
        pass: state === 'completed' && callsDone <= bound * 1.05,
      },
      {
        benchmark: label,
        metric: 'ETA in the preview, no past calls (default mix) vs last call ended',
        value: etaError(etaBefore.seconds),
        target: '',
        pass: undefined,
      },
      {
        benchmark: label,
        metric: `ETA in the preview, learned from these calls (${etaLearned.basis}) vs last call ended`,
        value: etaError(etaLearned.seconds),
        target: 'within 10 %',
        pass:
          etaLearned.basis === 'past_broadcasts' &&
          Math.abs(etaLearned.seconds - callsDone) <= callsDone * 0.1,
      },
      {
        benchmark: label,
        metric: 'report final (simulated, polled every 30 s)',
        value: `${simulated.toFixed(0)} s (${state})`,
        target: '',
        pass: undefined,
      },
      {
        benchmark: label,
        metric: 'starts refused by Connect: rate (throttled) / concurrency',
        value: `${stats.throttled} / ${stats.limitExceeded}`,
        target: '0 / 0',
        pass: stats.throttled === 0 && stats.limitExceeded === 0,
      },
      {
        benchmark: label,
        metric: 'most starts in one second / peak live calls',
        value: `${maxStarts} / ${stats.peakActiveCalls}`,
        target: `<= ${RATE} / ${CONCURRENT}`,
        pass: maxStarts <= RATE && stats.peakActiveCalls <= CONCURRENT,
      },
      {
        benchmark: label,
        metric: 'rung twice for one attempt / dropped',
        value: `${duplicates} / ${dropped}`,
        target: '0 / 0',
        pass: duplicates === 0 && dropped === 0,
      },
      {
        benchmark: label,
        metric: 'confirmed / reached not confirmed / not reached / emailed',
        value: `${counts.confirmed ?? 0} / ${counts.reached_not_confirmed ?? 0} / ${counts.not_reached ?? 0} / ${counts.emailed ?? 0}`,
        target: '',
        pass: undefined,
      },
      {
        benchmark: label,
        metric: 'peak memory of the whole runtime (Node RSS + DynamoDB Local JVM RSS)',
        value: `${(peakRss / 2 ** 20).toFixed(0)} MiB`,
        target: options.memoryTargetMiB ? `< ${options.memoryTargetMiB} MiB` : '',
        pass: options.memoryTargetMiB ? peakRss / 2 ** 20 < options.memoryTargetMiB : undefined,
      },
      {
        benchmark: label,
        metric: 'wall time: the send to the final report / the whole suite (import included)',
        value: `${(wallMs / 1000).toFixed(0)} s / ${((performance.now() - wallStartAll) / 1000).toFixed(0)} s`,
        target: options.wallTargetSeconds ? `< ${options.wallTargetSeconds} s` : '',
        pass: options.wallTargetSeconds
          ? (performance.now() - wallStartAll) / 1000 < options.wallTargetSeconds
          : undefined,
      },
    ];
  } finally {
    await runtime.stop();
  }
}
