/**
 * Issue 17 lines 16 and 4, data protection: every read of personal data is in the admin's access log (who,
 * when, which route, why), and a complaint past its retention period keeps no trace of its customer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, history, register, resolve } from './support/complaints';
import { aPhoneNumber, Desk, type Staff } from './support/desk';

let desk: Desk;
let supervisor: Staff;
let admin: Staff;

beforeAll(async () => {
  desk = await Desk.open();
  supervisor = await desk.staff('sam', ['supervisor']);
  admin = await desk.staff('ada', ['admin']);
});
afterAll(() => desk?.close());

interface AccessEntry {
  at: string;
  username: string;
  roles: string[];
  route: string;
  ids: Record<string, string>;
  purpose: string;
}

async function accessLog(): Promise<AccessEntry[]> {
  const reply = await admin.get<{ items: AccessEntry[] }>('/api/audit?limit=100');
  expect(reply.status, reply.text).toBe(200);
  return reply.body.items;
}

describe('a supervisor follows a broadcast and its calls; the admin sees every read in the access log', () => {
  it('call jobs, one call job, the recipients and the report: each read is logged with who, when and route', async () => {
    const phone = aPhoneNumber();
    const street = `Privacy Lane ${phone.slice(-4)}`;
    await desk.phoneBehaves(phone, { answer: 'answer', keys: '1' });
    const account = `PRIV${phone.slice(-6)}`;
    const saved = await supervisor.put(`/api/customers/${account}`, {
      name: 'Hedda Lindqvist',
      phones: [phone],
      address: `3 ${street}`,
      area: { district: 'West', street, segment: 'W-9' },
    });
    expect(saved.status, saved.text).toBeLessThan(300);
    const draft = await supervisor.post<{ id: string }>('/api/broadcasts', {
      what: 'Gas leak',
      where: street,
      since: await desk.now(),
      severity: 'crisis',
      message: 'A gas leak in your street. Do not use open flames.',
      emailSubject: 'Gas leak',
      emailText: 'A gas leak in your street. Do not use open flames.',
      selection: { streets: [street] },
    });
    expect(draft.status, draft.text).toBe(201);
    const broadcast = draft.body.id;
    expect((await supervisor.post(`/api/broadcasts/${broadcast}/send`)).status).toBe(202);
    await desk.advance(120);

    const readAt = await desk.now();
    const jobs = await supervisor.get<{ items: { id: string; phone: string }[] }>(
      '/api/call-jobs?kind=broadcast&limit=100',
    );
    expect(jobs.status, jobs.text).toBe(200);
    const job = jobs.body.items.find((j) => j.phone === phone);
    expect(job, `the broadcast call job in ${jobs.text.slice(0, 600)}`).toBeDefined();
    expect((await supervisor.get(`/api/call-jobs/${job?.id}`)).status).toBe(200);
    const recipients = await supervisor.get(`/api/broadcasts/${broadcast}/recipients`);
    expect(recipients.status, recipients.text).toBe(200);
    expect(recipients.text).toContain(phone);
    expect((await supervisor.get(`/api/broadcasts/${broadcast}/report`)).status).toBe(200);

    const entries = (await accessLog()).filter((e) => e.username === 'sam' && e.at >= readAt);
    const seen = (route: string, ids: Record<string, string> = {}) =>
      entries.find((e) => e.route === route && Object.entries(ids).every(([k, v]) => e.ids[k] === v));
    for (const [route, ids] of [
      ['GET /api/call-jobs', {}],
      ['GET /api/call-jobs/{id}', { id: job?.id ?? '' }],
      ['GET /api/broadcasts/{id}/recipients', { id: broadcast }],
      ['GET /api/broadcasts/{id}/report', { id: broadcast }],
    ] as const) {
      const entry = seen(route, ids);
      expect(entry, `${route} in the access log`).toBeDefined();
      expect(entry?.roles).toEqual(['supervisor']);
      expect(entry?.purpose).toMatch(/\w/);
      expect(Date.parse(entry?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(readAt));
    }
    // The log shows ids and routes, never the customer's name or number.
    const log = await admin.get('/api/audit?limit=100');
    expect(log.text).not.toContain(phone);
    expect(log.text).not.toContain('Hedda');
    // Reading the log is itself a read that is logged.
    expect((await accessLog()).some((e) => e.username === 'ada' && e.route === 'GET /api/audit')).toBe(true);
    // Only an admin reads it.
    expect((await supervisor.get('/api/audit')).status).toBe(403);
  });
});

describe('a complaint past its retention period keeps no trace of its customer', () => {
  // A desk configured to keep closed complaints one day (ARCHIVE_AFTER_DAYS), so the story fits in a test.
  let shortDesk: Desk;
  let agent: Staff;
  let supervisor: Staff;
  beforeAll(async () => {
    shortDesk = await Desk.open({ ARCHIVE_AFTER_DAYS: '1' });
    agent = await shortDesk.staff('alice', ['agent']);
    supervisor = await shortDesk.staff('sam', ['supervisor']);
  });
  afterAll(() => shortDesk?.close());

  it('closed, then archived after the retention period: name, phone and e-mail are gone from every view', async () => {
    const phone = aPhoneNumber();
    const email = `ophelia-${phone.slice(1)}@example.com`;
    const name = 'Ophelia Marchbanks';
    await shortDesk.phoneBehaves(phone, { answer: 'no-answer' });
    const { id } = await register(agent, {
      phone,
      email,
      name,
      category: 'water_quality',
      description: `${name} says the water at her house is brown; call her on ${phone}`,
    });
    await act(agent, id, 'contacts', { outcome: 'reached', note: `Spoke with ${name} at ${phone}` });
    const callback = await agent.post('/api/callbacks', { phone, ticketId: id });
    expect(callback.status, callback.text).toBe(201);
    await resolve(agent, id);
    await act(supervisor, id, 'close', { reason: 'Customer confirmed by letter' });

    const before = await supervisor.get(`/api/call-jobs?ticketId=${id}`);
    expect(before.text).toContain(phone);

    // Past the retention period (a day after closing), in simulated hours.
    for (let hour = 0; hour < 27; hour++) await shortDesk.advance(3600);

    const ticket = await supervisor.get<{ status: string; category: string; createdAt: string }>(
      `/api/tickets/${id}`,
    );
    expect(ticket.status, ticket.text).toBe(200);
    expect(ticket.body.status).toBe('archived');
    expect(ticket.body.category).toBe('water_quality');
    const events = await supervisor.get(`/api/tickets/${id}/events?limit=100`);
    const jobs = await supervisor.get(`/api/call-jobs?ticketId=${id}&limit=100`);
    const jobIds = (jobs.body as { items: { id: string }[] }).items.map((j) => j.id);
    expect(jobIds.length).toBeGreaterThan(0);
    const oneJob = await supervisor.get(`/api/call-jobs/${jobIds[0]}`);
    const list = await supervisor.get(`/api/tickets?limit=100`);
    const audit = await (await shortDesk.staff('ada', ['admin'])).get(`/api/audit?ticket=${id}`);
    for (const [what, reply] of Object.entries({ ticket, events, jobs, oneJob, list, audit })) {
      expect(reply.status, `${what}: ${reply.text}`).toBe(200);
      for (const trace of [name, 'Ophelia', 'Marchbanks', phone, phone.slice(1), email]) {
        expect(reply.text, `${what} still shows ${trace}`).not.toContain(trace);
      }
    }
    // What the reports need stays: the history's types and dates.
    const types = (await history(supervisor, id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['registered', 'resolved', 'closed', 'archived']));
  });
});
