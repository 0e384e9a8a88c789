import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPTS } from '#infra/flows/inbound';
import { INCIDENT_PROMPTS } from '#infra/flows/inbound-incident';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime';
import { dependencies } from '#shared/adapters/dependencies';

/**
 * Issue 11 through the local runtime: the real inbound and broadcast flows in the Connect emulator, the
 * handlers behind the gateway, DynamoDB Local, the SES emulator and the simulated clock.
 */
const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';
const customers = [
  // Elm St: inside the incident. Their phones do not answer, so their broadcast calls wait for a retry.
  'E-1,Edna Elm,2015550501,edna@example.com,1 Elm St,North,Elm St,S1,en,no',
  'E-2,Elena Elm,2015550502,,2 Elm St,North,Elm St,S1,es,no',
  'E-3,Ezra Elm,2015550503,ezra@example.com,3 Elm St,North,Elm St,S1,en,no',
  // Oak Ave: outside.
  'O-1,Olga Oak,2015550509,olga@example.com,9 Oak Ave,South,Oak Ave,S9,en,no',
  // Birch Rd: the broadcast that is cancelled.
  'B-1,Bob Confirms,2015550601,,1 Birch Rd,East,Birch Rd,S5,en,no',
  'B-2,Bea Silent,2015550602,,2 Birch Rd,East,Birch Rd,S5,en,no',
  'B-3,Ben Absent,2015550603,,3 Birch Rd,East,Birch Rd,S5,en,no',
  'B-4,Bess Mail,,bess@example.com,4 Birch Rd,East,Birch Rd,S5,en,no',
];
const EDNA = '+12015550501';
const ELENA = '+12015550502';
const EZRA = '+12015550503';
const OLGA = '+12015550509';
const STRANGER = '+12015550999';
const ELM_MESSAGE = 'A gas leak has been reported on Elm Street. Do not use open flames or switches.';
const ELM_MESSAGE_ES = 'Se ha detectado una fuga de gas en Elm Street. No use llamas ni interruptores.';

let runtime: LocalRuntime;
let supervisor: string;
let agent: string;

async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  // What earlier steps saved has had its reactions, as for a user a moment later.
  await runtime.settled();
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  if (method !== 'GET') await runtime.settled();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function dial(from: string) {
  const call = await runtime.connect.startInboundCall(from);
  await runtime.connect.whenIdle();
  return call.callId;
}

async function press(callId: string, digits: string) {
  await runtime.connect.pressKeys(callId, digits);
  await runtime.connect.whenIdle();
}

const said = (callId: string) =>
  (runtime.connect.getCall(callId)?.transcript ?? [])
    .filter((l) => l.speaker === 'system')
    .map((l) => l.text);

const outboundTo = (phone: string) =>
  runtime.connect.listCalls({ direction: 'outbound' }).filter((c) => c.to === phone);

async function draftAndSend(body: Record<string, unknown>): Promise<string> {
  const created = await api<{ id: string }>('POST', '/api/broadcasts', { token: supervisor, body });
  expect(created.status).toBe(201);
  const sent = await api('POST', `/api/broadcasts/${created.body.id}/send`, { token: supervisor });
  expect(sent.status).toBe(202);
  return created.body.id;
}

async function recipients(id: string) {
  const report = await api<{ recipients: Record<string, unknown>[] }>('GET', `/api/broadcasts/${id}/report`, {
    token: supervisor,
  });
  return Object.fromEntries(report.body.recipients.map((r) => [r.account as string, r]));
}

async function register(customer: Record<string, unknown>, channel = 'walk_in') {
  const res = await api<{ id: string }>('POST', '/api/tickets', {
    token: agent,
    body: {
      customer,
      channel,
      category: 'supply_interruption',
      severity: 'dissatisfied',
      description: 'No gas since this morning',
    },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function ticketEvents(id: string) {
  const res = await api<{ items: { type: string; data: Record<string, unknown> }[] }>(
    'GET',
    `/api/tickets/${id}/events?limit=100`,
    { token: agent },
  );
  return res.body.items;
}

async function mails() {
  const store = (await (await fetch(`${runtime.endpoints.ses}/store`)).json()) as {
    emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[];
  };
  return store.emails;
}

let elm: string;

beforeAll(async () => {
  // Ordinary calls (incident updates, all clear) may ring at any simulated hour in this test.
  runtime = await startLocalRuntime({ port: 0, env: { CALLING_HOURS: '00:00-24:00' } });
  supervisor = await runtime.token('sam', ['supervisor']);
  agent = await runtime.token('alice', ['agent']);
  const imported = await fetch(`${runtime.url}/api/customers/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'text/csv' },
    body: [HEADER, ...customers].join('\n'),
  });
  expect(imported.status).toBe(200);
  for (const phone of [EDNA, ELENA, EZRA]) runtime.connect.setNumberBehaviour(phone, { answer: 'no-answer' });
  runtime.connect.setNumberBehaviour(OLGA, { answer: 'answer' });
  elm = await draftAndSend({
    what: 'Gas leak',
    where: 'Elm Street',
    since: new Date(runtime.clock.now().getTime() - 600_000).toISOString(),
    severity: 'crisis',
    message: ELM_MESSAGE,
    translations: { es: ELM_MESSAGE_ES },
    emailSubject: 'Gas leak on Elm Street',
    emailText: ELM_MESSAGE,
    selection: { streets: ['Elm St'] },
  });
  // Every first attempt rings out unanswered; the retries wait for their back-off (10 minutes).
  await runtime.clock.advance(120);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('the hotline during an incident', () => {
  it('plays the notice to a caller from the affected street first; 1 confirms, and they are never rung again', async () => {
    expect(outboundTo(EDNA).length).toBe(1);

    const callId = await dial(EDNA);
    const heard = said(callId);
    expect(heard[0]).toBe(PROMPTS.welcome);
    expect(heard[1]).toContain('We know about the gas leak affecting Elm Street');
    expect(heard[1]).toContain(ELM_MESSAGE);
    expect(heard[2]).toBe(INCIDENT_PROMPTS.confirmAsk);
    const beforeConfirm = runtime.clock.now().toISOString();
    await press(callId, '1');
    const confirmedAt = runtime.clock.now().toISOString();
    // A registry customer, known by their number, is greeted by name before the menu.
    expect(said(callId).slice(-3)).toEqual([
      INCIDENT_PROMPTS.confirmed,
      'Hello Edna, welcome back. You have no open complaints with us.',
      PROMPTS.mainMenu,
    ]);
    await runtime.connect.hangup(callId);

    const edna = (await recipients(elm))['E-1'];
    expect(edna).toMatchObject({ state: 'confirmed', confirmedVia: 'inbound' });
    expect(String(edna?.confirmedAt) >= beforeConfirm && String(edna?.confirmedAt) <= confirmedAt).toBe(true);

    // Well past every back-off: the others are retried, Edna is not.
    await runtime.clock.advance(3600);
    expect(outboundTo(EDNA).filter((c) => c.startedAt > confirmedAt)).toEqual([]);
    expect(outboundTo(EZRA).length).toBe(3);
  }, 120_000);

  it("plays the latest update in the caller's language where the incident has it", async () => {
    const callId = await dial(ELENA);
    expect(said(callId)[1]).toBe(ELM_MESSAGE_ES);
    await runtime.connect.hangup(callId);
  });

  it('lets a recipient written before recipients were indexed by number confirm too', async () => {
    // The hotline finds a caller's recipient by their number; an older item without that key is read by account.
    const deps = dependencies();
    await deps.documentClient.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: { pk: `BROADCAST#${elm}`, sk: 'RECIPIENT#E-2' },
        UpdateExpression: 'REMOVE gsi4pk, gsi4sk',
        ConditionExpression: 'attribute_exists(gsi4pk)',
      }),
    );
    expect((await deps.customers.findByPhoneWithRecipients(ELENA)).recipients).toEqual([]);
    const callId = await dial(ELENA);
    expect(said(callId)[2]).toBe(INCIDENT_PROMPTS.confirmAsk);
    await press(callId, '1');
    expect(said(callId).slice(-3)).toEqual([
      INCIDENT_PROMPTS.confirmed,
      'Hello Elena, welcome back. You have no open complaints with us.',
      PROMPTS.mainMenu,
    ]);
    await runtime.connect.hangup(callId);
    expect((await recipients(elm))['E-2']).toMatchObject({ state: 'confirmed', confirmedVia: 'inbound' });
  });

  it('gives a caller from outside every incident area the menu at once', async () => {
    const callId = await dial(OLGA);
    expect(said(callId)).toEqual([
      PROMPTS.welcome,
      'Hello Olga, welcome back. You have no open complaints with us.',
      PROMPTS.mainMenu,
    ]);
    await runtime.connect.hangup(callId);
  });

  it('asks a caller the registry does not know whether they call about the incident', async () => {
    const callId = await dial(STRANGER);
    expect(said(callId)[1]).toBe(
      'If you are calling about the gas leak in Elm Street, press 1. Otherwise, stay on the line for our menu.',
    );
    await press(callId, '1');
    const heard = said(callId);
    expect(heard[2]).toContain(ELM_MESSAGE);
    expect(heard[3]).toBe(PROMPTS.mainMenu);
    await runtime.connect.hangup(callId);
  });
});

describe('complaints during an incident', () => {
  let fromArea: string;
  let byAddress: string;
  let byPhone: string;
  let elsewhere: string;

  it('links a complaint from the area automatically, and not one from elsewhere', async () => {
    fromArea = await register({ name: 'Ezra Elm', phone: EZRA, email: 'ezra@example.com', account: 'E-3' });
    byAddress = await register({
      name: 'Walk In',
      phone: '+12015550777',
      email: 'walk@example.com',
      address: '12 Elm St',
    });
    byPhone = await register({ name: 'Phone In', phone: '+12015550778', address: '20 Elm St' }, 'phone');
    elsewhere = await register({
      name: 'Olga Oak',
      phone: OLGA,
      email: 'olga@example.com',
      address: '9 Oak Ave',
    });

    const detail = await api<{
      complaints: { ticketId: string; reason: string; cause: boolean }[];
      countsByCategory: Record<string, number>;
    }>('GET', `/api/incidents/${elm}`, { token: agent });
    const linked = Object.fromEntries(detail.body.complaints.map((c) => [c.ticketId, c]));

    expect(linked[fromArea]).toMatchObject({ reason: 'customer_area', cause: true });
    expect(linked[byAddress]).toMatchObject({ reason: 'address' });
    expect(linked[byPhone]).toMatchObject({ reason: 'address' });
    expect(linked[elsewhere]).toBeUndefined();
    expect(detail.body.countsByCategory).toEqual({ supply_interruption: 3 });
    expect((await ticketEvents(fromArea)).map((e) => e.type)).toContain('incident_linked');
    expect((await ticketEvents(elsewhere)).map((e) => e.type)).not.toContain('incident_linked');
  });

  it('lets staff link and unlink by hand, with an event on the complaint each time', async () => {
    const linked = await api('POST', `/api/incidents/${elm}/complaints`, {
      token: agent,
      body: { ticketId: elsewhere, cause: false },
    });
    const unlinked = await api('DELETE', `/api/incidents/${elm}/complaints/${elsewhere}`, { token: agent });
    const again = await api('DELETE', `/api/incidents/${elm}/complaints/${elsewhere}`, { token: agent });

    expect(linked).toMatchObject({
      status: 200,
      body: { ticketId: elsewhere, reason: 'manual', cause: false },
    });
    expect(unlinked.status).toBe(204);
    expect(again.status).toBe(404);
    const types = (await ticketEvents(elsewhere)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['incident_linked', 'incident_unlinked']));
  });

  it('sends an update to every linked complainant once: e-mail, and a call to those who phoned', async () => {
    runtime.connect.setNumberBehaviour('+12015550778', { answer: 'answer' });
    const update = 'Engineers are on site. We expect gas back by 6 pm.';
    const posted = await api<{ notified: Record<string, number> }>('POST', `/api/incidents/${elm}/updates`, {
      token: supervisor,
      body: { message: update, notifyComplainants: true },
    });
    const retried = await api<Record<string, number>>('POST', `/api/incidents/${elm}/notify`, {
      token: supervisor,
      body: { update: 2 },
    });
    await runtime.clock.advance(120);

    expect(posted.status).toBe(201);
    expect(posted.body.notified).toMatchObject({ update: 2, complainants: 3, owed: 3, already: 0 });
    expect(retried.body).toMatchObject({ owed: 0, already: 3, state: 'sent' });
    const detail = await api<{ events: { type: string; data: Record<string, unknown> }[] }>(
      'GET',
      `/api/incidents/${elm}`,
      { token: supervisor },
    );
    expect(detail.body.events.filter((e) => e.type === 'complainants_notified').map((e) => e.data)).toEqual([
      expect.objectContaining({ update: 2, complainants: 3, emailed: 2, called: 1 }),
    ]);
    const updateMails = (await mails()).filter((m) => m.subject.startsWith('Update on the gas leak'));
    expect(updateMails.flatMap((m) => m.destination.to).sort()).toEqual([
      'ezra@example.com',
      'walk@example.com',
    ]);
    const calls = outboundTo('+12015550778');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.transcript.map((l) => l.text).join(' ')).toContain(update);
    for (const id of [fromArea, byAddress, byPhone]) {
      expect((await ticketEvents(id)).filter((e) => e.type === 'incident_update_sent')).toHaveLength(1);
    }
    const ended = (await ticketEvents(byPhone)).find((e) => e.type === 'incident_update_call_ended');
    expect(ended?.data).toMatchObject({ incidentId: elm, update: 2, reached: true });
  }, 120_000);

  it('shows the public status without names or numbers', async () => {
    const status = await api<Record<string, unknown>>('GET', `/api/status/incidents/${elm}`);
    const text = JSON.stringify(status.body);

    expect(status).toMatchObject({
      status: 200,
      body: {
        state: 'open',
        what: 'Gas leak',
        where: 'Elm Street',
        latestUpdate: { n: 2, message: 'Engineers are on site. We expect gas back by 6 pm.' },
      },
    });
    for (const personal of ['Edna', 'Ezra', '2015550', 'example.com', 'E-1'])
      expect(text).not.toContain(personal);
    expect((await api('GET', '/api/status/incidents/nosuchid1')).status).toBe(404);
  });

  it('plays the latest update on the hotline', async () => {
    const callId = await dial(EZRA);
    const heard = said(callId);
    expect(heard[1]).toContain('Engineers are on site.');
    expect(heard[1]).not.toContain('Do not use open flames');
    // Ezra has an open complaint: after the notice (no key pressed) he is greeted with it, then the menu.
    await runtime.clock.advance(6);
    await runtime.connect.whenIdle();
    expect(said(callId).slice(3, 5)).toEqual([
      expect.stringContaining('Hello Ezra, welcome back.'),
      PROMPTS.mainMenu,
    ]);
    await runtime.connect.hangup(callId);
  });

  it('closes with the all clear: confirmed recipients called once, caused complaints resolved or left for contact', async () => {
    runtime.connect.setNumberBehaviour(EDNA, { answer: 'answer' });
    const closed = await api<{
      allClear: { queued: number };
      resolved: { resolved: number; leftOpen: number };
    }>('POST', `/api/incidents/${elm}/close`, {
      token: supervisor,
      body: {
        message: 'The leak on Elm Street is repaired. It is safe to use gas again.',
        allClearBroadcast: true,
      },
    });
    await runtime.clock.advance(120);

    expect(closed.status).toBe(200);
    // Edna and Elena confirmed on the hotline (above); the others were never reached.
    expect(closed.body.allClear.queued).toBe(2);
    const allClearCalls = outboundTo(EDNA).filter((c) => c.attributes.followUp === 'all_clear');
    expect(allClearCalls).toHaveLength(1);
    expect((await recipients(elm))['E-1']).toMatchObject({
      followUps: [{ kind: 'all_clear', channel: 'call', deliveredAt: expect.any(String) }],
    });
    // Registered only (not yet contacted): the lifecycle leaves them for the desk, with an event.
    expect(closed.body.resolved).toEqual({ resolved: 0, leftOpen: 3 });
    expect((await ticketEvents(fromArea)).map((e) => e.type)).toContain('incident_cleared');
    const status = await api<Record<string, unknown>>('GET', `/api/status/incidents/${elm}`);
    expect(status.body).toMatchObject({ state: 'closed', latestUpdate: { allClear: true } });
    // The notice is over: the menu at once.
    const callId = await dial(ELENA);
    expect(said(callId)).toEqual([
      PROMPTS.welcome,
      'Hello Elena, welcome back. You have no open complaints with us.',
      PROMPTS.mainMenu,
    ]);
    await runtime.connect.hangup(callId);
  }, 120_000);
});

describe('cancelling a broadcast', () => {
  it('rings nobody after the cancel, and the disregard follow-up reaches only those already reached', async () => {
    runtime.connect.setNumberBehaviour('+12015550601', { answer: 'answer', keys: '1' });
    runtime.connect.setNumberBehaviour('+12015550602', { answer: 'answer' });
    runtime.connect.setNumberBehaviour('+12015550603', { answer: 'no-answer' });
    const birch = await draftAndSend({
      what: 'Water main burst',
      where: 'Birch Road',
      since: runtime.clock.now().toISOString(),
      severity: 'major',
      message: 'A water main burst on Birch Road. Boil water before drinking it.',
      emailSubject: 'Boil water notice',
      emailText: 'A water main burst on Birch Road. Boil water before drinking it.',
      selection: { streets: ['Birch Rd'] },
    });
    await runtime.clock.advance(90);
    const cancelled = await api('POST', `/api/broadcasts/${birch}/cancel`, {
      token: supervisor,
      body: { disregard: true },
    });
    // From the cancel's answer on (a call the dialer had already claimed may still start while it runs).
    const cancelledAt = runtime.clock.now().toISOString();
    await runtime.clock.advance(3600);

    expect(cancelled.body).toMatchObject({ state: 'cancelled', disregard: { requestedBy: 'sam' } });
    const birchCalls = runtime.connect
      .listCalls({ direction: 'outbound' })
      .filter((c) => c.to.startsWith('+1201555060'));
    // No broadcast call after the cancel; the disregard calls, one each, to the two who answered it.
    expect(birchCalls.filter((c) => !c.attributes.followUp && c.startedAt > cancelledAt)).toEqual([]);
    // Who was called with it (a follow-up whose "heard" was not recorded in time, e.g. a slow cold start on a
    // busy machine, is tried once more: the same person).
    expect(
      [
        ...new Set(
          birchCalls.filter((c) => c.attributes.followUp).map((c) => `${c.to} ${c.attributes.followUp}`),
        ),
      ].sort(),
    ).toEqual(['+12015550601 disregard', '+12015550602 disregard']);
    expect(birchCalls.filter((c) => c.attributes.followUp && c.to === '+12015550603')).toEqual([]);
    const byAccount = await recipients(birch);
    expect(byAccount['B-1']).toMatchObject({
      followUps: [{ kind: 'disregard', deliveredAt: expect.any(String) }],
    });
    expect(byAccount['B-2']).toMatchObject({
      followUps: [{ kind: 'disregard', deliveredAt: expect.any(String) }],
    });
    expect(byAccount['B-3']?.followUps).toBeUndefined();
    expect(byAccount['B-4']).toMatchObject({ followUps: [{ kind: 'disregard', channel: 'email' }] });
    const disregardMails = (await mails()).filter((m) => m.subject === 'Please disregard: Boil water notice');
    expect(disregardMails.flatMap((m) => m.destination.to)).toEqual(['bess@example.com']);
    // The withdrawn incident is not announced on the hotline any more.
    const status = await api<Record<string, unknown>>('GET', `/api/status/incidents/${birch}`);
    expect(status.body).toMatchObject({ state: 'closed' });
  }, 180_000);
});
