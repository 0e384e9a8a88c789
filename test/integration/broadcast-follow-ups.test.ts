import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterDependencies, dependencies } from '#shared/adapters/dependencies';
import { type Broadcast, draftBroadcast, type Recipient, recipientsFor } from '#shared/domain/broadcast';
import type { Customer } from '#shared/domain/customer';
import { followUpSlice } from '#shared/use-cases/broadcasts';
import { LocalApi } from '#test/support/local-api';

/**
 * A broadcast's "please disregard" follow-up is a job of slices (reactions of `follow_up_requested` and
 * `follow_up_progressed`), against DynamoDB Local: a slice that dies half way through a recipient (recorded,
 * its call job not stored; recorded, its e-mail not sent) is finished by the next run, nobody is skipped and
 * nobody gets a second call job; a slice whose time is up hands the rest on with a progress event.
 */
let api: LocalApi;

beforeAll(async () => {
  api = await LocalApi.start({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
});

afterAll(async () => {
  await api.stop();
});

const RECIPIENTS = 30;

const customer = (i: number): Customer => ({
  account: `FU-${String(i).padStart(3, '0')}`,
  name: `Customer ${i}`,
  // Even accounts answered the call (a follow-up call); odd ones were e-mailed only (a follow-up e-mail).
  phones: i % 2 === 0 ? [`+1202556${String(i).padStart(4, '0')}`] : [],
  ...(i % 2 === 1 ? { email: `fu${i}@example.com` } : {}),
  address: `${i} Oak St`,
  area: { district: 'North', street: 'Oak St', segment: 'N1' },
  language: 'en',
  noContact: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

async function cancelledBroadcastReachingEveryone(deps: AdapterDependencies, id: string) {
  const now = api.runtime.clock.now().toISOString();
  const draft = draftBroadcast(
    id,
    {
      what: 'Outage',
      where: 'Oak Street',
      since: now,
      severity: 'major',
      message: 'Power is out on Oak Street.',
      emailSubject: 'Outage on Oak Street',
      emailText: 'Power is out.',
      selection: { streets: ['Oak St'] },
    },
    'sam',
    now,
  );
  const broadcast: Broadcast = {
    ...draft,
    state: 'cancelled',
    disregard: {
      message: 'Please disregard our message about Oak Street.',
      requestedBy: 'sam',
      requestedAt: now,
    },
  };
  await deps.broadcasts.create(broadcast);
  const recipients = recipientsFor(
    id,
    Array.from({ length: RECIPIENTS }, (_, i) => customer(i)),
    now,
  );
  await deps.broadcasts.addRecipients(recipients);
  for (const r of recipients) {
    const reached: Recipient = r.phone
      ? { ...r, state: 'confirmed', confirmedAt: now, version: r.version + 1 }
      : { ...r, state: 'not_reached', emailedAt: now, version: r.version + 1 };
    expect(await deps.broadcasts.updateRecipient(r, reached)).toBe(true);
  }
}

const sentTo = async (subject: string) => {
  const res = await fetch(`${api.runtime.endpoints.ses}/store`);
  const { emails } = (await res.json()) as { emails: { subject: string; destination: { to: string[] } }[] };
  return emails.filter((m) => m.subject === subject).flatMap((m) => m.destination.to);
};

describe('a broadcast follow-up job', () => {
  it('finishes the recipients a dying slice left half done: every follow-up once, nobody skipped', async () => {
    const deps = dependencies();
    const id = 'fu-crash';
    await cancelledBroadcastReachingEveryone(deps, id);
    // The first run dies twice: once after recording a call follow-up (before its job is stored), once
    // after recording an e-mail follow-up (before it is sent).
    let creates = 0;
    let mails = 0;
    const dying: AdapterDependencies = {
      ...deps,
      callJobs: {
        ...deps.callJobs,
        get: deps.callJobs.get.bind(deps.callJobs),
        create: async (job) => {
          creates += 1;
          if (creates === 4) throw new Error('killed before the call job was stored');
          return deps.callJobs.create(job);
        },
      } as AdapterDependencies['callJobs'],
      mailer: {
        send: async (mail) => {
          mails += 1;
          if (mails === 3) throw new Error('killed before the e-mail was sent');
          return deps.mailer.send(mail);
        },
      },
    };
    // Slices that never run out of time: this story is the crash, the next one the hand-over.
    const endless = () => () => 1;
    await expect(followUpSlice(dying, id, 'disregard', undefined, endless())).rejects.toThrow(/killed/);
    // The redelivered reaction runs the slice again from the start.
    await expect(followUpSlice(deps, id, 'disregard', undefined, endless())).resolves.toBe('done');
    await expect(followUpSlice(deps, id, 'disregard', undefined, endless())).resolves.toBe('done');

    const recipients = await deps.broadcasts.allRecipients(id);
    expect(recipients.filter((r) => r.followUps?.length !== 1).map((r) => r.account)).toEqual([]);
    const callJobIds = recipients.flatMap((r) => r.followUps?.map((f) => f.callJobId) ?? []).filter(Boolean);
    expect(callJobIds).toHaveLength(RECIPIENTS / 2);
    const jobs = await Promise.all(callJobIds.map((jobId) => deps.callJobs.get(jobId as string)));
    expect(jobs.filter((j) => j === undefined)).toEqual([]);
    const mailed = await sentTo('Please disregard: Outage on Oak Street');
    const emails = recipients.filter((r) => !r.phone).map((r) => r.email);
    // Each e-mailed recipient has it; the e-mail cut short by the crash went out once, on the rerun.
    expect([...new Set(mailed)].sort()).toEqual([...emails].sort());
    expect(mailed).toHaveLength(emails.length);
  });

  it('hands the rest to the next slice when its time is up, and the next goes on after the last one done', async () => {
    const deps = dependencies();
    const id = 'fu-slices';
    await cancelledBroadcastReachingEveryone(deps, id);
    let budget = 5;
    // A slice clock that allows five recipients per slice.
    const clock = () => () => budget--;
    expect(await followUpSlice(deps, id, 'disregard', undefined, clock())).toBe('continues');
    const afterFirst = (await deps.broadcasts.allRecipients(id)).filter((r) => r.followUps?.length).length;
    expect(afterFirst).toBeGreaterThanOrEqual(5);
    expect(afterFirst).toBeLessThan(RECIPIENTS);
    // The progress event's reaction carries the rest (drained like any reaction).
    for (let i = 0; i < 20; i++) {
      await api.runtime.settled();
      const done = (await deps.broadcasts.allRecipients(id)).filter((r) => r.followUps?.length).length;
      if (done === RECIPIENTS) break;
      budget = 5;
    }
    const recipients = await deps.broadcasts.allRecipients(id);
    expect(recipients.filter((r) => r.followUps?.length !== 1).map((r) => r.account)).toEqual([]);
  });
});
