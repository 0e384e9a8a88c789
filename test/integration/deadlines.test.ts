import {
  DeleteScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localFunctionArn } from '#local/lambda-host';
import { digitByDigit } from '#shared/domain/caller-speech';
import type { LocalApi } from '#test/support/local-api';
import { Mailbox } from '#test/support/mail';
import {
  dispatchComplaint,
  eventsOf,
  registerComplaint,
  startCallingDesk,
} from '#test/support/outbound-calls';

let api: LocalApi;
let agent: string;
let mailbox: Mailbox;

/** Mail of this test about one complaint. */
const mails = (ticketId: string) => mailbox.about(ticketId);

const register = (severity: string, customer: { phone?: string } = {}) =>
  registerComplaint(api, agent, {
    severity,
    channel: 'web_form',
    description: 'The bill is twice the usual amount',
    phone: customer.phone ?? '+15551230001',
    email: 'jane@example.com',
  });

async function ticket(id: string) {
  return (await api.request<Record<string, unknown>>('GET', `/api/tickets/${id}`, { token: agent })).body as {
    version: number;
    status: string;
    deadlines: Record<string, { due: string; metAt?: string; breachedAt?: string }>;
  };
}

const events = (id: string) => eventsOf(api, agent, id);

const scheduler = () =>
  new SchedulerClient({ region: 'eu-west-1', endpoint: api.runtime.endpoints.scheduler });

async function scheduleNames(): Promise<string[]> {
  const client = scheduler();
  const out = await client.send(new ListSchedulesCommand({ GroupName: 'default', MaxResults: 100 }));
  return (out.Schedules ?? []).map((s) => s.Name ?? '');
}

const minutes = (n: number) => api.runtime.clock.advance(n * 60);

beforeEach(async () => {
  // Customers live where it is 10:00 now, so calls a whole number of days later are inside calling hours.
  ({ api, agent } = await startCallingDesk());
  mailbox = await Mailbox.open(api.runtime);
});

afterEach(async () => {
  await api.stop();
});

describe('deadlines with the local clock', () => {
  it('a major complaint nobody contacts breaches at 10 minutes and the supervisor is e-mailed', async () => {
    const { id } = await register('major');
    expect((await scheduleNames()).filter((n) => n.startsWith(`deadline-${id}-`))).toHaveLength(3);

    await minutes(9);
    expect((await ticket(id)).deadlines.firstContact?.breachedAt).toBeUndefined();
    expect(await mails(id)).toHaveLength(0);

    await minutes(2);
    const after = await ticket(id);
    expect(after.deadlines.firstContact?.breachedAt).toBeDefined();
    const breaches = (await events(id)).filter((e) => e.type === 'deadline_breached');
    expect(breaches.map((e) => e.data.deadline).sort()).toEqual(['dispatch', 'firstContact']);
    expect(breaches.find((e) => e.data.deadline === 'firstContact')?.data.points).toBe(50);
    const sent = await mails(id);
    const toSupervisor = sent.filter((m) => m.destination.to.includes('supervisor@hotline.example.com'));
    expect(toSupervisor.map((m) => m.subject)).toContainEqual(
      `Deadline breached: complaint ${id} (firstContact)`,
    );
    // The e-mail names the complaint, not the customer.
    expect(toSupervisor.every((m) => !(m.body.text ?? '').includes('Jane'))).toBe(true);
  });

  it('a department silent for 12 hours is escalated to the supervisor', async () => {
    const { id, version } = await register('dissatisfied');
    await dispatchComplaint(api, agent, { id, version }, 'billing');

    await minutes(11 * 60 + 55);
    expect((await ticket(id)).deadlines.departmentResult?.breachedAt).toBeUndefined();
    await minutes(10);

    const breach = (await events(id)).find(
      (e) => e.type === 'deadline_breached' && e.data.deadline === 'departmentResult',
    );
    expect(breach?.data.owner).toBe('department:billing');
    expect(
      (await events(id)).some((e) => e.type === 'escalated' && e.data.deadline === 'departmentResult'),
    ).toBe(true);
    expect((await mails(id)).map((m) => m.subject)).toContainEqual(
      `Deadline breached: complaint ${id} (departmentResult)`,
    );
  });

  it('a duplicate delivery of a deadline schedule has one effect', async () => {
    const { id } = await register('crisis');
    const t = await ticket(id);
    const due = t.deadlines.firstContact?.due as string;
    await minutes(11);
    const breachesBefore = (await events(id)).filter((e) => e.type === 'deadline_breached').length;
    const mailsBefore = (await mails(id)).length;

    // Scheduler delivers at least once: the same payload again, twice.
    const payload = { kind: 'deadlineCheck', ticketId: id, deadline: 'firstContact', due };
    const results = [
      await api.runtime.lambdas.invoke('DeadlineCheck', payload),
      await api.runtime.lambdas.invoke('DeadlineCheck', payload),
    ];
    expect(results).toEqual([{ result: 'stale' }, { result: 'stale' }]);
    expect((await events(id)).filter((e) => e.type === 'deadline_breached')).toHaveLength(breachesBefore);
    expect(await mails(id)).toHaveLength(mailsBefore);
    expect(breachesBefore).toBe(2);
  });

  it('a deadline schedule deleted by hand is repaired by the sweep', async () => {
    // The periodic sweep the runtime creates as CDK does (rate(5 minutes)), moved to run first 12 minutes
    // from now so the test knows when it runs.
    const firstSweep = new Date(api.runtime.clock.now().getTime() + 12 * 60_000);
    await scheduler().send(
      new UpdateScheduleCommand({
        Name: 'periodic-DeadlineSweep',
        GroupName: 'default',
        ScheduleExpression: 'rate(5 minutes)',
        StartDate: firstSweep,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: localFunctionArn('DeadlineSweep'),
          RoleArn: 'arn:aws:iam::000000000000:role/complaint-hotline-scheduler',
          Input: '{}',
        },
      }),
    );
    const { id } = await register('major');
    for (const name of (await scheduleNames()).filter((n) => n.startsWith(`deadline-${id}-`))) {
      await scheduler().send(new DeleteScheduleCommand({ Name: name, GroupName: 'default' }));
    }
    await minutes(10.5);
    // No timer fired: the deadline is past but not yet recorded as breached.
    const t = await ticket(id);
    expect(t.deadlines.firstContact?.breachedAt).toBeUndefined();

    await minutes(2);
    const repaired = await ticket(id);
    expect(repaired.deadlines.firstContact?.breachedAt).toBeDefined();
    expect(repaired.deadlines.dispatch?.breachedAt).toBeDefined();
    // The remaining deadline got its timer back.
    expect((await scheduleNames()).some((n) => n.startsWith(`deadline-${id}-progressNotice-`))).toBe(true);
    expect((await mails(id)).map((m) => m.subject)).toContainEqual(
      `Deadline breached: complaint ${id} (firstContact)`,
    );
  });

  it('a complaint open at 24 and 48 hours sends two progress notices', async () => {
    const phone = '+15551230077';
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '1' });
    const { id } = await register('dissatisfied', { phone });
    const progressJobs = async () =>
      (
        await api.request<{ items: { id: string; state: string }[] }>(
          'GET',
          `/api/call-jobs?ticketId=${id}&kind=progress`,
          { token: agent },
        )
      ).body.items;
    const notices = async () => (await events(id)).filter((e) => e.type === 'progress_notice_queued');

    // Long stretches in coarse steps, the moments that matter in 1-second steps (advances of 10 minutes or less).
    await minutes(23 * 60 + 50);
    expect(await notices()).toHaveLength(0);
    await minutes(10);
    await minutes(5);
    expect((await notices()).map((e) => e.data.occurrence)).toEqual([1]);

    await minutes(23 * 60 + 45);
    await minutes(10);
    await minutes(5);
    expect((await notices()).map((e) => e.data.occurrence).sort()).toEqual([1, 2]);
    // The second call may still be ringing on a loaded machine: a few more simulated minutes, not more calls.
    for (let i = 0; i < 5 && (await progressJobs()).some((j) => j.state !== 'reached'); i++) await minutes(1);
    const jobs = await progressJobs();
    expect(jobs.map((j) => [j.id, j.state]).sort()).toEqual([
      [`progress-${id}-1`, 'reached'],
      [`progress-${id}-2`, 'reached'],
    ]);
    const calls = api.runtime.connect.listCalls({ direction: 'outbound' }).filter((c) => c.to === phone);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.transcript.map((l) => l.text).join(' ')).toContain(
      `Your complaint ${digitByDigit(id)} is still being handled`,
    );
    // The next notice is already scheduled for 72 hours.
    expect((await ticket(id)).deadlines.progressNotice?.metAt).toBeUndefined();
  });
});
