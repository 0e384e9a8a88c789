/**
 * `npm run smoke`'s journey (ops/smoke/journey.ts) against the local runtime, over HTTP only, as
 * `npm run smoke -- --local <url>` runs it: every step passes (the alarm topic is skipped: no SNS here) and
 * the clean-up leaves no callback booked and the complaint closed, with no deadline running and no survey
 * call to make, also when a step fails half-way. What must not happen later is seen by moving the clock on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSmoke, SMOKE_RESOLUTION, type SmokeReport } from '#ops/smoke/journey';
import { localTarget } from '#ops/smoke/local-target';
import { LocalApi } from '#test/support/local-api';
import { Mailbox } from '#test/support/mail';
import { zoneWhereHourIs } from '#test/support/time-zones';

let api: LocalApi;
let admin: string;

beforeAll(async () => {
  api = await LocalApi.start({
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // Customers where it is 22:00: a callback waits for calling hours, so it cannot ring before it is cancelled.
    CUSTOMER_TIME_ZONE: zoneWhereHourIs(22, new Date()),
  });
  admin = await api.tokenFor('root', ['admin']);
});
afterAll(() => api?.stop());

interface CallJobView {
  id: string;
  state: string;
  kind: string;
  ticketId?: string;
}

async function callJobsOf(ticketId: string): Promise<CallJobView[]> {
  const reply = await api.request<{ items: CallJobView[] }>('GET', `/api/call-jobs?ticketId=${ticketId}`, {
    token: admin,
  });
  expect(reply.status).toBe(200);
  return reply.body.items;
}

interface ComplaintView {
  status: string;
  version: number;
  customer: { name: string };
  resolution?: { resolution: string };
  closure?: { via: string; by: string };
  deadlines: Record<string, { due: string; metAt?: string; breachedAt?: string }>;
  nextDeadline: unknown;
  overdue: boolean;
  allowedActions: string[];
}

async function complaintOf(number: string): Promise<ComplaintView> {
  const reply = await api.request<ComplaintView>('GET', `/api/tickets/${number}`, { token: admin });
  expect(reply.status).toBe(200);
  return reply.body;
}

async function outboundCalls(): Promise<{ to: string; attributes: Record<string, string> }[]> {
  await api.settled();
  const reply = await fetch(`${api.url}/local/phone/calls?direction=outbound`);
  return ((await reply.json()) as { calls: { to: string; attributes: Record<string, string> }[] }).calls;
}

/** Closed by the smoke's clean-up, and nothing left to run for it: no deadline, no action but a reopen. */
async function expectEnded(number: string): Promise<ComplaintView> {
  const complaint = await complaintOf(number);
  expect(complaint).toMatchObject({
    status: 'closed',
    resolution: { resolution: SMOKE_RESOLUTION },
    closure: { via: 'staff' },
    nextDeadline: null,
    overdue: false,
  });
  for (const [kind, deadline] of Object.entries(complaint.deadlines)) {
    expect(deadline.metAt, `${kind} deadline still running`).toBeDefined();
    expect(deadline.breachedAt, `${kind} deadline breached`).toBeUndefined();
  }
  expect(complaint.allowedActions).toEqual(['reopen']);
  // Every call job of the complaint (its callback and, if the survey reaction queued one, its survey) cancelled.
  const jobs = await callJobsOf(number);
  expect(jobs.filter((j) => j.kind === 'callback').map((j) => j.state)).toEqual(['cancelled']);
  expect(jobs.filter((j) => j.state !== 'cancelled')).toEqual([]);
  return complaint;
}

function complaintNumberOf(report: SmokeReport): string {
  const registered = report.steps.find((s) => s.name === 'register a complaint');
  const number = /complaint (\d+)/.exec(registered?.detail ?? '')?.[1];
  if (!number) throw new Error(`no complaint in ${JSON.stringify(report.steps)}`);
  return number;
}

describe('the smoke journey against the local runtime', () => {
  it('passes every step, skips only the alarm topic, and cleans up what it made', async () => {
    const mailbox = await Mailbox.open(api.runtime);
    const report = await runSmoke(localTarget({ baseUrl: api.url }));

    const outcomes = Object.fromEntries(report.steps.map((s) => [s.name, s.outcome]));
    expect(outcomes, JSON.stringify(report, null, 2)).toEqual({
      'sign in (a temporary staff member)': 'passed',
      'register a complaint': 'passed',
      'dispatch it': 'passed',
      'the access log shows the reads': 'passed',
      'book a callback and cancel it': 'passed',
      'the hotline tells the status (menu 2)': 'passed',
      'the alarm topic accepts CloudWatch': 'skipped',
    });
    expect(report.steps.find((s) => s.name.startsWith('the hotline'))?.detail).toContain(
      'is with the responsible department',
    );
    const number = complaintNumberOf(report);
    // The clean-up: hang-up, callback, then the complaint walked to closed, then its survey looked at.
    expect(report.cleanup.map((c) => c.name)).toEqual([
      expect.stringMatching(/^simulated call .* hung up$/),
      expect.stringMatching(/^callback .* cancelled$/),
      `complaint ${number} closed`,
      `no survey call for complaint ${number}`,
    ]);
    expect(
      report.cleanup.every((c) => c.outcome === 'passed'),
      JSON.stringify(report.cleanup),
    ).toBe(true);
    expect(report.cleanup.find((c) => c.name === `complaint ${number} closed`)?.detail).toMatch(
      /^contact recorded, resolved, closed \(version \d+\)$/,
    );
    expect(report.ok).toBe(true);

    // Closed through the lifecycle, as staff would: a contact, the resolution, a supervisor's close.
    const complaint = await expectEnded(number);
    const history = await api.request<{ items: { type: string; actor: string }[] }>(
      'GET',
      `/api/tickets/${number}/events?limit=100`,
      { token: admin },
    );
    const smokeUser = history.body.items.find((e) => e.type === 'registered')?.actor;
    expect(
      history.body.items
        .filter((e) => ['contact_attempted', 'resolved', 'closed'].includes(e.type))
        .map((e) => [e.type, e.actor]),
    ).toEqual([
      ['contact_attempted', smokeUser],
      ['resolved', smokeUser],
      ['closed', smokeUser],
    ]);
    // No erasure route: what stays is said, and marked as a smoke record.
    expect(complaint.customer.name).toBe('Smoke Test');
    const remains = report.remains.join('\n');
    expect(remains).toContain(`complaint ${number}`);
    expect(remains).toContain(`closed with the resolution "${SMOKE_RESOLUTION}"`);
    expect(remains).not.toContain('keep running');
    // The simulated call was hung up.
    const calls = await fetch(`${api.url}/local/phone/calls?direction=inbound`).then(
      (r) => r.json() as Promise<{ calls: { state: string }[] }>,
    );
    expect(calls.calls.every((c) => c.state === 'ended')).toBe(true);

    // A day and more later (past the next calling hours, when a survey left waiting would ring, and past
    // every deadline the complaint had: first and second contact, department result, progress notice):
    // nothing rang, nothing was mailed about it, and it is still closed.
    await api.request('POST', '/local/clock', { body: { advanceSeconds: 26 * 3600 } });
    expect(await outboundCalls()).toEqual([]);
    expect((await mailbox.about(number)).map((m) => m.subject)).toEqual([]);
    const later = await expectEnded(number);
    expect(later.version).toBe(complaint.version);
  });

  it('still cancels the callback when the step that books it fails after booking', async () => {
    // The first cancel is lost on the way (a 503 from a proxy): the step fails, its clean-up must cancel.
    let refused = false;
    const flakyFetch: typeof fetch = async (input, init) => {
      const url = String(input);
      if (!refused && init?.method === 'POST' && /\/api\/call-jobs\/[^/]+\/cancel$/.test(url)) {
        refused = true;
        return new Response('{"message":"Service Unavailable"}', { status: 503 });
      }
      return fetch(input, init);
    };

    const report = await runSmoke(localTarget({ baseUrl: api.url, fetch: flakyFetch }));

    const callback = report.steps.find((s) => s.name === 'book a callback and cancel it');
    expect(callback?.outcome).toBe('failed');
    expect(callback?.detail).toContain('answered 503');
    expect(report.ok).toBe(false);
    const undo = report.cleanup.find((c) => c.name.startsWith('callback '));
    expect(undo).toMatchObject({ outcome: 'passed', detail: 'was still waiting: cancelled now' });
    const jobs = await callJobsOf(complaintNumberOf(report));
    expect(jobs.filter((j) => j.kind === 'callback').map((j) => j.state)).toEqual(['cancelled']);
    // The steps after the failed one still ran, and the complaint was still closed.
    expect(report.steps.find((s) => s.name.startsWith('the hotline'))?.outcome).toBe('passed');
    await expectEnded(complaintNumberOf(report));
  });

  it('closes the complaint from whatever state a failed step left it in', async () => {
    // Dispatching fails (a 502 from a proxy): the complaint stays received; the clean-up still closes it.
    const flakyFetch: typeof fetch = async (input, init) => {
      if (init?.method === 'POST' && /\/api\/tickets\/\d+\/dispatch$/.test(String(input))) {
        return new Response('{"message":"Bad Gateway"}', { status: 502 });
      }
      return fetch(input, init);
    };

    const report = await runSmoke(localTarget({ baseUrl: api.url, fetch: flakyFetch }));

    expect(report.steps.find((s) => s.name === 'dispatch it')).toMatchObject({ outcome: 'failed' });
    expect(report.ok).toBe(false);
    const number = complaintNumberOf(report);
    expect(report.cleanup.find((c) => c.name === `complaint ${number} closed`)).toMatchObject({
      outcome: 'passed',
    });
    expect(report.cleanup.find((c) => c.name === `no survey call for complaint ${number}`)?.outcome).toBe(
      'passed',
    );
    await expectEnded(number);
  });

  it('says what it could not do when the complaint cannot be closed, and still stops its survey call', async () => {
    // The close is refused (as if the smoke user were no supervisor): the complaint stays resolved.
    const mailbox = await Mailbox.open(api.runtime);
    const refusingFetch: typeof fetch = async (input, init) => {
      if (init?.method === 'POST' && /\/api\/tickets\/\d+\/close$/.test(String(input))) {
        return new Response(
          '{"error":{"code":"FORBIDDEN","message":"Only a supervisor or above may close"}}',
          { status: 403 },
        );
      }
      return fetch(input, init);
    };

    const report = await runSmoke(localTarget({ baseUrl: api.url, fetch: refusingFetch }));

    const number = complaintNumberOf(report);
    expect(report.ok).toBe(false);
    const closing = report.cleanup.find((c) => c.name === `complaint ${number} closed`);
    expect(closing?.outcome).toBe('failed');
    expect(closing?.detail).toContain('answered 403: FORBIDDEN Only a supervisor or above may close');
    expect(closing?.detail).toContain(`complaint ${number} left resolved after: contact recorded, resolved`);
    // Resolved with nobody to close it: the survey job, still waiting for calling hours, is cancelled.
    expect(report.cleanup.find((c) => c.name === `no survey call for complaint ${number}`)).toMatchObject({
      outcome: 'passed',
      detail: expect.stringMatching(/^survey job survey-\d+-0 was waiting: cancelled now$/),
    });
    expect(report.remains.join('\n')).toContain(`complaint ${number} (customer "Smoke Test"`);
    expect(report.remains.join('\n')).toContain('left resolved (the clean-up could not close it');
    const complaint = await complaintOf(number);
    expect(complaint).toMatchObject({ status: 'resolved', nextDeadline: null });
    const jobs = await callJobsOf(number);
    expect(jobs.map((j) => [j.kind, j.state]).sort()).toEqual([
      ['callback', 'cancelled'],
      ['survey', 'cancelled'],
    ]);
    // Past the next calling hours: the survey does not ring.
    await api.request('POST', '/local/clock', { body: { advanceSeconds: 12 * 3600 } });
    expect(await outboundCalls()).toEqual([]);
    expect((await mailbox.about(number)).map((m) => m.subject)).toEqual([]);
  });
});
