import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CrashableDesk, type JournalRing, lcg, rungTwice } from '#test/support/crashable-desk';
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

const phoneOf = (i: number) => `+1201556${String(i).padStart(4, '0')}`;
/** Most answer and confirm; some never answer (retried, then e-mailed), some are busy. */
const behaviourOf = (i: number) =>
  i % 10 === 3
    ? { answer: 'no-answer' }
    : i % 10 === 7
      ? { answer: 'busy' }
      : { answer: 'answer', keys: '1' };
const PHONES = Array.from({ length: RECIPIENTS }, (_, i) => ({
  phone: phoneOf(i),
  behaviour: behaviourOf(i),
}));

describe('a broadcast survives kill -9 of the local runtime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-crash-'));
  let desk: CrashableDesk | undefined;
  afterAll(async () => {
    await desk?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${KILLS} kills during a ${RECIPIENTS}-recipient send: nobody dropped, no attempt rung twice, the report complete`, async () => {
    desk = new CrashableDesk(await freeBasePort(), dataDir);
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
    await desk.setPhones(PHONES);
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
      await desk.setPhones(PHONES);
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
      .map((line) => JSON.parse(line) as JournalRing);
    const twice = rungTwice(rings);
    const accounts = new Set(report.recipients.map((r) => r.account));

    expect(existsSync(join(dataDir, 'reactor-checkpoint.json'))).toBe(true);
    expect(await desk.parkedRecords()).toEqual([]);
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
