import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#local/runtime';
import { freeBasePort } from '#test/support/ports';

/**
 * kill -9 of `npm start` at random moments of a 1,000-recipient broadcast (its fan-out, the dialler's claims,
 * rings, retries and e-mail fallbacks), restarted each time on the same data folder: nobody is dropped, no
 * attempt rings twice, and the report ends final and complete. Rings are counted from the Connect emulator's
 * call journal, which it writes before it answers, so a ring just before a kill is counted too.
 */
const RECIPIENTS = 1000;
const KILLS = 20;
const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';

/** Deterministic "random" moments: a run that fails can be run again the same way. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const phoneOf = (i: number) => `+1201556${String(i).padStart(4, '0')}`;
/** Most answer and confirm; some never answer (retried, then e-mailed), some are busy. */
const behaviourOf = (i: number) =>
  i % 10 === 3
    ? { answer: 'no-answer' }
    : i % 10 === 7
      ? { answer: 'busy' }
      : { answer: 'answer', keys: '1' };

class Desk {
  private child: ChildProcess | undefined;
  private output = '';
  constructor(
    readonly port: number,
    readonly dataDir: string,
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
  async setPhones(): Promise<void> {
    for (let i = 0; i < RECIPIENTS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, RECIPIENTS - i) }, (_, k) =>
          this.json(
            'PUT',
            `/local/phone/numbers/${encodeURIComponent(phoneOf(i + k))}`,
            undefined,
            behaviourOf(i + k),
          ),
        ),
      );
    }
  }

  advance(seconds: number): Promise<unknown> {
    return this.json('POST', '/local/clock', undefined, { advanceSeconds: seconds });
  }
}

describe('a broadcast survives kill -9 of the local runtime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-crash-'));
  let desk: Desk | undefined;
  afterAll(async () => {
    await desk?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${KILLS} kills during a ${RECIPIENTS}-recipient send: nobody dropped, no attempt rung twice, the report complete`, async () => {
    desk = new Desk(await freeBasePort(), dataDir);
    await desk.start();
    let token = await desk.token();
    const rows = Array.from({ length: RECIPIENTS }, (_, i) =>
      [
        `K-${i}`,
        `Customer ${i}`,
        phoneOf(i),
        i % 2 ? `k${i}@example.com` : '',
        `${i} Kiln St`,
        'East',
        'Kiln St',
        'S1',
        'en',
        'no',
      ].join(','),
    );
    await desk.json('POST', '/api/customers/import', token, undefined, [HEADER, ...rows].join('\n'));
    await desk.setPhones();
    const draft = await desk.json<{ id: string }>('POST', '/api/broadcasts', token, {
      what: 'Gas leak',
      where: 'Kiln Street',
      since: new Date(Date.now() - 60_000).toISOString(),
      severity: 'crisis',
      message: 'A gas leak has been reported on Kiln Street. Do not use open flames or switches.',
      emailSubject: 'Gas leak on Kiln Street',
      emailText: 'A gas leak has been reported on Kiln Street. Do not use open flames or switches.',
      selection: { streets: ['Kiln St'] },
    });
    await desk.json('POST', `/api/broadcasts/${draft.id}/send`, token);

    const random = lcg(20261202);
    for (let kill = 0; kill < KILLS; kill++) {
      // Time moves on (calls ring, end, retry) and the kill lands somewhere in the middle of it.
      const moving = desk.advance(5 + Math.floor(random() * 60)).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 1500)));
      await desk.kill();
      await moving;
      await desk.start();
      await desk.setPhones();
    }
    token = await desk.token();
    let report = await desk.json<Report>('GET', `/api/broadcasts/${draft.id}/report`, token);
    for (let step = 0; step < 40 && report.broadcast.state !== 'completed'; step++) {
      await desk.advance(600);
      report = await desk.json<Report>('GET', `/api/broadcasts/${draft.id}/report`, token);
    }

    const rings = readFileSync(join(dataDir, 'connect-calls.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { jobId?: string; attempt?: string });
    const perAttempt = new Map<string, number>();
    for (const r of rings)
      perAttempt.set(`${r.jobId}#${r.attempt}`, (perAttempt.get(`${r.jobId}#${r.attempt}`) ?? 0) + 1);
    const twice = [...perAttempt].filter(([, n]) => n > 1);
    const accounts = new Set(report.recipients.map((r) => r.account));

    expect(existsSync(join(dataDir, 'reactor-checkpoint.json'))).toBe(true);
    expect(report.broadcast.state).toBe('completed');
    expect(accounts.size).toBe(RECIPIENTS);
    expect(report.counts.total).toBe(RECIPIENTS);
    expect(report.counts.calling ?? 0).toBe(0);
    expect(twice).toEqual([]);
    // Everyone who answers confirmed; nobody's call job was lost (each was rung at least once).
    expect(report.counts.confirmed).toBe(
      Array.from({ length: RECIPIENTS }, (_, i) => behaviourOf(i)).filter((b) => b.keys).length,
    );
    const rungJobs = new Set(rings.map((r) => r.jobId));
    expect(report.recipients.filter((r) => !rungJobs.has(r.callJobId))).toEqual([]);
  }, 1_500_000);
});

interface Report {
  broadcast: { state: string };
  counts: Record<string, number>;
  recipients: { account: string; state: string; callJobId?: string }[];
}
