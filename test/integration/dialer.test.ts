import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencies } from '#shared/adapters/dependencies';
import { type CallJob, claimAttempt, newCallJob } from '#shared/domain/call-job';
import { DIALER_TURN_MS, dialDueJobs, enqueueCallJob } from '#shared/use-cases/dialer';
import type { LocalApi } from '#test/support/local-api';
import { startCallingRuntime } from '#test/support/outbound-calls';

let api: LocalApi;

beforeAll(async () => {
  // The local Connect emulator has Connect's default quotas (2 calls/s, burst 5, 10 live calls); so does
  // the dialer's configuration by default.
  api = await startCallingRuntime();
});

afterAll(async () => {
  await api.stop();
});

describe('the one outbound dialer on the local Connect emulator', () => {
  it('stays within Connect limits, rings emergencies first, retries the busy and finishes every job', async () => {
    const deps = dependencies();
    const connect = api.runtime.connect;
    const now = api.runtime.clock.now().toISOString();
    // Due a minute from now: nothing (a sweep that happens to run meanwhile) can ring one before all exist.
    const due = new Date(Date.parse(now) + 60_000).toISOString();
    const job = (i: number, kind: CallJob['kind']): CallJob =>
      newCallJob(
        {
          id: `${kind}-dialer-test-${i}`,
          kind,
          phone: `+1555600${String(i).padStart(4, '0')}`,
          timeZone: deps.config.dialer.customerTimeZone,
          dueAt: due,
          requestedBy: 'test',
        },
        now,
        deps.config.dialer.policy,
      );
    const progress = Array.from({ length: 24 }, (_, i) => job(i, 'progress'));
    const emergencies = [job(90, 'emergency'), job(91, 'emergency')];
    for (const [i, j] of progress.entries()) {
      connect.setNumberBehaviour(
        j.phone,
        i % 8 === 7 ? { answer: 'busy', ringSeconds: 1 } : { answer: 'answer', keys: '1', ringSeconds: 2 },
      );
    }
    for (const j of emergencies) connect.setNumberBehaviour(j.phone, { answer: 'answer', keys: '1' });

    // Queued before the emergencies, yet the emergencies ring first.
    for (const j of progress) await deps.callJobs.create(j);
    for (const j of emergencies) await enqueueCallJob(deps, j);

    await api.runtime.clock.advance(120);
    const starts = () => connect.callLog.filter((e) => e.result === 'started');
    expect(
      starts()
        .slice(0, 2)
        .map((e) => e.destination)
        .sort(),
    ).toEqual(emergencies.map((j) => j.phone).sort());

    const states = async (jobs: CallJob[]) =>
      Promise.all(jobs.map(async (j) => (await deps.callJobs.get(j.id))?.state));
    const answered = progress.filter((_, i) => i % 8 !== 7);
    const busy = progress.filter((_, i) => i % 8 === 7);
    expect(new Set(await states(answered))).toEqual(new Set(['reached']));
    expect(new Set(await states(busy))).toEqual(new Set(['pending']));

    // Busy lines are tried again after 10 and 30 minutes, then recorded as not reached.
    for (let m = 0; m < 45; m += 10) await api.runtime.clock.advance(600);
    expect(new Set(await states(busy))).toEqual(new Set(['not_reached']));
    for (const j of busy) {
      const stored = await deps.callJobs.get(j.id);
      expect(stored?.attempts.map((a) => a.outcome)).toEqual(['busy', 'busy', 'busy']);
    }

    // From the emulator's own log: never more than 2 starts in a second or 10 live calls, none refused.
    const perSecond = new Map<number, number>();
    for (const e of starts()) {
      const s = Math.floor(Date.parse(e.at) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(2);
    expect(Math.max(...connect.callLog.map((e) => e.activeCallsAfter))).toBeLessThanOrEqual(10);
    expect(connect.stats().throttled + connect.stats().limitExceeded).toBe(0);
    // One ring per attempt: 21 answered + 3 x 3 busy + 2 emergencies, each with its own ClientToken.
    expect(starts()).toHaveLength(21 + 9 + 2);
    expect(new Set(starts().map((e) => e.clientToken)).size).toBe(starts().length);
  });

  it('a claim whose call never started is ended as lost by the sweep, its slot freed, and the customer rung at once', async () => {
    const deps = dependencies();
    const now = api.runtime.clock.now().toISOString();
    const job = newCallJob(
      {
        id: 'callback-dialer-test-stuck',
        kind: 'callback',
        phone: '+15556009999',
        timeZone: deps.config.dialer.customerTimeZone,
        dueAt: now,
        requestedBy: 'test',
      },
      now,
      deps.config.dialer.policy,
    );
    await deps.callJobs.create(job);
    // Claimed (slot taken), then the dialer "crashed" before Connect was called: no contact, no event.
    const stuck = claimAttempt(job, now, deps.config.dialer.policy);
    const second = Math.floor(Date.parse(now) / 1000) - 3600;
    expect(
      await deps.callJobs.claim(stuck, job.version, {
        concurrent: 100,
        perSecond: 100,
        second,
        atMs: Date.parse(now),
      }),
    ).toBe('claimed');
    const slots = await deps.callJobs.activeCalls();

    await api.runtime.clock.advance(deps.config.dialer.policy.attemptLeaseMinutes * 60 + 60);
    await api.runtime.lambdas.invoke('DeadlineSweep', {});

    // Nobody was called: the lost claim is not counted as an attempt, and the customer is rung at once.
    const repaired = await deps.callJobs.get(job.id);
    expect(repaired?.attempts[0]?.outcome).toBe('lost');
    expect(repaired?.attempt).toBe(2);
    expect(repaired?.attempts[1]?.contactId).toBeDefined();
    expect(repaired?.maxAttempts).toBe(job.maxAttempts);
    // the lost claim's slot is freed; the new call holds one
    expect(await deps.callJobs.activeCalls()).toBe(slots);
  });

  it('dials one run at a time: a run that finds the turn taken leaves word, its holder goes round again, a lapsed turn is taken over', async () => {
    const deps = dependencies();
    const store = deps.callJobs;
    const nowMs = () => api.runtime.clock.now().getTime();
    // The earlier tests' calls have ended and their dialer runs (started by contact events) are over.
    await api.settled();
    // Held by another run: a new run dials nothing and queues; the holder is told to go again, then is done.
    expect(await store.takeDialerTurn('holder', nowMs(), nowMs() + 60_000)).toBe('held');
    expect(await dialDueJobs(deps)).toMatchObject({ started: 0, queued: true });
    expect(await store.takeDialerTurn('another', nowMs(), nowMs() + 60_000)).toBe('queued');
    expect(await store.endDialerTurn('another', nowMs() + 60_000)).toBe('done'); // not its turn: nothing to give
    expect(await store.endDialerTurn('holder', nowMs() + 60_000)).toBe('again');
    expect(await store.endDialerTurn('holder', nowMs() + 60_000)).toBe('done');
    // A run that crashed holding the turn: once it lapses the next run takes it.
    expect(await store.takeDialerTurn('crashed', nowMs(), nowMs() + 1000)).toBe('held');
    expect(await store.takeDialerTurn('next', nowMs() + 1001, nowMs() + 60_000)).toBe('held');
    expect(await store.endDialerTurn('crashed', nowMs() + 60_000)).toBe('done');
    expect(await store.endDialerTurn('next', nowMs() + 60_000)).toBe('done');
    expect(DIALER_TURN_MS).toBeGreaterThan(120_000); // longer than the slowest run (the sweep's timeout)

    // Runs started side by side (ended calls, a wake-up, the sweep): every due job is rung once.
    const now = api.runtime.clock.now().toISOString();
    const jobs = [0, 1, 2].map((i) =>
      newCallJob(
        {
          id: `progress-dialer-turn-${i}`,
          kind: 'progress',
          phone: `+1555602${String(i).padStart(4, '0')}`,
          timeZone: 'Etc/GMT',
          dueAt: now,
          requestedBy: 'test',
          respectsCallingHours: false,
        },
        now,
        deps.config.dialer.policy,
      ),
    );
    for (const j of jobs) {
      api.runtime.connect.setNumberBehaviour(j.phone, { answer: 'answer', keys: '1', ringSeconds: 2 });
      await store.create(j);
    }
    const reports = await Promise.all([dialDueJobs(deps), dialDueJobs(deps), dialDueJobs(deps)]);
    // However the three interleave, the starts they report are the three jobs, none twice.
    expect(reports.reduce((n, r) => n + r.started, 0)).toBeLessThanOrEqual(3);
    await api.runtime.clock.advance(60);
    const rings = api.runtime.connect.callLog.filter(
      (e) => e.result === 'started' && jobs.some((j) => j.phone === e.destination),
    );
    expect(rings.map((e) => e.destination).sort()).toEqual(jobs.map((j) => j.phone).sort());
    for (const j of jobs) expect((await store.get(j.id))?.state).toBe('reached');
  });
  it('paces starts like the token bucket of Connect: a burst late in a second leaves the next one short', async () => {
    const deps = dependencies();
    const limits = { concurrent: 1000, perSecond: 3 };
    // Far ahead of the dialer's own starts in this file, so the pacing state is idle there.
    const lateMs = Math.floor(deps.clock.now().getTime() / 1000 + 30 * 86400) * 1000 + 950;
    const claimAt = async (i: number, atMs: number) => {
      const at = new Date(atMs).toISOString();
      const job = newCallJob(
        {
          id: `callback-dialer-pace-${i}`,
          kind: 'callback',
          phone: `+1555601${String(i).padStart(4, '0')}`,
          timeZone: 'Etc/GMT',
          dueAt: at,
          requestedBy: 'test',
          respectsCallingHours: false,
        },
        at,
        deps.config.dialer.policy,
      );
      await deps.callJobs.create(job);
      const claimed = claimAttempt(job, at, deps.config.dialer.policy);
      return deps.callJobs.claim(claimed, job.version, { ...limits, second: Math.floor(atMs / 1000), atMs });
    };
    try {
      // Three starts at .950: the bucket (3 per second) is empty.
      expect(await Promise.all([0, 1, 2].map((i) => claimAt(i, lateMs)))).toEqual([
        'claimed',
        'claimed',
        'claimed',
      ]);
      // 60 ms later a new clock second begins with its counter at 0, but no token has come back yet: the
      // next start conforms at .950 + 1/3 s, and only one.
      expect(await claimAt(3, lateMs + 60)).toBe('rate_limited');
      expect(await claimAt(4, lateMs + 1000 / 3)).toBe('claimed');
      expect(await claimAt(5, lateMs + 1000 / 3 + 10)).toBe('rate_limited');
      // After a quiet second the whole burst is there again.
      const later = lateMs + 3000;
      expect(await Promise.all([6, 7, 8].map((i) => claimAt(i, later)))).toEqual([
        'claimed',
        'claimed',
        'claimed',
      ]);
      expect(await claimAt(9, later)).toBe('rate_limited');
    } finally {
      await deps.documentClient.send(
        new DeleteCommand({ TableName: deps.config.tableName, Key: { pk: 'DIALER#PACE', sk: 'DIALER' } }),
      );
    }
  });
});
