import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '#local/runtime';

/** Deterministic "random" moments: a run that fails can be run again the same way. */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** The rings of the Connect emulator's call journal (written before it answers, so a ring before a kill counts). */
export interface JournalRing {
  readonly jobId?: string;
  readonly attempt?: string;
}

/** (job, attempt) pairs rung more than once. */
export function rungTwice(rings: readonly JournalRing[]): [string, number][] {
  const perAttempt = new Map<string, number>();
  for (const r of rings)
    perAttempt.set(`${r.jobId}#${r.attempt}`, (perAttempt.get(`${r.jobId}#${r.attempt}`) ?? 0) + 1);
  return [...perAttempt].filter(([, n]) => n > 1);
}

/**
 * `npm start` as its own process on a data folder, which a test can kill -9 (the whole process group,
 * DynamoDB Local included) and start again on the same data.
 */
export class CrashableDesk {
  private child: ChildProcess | undefined;
  private output = '';
  constructor(
    readonly port: number,
    readonly dataDir: string,
    /** More environment for `npm start` (the same on every restart). */
    readonly env: Readonly<Record<string, string>> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `npm start` on the data folder, in its own process group (so kill -9 takes DynamoDB Local too). */
  async start(): Promise<void> {
    this.output = '';
    const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['local/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(this.port),
        LOCAL_DATA_DIR: this.dataDir,
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout?.on('data', (c: Buffer) => {
      this.output = (this.output + c.toString()).slice(-4000);
    });
    child.stderr?.on('data', (c: Buffer) => {
      this.output = (this.output + c.toString()).slice(-4000);
    });
    this.child = child;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited: ${this.output}`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`npm start not healthy: ${this.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** kill -9 of the whole process group: no shutdown code runs. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const gone = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await gone;
    // DynamoDB Local's JVM is in the group too; give the OS a moment to free its port.
    await new Promise((r) => setTimeout(r, 300));
  }

  async json<T>(method: string, path: string, token?: string, body?: unknown, raw?: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(raw !== undefined ? { 'content-type': 'text/csv' } : { 'content-type': 'application/json' }),
      },
      ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async token(): Promise<string> {
    return (
      await this.json<{ token: string }>('POST', '/local/token', undefined, {
        username: 'sam',
        groups: ['supervisor'],
      })
    ).token;
  }

  /** How each number behaves when rung (the phone network's state is not kept across a restart). */
  async setPhones(phones: readonly { readonly phone: string; readonly behaviour: object }[]): Promise<void> {
    for (let i = 0; i < phones.length; i += 50) {
      await Promise.all(
        phones
          .slice(i, i + 50)
          .map(({ phone, behaviour }) =>
            this.json('PUT', `/local/phone/numbers/${encodeURIComponent(phone)}`, undefined, behaviour),
          ),
      );
    }
  }

  /** Every saved change has had its reactions (`POST /local/reactor/drain`). */
  settle(): Promise<unknown> {
    return this.json('POST', '/local/reactor/drain');
  }

  /** Stream records the local event source mapping gave up on (each one a reaction that never ran). */
  async parkedRecords(): Promise<unknown[]> {
    return (await this.json<{ parked: unknown[] }>('GET', '/local/reactor')).parked;
  }

  advance(seconds: number): Promise<unknown> {
    return this.json('POST', '/local/clock', undefined, { advanceSeconds: seconds });
  }
}
