import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencies } from '#shared/adapters/dependencies';
import { draftBroadcast, type Recipient, recipientsFor } from '#shared/domain/broadcast';
import { type CallJob, newCallJob } from '#shared/domain/call-job';
import type { Customer } from '#shared/domain/customer';
import { LocalApi } from '#test/support/local-api';

/**
 * A broadcast's fan-out writes recipients and call jobs a hundred to a transaction (issue 6: a 10,000 send
 * is ~200 writes, not 20,000). These run against DynamoDB Local: new groups in one go, groups with someone
 * already stored item by item (a repeated send or a restart), counters always equal to what is stored.
 */
let api: LocalApi;

beforeAll(async () => {
  api = await LocalApi.start({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
});

afterAll(async () => {
  await api.stop();
});

const customer = (i: number, withPhone: boolean): Customer => ({
  account: `BW-${i}`,
  name: `Customer ${i}`,
  phones: withPhone ? [`+1202555${String(i).padStart(4, '0')}`] : [],
  address: `${i} Elm St`,
  area: { district: 'North', street: 'Elm St', segment: 'N1' },
  language: 'en',
  noContact: i % 50 === 7,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

async function newBroadcast(id: string) {
  const deps = dependencies();
  const now = api.runtime.clock.now().toISOString();
  await deps.broadcasts.create(
    draftBroadcast(
      id,
      {
        what: 'Outage',
        where: 'Elm Street',
        since: now,
        severity: 'major',
        message: 'Power is out on Elm Street.',
        emailSubject: 'Outage',
        emailText: 'Power is out.',
        selection: { streets: ['Elm St'] },
      },
      'test',
      now,
    ),
  );
  return { deps, now };
}

const countsOf = (recipients: readonly Recipient[]) => {
  const counts: Record<string, number> = {};
  for (const r of recipients) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return counts;
};

describe('batched recipients', () => {
  it('writes 250 new recipients with counters that match, and a repeat writes only the new ones', async () => {
    const { deps, now } = await newBroadcast('batchedrecipients1');
    const customers = Array.from({ length: 250 }, (_, i) => customer(i, true));
    const first = recipientsFor('batchedrecipients1', customers, now);
    expect(await deps.broadcasts.addRecipients(first)).toBe(250);

    // A repeat after a restart: 240 already stored (one changed since), 10 new, spread over the groups.
    const stored = first[5] as Recipient;
    expect(await deps.broadcasts.updateRecipient(stored, { ...stored, state: 'confirmed', version: 2 })).toBe(
      true,
    );
    const more = recipientsFor(
      'batchedrecipients1',
      [...customers, ...Array.from({ length: 10 }, (_, i) => customer(1000 + i * 25, false))],
      now,
    );
    expect(await deps.broadcasts.addRecipients(more)).toBe(10);

    const all = await deps.broadcasts.allRecipients('batchedrecipients1');
    expect(all).toHaveLength(260);
    // The changed one was left as it was.
    expect(all.find((r) => r.account === stored.account)?.state).toBe('confirmed');
    const view = await deps.broadcasts.get('batchedrecipients1');
    expect(view?.counts).toEqual(countsOf(all));
    // Five flagged no-contact in the first 250, and the ten new ones have neither phone nor e-mail.
    expect(view?.counts.no_contact).toBe(5 + 10);

    // The hotline finds a caller and the recipients their number was in one read; findByPhone only the customer.
    await deps.customers.saveMany([customer(3, true)]);
    const found = await deps.customers.findByPhoneWithRecipients('+12025550003');
    expect(found.customer?.account).toBe('BW-3');
    expect(found.recipients.map((r) => [r.broadcastId, r.account])).toEqual([['batchedrecipients1', 'BW-3']]);
    expect((await deps.customers.findByPhone('+12025550003'))?.account).toBe('BW-3');
    expect(await deps.customers.findByPhone('+12025550004')).toBeUndefined();
    expect((await deps.customers.findByPhoneWithRecipients('+12025550004')).recipients).toHaveLength(1);
  });
});

describe('batched call jobs', () => {
  const job = (i: number, now: string): CallJob => {
    const deps = dependencies();
    return newCallJob(
      {
        id: `batched-job-${i}`,
        kind: 'broadcast',
        priority: 'emergency',
        phone: `+1202666${String(i).padStart(4, '0')}`,
        timeZone: deps.config.dialer.customerTimeZone,
        dueAt: '9999-01-01T00:00:00.000Z',
        respectsCallingHours: false,
        requestedBy: 'test',
      },
      now,
      deps.config.dialer.policy,
    );
  };

  it('creates 150 new jobs in order and returns stored ones for those already there', async () => {
    const deps = dependencies();
    const now = api.runtime.clock.now().toISOString();
    const first = Array.from({ length: 150 }, (_, i) => job(i, now));
    const created = await deps.callJobs.createMany(first);
    expect(created.map((c) => c.job.id)).toEqual(first.map((j) => j.id));
    expect(created.every((c) => c.created)).toBe(true);
    expect((await deps.callJobs.get('batched-job-149'))?.phone).toBe('+12026660149');

    // One of them moved on since; creating again hands it back as stored and creates only the new ones.
    const moved = (await deps.callJobs.get('batched-job-120')) as CallJob;
    expect(
      await deps.callJobs.save({ ...moved, state: 'cancelled', version: moved.version + 1 }, moved.version),
    ).toBe(true);
    const again = await deps.callJobs.createMany(Array.from({ length: 160 }, (_, i) => job(i, now)));
    expect(again.filter((c) => c.created).map((c) => c.job.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `batched-job-${150 + i}`),
    );
    expect(again.find((c) => c.job.id === 'batched-job-120')?.job.state).toBe('cancelled');
    expect(await deps.callJobs.get('batched-job-159')).toBeDefined();
  });
});
