import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime';
import { dependencies } from '#shared/adapters/dependencies';
import { allMails } from '#test/support/mail';

const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';

interface Recipient {
  account: string;
  state: string;
  phone?: string;
  emailedAt?: string;
  attempts: { n: number; result: string }[];
}

/** A client of one running runtime: a supervisor's token, the API and the phone simulator. */
async function desk(runtime: LocalRuntime) {
  const token = await runtime.token('sam', ['supervisor']);
  const call = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  };
  return {
    call,
    importCustomers: (rows: string[]) =>
      call('POST', '/api/customers/import', [HEADER, ...rows].join('\n'), 'text/csv'),
    draft: async (street: string) =>
      (
        await call('POST', '/api/broadcasts', {
          what: 'Water main burst',
          where: street,
          since: runtime.clock.now().toISOString(),
          severity: 'major',
          message: 'A water main burst nearby. Boil water before drinking it.',
          emailSubject: 'Boil water notice',
          emailText: 'A water main burst nearby. Boil water before drinking it.',
          selection: { streets: [street] },
        })
      ).body.id as string,
    report: async (id: string) =>
      (await call('GET', `/api/broadcasts/${id}/report`)).body as {
        broadcast: { state: string };
        counts: Record<string, number>;
        recipients: Recipient[];
      },
    advance: async (seconds: number) => {
      await runtime.clock.advance(seconds);
    },
  };
}

const rows = (prefix: string, street: string, n: number, withEmail: boolean) =>
  Array.from(
    { length: n },
    (_, i) =>
      `${prefix}-${i},Customer ${i},20155${prefix === 'T' ? '6' : '7'}${String(i).padStart(4, '0')},${withEmail ? `c${i}@example.com` : ''},${i} ${street},North,${street},S1,en,no`,
  );

const ringsByNumber = (runtime: LocalRuntime) => {
  const counts = new Map<string, number>();
  for (const c of runtime.connect.listCalls({ direction: 'outbound' }))
    counts.set(c.to, (counts.get(c.to) ?? 0) + 1);
  return counts;
};

let runtime: LocalRuntime | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

describe('an emergency broadcast under faults', () => {
  it('retries calls Connect throttles and still finishes every recipient, each attempt rung once', async () => {
    // The dialer believes in 10 calls a second; the emulated instance allows 1 (burst 2), so even a dialer
    // slowed down by a busy machine runs into the limit.
    runtime = await startLocalRuntime({
      port: 0,
      connectLimits: { callsPerSecond: 1, burst: 2, maxConcurrentCalls: 10 },
      env: { CONNECT_CALLS_PER_SECOND: '10', CONNECT_CONCURRENT_CALLS: '10' },
    });
    const d = await desk(runtime);
    await d.importCustomers(rows('T', 'Pine Rd', 20, false));
    for (let i = 0; i < 20; i++)
      runtime.connect.setNumberBehaviour(`+120155${'6'}${String(i).padStart(4, '0')}`, {
        answer: 'answer',
        keys: '1',
      });
    const id = await d.draft('Pine Rd');

    await d.call('POST', `/api/broadcasts/${id}/send`);
    for (let i = 0; i < 10; i++) await d.advance(60);
    const report = await d.report(id);

    expect(runtime.connect.stats().throttled).toBeGreaterThan(0);
    expect(report.counts).toMatchObject({ total: 20, confirmed: 20 });
    expect(report.broadcast.state).toBe('completed');
    for (const rings of ringsByNumber(runtime).values()) expect(rings).toBe(1);
  }, 120_000);

  it('sends the fallback e-mail once SES works again, and only then completes', async () => {
    runtime = await startLocalRuntime({ port: 0 });
    const d = await desk(runtime);
    await d.importCustomers([
      ...rows('M', 'Ash Ln', 2, true),
      'M-mail,Mail Only,,mo@example.com,9 Ash Ln,North,Ash Ln,S1,en,no',
    ]);
    for (let i = 0; i < 2; i++)
      runtime.connect.setNumberBehaviour(`+120155${'7'}${String(i).padStart(4, '0')}`, {
        answer: 'no-answer',
      });
    // SES refuses the first sends.
    const mailer = dependencies().mailer;
    const realSend = mailer.send.bind(mailer);
    let failuresLeft = 3;
    mailer.send = async (mail) => {
      if (failuresLeft-- > 0)
        throw Object.assign(new Error('SES unavailable'), { name: 'ServiceUnavailable' });
      return realSend(mail);
    };
    const id = await d.draft('Ash Ln');

    await d.call('POST', `/api/broadcasts/${id}/send`);
    for (let i = 0; i < 16; i++) await d.advance(600);
    const report = await d.report(id);
    const emails = await allMails(runtime);

    expect(failuresLeft).toBeLessThan(0);
    expect(report.recipients.every((r) => r.state === 'not_reached' && r.emailedAt)).toBe(true);
    expect(report.broadcast.state).toBe('completed');
    const notices = emails.filter((e) => e.subject === 'Boil water notice').flatMap((e) => e.destination.to);
    expect(notices.sort()).toEqual(['c0@example.com', 'c1@example.com', 'mo@example.com']);
  }, 120_000);

  it('goes on after a restart of the local runtime: nobody dropped, no attempt rung twice', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-broadcast-'));
    runtime = await startLocalRuntime({ port: 0, dataDir });
    let d = await desk(runtime);
    await d.importCustomers(rows('R', 'Birch Ct', 12, false));
    const id = await d.draft('Birch Ct');
    await d.call('POST', `/api/broadcasts/${id}/send`);
    // Stopped while the broadcast rings (its first calls start within seconds; on a busy machine a few more).
    await d.advance(5);
    for (let s = 0; s < 60 && ringsByNumber(runtime).size === 0; s++) await d.advance(1);
    const before = ringsByNumber(runtime);
    await runtime.stop();

    runtime = await startLocalRuntime({ port: 0, dataDir });
    d = await desk(runtime);
    for (let i = 0; i < 12; i++)
      runtime.connect.setNumberBehaviour(`+120155${'7'}${String(i).padStart(4, '0')}`, {
        answer: 'answer',
        keys: '1',
      });
    for (let i = 0; i < 12; i++) await d.advance(600);
    const report = await d.report(id);
    const after = ringsByNumber(runtime);

    expect([...before.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(report.counts).toMatchObject({ total: 12, confirmed: 12 });
    expect(report.broadcast.state).toBe('completed');
    for (const r of report.recipients) {
      const phone = `+120155${'7'}${r.account.slice(2).padStart(4, '0')}`;
      const rings = (before.get(phone) ?? 0) + (after.get(phone) ?? 0);
      // Every ring is one attempt; a call cut off by the restart counts as a lost attempt, not a second ring.
      expect(rings).toBeLessThanOrEqual(3);
      expect(rings).toBeGreaterThanOrEqual(1);
    }
  }, 180_000);

  it('pauses, resumes and cancels: nobody is rung after the cancel', async () => {
    runtime = await startLocalRuntime({ port: 0 });
    const d = await desk(runtime);
    await d.importCustomers(rows('T', 'Cedar St', 30, false));
    const id = await d.draft('Cedar St');

    await d.call('POST', `/api/broadcasts/${id}/send`);
    const paused = await d.call('POST', `/api/broadcasts/${id}/pause`);
    const ringsAtPause = runtime.connect.listCalls({ direction: 'outbound' }).length;
    await d.advance(120);
    const ringsWhilePaused = runtime.connect.listCalls({ direction: 'outbound' }).length - ringsAtPause;
    await d.call('POST', `/api/broadcasts/${id}/resume`);
    await d.advance(2);
    const cancelled = await d.call('POST', `/api/broadcasts/${id}/cancel`);
    const ringsAtCancel = runtime.connect.listCalls({ direction: 'outbound' }).length;
    await d.advance(3600);
    const report = await d.report(id);

    expect(paused.body.state).toBe('paused');
    expect(ringsWhilePaused).toBe(0);
    expect(cancelled.body.state).toBe('cancelled');
    expect(runtime.connect.listCalls({ direction: 'outbound' }).length).toBe(ringsAtCancel);
    expect(report.counts.calling ?? 0).toBe(0);
    expect((report.counts.cancelled ?? 0) + (report.counts.not_reached ?? 0)).toBe(30);
  }, 120_000);
});
