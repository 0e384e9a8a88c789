import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '#local/runtime';
import type { BenchRow } from '../stats';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** `npm start` to the first `/health` 200, as a newcomer would experience it. */
export async function coldStartBench(): Promise<BenchRow[]> {
  const port = await freePort();
  const started = performance.now();
  // What `npm start` runs (the npm wrapper itself is left out: it adds ~0.3 s and hides the child's pid).
  const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['local/main.ts', '--in-memory'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  const exited = new Promise((r) => child.once('exit', r));
  let elapsed = Number.NaN;
  try {
    const deadline = started + 60_000;
    while (performance.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) {
          elapsed = performance.now() - started;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  }
  return [
    {
      benchmark: 'cold start',
      metric: 'start (tsx local/main.ts) -> /health 200',
      value: Number.isNaN(elapsed) ? 'never' : `${(elapsed / 1000).toFixed(2)} s`,
      target: '< 15 s',
      pass: elapsed < 15_000,
    },
  ];
}
