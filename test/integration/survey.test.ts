import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalApi } from '#test/support/local-api';
import { zoneWhereHourIs } from '#test/support/time-zones';

interface SentMail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string };
}

let api: LocalApi;
let agent: string;

/** An Etc/GMT zone in which the wall clock shows `hour` o'clock right now (inside calling hours). */

async function allMails(): Promise<SentMail[]> {
  const res = await fetch(`${api.runtime.endpoints.ses}/store`);
  return ((await res.json()) as { emails: SentMail[] }).emails;
}

/** The SES emulator's store lives as long as the process (across runtimes): mail since this test began. */
let mailBaseline = 0;

/** Mail of this test about one complaint. */
async function mails(ticketId: string): Promise<SentMail[]> {
  return (await allMails()).slice(mailBaseline).filter((m) => m.subject.includes(ticketId));
}

async function events(id: string) {
  const reply = await api.request<{ items: { type: string; data: Record<string, unknown> }[] }>(
    'GET',
    `/api/tickets/${id}/events?limit=100`,
    { token: agent },
  );
  return reply.body.items;
}

async function status(id: string): Promise<string> {
  return (await api.request<{ status: string }>('GET', `/api/tickets/${id}`, { token: agent })).body.status;
}

/** A complaint taken through contact to resolution, which queues its satisfaction call. */
async function resolvedComplaint(phone: string): Promise<string> {
  const created = await api.request<{ id: string; version: number }>('POST', '/api/tickets', {
    token: agent,
    body: {
      severity: 'dissatisfied',
      channel: 'phone',
      category: 'billing',
      description: 'Charged twice',
      customer: { name: 'Jane Smith', phone, email: 'jane@example.com' },
    },
  });
  const { id } = created.body;
  let version = created.body.version;
  for (const [path, body] of [
    ['contacts', { outcome: 'reached' }],
    ['resolve', { resolution: 'Refunded the double charge', customerAgreement: 'Agreed on the phone' }],
  ] as const) {
    const reply = await api.request<{ version: number }>('POST', `/api/tickets/${id}/${path}`, {
      token: agent,
      headers: { 'if-match': `"${version}"` },
      body,
    });
    expect(reply.status).toBe(200);
    version = reply.body.version;
  }
  return id;
}

async function surveyJob(id: string) {
  const reply = await api.request<{
    items: {
      id: string;
      state: string;
      attempt: number;
      fallback?: { sentAt?: string };
      result?: Record<string, string>;
    }[];
  }>('GET', `/api/call-jobs?ticketId=${id}&kind=survey`, { token: agent });
  expect(reply.body.items).toHaveLength(1);
  return reply.body.items[0] as NonNullable<(typeof reply.body.items)[number]>;
}

beforeEach(async () => {
  api = await LocalApi.start({
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    CUSTOMER_TIME_ZONE: zoneWhereHourIs(10, new Date()),
    // 14.4 minutes instead of 90 days, so archiving is seen without advancing months.
    ARCHIVE_AFTER_DAYS: '0.01',
  });
  // Each clock step waits for calls in flight (flows and their Lambdas), as Connect waits for a Lambda.
  api.runtime.clock.onAdvance(() => api.runtime.connect.whenIdle());
  agent = await api.tokenFor('alice', ['agent']);
  mailBaseline = (await allMails()).length;
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
