/** Issue 17, surveys and reports: the customer's survey link, the report's figures, close, review, extension. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, complaint, register, resolve } from './support/complaints';
import { aPhoneNumber, Desk, type Staff } from './support/desk';

let desk: Desk;
let agent: Staff;
let supervisor: Staff;

beforeAll(async () => {
  desk = await Desk.open();
  agent = await desk.staff('alice', ['agent']);
  supervisor = await desk.staff('sam', ['supervisor']);
});
afterAll(() => desk?.close());

describe('a customer who could not be reached answers the survey by its e-mailed link', () => {
  it('opens the link on the desk, sees number and category only, rates 1 once; the report counts it', async () => {
    const phone = aPhoneNumber();
    const email = `survey-${phone.slice(1)}@example.com`;
    await desk.phoneBehaves(phone, { answer: 'no-answer' });
    const { id } = await register(agent, { phone, email, name: 'Petra Quill', category: 'billing' });
    await resolve(agent, id);

    let link: string | undefined;
    for (let step = 0; step < 96 && !link; step++) {
      await desk.advance(1800);
      const mail = (await desk.mailsTo(email)).find((m) => /survey|rate/i.test(m.body.text ?? ''));
      link = /(https?:\/\/\S+\/survey\/\S+)/.exec(mail?.body.text ?? '')?.[1];
    }
    expect(link, 'a survey e-mail with a link').toBeDefined();
    const url = new URL(link ?? '');
    expect(url.origin).toBe(desk.url);

    const page = await desk.http('GET', url.pathname);
    expect(page.status, page.text).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain(id);
    expect(page.text).toContain('billing');
    expect(page.text).not.toContain('Petra');
    expect(page.text).not.toContain(phone);
    expect(page.text).not.toContain(email);

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const sent = await desk.http('POST', url.pathname, { rawBody: 'rating=1', headers: form });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.text).toMatch(/Thank you/);
    const again = await desk.http('POST', url.pathname, { rawBody: 'rating=5', headers: form });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(/already been answered/);
    expect((await desk.http('GET', url.pathname)).status).toBe(409);

    const reopened = await complaint<{ status: string; allowedActions: string[] }>(supervisor, id);
    expect(reopened.status).toBe('reopened');
    expect(reopened.allowedActions).toContain('review');

    const report = await supervisor.get<{
      satisfaction: { responses: number; distribution: Record<string, number> };
    }>('/api/reports?period=week');
    expect(report.status, report.text).toBe(200);
    expect(report.body.satisfaction.responses).toBeGreaterThanOrEqual(1);
    expect(report.body.satisfaction.distribution['1']).toBeGreaterThanOrEqual(1);
  });

  it('a forged link is a clear 4xx page', async () => {
    const page = await desk.http('GET', '/survey/not-a-real-token.forged');
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/not valid or has expired/);
  });
});

describe('first contact on time counts a missed deadline as missed', () => {
  it('a complaint never contacted past its due lowers the on-time rate', async () => {
    const before = (await supervisor.get<{ firstContact: { missed: number } }>('/api/reports?period=week'))
      .body;
    await register(agent, { phone: aPhoneNumber() });
    await desk.advance(31 * 60);
    const after = (
      await supervisor.get<{ firstContact: { missed: number; onTimeRate: number | null } }>(
        '/api/reports?period=week',
      )
    ).body;
    expect(after.firstContact.missed).toBeGreaterThan(before.firstContact.missed ?? 0);
    expect(after.firstContact.onTimeRate).not.toBe(1);
  });
});

describe('a supervisor closes a resolved complaint the survey cannot settle', () => {
  it('needs a reason and a supervisor; the complaint is closed', async () => {
    const { id } = await register(agent, { phone: aPhoneNumber() });
    await resolve(agent, id);
    const { version } = await complaint(agent, id);
    const byAgent = await agent.post(
      `/api/tickets/${id}/close`,
      { reason: 'x' },
      { headers: { 'if-match': `"${version}"` } },
    );
    expect(byAgent.status).toBe(403);
    const noReason = await supervisor.post(
      `/api/tickets/${id}/close`,
      {},
      { headers: { 'if-match': `"${version}"` } },
    );
    expect(noReason.status).toBe(400);
    await act(supervisor, id, 'close', { reason: 'Customer moved abroad; no survey possible' });
    expect((await complaint(agent, id)).status).toBe('closed');
  });
});

describe("a reopened complaint waits for the manager's review", () => {
  it('refuses handling before the review, allows it after', async () => {
    const { id } = await register(agent, { phone: aPhoneNumber() });
    await resolve(agent, id);
    await act(supervisor, id, 'reopen', { reason: 'Customer called: still charged twice' });
    const { version } = await complaint(agent, id);
    const early = await agent.post(
      `/api/tickets/${id}/contacts`,
      { outcome: 'reached' },
      { headers: { 'if-match': `"${version}"` } },
    );
    expect(early.status).toBe(409);
    expect(early.text).toMatch(/review/);
    await act(supervisor, id, 'review', { note: 'Billing to refund today; call the customer' });
    await act(agent, id, 'contacts', { outcome: 'reached' });
    expect((await complaint(agent, id)).status).toBe('contacted');
  });
});

describe('an extension is for a customer who cannot be reached', () => {
  it('is refused without a failed attempt, accepted after one', async () => {
    const { id } = await register(agent, { phone: aPhoneNumber() });
    const until = new Date(Date.parse(await desk.now()) + 3 * 3600_000).toISOString();
    const body = { deadline: 'firstContact', until, reason: 'Customer unreachable' };
    const { version } = await complaint(agent, id);
    const refused = await agent.post(`/api/tickets/${id}/extensions`, body, {
      headers: { 'if-match': `"${version}"` },
    });
    expect(refused.status).toBe(409);
    expect(refused.text).toMatch(/failed contact attempt/);
    await act(agent, id, 'contacts', { outcome: 'not_reached' });
    await act(agent, id, 'extensions', body);
  });
});
