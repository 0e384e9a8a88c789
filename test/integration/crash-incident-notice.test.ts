import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CrashableDesk, type JournalRing, lcg, rungTwice } from '#test/support/crashable-desk';
import { freeBasePort } from '#test/support/ports';
import { zoneWhereHourIs } from '#test/support/time-zones';

/**
 * kill -9 of `npm start` at random moments while an incident update goes to 200 linked complainants (the
 * notice's slices, each complaint's mail and call, the dialler's rings), restarted each time on the same
 * data: every complainant is told once (one `incident_update_sent` each), every call is rung, no attempt
 * twice, and the incident records the notice's end with its counts.
 */
const COMPLAINANTS = 200;
const KILLS = 5;
const phoneOf = (i: number) => `+1201557${String(i).padStart(4, '0')}`;
const PHONES = Array.from({ length: COMPLAINANTS }, (_, i) => ({
  phone: phoneOf(i),
  behaviour: { answer: 'answer', keys: '1' },
}));

describe('an incident update to every complainant survives kill -9 of the local runtime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-notice-crash-'));
  let desk: CrashableDesk | undefined;
  afterAll(async () => {
    await desk?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${KILLS} kills during an update to ${COMPLAINANTS} complainants: each told once, every call rung once per attempt`, async () => {
    // Update calls keep calling hours: the customers live where it is 10:00 now, whenever the suite runs.
    desk = new CrashableDesk(await freeBasePort(), dataDir, {
      CUSTOMER_TIME_ZONE: zoneWhereHourIs(10, new Date()),
    });
    await desk.start();
    let token = await desk.token();
    await desk.json(
      'POST',
      '/api/customers/import',
      token,
      undefined,
      'account,name,phone,email,address,district,street,segment,language,no_contact\nA-1,Ada Alder,+12015579999,,1 Alder St,East,Alder St,S1,en,no',
    );
    const draft = await desk.json<{ id: string }>('POST', '/api/broadcasts', token, {
      what: 'Water main burst',
      where: 'Alder Street',
      since: new Date(Date.now() - 3_600_000).toISOString(),
      severity: 'major',
      message: 'A water main has burst on Alder Street. Supply is off while we repair it.',
      emailSubject: 'Water main burst on Alder Street',
      emailText: 'A water main has burst on Alder Street. Supply is off while we repair it.',
      selection: { streets: ['Alder St'] },
    });
    await desk.json('POST', `/api/broadcasts/${draft.id}/send`, token);
    let incidentId: string | undefined;
    for (let i = 0; i < 50 && !incidentId; i++) {
      incidentId = (await desk.json<{ items: { id: string }[] }>('GET', '/api/incidents', token)).items[0]
        ?.id;
      if (!incidentId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(incidentId).toBeDefined();
    const ids: string[] = [];
    for (let i = 0; i < COMPLAINANTS; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, COMPLAINANTS - i) }, (_, k) =>
          desk?.json<{ id: string }>('POST', '/api/tickets', token, {
            severity: 'dissatisfied',
            channel: 'phone',
            category: 'supply_interruption',
            description: 'No water since this morning',
            customer: {
              name: `Complainant ${i + k}`,
              phone: phoneOf(i + k),
              address: `${i + k} Alder St`,
              ...((i + k) % 2 ? { email: `c${i + k}@example.com` } : {}),
            },
          }),
        ),
      );
      ids.push(...batch.map((b) => b?.id as string));
    }
    await desk.setPhones(PHONES);
    await desk.settle();
    const detailOf = () =>
      desk?.json<{
        complaints: { ticketId: string }[];
        events: { type: string; data: Record<string, number> }[];
      }>('GET', `/api/incidents/${incidentId}`, token);
    expect((await detailOf())?.complaints).toHaveLength(COMPLAINANTS);

    await desk.json('POST', `/api/incidents/${incidentId}/updates`, token, {
      message: 'Repairs are under way; we expect water back by 8 pm.',
      notifyComplainants: true,
    });
    const random = lcg(20261203);
    for (let kill = 0; kill < KILLS; kill++) {
      const moving = desk.advance(5 + Math.floor(random() * 60)).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 1500)));
      await desk.kill();
      await moving;
      await desk.start();
      await desk.setPhones(PHONES);
    }
    token = await desk.token();
    let notified = (await detailOf())?.events.filter((e) => e.type === 'complainants_notified') ?? [];
    for (let step = 0; step < 20 && notified.length === 0; step++) {
      await desk.settle();
      notified = (await detailOf())?.events.filter((e) => e.type === 'complainants_notified') ?? [];
    }
    for (let step = 0; step < 3; step++) await desk.advance(600);
    await desk.settle();

    const sentPerComplaint = await Promise.all(
      ids.map(async (id) => {
        const events = await desk?.json<{ items: { type: string; data: { callJobId?: string } }[] }>(
          'GET',
          `/api/tickets/${id}/events?limit=100`,
          token,
        );
        return (events?.items ?? []).filter((e) => e.type === 'incident_update_sent');
      }),
    );
    const rings = readFileSync(join(dataDir, 'connect-calls.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as JournalRing);
    const rungJobs = new Set(rings.map((r) => r.jobId));
    const callJobs = sentPerComplaint.flatMap((sent) => sent.map((e) => e.data.callJobId));

    expect(await desk.parkedRecords()).toEqual([]);
    expect(sentPerComplaint.filter((sent) => sent.length !== 1)).toEqual([]);
    expect(notified.map((e) => e.data)).toEqual([
      expect.objectContaining({
        update: 2,
        complainants: COMPLAINANTS,
        called: COMPLAINANTS,
        emailed: COMPLAINANTS / 2,
      }),
    ]);
    expect(rungTwice(rings)).toEqual([]);
    // A job never rung is shown with its state and attempts, so a failure says where it stopped.
    const neverRung = await Promise.all(
      callJobs
        .filter((job) => !rungJobs.has(job))
        .map((job) => desk?.json('GET', `/api/call-jobs/${encodeURIComponent(job as string)}`, token)),
    );
    expect(neverRung).toEqual([]);
  }, 900_000);
});
