import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalApi } from '#test/support/local-api';
import { Mailbox } from '#test/support/mail';
import {
  callJobsOf,
  eventsOf,
  registerComplaint,
  resolveComplaint,
  startCallingDesk,
  statusOf,
} from '#test/support/outbound-calls';

let api: LocalApi;
let agent: string;
let mailbox: Mailbox;

/** Mail of this test about one complaint. */
const mails = (ticketId: string) => mailbox.about(ticketId);

const events = (id: string) => eventsOf(api, agent, id);

const status = (id: string) => statusOf(api, agent, id);

/** A complaint taken through contact to resolution, which queues its satisfaction call. */
async function resolvedComplaint(phone: string): Promise<string> {
  const created = await registerComplaint(api, agent, {
    phone,
    email: 'jane@example.com',
    description: 'Charged twice',
  });
  await resolveComplaint(api, agent, created);
  return created.id;
}

interface SurveyJob {
  readonly id: string;
  readonly state: string;
  readonly attempt: number;
  readonly fallback?: { sentAt?: string };
  readonly result?: Record<string, string>;
}

async function surveyJob(id: string): Promise<SurveyJob> {
  const items = await callJobsOf<SurveyJob>(api, agent, id, 'survey');
  expect(items).toHaveLength(1);
  return items[0] as SurveyJob;
}

beforeEach(async () => {
  // 14.4 minutes instead of 90 days, so archiving is seen without advancing months.
  ({ api, agent } = await startCallingDesk({ env: { ARCHIVE_AFTER_DAYS: '0.01' } }));
  mailbox = await Mailbox.open(api.runtime);
});

afterEach(async () => {
  await api.stop();
});

describe('the satisfaction survey', () => {
  it('a survey answered 2 reopens the complaint and escalates it to the manager', async () => {
    const phone = '+15551230042';
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '12' });
    const id = await resolvedComplaint(phone);
    expect(await status(id)).toBe('resolved');

    await api.runtime.clock.advance(5);

    expect(await status(id)).toBe('reopened');
    const history = await events(id);
    expect(history.find((e) => e.type === 'survey_answered')?.data).toMatchObject({
      rating: 2,
      via: 'phone',
    });
    expect(history.some((e) => e.type === 'escalated' && e.data.to === 'manager')).toBe(true);
    expect((await mails(id)).map((m) => m.subject)).toEqual([
      `Complaint ${id} reopened: satisfaction rating 2`,
    ]);
    const job = await surveyJob(id);
    expect(job).toMatchObject({ state: 'reached', attempt: 1, result: { rating: '2' } });
    const call = api.runtime.connect.listCalls({ direction: 'outbound' })[0];
    expect(call?.transcript.map((l) => l.text).join(' ')).toContain('Are we speaking to Jane Smith?');
  });

  it('a survey answered 4 closes the complaint', async () => {
    const phone = '+15551230043';
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '14' });
    const id = await resolvedComplaint(phone);
    await api.runtime.clock.advance(5);
    expect(await status(id)).toBe('closed');
    expect(await mails(id)).toHaveLength(0);

    // After the retention period the complaint is archived and the customer's personal data destroyed.
    await api.runtime.clock.advance(10 * 60);
    expect(await status(id)).toBe('closed');
    await api.runtime.clock.advance(5 * 60);
    const archived = await api.request<{ status: string; customer: Record<string, string> }>(
      'GET',
      `/api/tickets/${id}`,
      { token: agent },
    );
    expect(archived.body.status).toBe('archived');
    expect(archived.body.customer).toEqual({ name: '[erased]', phone: '[erased]' });
    expect((await events(id)).find((e) => e.type === 'archived')?.data.personalDataErased).toEqual([
      'name',
      'phone',
      'email',
    ]);
  });

  it('a survey nobody answers ends in an e-mailed one-time link and then not reached', async () => {
    const phone = '+15551230044';
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'no-answer' });
    const id = await resolvedComplaint(phone);

    await api.runtime.clock.advance(5 * 60);
    expect(await surveyJob(id)).toMatchObject({ state: 'pending', attempt: 1 });
    expect(await mails(id)).toHaveLength(0);

    await api.runtime.clock.advance(45 * 60);
    const job = await surveyJob(id);
    expect(job.state).toBe('not_reached');
    expect(job.attempt).toBe(3);
    expect(job.fallback?.sentAt).toBeDefined();
    const rings = api.runtime.connect.callLog.filter(
      (c) => c.destination === phone && c.result === 'started',
    );
    expect(rings).toHaveLength(3);
    expect(new Set(rings.map((r) => r.clientToken)).size).toBe(3);
    expect((await events(id)).find((e) => e.type === 'survey_not_reached')?.data).toMatchObject({
      emailed: true,
    });

    const sent = (await mails(id)).filter((m) => m.destination.to.includes('jane@example.com'));
    expect(sent).toHaveLength(1);
    const link = /(http\S+\/survey\/\S+)/.exec(sent[0]?.body.text ?? '')?.[1];
    expect(link).toBeDefined();
    const token = link?.split('/survey/')[1] ?? '';
    const answered = await api.request('POST', `/api/surveys/${token}`, { body: { rating: 4 } });
    expect(answered.status).toBe(200);
    expect(await status(id)).toBe('closed');
    const twice = await api.request('POST', `/api/surveys/${token}`, { body: { rating: 1 } });
    expect(twice.status).toBe(409);
    const forged = await api.request('POST', `/api/surveys/${token.slice(0, -2)}xx`, { body: { rating: 1 } });
    expect(forged.status).toBe(400);
  });
});
