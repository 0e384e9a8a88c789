import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aComplaint } from '#test/fixtures/tickets';
import { LocalApi } from '#test/support/local-api';

type Json = Record<string, any>;

let api: LocalApi;
let agent: string;
let bob: string;
let supervisor: string;

beforeAll(async () => {
  api = await LocalApi.start();
  agent = await api.tokenFor('alice', ['agent']);
  bob = await api.tokenFor('bob.assignee', ['agent']);
  supervisor = await api.tokenFor('sam', ['supervisor']);
});
afterAll(() => api?.stop());

const register = async (severity = 'dissatisfied') => {
  const created = await api.request<Json>('POST', '/api/tickets', {
    token: agent,
    body: aComplaint({ severity: severity as 'major' }),
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
};
const read = async (id: string) =>
  (await api.request<Json>('GET', `/api/tickets/${id}`, { token: agent })).body;
const act = async (token: string, id: string, path: string, body: unknown, version?: number) =>
  api.request<Json>('POST', `/api/tickets/${id}/${path}`, {
    token,
    body,
    headers: { 'if-match': String(version ?? (await read(id)).version) },
  });
const events = async (id: string) =>
  (await api.request<Json>('GET', `/api/tickets/${id}/events?limit=100`, { token: agent })).body
    .items as Json[];
const advance = (seconds: number) =>
  api.request('POST', '/local/clock', { body: { advanceSeconds: seconds } });
const clockNow = async () => (await (await fetch(`${api.url}/local/clock`)).json()).now as string;

describe('assigning a complaint to a staff member', () => {
  it('a supervisor assigns it; the event has from/to; an agent may only take it for themselves', async () => {
    const id = await register();
    const assigned = await act(supervisor, id, 'assign', { assignee: 'bob.assignee' }, 1);
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assignee: 'bob.assignee', version: 2 });
    expect(assigned.headers.get('etag')).toBe('"2"');
    const event = (await events(id)).find((e) => e.type === 'assigned');
    expect(event).toMatchObject({ actor: 'sam', version: 2, data: { from: null, to: 'bob.assignee' } });

    const byAgent = await act(agent, id, 'assign', { assignee: 'carol' });
    expect(byAgent.status).toBe(403);
    const taken = await act(agent, id, 'assign', { assignee: 'alice' });
    expect(taken.status).toBe(200);
    expect((await events(id)).filter((e) => e.type === 'assigned').map((e) => e.data)).toEqual([
      { from: null, to: 'bob.assignee' },
      { from: 'bob.assignee', to: 'alice' },
    ]);
    // A stale version is refused like any other change.
    expect((await act(supervisor, id, 'assign', { assignee: 'bob.assignee' }, 2)).status).toBe(409);
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const id = await register();
    for (const body of [{}, { assignee: '' }, { assignee: 'two words' }, { assignee: 'bob', extra: 1 }]) {
      const res = await act(supervisor, id, 'assign', body, 1);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(Object.keys(body).includes('extra') ? 'extra' : 'assignee');
    }
    const bad = await api.request<Json>('GET', '/api/tickets?assignee=a%20b', { token: agent });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('assignee');
    const ticket = await read(id);
    expect(ticket.version).toBe(1);
    expect(ticket.assignee).toBeUndefined();
    expect((await events(id)).some((e) => e.type === 'assigned')).toBe(false);
  });

  it('lists "my" complaints with assignee=me, with the assignee in the summary', async () => {
    const mine = await register();
    const other = await register();
    expect((await act(supervisor, mine, 'assign', { assignee: 'bob.assignee' }, 1)).status).toBe(200);
    const listed = await api.request<Json>('GET', '/api/tickets?assignee=me&limit=100', { token: bob });
    expect(listed.status).toBe(200);
    const ids = (listed.body.items as Json[]).map((t) => t.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(other);
    expect(listed.body.items.every((t: Json) => t.assignee === 'bob.assignee')).toBe(true);
    const bySupervisor = await api.request<Json>('GET', '/api/tickets?assignee=bob.assignee&limit=100', {
      token: supervisor,
    });
    expect((bySupervisor.body.items as Json[]).map((t) => t.id)).toContain(mine);
    const all = await api.request<Json>('GET', '/api/tickets?limit=100', { token: agent });
    expect((all.body.items as Json[]).find((t) => t.id === other)?.assignee).toBeNull();
  });

  it('charges a late first contact of an assigned complaint to that staff member', async () => {
    const id = await register('major');
    expect((await act(supervisor, id, 'assign', { assignee: 'bob.assignee' }, 1)).status).toBe(200);
    // A major complaint's first contact is due in 10 minutes: 15 is late.
    await advance(15 * 60);
    expect((await act(bob, id, 'contacts', { outcome: 'reached' })).status).toBe(200);
    const at = await clockNow();
    const report = await api.request<Json>('GET', `/api/reports/accountability?period=week&at=${at}`, {
      token: supervisor,
    });
    expect(report.status).toBe(200);
    expect(report.body.byOwner).toContainEqual({
      owner: 'staff:bob.assignee',
      kind: 'staff',
      name: 'bob.assignee',
      breaches: 1,
      points: 50,
    });
    // Dispatching stays the desk's step: its late dispatch is not charged to the assignee.
    const dispatchBreach = (await events(id)).find(
      (e) => e.type === 'deadline_breached' && e.data.deadline === 'dispatch',
    );
    expect(dispatchBreach?.data.owner).toBe('desk');
  });
});
