import { parseArgs } from 'node:util';
import { type BenchRow, printTable } from './stats';
import { broadcastBench, cityBroadcastBench, defaultBroadcastBench } from './suites/broadcast';
import { bundlesBench } from './suites/bundles';
import { coldStartBench } from './suites/cold-start';
import { dialerBench } from './suites/dialer';
import { incidentHotlineBench } from './suites/incident-hotline';
import { phoneBench } from './suites/phone';
import { registerBench } from './suites/register';
import { registerPersistentBench } from './suites/register-persistent';
import { reportsBench } from './suites/reports';
import { schedulerStateBench } from './suites/scheduler-state';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    recipients: { type: 'string' },
    rate: { type: 'string' },
    concurrency: { type: 'string' },
  },
});
const positive = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number above 0, not ${raw}`);
  return n;
};
/** `npm run bench -- broadcast --recipients N --rate R --concurrency C`: the broadcast suite at any size. */
const broadcastOptions = {
  ...defaultBroadcastBench,
  recipients: positive('recipients', flags.recipients, defaultBroadcastBench.recipients),
  rate: positive('rate', flags.rate, defaultBroadcastBench.rate),
  concurrency: positive('concurrency', flags.concurrency, defaultBroadcastBench.concurrency),
};

/** `npm run bench [suite...]`: every performance target of the hotline, printed as one table. */
const suites: Record<string, () => Promise<BenchRow[]>> = {
  broadcast: () => broadcastBench(broadcastOptions),
  bundles: bundlesBench,
  'cold-start': coldStartBench,
  dialer: dialerBench,
  'incident-hotline': incidentHotlineBench,
  phone: phoneBench,
  register: registerBench,
  'register-persistent': registerPersistentBench,
  reports: reportsBench,
  'scheduler-state': schedulerStateBench,
};
/** Asked for by name only (it takes longer than the whole default run): `npm run bench -- city`. */
const optIn: Record<string, () => Promise<BenchRow[]>> = {
  city: () => broadcastBench(cityBroadcastBench),
};

const wanted = positionals;
const names = wanted.length ? wanted : Object.keys(suites);
const rows: BenchRow[] = [];
for (const name of names) {
  const suite = suites[name] ?? optIn[name];
  if (!suite)
    throw new Error(
      `Unknown suite ${name}; choose from ${[...Object.keys(suites), ...Object.keys(optIn)].join(', ')}`,
    );
  process.stderr.write(`running ${name}...\n`);
  const started = performance.now();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 250);
  try {
    rows.push(...(await suite()));
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  rows.push({
    benchmark: name,
    metric: 'suite wall time / peak RSS of the bench process',
    value: `${((performance.now() - started) / 1000).toFixed(0)} s / ${(peak / 2 ** 20).toFixed(0)} MiB`,
    target: '',
    pass: undefined,
  });
}
printTable(rows);
process.exitCode = rows.some((r) => r.pass === false) ? 1 : 0;
process.exit();
