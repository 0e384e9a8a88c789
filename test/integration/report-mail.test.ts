import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime';
import { periodKey } from '#shared/domain/reports';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import { aComplaint } from '#test/fixtures/tickets';
import { Mailbox } from '#test/support/mail';

const TZ = 'America/New_York';
// Only the department result is due soon (30 min): nothing else breaches while the clock runs a week on.
const policy = {
  ...defaultDeadlinePolicy,
  severities: Object.fromEntries(
    Object.entries(defaultDeadlinePolicy.severities).map(([s, d]) => [
      s,
      { ...d, firstContactMinutes: 43_200 },
    ]),
  ),
  departmentResultMinutes: 30,
  progressNoticeMinutes: 43_200,
};

let runtime: LocalRuntime;
let admin: string;
let agent: string;
let supervisor: string;
let mailbox: Mailbox;

async function call<T = Record<string, any>>(
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  return { status: res.status, body: parsed as T, text };
}

const mails = () => mailbox.sinceOpened();

const now = async () => (await (await fetch(`${runtime.url}/local/clock`)).json()).now as string;
const advance = (seconds: number) =>
  fetch(`${runtime.url}/local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });

/** Register a complaint of `severity` and dispatch it to `department` at once. */
async function dispatchedComplaint(department: string, severity: string): Promise<string> {
  const created = await call('POST', '/api/tickets', agent, aComplaint({ severity: severity as never }));
  expect(created.status).toBe(201);
  const id = String(created.body.id);
  const dispatched = await call(
    `POST`,
    `/api/tickets/${id}/dispatch`,
    agent,
    { department },
    { 'if-match': '1' },
  );
  expect(dispatched.status).toBe(200);
  return id;
}

/** The first Monday 08:00 (desk time) that ends the week holding `at`. */
function reportMondayAfter(at: string): string {
  const week = periodKey('week', at, TZ);
  const wall = new Intl.DateTimeFormat('en-US', {
    timeZone: TZ,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  let t = Math.ceil(Date.parse(at) / 3_600_000) * 3_600_000;
  for (let hours = 0; hours < 24 * 15; hours++, t += 3_600_000) {
    const iso = new Date(t).toISOString();
    if (wall.format(new Date(t)) === 'Mon 08:00' && periodKey('week', iso, TZ) !== week) return iso;
  }
  throw new Error('no Monday 08:00 found');
}

const decode = (content: string) => Buffer.from(content, 'base64').toString('utf8');

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    // Only what this test creates runs: no sweep over a week of simulated time.
    periodicSweep: false,
    env: { DEADLINE_POLICY: JSON.stringify(policy), PORTAL_URL: 'https://portal.hotline.test/' },
  });
  admin = await runtime.token('ada', ['admin']);
  agent = await runtime.token('alice', ['agent']);
  supervisor = await runtime.token('sam', ['supervisor']);
  mailbox = await Mailbox.open(runtime);
});
afterAll(() => runtime?.stop());

describe('report recipients over the API', () => {
  it('lets an admin add, change, list and remove recipients', async () => {
    const put = await call('PUT', '/api/report-recipients/Temp@Hotline.test', admin, {
      role: 'general_manager',
      name: 'Temporary',
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ email: 'temp@hotline.test', role: 'general_manager', updatedBy: 'ada' });
    const change = await call('PUT', '/api/report-recipients/temp@hotline.test', admin, {
      role: 'department_manager',
      department: 'metering',
    });
    expect(change.status).toBe(200);
    const listed = await call<{ items: { email: string; department?: string }[] }>(
      'GET',
      '/api/report-recipients',
      admin,
    );
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ email: 'temp@hotline.test', department: 'metering' }),
    );
    expect((await call('DELETE', '/api/report-recipients/temp@hotline.test', admin)).status).toBe(204);
    expect((await call('DELETE', '/api/report-recipients/temp@hotline.test', admin)).status).toBe(404);
  });

  it('refuses a bad address or department naming the field, and non-admins, writing nothing', async () => {
    const before = (await call<{ items: unknown[] }>('GET', '/api/report-recipients', admin)).body.items;
    const badEmail = await call('PUT', '/api/report-recipients/not-an-address', admin, {
      role: 'general_manager',
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.field).toBe('email');
    const badDepartment = await call('PUT', '/api/report-recipients/x@hotline.test', admin, {
      role: 'department_manager',
      department: 'astrology',
    });
    expect(badDepartment.status).toBe(400);
    expect(badDepartment.body.error.field).toBe('department');
    const noDepartment = await call('PUT', '/api/report-recipients/x@hotline.test', admin, {
      role: 'department_manager',
    });
    expect(noDepartment.body.error.field).toBe('department');
    const badRole = await call('PUT', '/api/report-recipients/x@hotline.test', admin, { role: 'boss' });
    expect(badRole.body.error.field).toBe('role');
    for (const token of [agent, supervisor]) {
      expect((await call('GET', '/api/report-recipients', token)).status).toBe(403);
      const put = await call('PUT', '/api/report-recipients/x@hotline.test', token, {
        role: 'general_manager',
      });
      expect(put.status).toBe(403);
    }
    expect((await call<{ items: unknown[] }>('GET', '/api/report-recipients', admin)).body.items).toEqual(
      before,
    );
  });
});

describe('accountability and the weekly report by e-mail', () => {
  let breachAt = '';

  beforeAll(async () => {
    for (const [email, body] of [
      ['gm@hotline.test', { role: 'general_manager' }],
      ['billing.manager@hotline.test', { role: 'department_manager', department: 'billing' }],
      ['network.manager@hotline.test', { role: 'department_manager', department: 'network' }],
    ] as const) {
      expect((await call('PUT', `/api/report-recipients/${email}`, admin, body)).status).toBe(201);
    }
    await dispatchedComplaint('billing', 'major');
    await dispatchedComplaint('network', 'crisis');
    await advance(31 * 60);
    breachAt = await now();
  });

  it('attributes a late department result to that department with its points, and totals them', async () => {
    const at = breachAt.slice(0, 10);
    const report = await call('GET', `/api/reports/accountability?period=week&at=${breachAt}`, supervisor);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ breaches: 2, points: 50 + 80 });
    expect(report.body.byDepartment).toEqual([
      { department: 'network', breaches: 1, points: 80 },
      { department: 'billing', breaches: 1, points: 50 },
    ]);
    expect(report.body.byOwner.map((o: { owner: string }) => o.owner)).toEqual([
      'department:network',
      'department:billing',
    ]);
    const csv = await call('GET', `/api/reports/accountability?period=week&at=${at}&format=csv`, supervisor);
    expect(csv.text.split('\r\n')).toContain('department,billing,1,50');
    expect((await call('GET', '/api/reports/accountability?period=week', agent)).status).toBe(403);
  });

  it('Monday 08:00 puts the weekly report in the SES emulator; a department manager gets only their part', {
    timeout: 300_000,
  }, async () => {
    const monday = reportMondayAfter(breachAt);
    const week = periodKey('week', breachAt, TZ);
    await advance(Math.ceil((Date.parse(monday) - Date.parse(await now())) / 1000) - 60);
    const subject = `Weekly complaint report ${week}`;
    expect((await mails()).filter((m) => m.subject.startsWith(subject))).toEqual([]);
    await advance(120);

    const weekly = (await mails()).filter((m) => m.subject.startsWith(subject));
    const to = (address: string) => weekly.filter((m) => m.destination.to.includes(address));
    expect(weekly).toHaveLength(3);

    const [gm] = to('gm@hotline.test');
    expect(gm?.subject).toBe(subject);
    expect(gm?.body.text).toContain('department:billing: 1 missed, 50 points');
    expect(gm?.body.text).toContain('department:network: 1 missed, 80 points');
    expect(gm?.body.text).toContain(`https://portal.hotline.test/reports?period=week&at=`);
    expect(gm?.attachments[0]?.filename).toBe(`complaints-week-${week}.csv`);
    const gmCsv = decode(gm?.attachments[0]?.content ?? '');
    expect(gmCsv).toContain('breaches_by_department,billing:points,50');
    expect(gmCsv).toContain('breaches_by_department,network:points,80');

    const [billing] = to('billing.manager@hotline.test');
    expect(billing?.subject).toBe(`${subject}: billing`);
    expect(billing?.body.text).toContain('deadlines missed by billing: 1, breach points: 50');
    expect(billing?.body.text).toContain('department=billing');
    expect(billing?.body.text).not.toContain('network');
    const billingCsv = decode(billing?.attachments[0]?.content ?? '');
    expect(billingCsv).toContain('breaches,points,50');
    expect(billingCsv).not.toContain('network');
    expect(billing?.attachments[0]?.filename).toBe(`complaints-week-${week}-billing.csv`);

    const [network] = to('network.manager@hotline.test');
    expect(network?.body.text).toContain('deadlines missed by network: 1, breach points: 80');
    expect(network?.body.text).not.toContain('billing');

    // A duplicate delivery of the schedule sends nothing twice.
    const again = await runtime.lambdas.invoke('ReportMail', { kind: 'reportMail', period: 'week' });
    expect(again).toMatchObject({ key: week, sent: 0, skipped: 3, failed: 0 });
    expect((await mails()).filter((m) => m.subject.startsWith(subject))).toHaveLength(3);
  });
});
