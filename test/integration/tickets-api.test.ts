import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aComplaint } from '#test/fixtures/tickets';
import { LocalApi } from '#test/support/local-api';

type Json = Record<string, any>;

let api: LocalApi;
let agent: string;
let supervisor: string;
const logged: string[] = [];
const originalStdout = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  // Capture everything the handlers log, to prove no personal data reaches a log line.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(String(chunk));
    // Handler log lines are kept for the assertion below; everything else is printed.
    if (String(chunk).startsWith('{"level"')) return true;
    return (originalStdout as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  api = await LocalApi.start({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  agent = await api.tokenFor('alice', ['agent']);
  supervisor = await api.tokenFor('sam', ['supervisor']);
});

afterAll(async () => {
  process.stdout.write = originalStdout;
  await api?.stop();
});

const register = (body: unknown = aComplaint(), headers: Record<string, string> = {}) =>
  api.request<Json>('POST', '/api/tickets', { token: agent, body, headers });

async function countOpen(): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: { body: Json } = await api.request<Json>(
      'GET',
      `/api/tickets?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token: agent },
    );
    count += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return count;
}

describe('a complaint through the desk', () => {
  it('registers, lists, reads, dispatches and keeps every change as an event', async () => {
    const created = await register(aComplaint({ severity: 'major', channel: 'walk_in' }));
    expect(created.status).toBe(201);
    const ticket = created.body;
    expect(ticket.number).toMatch(/^\d{7}$/);
    expect(ticket).toMatchObject({ status: 'received', version: 1, recordedBy: 'alice', channel: 'walk_in' });
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('x-correlation-id')).toBeTruthy();

    const listed = await api.request<Json>('GET', '/api/tickets?severity=major', { token: agent });
    expect(listed.status).toBe(200);
    const summary = listed.body.items.find((t: Json) => t.id === ticket.id);
    expect(summary.customer).toEqual({ initials: 'J. S.', phoneLast4: '0001' });
    expect(JSON.stringify(listed.body)).not.toContain('Jane');

    const read = await api.request<Json>('GET', `/api/tickets/${ticket.id}`, { token: agent });
    expect(read.body.customer.name).toBe('Jane Smith');
    expect(read.body.allowedActions).toContain('dispatch');

    const dispatched = await api.request<Json>('POST', `/api/tickets/${ticket.id}/dispatch`, {
      token: agent,
      body: { department: 'network', note: 'Check the main in High Street' },
      headers: { 'if-match': '"1"' },
    });
    expect(dispatched.status).toBe(200);
    expect(dispatched.body).toMatchObject({ status: 'dispatched', department: 'network', version: 2 });

    const byDepartment = await api.request<Json>('GET', '/api/tickets?department=network', { token: agent });
    expect(byDepartment.body.items.map((t: Json) => t.id)).toContain(ticket.id);

    const byPhone = await api.request<Json>('GET', '/api/tickets?phone=%2B15551230001', { token: agent });
    expect(byPhone.body.items.map((t: Json) => t.id)).toContain(ticket.id);

    const events = await api.request<Json>('GET', `/api/tickets/${ticket.id}/events`, { token: agent });
    expect(events.body.items.map((e: Json) => e.type)).toEqual([
      'registered',
      'personal_data_read',
      'dispatched',
    ]);
    expect(events.body.items[1].actor).toBe('alice');
  });

  it('refuses a change based on a stale version with 409, and changes nothing', async () => {
    const { body: t } = await register();
    const first = await api.request<Json>('POST', `/api/tickets/${t.id}/contacts`, {
      token: agent,
      body: { outcome: 'reached' },
      headers: { 'if-match': '1' },
    });
    expect(first.status).toBe(200);
    const stale = await api.request<Json>('POST', `/api/tickets/${t.id}/dispatch`, {
      token: agent,
      body: { department: 'billing' },
      headers: { 'if-match': '1' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', field: 'If-Match' });
    const now = await api.request<Json>('GET', `/api/tickets/${t.id}`, { token: agent });
    expect(now.body).toMatchObject({ version: 2, status: 'contacted' });
    expect(now.body.department).toBeUndefined();
  });

  it('asks for If-Match on a change', async () => {
    const { body: t } = await register();
    const res = await api.request<Json>('POST', `/api/tickets/${t.id}/dispatch`, {
      token: agent,
      body: { department: 'billing' },
    });
    expect(res.status).toBe(428);
    expect(res.body.error.field).toBe('If-Match');
  });

  it('returns the first result for a repeated Idempotency-Key and writes nothing twice', async () => {
    const before = await countOpen();
    const key = 'walk-in-desk-7-000123';
    const first = await register(aComplaint(), { 'idempotency-key': key });
    const again = await register(aComplaint(), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await countOpen()).toBe(before + 1);
    const reused = await register(aComplaint({ description: 'Something else entirely' }), {
      'idempotency-key': key,
    });
    expect(reused.status).toBe(409);
    expect(reused.body.error.field).toBe('Idempotency-Key');
  });

  it('walks the rest of the lifecycle: progress, result, resolve, reopen, extension', async () => {
    const { body: t } = await register();
    let version = 1;
    const act = async (path: string, body: unknown, token = agent) => {
      const res = await api.request<Json>('POST', `/api/tickets/${t.id}/${path}`, {
        token,
        body,
        headers: { 'if-match': String(version) },
      });
      if (res.status === 200) version = res.body.version;
      return res;
    };
    expect((await act('dispatch', { department: 'metering' })).body.status).toBe('dispatched');
    expect((await act('contacts', { outcome: 'not_reached' })).body.contactAttempts).toBe(1);
    const ext = await act('extensions', {
      deadline: 'firstContact',
      until: new Date(Date.now() + 3 * 3600_000).toISOString(),
      reason: 'Customer on holiday until tonight',
    });
    expect(ext.status).toBe(200);
    const extensionId = ext.body.extensions[0].id;
    expect((await act(`extensions/${extensionId}/decision`, { approve: true })).status).toBe(403);
    const decided = await act(`extensions/${extensionId}/decision`, { approve: true }, supervisor);
    expect(decided.body.extensions[0]).toMatchObject({ status: 'approved', decidedBy: 'sam' });
    expect((await act('contacts', { outcome: 'reached' })).body.status).toBe('contacted');
    expect((await act('progress', { note: 'Meter exchange booked for Friday' })).body.status).toBe(
      'in_progress',
    );
    expect((await act('department-result', { result: 'Meter exchanged' })).body.departmentResult.by).toBe(
      'alice',
    );
    const resolved = await act('resolve', {
      resolution: 'Bill recalculated',
      customerAgreement: 'Accepts credit',
    });
    expect(resolved.body.status).toBe('resolved');
    expect((await act('reopen', { reason: 'Still wrong' })).status).toBe(403);
    expect((await act('reopen', { reason: 'Still wrong' }, supervisor)).body.status).toBe('reopened');
  });
});

describe('bad input gets a clear 4xx and writes nothing', () => {
  const cases: [
    string,
    { body?: unknown; rawBody?: string; headers?: Record<string, string> },
    number,
    string?,
  ][] = [
    ['malformed JSON', { rawBody: '{"severity":', headers: { 'content-type': 'application/json' } }, 400],
    ['a wrong type', { body: { ...aComplaint(), description: 42 } }, 400, 'description'],
    ['an unknown field', { body: { ...aComplaint(), priority: 'high' } }, 400, 'priority'],
    ['an unknown severity', { body: { ...aComplaint(), severity: 'apocalyptic' } }, 400, 'severity'],
    ['an unknown category', { body: aComplaint({ category: 'weather' }) }, 400, 'category'],
    [
      'a phone number that is not one',
      { body: aComplaint({ customer: { name: 'Jane Smith', phone: 'call me maybe' } }) },
      400,
      'customer.phone',
    ],
    ['an oversized body', { body: { ...aComplaint(), description: 'x'.repeat(70_000) } }, 413],
    ['no body', {}, 400],
    ['a non-JSON content type', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } }, 415],
  ];

  it.each(cases)('%s', async (_name, request, status, field) => {
    const before = await countOpen();
    const res = await api.request<Json>('POST', '/api/tickets', { token: agent, ...request });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBeTruthy();
    expect(res.body.error.message).toBeTruthy();
    if (field) expect(res.body.error.field).toBe(field);
    expect(await countOpen()).toBe(before);
  });

  it('an impossible transition is 409 and the ticket is unchanged', async () => {
    const { body: t } = await register();
    const res = await api.request<Json>('POST', `/api/tickets/${t.id}/resolve`, {
      token: agent,
      body: { resolution: 'x', customerAgreement: 'y' },
      headers: { 'if-match': '1' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('TRANSITION_NOT_ALLOWED');
    expect((await api.request<Json>('GET', `/api/tickets/${t.id}`, { token: agent })).body.version).toBe(1);
  });

  it('an unknown department is 400 naming the field', async () => {
    const { body: t } = await register();
    const res = await api.request<Json>('POST', `/api/tickets/${t.id}/dispatch`, {
      token: agent,
      body: { department: 'catering' },
      headers: { 'if-match': '1' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('department');
  });

  it('a bad query parameter and an unknown complaint are named', async () => {
    const bad = await api.request<Json>('GET', '/api/tickets?status=sleeping', { token: agent });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('status');
    const cursor = await api.request<Json>('GET', '/api/tickets?cursor=not-a-cursor', { token: agent });
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.field).toBe('cursor');
    const missing = await api.request<Json>('GET', '/api/tickets/9999999', { token: agent });
    expect(missing.status).toBe(404);
  });
});

describe('who may call the API', () => {
  it('401 without a token or with a forged one', async () => {
    expect((await api.request('GET', '/api/tickets')).status).toBe(401);
    const forged = `${agent.slice(0, -4)}AAAA`;
    expect((await api.request('GET', '/api/tickets', { token: forged })).status).toBe(401);
  });

  it('403 for a role that may not act, and nothing changes', async () => {
    const outsider = await api.tokenFor('olga', []);
    expect((await api.request<Json>('GET', '/api/tickets', { token: outsider })).status).toBe(403);
    const { body: t } = await register();
    await api.request('POST', `/api/tickets/${t.id}/contacts`, {
      token: agent,
      body: { outcome: 'reached' },
      headers: { 'if-match': '1' },
    });
    const res = await api.request<Json>('POST', `/api/tickets/${t.id}/progress`, {
      token: agent,
      body: { note: 'x' },
      headers: { 'if-match': '2' },
    });
    await api.request('POST', `/api/tickets/${t.id}/resolve`, {
      token: agent,
      body: { resolution: 'Done', customerAgreement: 'OK' },
      headers: { 'if-match': String(res.body.version) },
    });
    const reopen = await api.request<Json>('POST', `/api/tickets/${t.id}/reopen`, {
      token: agent,
      body: { reason: 'x' },
      headers: { 'if-match': '4' },
    });
    expect(reopen.status).toBe(403);
    expect(reopen.body.error.code).toBe('FORBIDDEN');
    const after = await api.request<Json>('GET', `/api/tickets/${t.id}`, { token: agent });
    expect(after.body.status).toBe('resolved');
  });
});

describe('the public status lookup', () => {
  it('answers with the state and no personal data', async () => {
    const { body: t } = await register(
      aComplaint({
        description: 'Neighbour Bob at 3 Elm Road has the same problem',
        customer: {
          name: 'Jane Smith',
          phone: '+15551239876',
          address: '1 High Street',
          email: 'jane@example.com',
        },
      }),
    );
    const res = await api.request<Json>('GET', `/api/status/${t.number}?phoneLast4=9876`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ number: t.number, status: 'received', resolved: false });
    const text = JSON.stringify(res.body);
    for (const secret of ['Jane', 'Smith', '9876', 'High Street', 'example.com', 'Bob', 'Elm']) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers the same 404 for a wrong phone and for no such complaint', async () => {
    const { body: t } = await register();
    const wrongPhone = await api.request<Json>('GET', `/api/status/${t.number}?phoneLast4=1111`);
    const unknown = await api.request<Json>('GET', '/api/status/9999999?phoneLast4=0001');
    expect(wrongPhone.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrongPhone.body).toEqual(unknown.body);
    expect((await api.request<Json>('GET', `/api/status/${t.number}?phoneLast4=12`)).status).toBe(400);
  });

  it('publishes an OpenAPI document of every route', async () => {
    const res = await api.request<Json>('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(
      res.body.paths['/tickets'].post.requestBody.content['application/json'].schema.properties.severity.enum,
    ).toEqual(['dissatisfied', 'very_dissatisfied', 'major', 'crisis']);
    expect(Object.keys(res.body.paths)).toContain('/tickets/{id}/dispatch');
    // Statuses as the handlers answer them (see test/unit/openapi.test.ts for the details).
    expect(Object.keys(res.body.paths['/tickets/{id}/promise'].post.responses)).toEqual(
      expect.arrayContaining(['201', '404', '409']),
    );
    expect(Object.keys(res.body.paths['/report-recipients/{email}'].put.responses)).toEqual(
      expect.arrayContaining(['200', '201']),
    );
    expect(Object.keys(res.body.paths['/report-recipients/{email}'].delete.responses)).toEqual(
      expect.arrayContaining(['204', '404']),
    );
  });
});

describe('logs', () => {
  it('carry no phone number or name', () => {
    const all = logged.join('');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of ['+15551230001', '5551230001', 'Jane Smith', '+15551239876']) {
      expect(all).not.toContain(secret);
    }
  });
});
