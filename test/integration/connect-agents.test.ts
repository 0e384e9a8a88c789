import {
  AssociatePhoneNumberContactFlowCommand,
  ClaimPhoneNumberCommand,
  ConnectClient,
  CreateContactFlowCommand,
  CreateHoursOfOperationCommand,
  CreateQueueCommand,
  CreateRoutingProfileCommand,
  CreateUserCommand,
  DescribeContactCommand,
  GetCurrentMetricDataCommand,
  ListAgentStatusesCommand,
  PutUserStatusCommand,
} from '@aws-sdk/client-connect';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowBuilder } from '#infra/flows/lib/builder';
import { type ContactEvent, createConnectEmulator } from '#local/connect/emulator';
import { type ConnectServer, startConnectServer } from '#local/connect/server';
import { FakeClock, FakeLambdas } from '#local/connect/testing';
import { createPhoneRoutes } from '#local/phone/routes';

const servers: ConnectServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const NUMBERS = { general: '+15550100201', emergency: '+15550100202', orphan: '+15550100203' } as const;
type QueueKey = keyof typeof NUMBERS;

/**
 * An instance with three queues, of which `orphan` is in no routing profile; one profile holds emergency
 * (priority 1) and general (2); agents dana and lee in it, Offline. Each number runs a flow queuing its caller.
 */
async function aStaffedInstance() {
  const clock = new FakeClock('2026-03-02T15:00:00.000Z');
  const events: ContactEvent[] = [];
  const emulator = createConnectEmulator({
    clock,
    invokeLambda: new FakeLambdas().invoke,
    emitContactEvent: (event) => {
      events.push(event);
    },
    log: () => undefined,
  });
  const server = await startConnectServer({ emulator, extraRoutes: createPhoneRoutes(emulator) });
  servers.push(server);
  const client = new ConnectClient({
    endpoint: server.url,
    region: emulator.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const InstanceId = emulator.instanceId;
  const hours = await client.send(
    new CreateHoursOfOperationCommand({
      InstanceId,
      Name: 'always',
      TimeZone: 'UTC',
      Config: (['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const).map(
        (Day) => ({
          Day,
          StartTime: { Hours: 0, Minutes: 0 },
          EndTime: { Hours: 0, Minutes: 0 },
        }),
      ),
    }),
  );
  const queues = {} as Record<QueueKey, { QueueId: string; QueueArn: string }>;
  for (const key of Object.keys(NUMBERS) as QueueKey[]) {
    const queue = await client.send(
      new CreateQueueCommand({ InstanceId, Name: key, HoursOfOperationId: hours.HoursOfOperationId }),
    );
    queues[key] = { QueueId: String(queue.QueueId), QueueArn: String(queue.QueueArn) };
    const flow = new FlowBuilder({ name: `to ${key}` });
    flow.say('hello', `Please hold for the ${key} desk.`).then('queue');
    flow.setQueue('queue', queues[key].QueueArn, { next: 'transfer', onError: 'bye' });
    flow.transferToQueue('transfer', { atCapacity: 'bye', onError: 'bye' });
    flow.say('bye', 'Sorry.').then('hangup');
    flow.disconnect('hangup');
    const created = await client.send(
      new CreateContactFlowCommand({
        InstanceId,
        Name: `to ${key}`,
        Type: 'CONTACT_FLOW',
        Content: JSON.stringify(flow.render()),
      }),
    );
    const number = await client.send(
      new ClaimPhoneNumberCommand({ TargetArn: emulator.instanceArn, PhoneNumber: NUMBERS[key] }),
    );
    await client.send(
      new AssociatePhoneNumberContactFlowCommand({
        PhoneNumberId: number.PhoneNumberId,
        InstanceId,
        ContactFlowId: created.ContactFlowId,
      }),
    );
  }
  const profile = await client.send(
    new CreateRoutingProfileCommand({
      InstanceId,
      Name: 'desk',
      Description: 'emergencies first',
      DefaultOutboundQueueId: queues.general.QueueId,
      MediaConcurrencies: [{ Channel: 'VOICE', Concurrency: 1 }],
      QueueConfigs: [
        { QueueReference: { QueueId: queues.emergency.QueueId, Channel: 'VOICE' }, Priority: 1, Delay: 0 },
        { QueueReference: { QueueId: queues.general.QueueId, Channel: 'VOICE' }, Priority: 2, Delay: 0 },
      ],
    }),
  );
  const users: Record<string, string> = {};
  for (const Username of ['dana', 'lee']) {
    const user = await client.send(
      new CreateUserCommand({
        InstanceId,
        Username,
        RoutingProfileId: profile.RoutingProfileId,
        SecurityProfileIds: ['agent'],
        PhoneConfig: { PhoneType: 'SOFT_PHONE', AfterContactWorkTimeLimit: 30 },
      }),
    );
    users[Username] = String(user.UserId);
  }
  const statuses = await client.send(new ListAgentStatusesCommand({ InstanceId }));
  const statusId = (name: string) => statuses.AgentStatusSummaryList?.find((s) => s.Name === name)?.Id;
  const setStatus = async (username: string, name: 'Available' | 'Offline') => {
    await client.send(
      new PutUserStatusCommand({ InstanceId, UserId: users[username], AgentStatusId: statusId(name) }),
    );
    await emulator.whenIdle();
  };
  const ring = async (key: QueueKey, from: string) => {
    const call = await emulator.startInboundCall(from, NUMBERS[key]);
    await emulator.whenIdle();
    return call.callId;
  };
  /** Time passes as a virtual clock moves it: to each moment something is due, up to `seconds` from now. */
  const later = async (seconds: number) => {
    const end = clock.now().getTime() + seconds * 1000;
    for (;;) {
      const due = emulator.nextDueAt();
      const to = due !== undefined && due <= end ? due : end;
      clock.advance((to - clock.now().getTime()) / 1000);
      await emulator.tick();
      await emulator.whenIdle();
      if (to === end) return;
    }
  };
  const state = (callId: string) => emulator.getCall(callId)?.state;
  return {
    clock,
    emulator,
    server,
    client,
    InstanceId,
    queues,
    users,
    events,
    setStatus,
    ring,
    later,
    state,
  };
}

describe('agents through routing profiles, as in Connect', () => {
  it('a queue outside every routing profile never reaches an agent; one in a profile does, and the agent hangs up after talking', async () => {
    const desk = await aStaffedInstance();
    await desk.setStatus('dana', 'Available');
    const orphan = await desk.ring('orphan', '+15551230001');
    const general = await desk.ring('general', '+15551230002');
    expect(desk.state(general)).toBe('with-agent');
    expect(desk.emulator.getCall(general)?.agent?.username).toBe('dana');
    expect(desk.emulator.getCall(general)?.transcript.map((l) => l.text)).toContain('(agent dana answered)');
    const connected = desk.events.filter((e) => e.detail.eventType === 'CONNECTED_TO_AGENT');
    expect(connected.map((e) => e.detail.contactId)).toEqual([general]);
    expect(connected[0]?.detail.agentInfo?.agentArn).toBe(
      `${desk.emulator.instanceArn}/agent/${desk.users.dana}`,
    );
    const described = await desk.client.send(
      new DescribeContactCommand({ InstanceId: desk.InstanceId, ContactId: general }),
    );
    expect(described.Contact?.AgentInfo?.Id).toBe(desk.users.dana);

    await desk.later(120);
    expect(desk.state(general)).toBe('ended');
    expect(desk.emulator.getCall(general)?.disconnectReason).toBe('AGENT_DISCONNECT');
    expect(desk.emulator.agents().find((a) => a.username === 'dana')?.activity).toBe('after-contact-work');
    await desk.later(31);
    expect(desk.emulator.agents().find((a) => a.username === 'dana')?.activity).toBe('idle');

    await desk.setStatus('lee', 'Available');
    await desk.later(3600);
    expect(desk.state(orphan)).toBe('queued');
  });

  it('offers the highest-priority queue first, then the caller waiting longest, to the agent idle longest', async () => {
    const desk = await aStaffedInstance();
    const first = await desk.ring('general', '+15551230001');
    await desk.later(10);
    const second = await desk.ring('general', '+15551230002');
    await desk.later(10);
    const urgent = await desk.ring('emergency', '+15551230003');
    expect([first, second, urgent].map(desk.state)).toEqual(['queued', 'queued', 'queued']);

    await desk.setStatus('dana', 'Available');
    expect(desk.state(urgent)).toBe('with-agent');
    await desk.later(5);
    await desk.setStatus('lee', 'Available');
    expect(desk.emulator.getCall(first)?.agent?.username).toBe('lee');
    expect(desk.state(second)).toBe('queued');

    // dana's call ends 120 s after it began, then 30 s of after-contact work; lee's 5 s later: dana is free first.
    await desk.later(145);
    expect(desk.emulator.getCall(second)?.agent?.username).toBe('dana');
    expect(desk.emulator.getCall(second)?.agent?.connectedAt).toBe(
      new Date(Date.parse('2026-03-02T15:00:00.000Z') + 170_000).toISOString(),
    );
    // A caller who hangs up on the agent frees the agent too (after-contact work first).
    await desk.emulator.hangup(second);
    expect(desk.emulator.agents().find((a) => a.username === 'dana')?.activity).toBe('after-contact-work');
  });

  it('answers GetCurrentMetricData: contacts in queue, the oldest one, agents available to those queues', async () => {
    const desk = await aStaffedInstance();
    await desk.ring('general', '+15551230001');
    await desk.later(40);
    await desk.ring('general', '+15551230002');
    await desk.ring('orphan', '+15551230003');
    await desk.setStatus('lee', 'Offline');
    const metrics = await desk.client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: desk.InstanceId,
        Filters: { Queues: [desk.queues.general.QueueId, desk.queues.orphan.QueueId], Channels: ['VOICE'] },
        Groupings: ['QUEUE'],
        CurrentMetrics: [
          { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
          { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' },
          { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
        ],
      }),
    );
    const byQueue = Object.fromEntries(
      (metrics.MetricResults ?? []).map((r) => [
        r.Dimensions?.Queue?.Id,
        Object.fromEntries((r.Collections ?? []).map((c) => [c.Metric?.Name, c.Value])),
      ]),
    );
    expect(byQueue[desk.queues.general.QueueId]).toEqual({
      CONTACTS_IN_QUEUE: 2,
      OLDEST_CONTACT_AGE: 40,
      AGENTS_AVAILABLE: 0,
    });
    expect(byQueue[desk.queues.orphan.QueueId]).toEqual({
      CONTACTS_IN_QUEUE: 1,
      OLDEST_CONTACT_AGE: 0,
      AGENTS_AVAILABLE: 0,
    });

    await desk.setStatus('dana', 'Available');
    await desk.setStatus('lee', 'Available');
    const after = await desk.client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: desk.InstanceId,
        Filters: { Queues: [desk.queues.general.QueueId] },
        CurrentMetrics: [
          { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
          { Name: 'AGENTS_ON_CONTACT', Unit: 'COUNT' },
        ],
      }),
    );
    expect(after.MetricResults?.[0]?.Collections?.map((c) => c.Value)).toEqual([0, 2]);
    const unknown = await desk.client
      .send(
        new GetCurrentMetricDataCommand({
          InstanceId: desk.InstanceId,
          Filters: { Queues: [desk.queues.general.QueueId] },
          CurrentMetrics: [{ Name: 'HANDLE_TIME' as never, Unit: 'SECONDS' }],
        }),
      )
      .catch((e: { name: string }) => e);
    expect(unknown).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('staffs the floor from the phone simulator: PUT /local/phone/agents/{username}', async () => {
    const desk = await aStaffedInstance();
    const put = (agent: string, body: unknown) =>
      fetch(`${desk.server.url}/local/phone/agents/${agent}`, { method: 'PUT', body: JSON.stringify(body) });
    const ok = await put('dana', { status: 'Available', talkSeconds: 5 });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      username: 'dana',
      status: 'Available',
      activity: 'idle',
      talkSeconds: 5,
    });
    expect((await put('nobody', { status: 'Available' })).status).toBe(404);
    const bad = await put('dana', { status: 'Lunch' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'status' } });

    const call = await desk.ring('emergency', '+15551230001');
    expect(desk.state(call)).toBe('with-agent');
    await desk.later(5);
    expect(desk.state(call)).toBe('ended');
    const listed = (await (await fetch(`${desk.server.url}/local/phone/agents`)).json()) as {
      agents: { username: string; status: string }[];
    };
    expect(listed.agents.map((a) => [a.username, a.status])).toEqual([
      ['dana', 'Available'],
      ['lee', 'Offline'],
    ]);
  });
});
