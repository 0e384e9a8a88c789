import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOUND_PROMPTS } from '#infra/flows/outbound-common';
import { promisedCallMessage } from '#shared/domain/answer-promise';
import type { LocalApi } from '#test/support/local-api';
import {
  actOn,
  addMinutes,
  callJobsOf,
  dispatchComplaint,
  eventsOf,
  callsTo as outboundCallsTo,
  registerComplaint,
  resolveComplaint,
  startCallingDesk,
  systemSaid,
} from '#test/support/outbound-calls';

/**
 * "Within half an hour": staff promise an answer on a complaint. The promise is a callback due in 30
 * minutes; a result before then keeps it (the call is cancelled); without one, the call tells the
 * customer, after the identity check, where the complaint stands. Time is the runtime's clock.
 */

let api: LocalApi;
let agent: string;

interface Job {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly attempt: number;
  readonly reason?: string;
  readonly dueAt: string;
  readonly attempts: readonly { readonly n: number; readonly outcome?: string; readonly endedAt?: string }[];
}

interface Promised {
  readonly jobId: string;
  readonly promisedAt: string;
  readonly dueAt: string;
  readonly callAt: string;
}

const PHONE_PREFIX = '+1555124';
let nextPhone = 0;
const aPhone = () => `${PHONE_PREFIX}${String(1000 + nextPhone++)}`;

/** A complaint dispatched to its department: "with the responsible department". */
async function dispatchedComplaint(phone: string): Promise<{ id: string; version: number }> {
  const created = await registerComplaint(api, agent, { phone });
  return { id: created.id, version: await dispatchComplaint(api, agent, created) };
}

/** The complaint's version now (deadline checks change it as the clock moves). */
async function versionOf(id: string): Promise<number> {
  return (await api.request<{ version: number }>('GET', `/api/tickets/${id}`, { token: agent })).body.version;
}

async function promise(id: string, body?: unknown) {
  return api.request<Promised & { error?: { code: string; message: string } }>(
    'POST',
    `/api/tickets/${id}/promise`,
    { token: agent, ...(body !== undefined ? { body } : {}) },
  );
}

async function promiseJobs(id: string): Promise<Job[]> {
  return (await callJobsOf<Job>(api, agent, id, 'callback')).filter((j) => j.reason === 'answer_promise');
}

const events = (id: string) =>
  eventsOf<{ type: string; actor: string; reason?: string; data: Record<string, unknown> }>(api, agent, id);

const callsTo = (phone: string) => outboundCallsTo(api, phone);
const id = (complaint: { readonly id: string }) => complaint.id;

beforeEach(async () => {
  ({ api, agent } = await startCallingDesk());
});

afterEach(async () => {
  await api.stop();
});

describe('an answer promised within half an hour', () => {
  it('with no result by then, the call tells the confirmed customer the status, never someone else', async () => {
    const phone = aPhone();
    const { id } = await dispatchedComplaint(phone);
    // Someone else answers the first call.
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '2' });

    const promised = await promise(id);
    expect(promised.status).toBe(201);
    expect(promised.body.dueAt).toBe(addMinutes(promised.body.promisedAt, 30));
    expect(promised.body.callAt).toBe(promised.body.dueAt);
    expect((await events(id)).find((e) => e.type === 'answer_promised')).toMatchObject({
      actor: 'alice',
      data: { jobId: promised.body.jobId, minutes: 30, dueAt: promised.body.dueAt },
    });

    await api.runtime.clock.advance(29 * 60);
    expect(callsTo(phone)).toHaveLength(0);

    await api.runtime.clock.advance(60 + 20);
    const [first] = callsTo(phone);
    expect(first?.state).toBe('ended');
    expect(systemSaid(first)).toContain(OUTBOUND_PROMPTS.wrongPerson);
    const firstText = systemSaid(first).join('\n');
    expect(firstText).not.toContain('promised');
    expect(firstText).not.toContain('department');
    expect(firstText).not.toContain(id);

    // The customer answers the retry after the back-off (10 minutes) and confirms.
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '1' });
    await api.runtime.clock.advance(10 * 60 + 20);
    const calls = callsTo(phone);
    expect(calls).toHaveLength(2);
    const said = systemSaid(calls[1]);
    const identityAt = said.indexOf('Are we speaking to Jane Smith? Press 1 for yes, or 2 for no.');
    const statusAt = said.indexOf(promisedCallMessage({ number: id, status: 'dispatched' }, false));
    expect(identityAt).toBeGreaterThan(0);
    expect(statusAt).toBeGreaterThan(identityAt);
    expect(said[statusAt]).toContain('is with the responsible department');
    expect(said.slice(-2)).toEqual([OUTBOUND_PROMPTS.goodbye, '(call ended by the system)']);

    const [job] = await promiseJobs(id);
    expect(job).toMatchObject({ id: promised.body.jobId, state: 'reached', attempt: 2 });
    expect(job?.attempts.map((a) => a.outcome)).toEqual(['wrong_person', 'reached']);
    const contact = (await events(id)).find((e) => e.type === 'contact_attempted');
    expect(contact?.data.outcome).toBe('reached');
    expect(contact?.reason).toContain('Promised answer: status told');
  });

  it('a result before the half hour keeps the promise: the call is cancelled and never rings', async () => {
    const phone = aPhone();
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '1' });
    const { id } = await dispatchedComplaint(phone);
    const promised = await promise(id);
    expect(promised.status).toBe(201);

    await api.runtime.clock.advance(10 * 60);
    const progress = await api.request('POST', `/api/tickets/${id}/progress`, {
      token: agent,
      headers: { 'if-match': `"${await versionOf(id)}"` },
      body: { note: 'The billing team found the double charge' },
    });
    expect(progress.status).toBe(200);

    const [job] = await promiseJobs(id);
    expect(job?.state).toBe('cancelled');
    expect((await events(id)).find((e) => e.type === 'answer_promise_kept')?.data).toMatchObject({
      jobId: promised.body.jobId,
      by: 'progress_recorded',
    });

    await api.runtime.clock.advance(25 * 60);
    expect(callsTo(phone)).toHaveLength(0);
    // The promise has been kept: another can be made.
    expect((await promise(id)).status).toBe(201);
  });

  it('an incident closed with its complaints resolved keeps their promises too: no call rings', async () => {
    const supervisor = await api.tokenFor('sam', ['supervisor']);
    const phone = aPhone();
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '1' });
    const created = await registerComplaint(api, agent, { phone });
    await actOn(api, agent, created, 'contacts', { outcome: 'reached' });
    const promised = await promise(id(created));
    expect(promised.status).toBe(201);
    const draft = await api.request<{ id: string }>('POST', '/api/broadcasts', {
      token: supervisor,
      body: {
        what: 'Burst main',
        where: 'Quay Street',
        since: api.runtime.clock.now().toISOString(),
        severity: 'crisis',
        message: 'A burst water main on Quay Street. Supply is interrupted.',
        emailSubject: 'Burst main on Quay Street',
        emailText: 'A burst water main on Quay Street. Supply is interrupted.',
        selection: { streets: ['Quay St'] },
      },
    });
    expect(
      (await api.request('POST', `/api/broadcasts/${draft.body.id}/send`, { token: supervisor })).status,
    ).toBe(202);
    const linked = await api.request('POST', `/api/incidents/${draft.body.id}/complaints`, {
      token: supervisor,
      body: { ticketId: id(created), cause: true },
    });
    expect(linked.status).toBe(200);

    const closed = await api.request<{ resolved: { resolved: number } }>(
      'POST',
      `/api/incidents/${draft.body.id}/close`,
      {
        token: supervisor,
        body: { message: 'The main is repaired; water is back.', resolveLinked: true },
      },
    );

    expect(closed.body.resolved).toEqual({ resolved: 1, leftOpen: 0 });
    const [job] = await promiseJobs(id(created));
    expect(job?.state).toBe('cancelled');
    expect((await events(id(created))).find((e) => e.type === 'answer_promise_kept')?.data).toMatchObject({
      jobId: promised.body.jobId,
      by: 'resolved',
    });
    await api.runtime.clock.advance(35 * 60);
    // The satisfaction call may ring; the promised call never does.
    expect(
      api.runtime.connect
        .listCalls({ direction: 'outbound' })
        .filter((c) => c.to === phone && c.attributes.jobId === promised.body.jobId),
    ).toHaveLength(0);
  });

  it('a result while the promised call is already ringing: the call says there is news', async () => {
    const phone = aPhone();
    // A long ring (Connect gives up at 60 s): the result below lands while it rings, even on a slow machine
    // where simulated time also runs on while the test's requests are served.
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '1', ringSeconds: 45 });
    const { id } = await dispatchedComplaint(phone);
    expect((await promise(id)).status).toBe(201);

    // Up to the half hour, then second by second until the promised call rings.
    await api.runtime.clock.advance(30 * 60 - 5);
    for (let s = 0; s < 30 && callsTo(phone).length === 0; s++) await api.runtime.clock.advance(1);
    expect(callsTo(phone)[0]?.state).toBe('ringing');
    const result = await api.request('POST', `/api/tickets/${id}/department-result`, {
      token: agent,
      headers: { 'if-match': `"${await versionOf(id)}"` },
      body: { result: 'Refund of the double charge approved' },
    });
    expect(result.status).toBe(200);
    expect((await promiseJobs(id))[0]?.state).toBe('dialing');

    await api.runtime.clock.advance(60);
    const said = systemSaid(callsTo(phone)[0]);
    expect(said).toContain(promisedCallMessage({ number: id, status: 'in_progress' }, true));
    // The department's own words stay inside the desk.
    expect(said.join('\n')).not.toContain('Refund');
    expect((await promiseJobs(id))[0]?.state).toBe('reached');
  });

  it('refuses a promise that cannot be kept and writes nothing', async () => {
    const phone = aPhone();
    const { id } = await dispatchedComplaint(phone);

    expect((await promise('9999999')).status).toBe(404);
    expect((await promise('12ab')).status).toBe(400);
    const badBody = await promise(id, { minutes: 5 });
    expect(badBody.status).toBe(400);
    const anonymous = await api.request('POST', `/api/tickets/${id}/promise`);
    expect(anonymous.status).toBe(401);
    expect(await promiseJobs(id)).toHaveLength(0);

    expect((await promise(id)).status).toBe(201);
    const twice = await promise(id);
    expect(twice.status).toBe(409);
    expect(twice.body.error?.message).toContain('already promised');
    expect(await promiseJobs(id)).toHaveLength(1);
    expect((await events(id)).filter((e) => e.type === 'answer_promised')).toHaveLength(1);
  });

  it('lets only one of two promises made at the same moment through', async () => {
    const { id } = await dispatchedComplaint(aPhone());
    const both = await Promise.all([promise(id), promise(id), promise(id)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await promiseJobs(id)).toHaveLength(1);
    expect((await events(id)).filter((e) => e.type === 'answer_promised')).toHaveLength(1);
  });

  it('refuses a promise on a resolved complaint', async () => {
    const phone = aPhone();
    const complaint = await dispatchedComplaint(phone);
    const { id } = complaint;
    await resolveComplaint(api, agent, complaint, 'Refunded');
    const refused = await promise(id);
    expect(refused.status).toBe(409);
    expect(await promiseJobs(id)).toHaveLength(0);
  });
});
