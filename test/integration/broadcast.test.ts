import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalApi } from '#test/support/local-api';

const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';
const rows = [
  'B-1,Ann Answer,2015550401,ann@example.com,1 Elm St,North,Elm St,S1,en,no',
  'B-2,Bea Busy,2015550402,bea@example.com,2 Elm St,North,Elm St,S1,en,no',
  'B-3,Cal Silent,2015550403,,3 Elm St,North,Elm St,S1,en,no',
  'B-4,Dan Deaf,2015550404,dan@example.com,4 Elm St,North,Elm St,S1,en,no',
  'B-5,Eve Email,,eve@example.com,5 Elm St,North,Elm St,S1,en,no',
  'B-6,Fay Field,,,6 Elm St,North,Elm St,S1,en,no',
  'B-7,Gus Elsewhere,2015550407,,7 Oak Ave,South,Oak Ave,S9,en,no',
];

describe('an emergency broadcast through the local runtime', () => {
  let api: LocalApi;
  let supervisor: string;
  let broadcastId: string;
  let estimatedSeconds: number;

  const phone = (e164: string, behaviour: Record<string, unknown>) =>
    fetch(`${api.url}/local/phone/numbers/${encodeURIComponent(e164)}`, {
      method: 'PUT',
      body: JSON.stringify(behaviour),
    });
  const advance = (seconds: number) =>
    fetch(`${api.url}/local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });

  beforeAll(async () => {
    api = await LocalApi.start();
    supervisor = await api.tokenFor('sam', ['supervisor']);
    const imported = await fetch(`${api.url}/api/customers/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'text/csv' },
      body: [HEADER, ...rows].join('\n'),
    });
    expect(imported.status).toBe(200);
    await phone('+12015550401', { answer: 'answer', keys: '1' });
    await phone('+12015550402', { answer: 'busy' });
    await phone('+12015550403', { answer: 'no-answer' });
    await phone('+12015550404', { answer: 'answer' });
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('records the incident as a draft and previews who it reaches', async () => {
    const created = await api.request('POST', '/api/broadcasts', {
      token: supervisor,
      body: {
        what: 'Gas leak',
        where: 'Elm Street',
        since: new Date(Date.now() - 600_000).toISOString(),
        severity: 'crisis',
        message: 'A gas leak has been reported on Elm Street. Do not use open flames or switches.',
        emailSubject: 'Gas leak on Elm Street',
        emailText: 'A gas leak has been reported on Elm Street. Do not use open flames or switches.',
        selection: { streets: ['Elm St'] },
      },
    });
    broadcastId = created.body.id as string;
    const preview = await api.request('GET', `/api/broadcasts/${broadcastId}/preview`, { token: supervisor });

    expect(created).toMatchObject({ status: 201, body: { state: 'draft' } });
    expect(preview.body).toMatchObject({ customers: 6, toCall: 4, emailOnly: 1, noContact: 1 });
    // Four customers with a number, no past broadcast calls: the default mix at the local limits.
    expect(preview.body.estimate).toMatchObject({ calls: 4, basis: 'default', sampleCalls: 0 });
    estimatedSeconds = (preview.body.estimate as { seconds: number }).seconds;
    expect(estimatedSeconds).toBeGreaterThan(0);
  });

  it('calls every reachable recipient once per attempt and ends with a report nobody is missing from', async () => {
    const sent = await api.request('POST', `/api/broadcasts/${broadcastId}/send`, { token: supervisor });
    const again = await api.request('POST', `/api/broadcasts/${broadcastId}/send`, { token: supervisor });
    for (let i = 0; i < 12; i++) await advance(600);
    const report = await api.request('GET', `/api/broadcasts/${broadcastId}/report`, { token: supervisor });
    const calls = (await (await fetch(`${api.url}/local/phone/calls?direction=outbound`)).json()) as {
      calls: { to: string; callId: string }[];
    };

    expect(sent.status).toBe(202);
    expect(again.status).toBe(202);
    // The console's "calls expected to end": the send's moment plus the estimate the preview gave.
    expect(sent.body.estimatedEndAt).toBe(
      new Date(Date.parse(sent.body.sentAt as string) + estimatedSeconds * 1000).toISOString(),
    );
    const byAccount = Object.fromEntries(
      (
        report.body.recipients as {
          account: string;
          state: string;
          attempts: unknown[];
          emailedAt?: string;
        }[]
      ).map((r) => [r.account, r]),
    );
    expect(byAccount['B-1']).toMatchObject({ state: 'confirmed', confirmedVia: 'outbound' });
    expect(byAccount['B-2']).toMatchObject({ state: 'not_reached' });
    expect(byAccount['B-3']).toMatchObject({ state: 'not_reached' });
    expect(byAccount['B-4']).toMatchObject({ state: 'reached_not_confirmed' });
    expect(byAccount['B-4']?.emailedAt).toBeTruthy();
    expect(byAccount['B-5']).toMatchObject({ state: 'not_reached' });
    expect(byAccount['B-5']?.emailedAt).toBeTruthy();
    expect(byAccount['B-6']).toMatchObject({ state: 'no_contact' });
    expect(byAccount['B-7']).toBeUndefined();
    expect(report.body.broadcast).toMatchObject({ state: 'completed' });
    expect(report.body.counts).toMatchObject({ total: 6, confirmed: 1, no_contact: 1 });
    // Confirmed once: never rung again. Everyone else: at most the attempt limit.
    const ringsTo = (n: string) => calls.calls.filter((c) => c.to === n).length;
    expect(ringsTo('+12015550401')).toBe(1);
    expect(ringsTo('+12015550403')).toBe(3);
    expect(ringsTo('+12015550407')).toBe(0);
  }, 120_000);

  it('pages the recipients, all or those in one state, without gaps or repeats', async () => {
    type RecipientsPage = { items: { account: string; state: string }[]; nextCursor?: string };
    const pages = async (query: string) => {
      const seen: string[][] = [];
      let cursor: string | undefined;
      do {
        const res = await api.request<RecipientsPage>(
          'GET',
          `/api/broadcasts/${broadcastId}/recipients?${query}${cursor ? `&cursor=${cursor}` : ''}`,
          { token: supervisor },
        );
        expect(res.status).toBe(200);
        seen.push(res.body.items.map((r) => `${r.account} ${r.state}`));
        cursor = res.body.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await pages('limit=4')).toEqual([
      ['B-1 confirmed', 'B-2 not_reached', 'B-3 not_reached', 'B-4 reached_not_confirmed'],
      ['B-5 not_reached', 'B-6 no_contact'],
    ]);
    // Filtered by state: full pages though the filter drops the others, and no empty last page.
    expect(await pages('limit=2&state=not_reached')).toEqual([
      ['B-2 not_reached', 'B-3 not_reached'],
      ['B-5 not_reached'],
    ]);
    expect(await pages('limit=3&state=not_reached')).toEqual([
      ['B-2 not_reached', 'B-3 not_reached', 'B-5 not_reached'],
    ]);

    const bad = await api.request('GET', `/api/broadcasts/${broadcastId}/recipients?state=lost`, {
      token: supervisor,
    });
    expect(bad.status).toBe(400);
    const foreign = Buffer.from(JSON.stringify({ pk: 'TICKET#1', sk: 'TICKET' })).toString('base64url');
    const wrongCursor = await api.request(
      'GET',
      `/api/broadcasts/${broadcastId}/recipients?cursor=${foreign}`,
      { token: supervisor },
    );
    expect(wrongCursor.status).toBe(400);
    expect(JSON.stringify(wrongCursor.body)).toContain('cursor');
    const agent = await api.tokenFor('alice', ['agent']);
    const forbidden = await api.request('GET', `/api/broadcasts/${broadcastId}/recipients`, { token: agent });
    expect(forbidden.status).toBe(403);
  });
});
