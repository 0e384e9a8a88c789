import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencies } from '#shared/adapters/dependencies';
import { createReactionLedger } from '#shared/adapters/reaction-ledger';
import { LocalApi } from '#test/support/local-api';

/**
 * The reaction ledger (Powertools Idempotency in the table) against DynamoDB Local: a reaction left in
 * progress by a process that died is taken over once its lease passes, not failed at once (a stream record's
 * retries would be spent in milliseconds and the record parked: the reaction lost, as a kill -9 showed).
 */
let api: LocalApi;

beforeAll(async () => {
  api = await LocalApi.start({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
});

afterAll(async () => {
  await api.stop();
});

const LEASE_MS = 1500;

describe('reaction ledger', () => {
  it('runs a reaction whose holder died once the lease passes, and only once', async () => {
    const { config } = dependencies();
    // Two ledgers are two processes: the first takes the reaction and never finishes (killed mid-run).
    const dead = createReactionLedger(config, { leaseMs: LEASE_MS });
    const next = createReactionLedger(config, { leaseMs: LEASE_MS });
    let deadRan = 0;
    void dead.once('test-reaction', 'event-died', () => {
      deadRan += 1;
      return new Promise<void>(() => undefined);
    });
    while (deadRan === 0) await new Promise((r) => setTimeout(r, 20));

    let ran = 0;
    const started = Date.now();
    await next.once('test-reaction', 'event-died', async () => {
      ran += 1;
    });
    expect(ran).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_MS - 500);
    // Done now: a further delivery skips it.
    await next.once('test-reaction', 'event-died', async () => {
      ran += 1;
    });
    expect(ran).toBe(1);
  });

  it('waits for a duplicate delivery still running and then skips the reaction it finished', async () => {
    const { config } = dependencies();
    const first = createReactionLedger(config, { leaseMs: 10_000 });
    const second = createReactionLedger(config, { leaseMs: 10_000 });
    let runs = 0;
    let finish: () => void = () => undefined;
    const running = first.once('test-reaction', 'event-busy', () => {
      runs += 1;
      return new Promise<void>((r) => {
        finish = r;
      });
    });
    while (runs === 0) await new Promise((r) => setTimeout(r, 20));
    const duplicate = second.once('test-reaction', 'event-busy', async () => {
      runs += 1;
    });
    await new Promise((r) => setTimeout(r, 700));
    finish();
    await Promise.all([running, duplicate]);
    expect(runs).toBe(1);
  });

  it('gives up on a reaction held past its lease wait with the in-progress error (the record is retried)', async () => {
    const { config } = dependencies();
    const holder = createReactionLedger(config, { leaseMs: 60_000 });
    const impatient = createReactionLedger(config, { leaseMs: 300 });
    let held = false;
    void holder.once('test-reaction', 'event-held', () => {
      held = true;
      return new Promise<void>(() => undefined);
    });
    while (!held) await new Promise((r) => setTimeout(r, 20));
    await expect(impatient.once('test-reaction', 'event-held', async () => undefined)).rejects.toThrow(
      /already an execution in progress/,
    );
  });
});
