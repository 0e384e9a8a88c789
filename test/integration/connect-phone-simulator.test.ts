import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowBuilder } from '#infra/flows/lib/builder';
import { createConnectEmulator } from '#local/connect/emulator';
import { FakeClock, FakeLambdas } from '#local/connect/testing';
import { createPhoneRoutes } from '#local/phone/routes';

const CALLER = '+15551230001';
const CUSTOMER = '+15551239001';

function hotlineFlow() {
  const flow = new FlowBuilder({ name: 'Phone simulator test flow' });
  flow.say('greeting', 'Welcome to the complaint hotline.').then('menu');
  flow.menu('menu', {
    prompt: 'Press 1 to hear the opening hours.',
    keys: { '1': 'hours' },
    onTimeout: 'bye',
    onWrongKey: 'bye',
  });
  flow.say('hours', 'We are open from eight to five.').then('bye');
  flow.say('bye', 'Goodbye.').then('hangup');
  flow.disconnect('hangup');
  return flow.render();
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function aPhoneSimulator() {
  const clock = new FakeClock();
  const connect = createConnectEmulator({
    clock,
    invokeLambda: new FakeLambdas().invoke,
    flows: { inbound: hotlineFlow() },
    inboundContactFlowId: 'inbound',
    log: () => undefined,
  });
  const routes = createPhoneRoutes(connect);
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!routes(req, res, pathname)) {
      res.writeHead(418).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const request = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { clock, connect, request };
}

describe('phone simulator HTTP surface', () => {
  it('dials the hotline, shows the transcript, takes keys and hangs up the call the flow ends', async () => {
    const { request } = await aPhoneSimulator();

    const dialed = await request('POST', '/local/phone/calls', { from: CALLER });
    expect(dialed.status).toBe(201);
    const callId = String(dialed.body.callId);

    const during = await request('GET', `/local/phone/calls/${callId}`);
    expect(during.body).toMatchObject({
      state: 'in-progress',
      direction: 'inbound',
      from: CALLER,
      attributes: {},
    });
    expect(during.body.transcript).toEqual([
      { at: '2026-03-02T09:00:00.000Z', speaker: 'system', text: 'Welcome to the complaint hotline.' },
      { at: '2026-03-02T09:00:00.000Z', speaker: 'system', text: 'Press 1 to hear the opening hours.' },
    ]);

    const pressed = await request('POST', `/local/phone/calls/${callId}/keys`, { digits: '1' });
    expect(pressed.status).toBe(200);
    expect(pressed.body.state).toBe('ended');
    expect((pressed.body.transcript as { speaker: string; text: string }[]).slice(2)).toEqual([
      expect.objectContaining({ speaker: 'caller', text: 'pressed 1' }),
      expect.objectContaining({ speaker: 'system', text: 'We are open from eight to five.' }),
      expect.objectContaining({ speaker: 'system', text: 'Goodbye.' }),
      expect.objectContaining({ speaker: 'system', text: '(call ended by the system)' }),
    ]);
  });

  it('lets the caller stay silent until the clock passes the input limit', async () => {
    const { request, clock, connect } = await aPhoneSimulator();
    const { body } = await request('POST', '/local/phone/calls', { from: CALLER });

    clock.advance(5);
    await connect.tick();
    const after = await request('GET', `/local/phone/calls/${String(body.callId)}`);

    expect(after.body.state).toBe('ended');
    expect((after.body.transcript as { text: string }[]).map((l) => l.text)).toContain('Goodbye.');
  });

  it('hangs up on request', async () => {
    const { request } = await aPhoneSimulator();
    const { body } = await request('POST', '/local/phone/calls', { from: CALLER });

    const hungUp = await request('POST', `/local/phone/calls/${String(body.callId)}/hangup`);

    expect(hungUp.body).toMatchObject({ state: 'ended', disconnectReason: 'CUSTOMER_DISCONNECT' });
    expect(hungUp.body.transcript).toContainEqual(
      expect.objectContaining({ speaker: 'caller', text: '(hung up)' }),
    );
  });

  it('sets how a number behaves and shows outbound calls to it, newest first', async () => {
    const { request, connect } = await aPhoneSimulator();
    connect.registerFlow('outbound', hotlineFlow());

    const set = await request('PUT', `/local/phone/numbers/${encodeURIComponent(CUSTOMER)}`, {
      answer: 'busy',
    });
    expect(set).toEqual({ status: 200, body: { number: CUSTOMER, answer: 'busy' } });
    const first = await connect.startOutboundVoiceContact({
      InstanceId: connect.instanceId,
      ContactFlowId: 'outbound',
      DestinationPhoneNumber: CUSTOMER,
      SourcePhoneNumber: '+15550100100',
    });
    const second = await connect.startOutboundVoiceContact({
      InstanceId: connect.instanceId,
      ContactFlowId: 'outbound',
      DestinationPhoneNumber: CUSTOMER,
      SourcePhoneNumber: '+15550100100',
    });
    await request('POST', '/local/phone/calls', { from: CALLER });
    await connect.whenIdle();

    const outbound = await request('GET', '/local/phone/calls?direction=outbound');
    const all = await request('GET', '/local/phone/calls');

    const calls = outbound.body.calls as { callId: string; state: string; disconnectReason: string }[];
    expect(calls.map((c) => c.callId)).toEqual([second.ContactId, first.ContactId]);
    expect(calls.every((c) => c.state === 'ended' && c.disconnectReason === 'TELECOM_BUSY')).toBe(true);
    expect((all.body.calls as unknown[]).length).toBe(3);
    // Ended calls are archived on the next tick: the list reads the same, and `limit` keeps the newest.
    await connect.tick();
    const newest = await request('GET', '/local/phone/calls?direction=outbound&limit=1');
    expect((newest.body.calls as { callId: string }[]).map((c) => c.callId)).toEqual([second.ContactId]);
    expect((await request('GET', '/local/phone/calls?limit=0')).status).toBe(400);
  });

  it('lets a person answer a ringing outbound call', async () => {
    const { request, connect } = await aPhoneSimulator();
    connect.registerFlow('outbound', hotlineFlow());
    await request('PUT', `/local/phone/numbers/${encodeURIComponent(CUSTOMER)}`, { answer: 'manual' });
    const { ContactId } = await connect.startOutboundVoiceContact({
      InstanceId: connect.instanceId,
      ContactFlowId: 'outbound',
      DestinationPhoneNumber: CUSTOMER,
      SourcePhoneNumber: '+15550100100',
    });
    await connect.whenIdle();
    expect((await request('GET', `/local/phone/calls/${ContactId}`)).body.state).toBe('ringing');

    const answered = await request('POST', `/local/phone/calls/${ContactId}/answer`);

    expect(answered.body).toMatchObject({ state: 'in-progress', awaitingInput: true });
  });

  it('refuses malformed requests with the API’s error shape', async () => {
    const { request } = await aPhoneSimulator();

    expect(await request('POST', '/local/phone/calls', { from: '0151 1234' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT', field: 'from' } },
    });
    expect(await request('GET', '/local/phone/calls/no-such-call')).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    const { body } = await request('POST', '/local/phone/calls', { from: CALLER });
    expect(
      await request('POST', `/local/phone/calls/${String(body.callId)}/keys`, { digits: '1a' }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT', field: 'digits' } },
    });
    expect(await request('PUT', '/local/phone/numbers/%2B15551239001', { answer: 'maybe' })).toMatchObject({
      status: 400,
      body: { error: { field: 'answer' } },
    });
  });

  it('leaves other paths to the rest of the gateway', async () => {
    const { connect } = await aPhoneSimulator();
    const routes = createPhoneRoutes(connect);

    expect(routes({} as never, {} as never, '/local/clock')).toBe(false);
    expect(routes({} as never, {} as never, '/api/tickets')).toBe(false);
  });
});
