import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aComplaint } from '#test/fixtures/tickets';
import { LocalApi } from '#test/support/local-api';

describe('management reports over the API', () => {
  let api: LocalApi;
  let agent: string;
  let supervisor: string;
  let admin: string;

  beforeAll(async () => {
    api = await LocalApi.start();
    agent = await api.tokenFor('alice', ['agent']);
    supervisor = await api.tokenFor('sam', ['supervisor']);
    admin = await api.tokenFor('ada', ['admin']);
  });
  afterAll(() => api?.stop());

  const report = async (query = 'period=week') =>
    (await api.request<Record<string, any>>('GET', `/api/reports?${query}`, { token: supervisor })).body;

  it('counts a complaint as it is registered, dispatched, contacted and resolved', async () => {
    const before = await report();
    const created = await api.request<Record<string, any>>('POST', '/api/tickets', {
      token: agent,
      body: aComplaint({ channel: 'letter', category: 'water_quality', severity: 'major' }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const act = async (path: string, body: unknown) => {
      // The desk itself may have changed the complaint meanwhile (a deadline breach): act on what is stored.
      const current = await api.request<Record<string, any>>('GET', `/api/tickets/${id}`, { token: agent });
      const version = current.body.version as number;
      const res = await api.request<Record<string, any>>('POST', `/api/tickets/${id}/${path}`, {
        token: agent,
        body,
        headers: { 'if-match': String(version) },
      });
      expect(res.status).toBe(200);
    };
    await act('dispatch', { department: 'network' });
    await api.request('POST', '/local/clock', { body: { advanceSeconds: 15 * 60 } });
    await act('contacts', { outcome: 'reached' });
    await act('resolve', { resolution: 'Flushed the main', customerAgreement: 'Agreed' });

    const after = await report();
    expect(after.registered).toBe(before.registered + 1);
    expect(after.byChannel.letter).toBe((before.byChannel.letter ?? 0) + 1);
    expect(after.byDepartment.network).toBe((before.byDepartment.network ?? 0) + 1);
    expect(after.resolution.count).toBe(before.resolution.count + 1);
    // 15 minutes is late for a major complaint (10): a breach of the desk, 50 points.
    expect(after.breaches.byDeadline.firstContact).toBe((before.breaches.byDeadline.firstContact ?? 0) + 1);
    expect(after.breaches.points).toBe(before.breaches.points + 50);

    const csv = await fetch(`${api.url}/api/reports?period=year&format=csv`, {
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await csv.text()).toMatch(/^section,item,value\r\n/);
  });

  it('refuses reports to agents and bad periods with a named field', async () => {
    const asAgent = await api.request<Record<string, any>>('GET', '/api/reports?period=week', {
      token: agent,
    });
    expect(asAgent.status).toBe(403);
    const bad = await api.request<Record<string, any>>('GET', '/api/reports?period=decade', {
      token: supervisor,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('period');
  });

  it('shows the audit trail of a complaint to admins only, with the reads of personal data', async () => {
    const created = await api.request<Record<string, any>>('POST', '/api/tickets', {
      token: agent,
      body: aComplaint(),
    });
    const id = created.body.id as string;
    await api.request('GET', `/api/tickets/${id}`, { token: agent });
    const denied = await api.request('GET', `/api/audit?ticket=${id}`, { token: agent });
    expect(denied.status).toBe(403);
    const trail = await api.request<Record<string, any>>('GET', `/api/audit?ticket=${id}`, { token: admin });
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((e: { type: string }) => e.type)).toEqual([
      'registered',
      'personal_data_read',
    ]);
  });
});
