import { performance } from 'node:perf_hooks';
import { startLocalRuntime } from './runtime';

/**
 * `npm start`: the whole hotline on this machine. PORT, LOCAL_DATA_DIR, LOCAL_IN_MEMORY=1 or --in-memory;
 * `--virtual` (or LOCAL_CLOCK=virtual): simulated time jumps to the next thing due whenever the desk is idle.
 */
const started = performance.now();
const inMemory = process.argv.includes('--in-memory') || process.env.LOCAL_IN_MEMORY === '1';
const port = Number(process.env.PORT ?? 3000);
const dataDir = inMemory ? undefined : (process.env.LOCAL_DATA_DIR ?? '.local-data');
const virtual = process.argv.includes('--virtual') || process.env.LOCAL_CLOCK === 'virtual';

const runtime = await startLocalRuntime({
  port,
  ...(dataDir ? { dataDir } : {}),
  ...(virtual ? { clock: 'autopilot' as const } : {}),
  log: (l) => console.log(l),
});
const health = await runtime.health();
console.log(
  `Complaint hotline running at ${runtime.url} (ready in ${Math.round(performance.now() - started)} ms)`,
);
for (const [name, c] of Object.entries(health.components))
  console.log(`  ${name.padEnd(10)} ${c.status}  ${c.endpoint}`);
console.log(dataDir ? `  data kept in ${dataDir}` : '  data kept in memory only');
console.log(
  virtual
    ? '  virtual time: it jumps to the next thing due whenever the desk is idle'
    : '  real time (POST /local/clock moves it forward; --virtual makes it jump)',
);
console.log('Press Ctrl-C to stop.');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  await runtime.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
