import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#local/runtime';
import { freeBasePort } from '#test/support/ports';

describe('npm start', () => {
  it('brings the whole system up with /health 200 and stops cleanly on Ctrl-C', async () => {
    const port = await freeBasePort();
    const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['local/main.ts', '--in-memory'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

    let health: { status: number; body: { components?: Record<string, unknown> } } | undefined;
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && child.exitCode === null && !health) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) health = { status: res.status, body: (await res.json()) as never };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (child.exitCode === null) child.kill('SIGINT');
    const code = await exited;

    expect(health?.status, output).toBe(200);
    expect(Object.keys(health?.body.components ?? {})).toEqual(
      expect.arrayContaining(['gateway', 'dynamodb', 'scheduler', 'connect', 'ses']),
    );
    expect(code, output).toBe(0);
    expect(output).toContain('stopping');
  }, 60_000);
});
