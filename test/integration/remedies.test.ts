import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aComplaint } from '#test/fixtures/tickets';
import { type ApiReply, LocalApi } from '#test/support/local-api';
import { allMails } from '#test/support/mail';

type Json = Record<string, any>;

let api: LocalApi;
let agent: string;
let sam: string;
let sue: string;

beforeAll(async () => {
  api = await LocalApi.start({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
  agent = await api.tokenFor('alice', ['agent']);
  sam = await api.tokenFor('sam', ['supervisor']);
  sue = await api.tokenFor('sue', ['supervisor']);
});

afterAll(async () => {
  await api?.stop();
});

const hoursFromNow = (hours: number) =>
  new Date(api.runtime.clock.now().getTime() + hours * 3_600_000).toISOString();

/** A registered complaint the desk has reached the customer about (so it may be resolved). */
async function contactedComplaint(): Promise<Json> {
  const created = await api.request<Json>('POST', '/api/tickets', { token: agent, body: aComplaint() });
  expect(created.status).toBe(201);
  const contacted = await api.request<Json>('POST', `/api/tickets/${created.body.id}/contacts`, {
    token: agent,
    body: { outcome: 'reached' },
    headers: { 'if-match': String(created.body.version) },
  });
  expect(contacted.status).toBe(200);
  return contacted.body;
}

function post(ticket: Json, path: string, token: string, body?: unknown): Promise<ApiReply<Json>> {
  return api.request<Json>('POST', `/api/tickets/${ticket.id}${path}`, {
    token,
    ...(body !== undefined ? { body } : {}),
    headers: { 'if-match': `"${ticket.version}"` },
  });
}

const read = async (id: string) =>
  (await api.request<Json>('GET', `/api/tickets/${id}`, { token: agent })).body;

async function eventTypes(id: string): Promise<string[]> {
  const reply = await api.request<Json>('GET', `/api/tickets/${id}/events?limit=100`, { token: agent });
  return reply.body.items.map((e: Json) => e.type).filter((t: string) => t !== 'personal_data_read');
}

async function events(id: string): Promise<Json[]> {
  return (await api.request<Json>('GET', `/api/tickets/${id}/events?limit=100`, { token: agent })).body.items;
}

const compensation = (billingDueHours = 24) => ({
  kind: 'compensation',
  amount: 40,
  description: 'Compensation for the two days without supply',
  actions: [
    { department: 'billing', task: 'Credit 40 USD to the account', dueAt: hoursFromNow(billingDueHours) },
    { department: 'field_service', task: 'Replace the damaged meter cover', dueAt: hoursFromNow(48) },
  ],
});

/** A complaint with one compensation proposed by alice: [ticket, remedy]. */
async function proposed(proposal = compensation()): Promise<[Json, Json]> {
  const ticket = await contactedComplaint();
  const reply = await post(ticket, '/remedies', agent, proposal);
  expect(reply.status).toBe(201);
  expect(reply.headers.get('etag')).toBe(`"${ticket.version + 1}"`);
  const remedy = reply.body.remedies.at(-1);
  return [reply.body, remedy];
}

describe('remedy approval over the API', () => {
  it('a money remedy cannot be offered before approval; agents and the proposer cannot approve', async () => {
    const [ticket, remedy] = await proposed();
    expect(remedy).toMatchObject({
      kind: 'compensation',
      amount: 40,
      currency: 'USD',
      needsApproval: true,
      status: 'proposed',
      proposedBy: 'alice',
      awaitingApproval: true,
    });
    expect(ticket.allowedActions).toEqual(expect.arrayContaining(['proposeRemedy']));
    expect(ticket.allowedActions).not.toContain('decideRemedy');

    const early = await post(ticket, `/remedies/${remedy.id}/offer`, agent, {});
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/approved by a supervisor before it is offered/);

    const byAgent = await post(ticket, `/remedies/${remedy.id}/decision`, agent, { approve: true });
    expect(byAgent.status).toBe(403);

    // Sam proposes one himself: he may not approve it, Sue may.
    const own = await post(ticket, '/remedies', sam, { kind: 'refund', amount: 12.5, description: 'Refund' });
    expect(own.status).toBe(201);
    const ownRemedy = own.body.remedies.at(-1);
    const self = await post(own.body, `/remedies/${ownRemedy.id}/decision`, sam, { approve: true });
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/their own remedy/);

    const bySam = await post(own.body, `/remedies/${remedy.id}/decision`, sam, { approve: true });
    expect(bySam.status).toBe(200);
    expect(bySam.body.remedies[0]).toMatchObject({
      status: 'approved',
      decision: { approved: true, by: 'sam' },
    });

    const again = await post(bySam.body, `/remedies/${remedy.id}/decision`, sue, {
      approve: false,
      reason: 'Too generous',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already approved by sam/);

    const bySue = await post(bySam.body, `/remedies/${ownRemedy.id}/decision`, sue, { approve: false });
    expect(bySue.status).toBe(400);
    expect(bySue.body.error.field).toBe('reason');

    const offered = await post(bySam.body, `/remedies/${remedy.id}/offer`, agent);
    expect(offered.status).toBe(200);
    expect(offered.body.remedies[0].status).toBe('offered');
  });

  it.each([
    ['a negative amount', { amount: -5 }, 'amount'],
    ['a non-numeric amount', { amount: '40' }, 'amount'],
    ['three decimals', { amount: 4.005 }, 'amount'],
    [
      'an unknown department',
      { actions: [{ department: 'catering', task: 'Cake', dueAt: '2099-01-01T00:00:00Z' }] },
      'actions.0.department',
    ],
    ['an unknown kind', { kind: 'voucher' }, 'kind'],
    ['a bad currency', { currency: 'dollars' }, 'currency'],
  ])('refuses %s with a 400 naming the field and writes nothing', async (_, change, field) => {
    const ticket = await contactedComplaint();
    const before = await eventTypes(ticket.id);
    const reply = await post(ticket, '/remedies', agent, { ...compensation(), ...change });
    expect(reply.status).toBe(400);
    expect(reply.body.error.field).toBe(field);
    expect(reply.body.error.message).toContain(field.split('.').at(-1));
    expect((await read(ticket.id)).version).toBe(ticket.version);
    expect(await eventTypes(ticket.id)).toEqual(before);
  });

  it('needs If-Match and refuses a stale version', async () => {
    const ticket = await contactedComplaint();
    const missing = await api.request<Json>('POST', `/api/tickets/${ticket.id}/remedies`, {
      token: agent,
      body: compensation(),
    });
    expect(missing.status).toBe(428);
    const stale = await post({ ...ticket, version: ticket.version - 1 }, '/remedies', agent, compensation());
    expect(stale.status).toBe(409);
  });
});

describe("the customer's agreement and the department actions", () => {
  it('an open action blocks resolving; a supervisor overrides with a reason; every step is in the timeline', async () => {
    const [ticket, remedy] = await proposed();
    const approved = await post(ticket, `/remedies/${remedy.id}/decision`, sam, { approve: true });
    const offered = await post(approved.body, `/remedies/${remedy.id}/offer`, agent, { note: 'By phone' });
    const answered = await post(offered.body, `/remedies/${remedy.id}/answer`, agent, {
      answer: 'agreed',
      how: 'signed_form',
    });
    expect(answered.status).toBe(200);
    const agreed = answered.body.remedies[0];
    expect(agreed.answer).toMatchObject({ answer: 'agreed', how: 'signed_form', recordedBy: 'alice' });
    expect(agreed.actions.map((a: Json) => a.status)).toEqual(['open', 'open']);
    expect(answered.body.allowedActions).toContain('completeRemedyAction');

    const resolve = { resolution: 'Compensation agreed', customerAgreement: 'Signed the agreement form' };
    const blocked = await post(answered.body, '/resolve', agent, resolve);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toContain('billing: Credit 40 USD to the account');
    expect(blocked.body.error.message).toContain('field_service: Replace the damaged meter cover');

    const done = await post(
      answered.body,
      `/remedies/${remedy.id}/actions/${agreed.actions[0].id}/done`,
      agent,
    );
    expect(done.status).toBe(200);
    expect(done.body.remedies[0].actions[0]).toMatchObject({ status: 'done', doneBy: 'alice' });
    const stillBlocked = await post(done.body, '/resolve', agent, resolve);
    expect(stillBlocked.status).toBe(409);
    expect(stillBlocked.body.error.message).not.toContain('billing');

    // The override is part of the resolve route: a supervisor only, with a reason.
    const byAgent = await post(done.body, '/resolve', agent, {
      ...resolve,
      overrideOpenRemedyActions: 'Customer insists',
    });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error.code).toBe('FORBIDDEN');
    const noReason = await post(done.body, '/resolve', sam, resolve);
    expect(noReason.status).toBe(409);
    expect(noReason.body.error.message).toContain('field_service: Replace the damaged meter cover');
    expect(noReason.body.error.message).not.toContain('billing');
    const blankReason = await post(done.body, '/resolve', sam, {
      ...resolve,
      overrideOpenRemedyActions: ' ',
    });
    expect(blankReason.status).toBe(400);
    expect(blankReason.body.error.field).toBe('overrideOpenRemedyActions');
    const gone = await post(done.body, '/resolve-override', sam, {
      ...resolve,
      reason: 'The old route is gone',
    });
    expect(gone.status).toBe(404);
    const overridden = await post(done.body, '/resolve', sam, {
      ...resolve,
      overrideOpenRemedyActions: 'The cover is replaced at the next scheduled visit',
    });
    expect(overridden.status).toBe(200);
    expect(overridden.body.status).toBe('resolved');

    const history = await events(ticket.id);
    expect(history.map((e) => e.type).filter((t) => t.startsWith('remedy_') || t === 'resolved')).toEqual([
      'remedy_proposed',
      'remedy_decided',
      'remedy_offered',
      'remedy_answered',
      'remedy_action_done',
      'resolved',
    ]);
    const resolved = history.find((e) => e.type === 'resolved');
    expect(resolved).toMatchObject({
      actor: 'sam',
      reason: 'The cover is replaced at the next scheduled visit',
    });
    expect(resolved?.data.openRemedyActionsOverridden).toHaveLength(1);
    expect(history.find((e) => e.type === 'remedy_answered')?.data).toMatchObject({ how: 'signed_form' });
  });

  it('a late action is escalated once to the supervisor, naming the department', async () => {
    const [ticket, remedy] = await proposed(compensation(20 / 60));
    const approved = await post(ticket, `/remedies/${remedy.id}/decision`, sue, { approve: true });
    const offered = await post(approved.body, `/remedies/${remedy.id}/offer`, agent);
    const answered = await post(offered.body, `/remedies/${remedy.id}/answer`, agent, {
      answer: 'agreed',
      how: 'phone',
    });
    expect(answered.status).toBe(200);
    const mailsBefore = (await allMails(api.runtime)).length;

    // Long moves go in 15 s steps: 19 min, then 11 min, past the due time at 20 min.
    await api.runtime.clock.advance(19 * 60);
    expect((await events(ticket.id)).filter((e) => e.type === 'remedy_action_overdue')).toEqual([]);
    await api.runtime.clock.advance(11 * 60);

    const overdue = (await events(ticket.id)).filter((e) => e.type === 'remedy_action_overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]?.data).toMatchObject({
      department: 'billing',
      owner: 'department:billing',
      points: 20,
    });
    const escalated = (await events(ticket.id)).filter((e) => e.type === 'escalated' && e.data.remedyId);
    expect(escalated.map((e) => e.data)).toEqual([
      expect.objectContaining({ to: 'supervisor', remedyId: remedy.id, owner: 'department:billing' }),
    ]);
    const escalation = (await allMails(api.runtime))
      .slice(mailsBefore)
      .filter((m) => m.subject === `Remedy action late: complaint ${ticket.number} (billing)`);
    expect(escalation).toHaveLength(1);
    expect(escalation[0]?.destination.to).toContain('supervisor@hotline.example.com');
    expect(escalation[0]?.body.text ?? '').not.toContain('Jane');

    const after = await read(ticket.id);
    const billing = after.remedies[0].actions[0];
    expect(billing.escalatedAt).toBeDefined();
    const done = await post(after, `/remedies/${remedy.id}/actions/${billing.id}/done`, agent, {
      note: 'Credited',
    });
    expect(done.status).toBe(200);
    const doneEvent = (await events(ticket.id)).find((e) => e.type === 'remedy_action_done');
    expect(doneEvent?.data).toMatchObject({ department: 'billing', late: true });
  });
});
