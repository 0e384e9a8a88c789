import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalApi } from '#test/support/local-api';

const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';
const FILE = [
  HEADER,
  'C-100,Ada Lovelace,(201) 555-0100,ada@example.com,1 Elm St,North,Elm St,S1,en,no',
  'C-101,Bob Brown,201-555-0101,,2 Elm St,North,Elm St,S1,en,no',
  'C-102,Cy Chen,+86 10 1234 5678,cy@example.com,3 Oak Ave,North,Oak Ave,S2,zh,no',
  'C-103,Di Dunn,,,4 Oak Ave,North,Oak Ave,S2,en,no',
  'C-104,Ed Ek,call me,,5 Pine Rd,South,Pine Rd,S3,en,no',
  'C-101,Bob Brown,201-555-0111,bob@example.com,2 Elm St,North,Elm St,S1,en,no',
].join('\n');

describe('the customer registry API', () => {
  let api: LocalApi;
  let supervisor: string;
  let agent: string;
  let admin: string;

  async function upload(
    body: string | Uint8Array,
    options: { query?: string; token?: string; type?: string } = {},
  ) {
    const res = await fetch(`${api.url}/api/customers/import${options.query ?? ''}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token ?? supervisor}`,
        'content-type': options.type ?? 'text/csv',
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  beforeAll(async () => {
    api = await LocalApi.start();
    ({ supervisor, agent, admin } = await api.staffTokens());
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('previews an import without writing anything', async () => {
    const preview = await upload(FILE, { query: '?dryRun=true' });
    const list = await api.request('GET', '/api/customers', { token: agent });

    expect(preview.status).toBe(200);
    expect(preview.body.totals).toMatchObject({ rows: 6, accepted: 4, merged: 1, rejected: 1, created: 0 });
    expect(list.body.items).toEqual([]);
  });

  it('imports a file with a report for every row that needed attention', async () => {
    const result = await upload(FILE);

    expect(result.status).toBe(200);
    expect(result.body.totals).toMatchObject({
      rows: 6,
      accepted: 4,
      merged: 1,
      rejected: 1,
      created: 4,
      updated: 0,
      unchanged: 0,
      withoutContact: 1,
    });
    const rejected = result.body.rows.find((r: any) => r.outcome === 'rejected');
    expect(rejected).toMatchObject({ line: 6, account: 'C-104', field: 'phone' });
    const bob = await api.request('GET', '/api/customers/C-101', { token: agent });
    expect(bob.body).toMatchObject({ phones: ['+12015550111', '+12015550101'], email: 'bob@example.com' });
  });

  it('changes nothing when the same file is imported again', async () => {
    const again = await upload(FILE);

    expect(again.body.totals).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
  });

  it('reads a Windows-1252 file sent as bytes', async () => {
    const latin1 = Buffer.from(
      `${HEADER}\nC-200,Jürgen Müller,2015550200,,Hauptstraße 1,East,Hauptstraße,S9,de,no\n`,
      'latin1',
    );

    const result = await upload(latin1, { type: 'application/octet-stream; charset=windows-1252' });
    const jurgen = await api.request('GET', '/api/customers/C-200', { token: agent });

    expect(result.body).toMatchObject({ encoding: 'windows-1252', totals: { created: 1 } });
    expect(jurgen.body).toMatchObject({ name: 'Jürgen Müller', area: { street: 'Hauptstraße' } });
  });

  it('counts the customers an incident selection reaches, and those only field staff can reach', async () => {
    const res = await api.request('POST', '/api/customers/selection-preview', {
      token: supervisor,
      body: { districts: ['north'], segments: ['S2'] },
    });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ customers: 2, withContact: 1, withoutContact: 1 });
  });

  it('exports the registry as CSV that imports back unchanged', async () => {
    const res = await fetch(`${api.url}/api/customers/export`, {
      headers: { authorization: `Bearer ${supervisor}` },
    });
    const csv = await res.text();

    const reimport = await upload(csv);

    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(csv.split('\r\n')[0]).toBe(HEADER);
    expect(reimport.body.totals).toMatchObject({ rows: 5, created: 0, updated: 0, unchanged: 5 });
  });

  it('creates and changes one customer, normalising the phone number', async () => {
    const body = {
      name: 'Fay Fox',
      phones: ['201 555 0300'],
      address: '9 Elm St',
      area: { district: 'North', street: 'Elm St', segment: 'S1' },
    };
    const created = await api.request('PUT', '/api/customers/C-300', { token: supervisor, body });
    const changed = await api.request('PUT', '/api/customers/C-300', {
      token: supervisor,
      body: { ...body, noContact: true },
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ account: 'C-300', phones: ['+12015550300'], language: 'en' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ noContact: true });
  });

  it('refuses bad input with a 4xx naming the problem, writing nothing', async () => {
    const badPhone = await api.request('PUT', '/api/customers/C-301', {
      token: supervisor,
      body: { name: 'X', phones: ['12'], address: 'a', area: { district: 'd', street: 's', segment: 'g' } },
    });
    const unknownField = await api.request('PUT', '/api/customers/C-301', {
      token: supervisor,
      body: { name: 'X', address: 'a', area: { district: 'd', street: 's', segment: 'g' }, vip: true },
    });
    const noColumns = await upload('name,phone\nX,2015550123\n');
    const json = await upload('{"a":1}', { type: 'application/json' });
    const emptySelection = await api.request('POST', '/api/customers/selection-preview', {
      token: supervisor,
      body: {},
    });
    const missing = await api.request('GET', '/api/customers/C-301', { token: agent });

    expect(badPhone).toMatchObject({ status: 400, body: { error: { field: 'phones' } } });
    expect(unknownField).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(noColumns).toMatchObject({ status: 400, body: { error: { field: 'header' } } });
    expect(json.status).toBe(415);
    expect(emptySelection.status).toBe(400);
    expect(missing.status).toBe(404);
  });

  it('lets only supervisors import and export, and only admins read the access log', async () => {
    const agentImport = await upload(FILE, { token: agent });
    const agentExport = await api.request('GET', '/api/customers/export', { token: agent });
    const supervisorLog = await api.request('GET', '/api/customers/access-log', { token: supervisor });
    const adminLog = await api.request('GET', '/api/customers/access-log', { token: admin });

    expect(agentImport.status).toBe(403);
    expect(agentExport.status).toBe(403);
    expect(supervisorLog.status).toBe(403);
    expect(adminLog.status).toBe(200);
    const actions = (adminLog.body.items as any[]).map((a) => `${a.username}:${a.action}`);
    expect(actions).toEqual(expect.arrayContaining(['sam:import', 'alice:read', 'sam:export', 'sam:select']));
  });
});
