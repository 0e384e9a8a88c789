import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalApi } from '#test/support/local-api';

interface Entry {
  phone: string;
  reason: string;
  blockedBy: string;
  blockedAt: string;
}

describe('the block-list API', () => {
  let api: LocalApi;
  let supervisor: string;
  let agent: string;
  let admin: string;

  const listed = async (token = agent) =>
    (await api.request<{ items: Entry[] }>('GET', '/api/block-list', { token })).body.items;

  /** A call to the hotline from `from` through the local phone API; its id. */
  const dial = async (from: string) =>
    (await api.request<{ callId: string }>('POST', '/local/phone/calls', { body: { from } })).body.callId;

  /** The lines of the call so far. */
  const transcript = async (callId: string) =>
    (
      await api.request<{ transcript: { text: string }[] }>('GET', `/local/phone/calls/${callId}`)
    ).body.transcript.map((line) => line.text);

  beforeAll(async () => {
    api = await LocalApi.start();
    ({ supervisor, agent, admin } = await api.staffTokens());
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('blocks a number typed in national format, stored and listed as E.164', async () => {
    const put = await api.request<Entry>('PUT', `/api/block-list/${encodeURIComponent('(201) 555-0142')}`, {
      token: supervisor,
      body: { reason: 'Abusive calls every night' },
    });

    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      phone: '+12015550142',
      reason: 'Abusive calls every night',
      blockedBy: 'sam',
    });
    expect(await listed()).toEqual([expect.objectContaining({ phone: '+12015550142', blockedBy: 'sam' })]);
  });

  it('answers a blocked caller on the hotline with the emergency key, then the blocked queue, not the menu', async () => {
    const callId = await dial('+12015550142');
    await expect
      .poll(async () => (await transcript(callId)).join('\n'))
      .toContain('If you are reporting an emergency such as a smell of gas, press 3 now.');
    // No key: the short fixed message and the queue apart.
    await api.request('POST', '/local/clock', { body: { advanceSeconds: 6 } });
    await expect.poll(async () => (await transcript(callId)).join('\n')).toContain('complaints-blocked');
    await api.request('POST', `/local/phone/calls/${callId}/hangup`);
  });

  it('changes the reason of a blocked number, and a repeated PUT changes nothing', async () => {
    const path = `/api/block-list/${encodeURIComponent('+12015550142')}`;
    const changed = await api.request<Entry>('PUT', path, { token: supervisor, body: { reason: 'Threats' } });
    const again = await api.request<Entry>('PUT', path, { token: supervisor, body: { reason: 'Threats' } });

    expect(changed.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(changed.body);
    expect((await listed()).map((e) => e.reason)).toEqual(['Threats']);
  });

  it('lists newest first, in pages', async () => {
    for (const n of ['0143', '0144', '0145'])
      await api.request('PUT', `/api/block-list/%2B1201555${n}`, {
        token: supervisor,
        body: { reason: 'Spam' },
      });
    // Blocked within the same simulated second: order by time then number, newest first.
    await api.request('POST', '/local/clock', { body: { advanceSeconds: 1 } });
    await api.request('PUT', '/api/block-list/+12015550146', { token: supervisor, body: { reason: 'Spam' } });

    const first = await api.request<{ items: Entry[]; nextCursor?: string }>(
      'GET',
      '/api/block-list?limit=2',
      {
        token: agent,
      },
    );
    const second = await api.request<{ items: Entry[]; nextCursor?: string }>(
      'GET',
      `/api/block-list?limit=10&cursor=${first.body.nextCursor}`,
      { token: agent },
    );

    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]?.phone).toBe('+12015550146');
    expect(first.body.nextCursor).toBeTruthy();
    const all = [...first.body.items, ...second.body.items].map((e) => e.phone);
    expect(new Set(all).size).toBe(5);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const before = await listed();
    const badPhone = await api.request('PUT', '/api/block-list/call-me', {
      token: supervisor,
      body: { reason: 'Spam' },
    });
    const shortPhone = await api.request('PUT', '/api/block-list/12', {
      token: supervisor,
      body: { reason: 'x' },
    });
    const noReason = await api.request('PUT', '/api/block-list/+12015550150', {
      token: supervisor,
      body: {},
    });
    const blankReason = await api.request('PUT', '/api/block-list/+12015550150', {
      token: supervisor,
      body: { reason: '   ' },
    });
    const extra = await api.request('PUT', '/api/block-list/+12015550150', {
      token: supervisor,
      body: { reason: 'Spam', until: 'forever' },
    });
    const badLimit = await api.request('GET', '/api/block-list?limit=0', { token: agent });
    const badCursor = await api.request('GET', '/api/block-list?cursor=nope', { token: agent });
    const notBlocked = await api.request('DELETE', '/api/block-list/+12015550150', { token: supervisor });

    expect(badPhone).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT', field: 'phone' } },
    });
    expect(shortPhone).toMatchObject({ status: 400, body: { error: { field: 'phone' } } });
    expect(noReason).toMatchObject({ status: 400, body: { error: { field: 'reason' } } });
    expect(blankReason).toMatchObject({ status: 400, body: { error: { field: 'reason' } } });
    expect(extra).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(badLimit).toMatchObject({ status: 400, body: { error: { field: 'limit' } } });
    expect(badCursor).toMatchObject({ status: 400, body: { error: { field: 'cursor' } } });
    expect(notBlocked).toMatchObject({ status: 404, body: { error: { field: 'phone' } } });
    expect(await listed()).toEqual(before);
  });

  it('lets agents read the list but not change it (403, nothing written)', async () => {
    const before = await listed();
    const put = await api.request('PUT', '/api/block-list/+12015550160', {
      token: agent,
      body: { reason: 'Spam' },
    });
    const del = await api.request('DELETE', '/api/block-list/+12015550142', { token: agent });
    const anonymous = await api.request('GET', '/api/block-list');

    expect(put).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(del.status).toBe(403);
    expect(anonymous.status).toBe(401);
    expect(await listed()).toEqual(before);
  });

  it('unblocks a number: it leaves the list and the hotline lets the caller through', async () => {
    const del = await api.request('DELETE', `/api/block-list/${encodeURIComponent('201-555-0142')}`, {
      token: supervisor,
    });

    expect(del.status).toBe(204);
    expect((await listed()).map((e) => e.phone)).not.toContain('+12015550142');
    const callId = await dial('+12015550142');
    await expect.poll(async () => (await transcript(callId)).length).toBeGreaterThan(0);
    expect((await transcript(callId)).join('\n')).not.toContain('complaints-blocked');
    await api.request('POST', `/local/phone/calls/${callId}/hangup`);
  });

  it('is described in the OpenAPI document with its request schemas', async () => {
    const doc = await api.request<{ paths: Record<string, Record<string, any>> }>('GET', '/api/openapi.json');

    expect(Object.keys(doc.body.paths['/block-list/{phone}'] ?? {}).sort()).toEqual(['delete', 'put']);
    const put = doc.body.paths['/block-list/{phone}']?.put;
    expect(JSON.stringify(put)).toContain('"reason"');
    expect(JSON.stringify(doc.body.paths['/block-list']?.get)).toContain('"cursor"');
  });

  it('keeps every read and change of the block list in the access log', async () => {
    const log = await api.request<{ items: { username: string; action: string; phone?: string }[] }>(
      'GET',
      '/api/customers/access-log?limit=100',
      { token: admin },
    );

    const actions = log.body.items.map((a) => `${a.username}:${a.action}:${a.phone ?? ''}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'sam:block:+12015550142',
        'sam:unblock:+12015550142',
        'alice:block-list:',
        'sam:block:+12015550146',
      ]),
    );
    // The repeated PUT with the same reason and the refused requests left no trace.
    expect(actions.filter((a) => a === 'sam:block:+12015550142')).toHaveLength(2);
    expect(actions.some((a) => a.startsWith('alice:block:') || a.startsWith('alice:unblock:'))).toBe(false);
  });
});
