import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalApi } from '#test/support/local-api';

type Json = Record<string, any>;

const FILE = [
  'account,name,phone,email,address,district,street,segment,language,no_contact',
  'C-100,Ada Lovelace,(201) 555-0100,,1 Elm St,North,Elm St,S1,en,no',
  'C-101,Bob Brown,201-555-0101,,2 Elm St,North,Elm St,S1,en,no',
  'C-102,Cy Chen,201-555-0102,,3 Oak Ave,North,Oak Ave,S2,en,no',
  'C-103,Di Dunn,201-555-0103,,4 Oak Ave,North,Oak Ave,S2,en,no',
  'C-104,Adam  Smith,201-555-0104,,5 Pine Rd,South,Pine Rd,S3,en,no',
  'ada-7,Ada Zorn,201-555-0105,,6 Pine Rd,South,Pine Rd,S1,en,no',
  'D-200,Adele Ames,201-555-0106,,7 Elm St,South,Elm St,S3,en,no',
].join('\n');

describe('customer search on the server', () => {
  let api: LocalApi;
  let agent: string;

  const search = (query: string) => api.request<Json>('GET', `/api/customers?${query}`, { token: agent });
  const accounts = async (query: string) => {
    const res = await search(query);
    expect(res.status).toBe(200);
    return (res.body.items as Json[]).map((c) => c.account as string);
  };
  /** Every page of a search, following the cursor. */
  const allPages = async (query: string) => {
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const res = await search(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...(res.body.items as Json[]).map((c) => c.account as string));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    return seen;
  };

  beforeAll(async () => {
    api = await LocalApi.start();
    agent = await api.tokenFor('alice', ['agent']);
    const supervisor = await api.tokenFor('sam', ['supervisor']);
    const res = await fetch(`${api.url}/api/customers/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'text/csv' },
      body: FILE,
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => api?.stop());

  it('finds by account prefix and by name prefix, ignoring case and spaces', async () => {
    expect(await accounts('q=c-10')).toEqual(['C-100', 'C-101', 'C-102', 'C-103', 'C-104']);
    // Name prefix: "adam smith" is stored as written ("Adam  Smith"), found with one space and any case.
    expect(await accounts('q=ADAM%20%20smith')).toEqual(['C-104']);
    // An account prefix first, then names; a customer matching both comes once.
    expect(await accounts('q=ada')).toEqual(['ada-7', 'C-100', 'C-104']);
    expect(await accounts('q=nobody')).toEqual([]);
  });

  it('filters by district, street and segment with the area indexes, combinable with q', async () => {
    expect(await accounts('district=north')).toEqual(['C-100', 'C-101', 'C-102', 'C-103']);
    expect(await accounts('district=North&street=oak%20ave')).toEqual(['C-102', 'C-103']);
    expect(await accounts('segment=s1')).toEqual(['C-100', 'C-101', 'ada-7']);
    expect(await accounts('street=Elm%20St')).toEqual(['C-100', 'C-101', 'D-200']);
    expect(await accounts('q=ad&district=south')).toEqual(['ada-7', 'C-104', 'D-200']);
    expect(await accounts('segment=S3&district=South&street=Pine%20Rd')).toEqual(['C-104']);
  });

  it('pages a search with a cursor, every match once', async () => {
    expect(await allPages('q=ad&limit=2')).toEqual(['ada-7', 'C-100', 'C-104', 'D-200']);
    expect(await allPages('street=elm%20st&limit=2')).toEqual(['C-100', 'C-101', 'D-200']);
    expect(await allPages('district=north&limit=2')).toEqual(['C-100', 'C-101', 'C-102', 'C-103']);
    // Without criteria the registry is listed as before.
    expect(await allPages('limit=2')).toHaveLength(7);
  });

  it('refuses a bad parameter with 400 naming it', async () => {
    for (const [query, field] of [
      ['name=Ada', 'name'],
      ['q=', 'q'],
      [`district=${'x'.repeat(101)}`, 'district'],
      ['segment=S1&limit=0', 'limit'],
      ['q=ad&cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ] as const) {
      const res = await search(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.field, query).toBe(field);
    }
  });
});
