/**
 * Bad input is refused cleanly: a 4xx in the desk's one error shape naming the field, and nothing written
 * (read back). Issue 17, lines 19-21.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, complaint, register } from './support/complaints';
import { aPhoneNumber, Desk, type Reply, type Staff } from './support/desk';

let desk: Desk;
let agent: Staff;
let supervisor: Staff;

beforeAll(async () => {
  desk = await Desk.open();
  agent = await desk.staff('ivy', ['agent']);
  supervisor = await desk.staff('sam', ['supervisor']);
});
afterAll(() => desk?.close());

type ErrorReply = Reply<{ error?: { code?: string; message?: string; field?: string } }>;

function expectRefused(reply: ErrorReply, status: number, code: string, field?: string) {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.body.error?.code, reply.text).toBe(code);
  expect(typeof reply.body.error?.message).toBe('string');
  if (field) expect(reply.body.error?.field, reply.text).toBe(field);
}

const json = (text: string) => ({ rawBody: text, headers: { 'content-type': 'application/json' } });

async function complaintsOf(phone: string): Promise<unknown[]> {
  const reply = await agent.get<{ items: unknown[] }>(`/api/tickets?phone=${encodeURIComponent(phone)}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.body.items;
}

describe('a forged or garbled page cursor', () => {
  it('is a 400 INVALID_CURSOR naming cursor on every list route, not a 500', async () => {
    const forged = [
      Buffer.from(JSON.stringify({ pk: 1 })).toString('base64url'),
      Buffer.from(JSON.stringify({ pk: 'TICKET#1', sk: 'X', evil: { S: 'y' } })).toString('base64url'),
      'not-a-cursor!!',
      `${Buffer.from('{"pk":"A"}').toString('base64url')}.AAAAAAAAAAAA`,
    ];
    const lists = ['/api/tickets', '/api/customers', '/api/call-jobs', '/api/block-list'];
    for (const list of lists)
      for (const cursor of forged) {
        const reply: ErrorReply = await supervisor.get(`${list}?cursor=${encodeURIComponent(cursor)}`);
        expectRefused(reply, 400, 'INVALID_CURSOR', 'cursor');
      }
    // A cursor the desk gave out still pages on.
    const phone = aPhoneNumber();
    await register(agent, { phone });
    await register(agent, { phone });
    const first = await agent.get<{ items: unknown[]; nextCursor?: string }>('/api/tickets?limit=1');
    expect(first.body.nextCursor).toBeTruthy();
    const next = await agent.get(
      `/api/tickets?limit=1&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
    );
    expect(next.status, next.text).toBe(200);
  });
});

describe('a path with malformed percent-encoding', () => {
  it('is a 400 naming the parameter, with or without a token', async () => {
    const anonymous: ErrorReply = await desk.http('GET', '/api/tickets/%E0%A4%A');
    expectRefused(anonymous, 400, 'INVALID_PATH', 'id');
    const signedIn: ErrorReply = await agent.get('/api/customers/%zz');
    expectRefused(signedIn, 400, 'INVALID_PATH', 'account');
    const lone: ErrorReply = await supervisor.put('/api/customers/%ED%A0%80', { name: 'x' });
    expectRefused(lone, 400, 'INVALID_PATH', 'account');
  });
});

describe('an amount beyond what a number holds exactly', () => {
  it('is a 400 naming amount and the complaint has no remedy', async () => {
    const phone = aPhoneNumber();
    const { id, version } = await register(agent, { phone });
    const reply: ErrorReply = await agent.post(`/api/tickets/${id}/remedies`, undefined, {
      ...json('{"kind":"refund","amount":9007199254740993,"description":"Refund of the double charge"}'),
      headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
    });
    expectRefused(reply, 400, 'INVALID_INPUT', 'amount');
    const after = await complaint<{ version: number; remedies?: unknown[] }>(agent, id);
    expect(after.version).toBe(version);
    expect(after.remedies ?? []).toEqual([]);
  });
});

describe('impossible text, dates and currencies', () => {
  it('a name that is a lone surrogate, only zero-width characters or contains NUL is refused; nothing is stored', async () => {
    const phone = aPhoneNumber();
    for (const name of ['\\ud800', '\\u200b\\u200b\\u2060', 'Jane\\u0000Smith', '\\u00a0 \\ufeff']) {
      const reply: ErrorReply = await agent.post(
        '/api/tickets',
        undefined,
        json(
          `{"severity":"dissatisfied","channel":"phone","category":"billing","description":"Charged twice",` +
            `"customer":{"name":"${name}","phone":"${phone}"}}`,
        ),
      );
      expectRefused(reply, 400, 'INVALID_INPUT', 'customer.name');
    }
    expect(await complaintsOf(phone)).toEqual([]);

    const account = `ZW-${phone.slice(-6)}`;
    const customer: ErrorReply = await supervisor.put(
      `/api/customers/${account}`,
      undefined,
      json(
        '{"name":"\\u200b","phones":[],"address":"1 High St","area":{"district":"North","street":"High St","segment":"S1"}}',
      ),
    );
    expectRefused(customer, 400, 'INVALID_INPUT', 'name');
    expect((await agent.get(`/api/customers/${account}`)).status).toBe(404);
  });

  it('dates in year 0000 or 9999 are refused; the complaint keeps its deadlines', async () => {
    const { id, version } = await register(agent, { phone: aPhoneNumber() });
    for (const until of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) {
      const reply: ErrorReply = await agent.post(
        `/api/tickets/${id}/extensions`,
        { deadline: 'firstContact', until, reason: 'Customer abroad' },
        { headers: { 'if-match': `"${version}"` } },
      );
      expectRefused(reply, 400, 'INVALID_INPUT', 'until');
    }
    const broadcast: ErrorReply = await supervisor.post('/api/broadcasts', {
      what: 'Gas leak',
      where: 'North',
      since: '9999-01-01T00:00:00Z',
      severity: 'major',
      message: 'Leave the area',
      emailSubject: 'Gas leak',
      emailText: 'Leave the area',
      selection: { districts: ['North'] },
    });
    expectRefused(broadcast, 400, 'INVALID_INPUT', 'since');
    expect((await complaint(agent, id)).version).toBe(version);
  });

  it("a customer's answer dated 1900 and currency ZZZ are refused; the remedy stays offered", async () => {
    const { id } = await register(agent, { phone: aPhoneNumber() });
    const zzz: ErrorReply = await agent.post(
      `/api/tickets/${id}/remedies`,
      { kind: 'refund', amount: 10, currency: 'ZZZ', description: 'Refund' },
      { headers: { 'if-match': `"${(await complaint(agent, id)).version}"` } },
    );
    expectRefused(zzz, 400, 'INVALID_INPUT', 'currency');

    const proposed = await agent.post<{ version: number; remedies: { id: string }[] }>(
      `/api/tickets/${id}/remedies`,
      { kind: 'apology', description: 'We apologise for the double charge' },
      { headers: { 'if-match': `"${(await complaint(agent, id)).version}"` } },
    );
    expect(proposed.status, proposed.text).toBe(201);
    const remedyId = proposed.body.remedies[0]?.id ?? '';
    await act(agent, id, `remedies/${remedyId}/offer`, {});
    const before = await complaint<{ version: number; remedies: { status: string }[] }>(agent, id);
    const answer: ErrorReply = await agent.post(
      `/api/tickets/${id}/remedies/${remedyId}/answer`,
      { answer: 'agreed', how: 'letter', answeredAt: '1900-01-01T00:00:00Z' },
      { headers: { 'if-match': `"${before.version}"` } },
    );
    expectRefused(answer, 400, 'INVALID_INPUT', 'answeredAt');
    const after = await complaint<{ version: number; remedies: { status: string }[] }>(agent, id);
    expect(after.version).toBe(before.version);
    expect(after.remedies[0]?.status).toBe('offered');
  });
});

describe("the gateway's own errors", () => {
  it('use the documented {"error":{code,message}} shape', async () => {
    expectRefused(await desk.http('GET', '/api/no-such-route'), 404, 'NOT_FOUND');
    expectRefused(await desk.http('DELETE', '/api/tickets'), 404, 'NOT_FOUND');
    expectRefused(await desk.http('GET', '/api/tickets'), 401, 'UNAUTHENTICATED');
    expectRefused(
      await desk.http('GET', '/api/tickets', { headers: { authorization: 'Bearer forged.token.here' } }),
      401,
      'UNAUTHENTICATED',
    );
    expectRefused(await agent.post('/api/tickets', undefined, json('{"severity":')), 400, 'MALFORMED_JSON');
    expectRefused(await desk.http('GET', '/local/nothing-here'), 404, 'NOT_FOUND');
    const tooLarge: ErrorReply = await agent.post(
      '/api/tickets',
      undefined,
      json(`"${'x'.repeat(11 * 1024 * 1024)}"`),
    );
    expectRefused(tooLarge, 413, 'PAYLOAD_TOO_LARGE');
  });
});
