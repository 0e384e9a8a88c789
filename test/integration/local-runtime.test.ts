import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectClient, StartOutboundVoiceContactCommand } from '@aws-sdk/client-connect';
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowBuilder } from '#infra/flows/lib/builder';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'eu-west-1';

describe('the local runtime with its emulators', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0 });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('reports every component up with its endpoint in /health', async () => {
    const res = await fetch(`${runtime.url}/health`);
    const body = (await res.json()) as { status: string; components: Record<string, { status: string }> };

    expect(res.status).toBe(200);
    expect(Object.keys(body.components).sort()).toEqual([
      'connect',
      'dynamodb',
      'gateway',
      'lex',
      'reactor',
      'scheduler',
      'ses',
    ]);
    expect(Object.values(body.components).every((c) => c.status === 'up')).toBe(true);
  });

  it('serves EventBridge Scheduler to the AWS SDK at its endpoint', async () => {
    const scheduler = new SchedulerClient({ region, credentials, endpoint: runtime.endpoints.scheduler });
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'sdk-check',
        ScheduleExpression: 'at(2099-01-01T00:00:00)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: 'arn:aws:lambda:eu-west-1:000000000000:function:TicketsApi',
          RoleArn: 'arn:aws:iam::000000000000:role/complaint-hotline-scheduler',
          Input: '{}',
        },
      }),
    );

    const schedule = await scheduler.send(new GetScheduleCommand({ Name: 'sdk-check' }));

    expect(schedule.ScheduleExpression).toBe('at(2099-01-01T00:00:00)');
  });

  it('keeps mail sent through SES readable at the emulator /store', async () => {
    const ses = new SESv2Client({ region, credentials, endpoint: runtime.endpoints.ses });
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'desk@hotline.example.com',
        Destination: { ToAddresses: ['supervisor@hotline.example.com'] },
        Content: { Simple: { Subject: { Data: 'Runtime check' }, Body: { Text: { Data: 'hello' } } } },
      }),
    );

    const store = (await (await fetch(`${runtime.endpoints.ses}/store`)).json()) as {
      emails: { subject: string; destination: { to: string[] } }[];
    };

    expect(store.emails.map((e) => e.subject)).toContain('Runtime check');
  });

  it('rings an outbound call started through the Connect API on the phone simulator', async () => {
    const flow = new FlowBuilder({ name: 'Runtime check flow' });
    flow.say('hello', 'Hello from the desk.').then('bye');
    flow.disconnect('bye');
    runtime.connect.registerFlow('runtime-check', flow.render());
    const connect = new ConnectClient({ region, credentials, endpoint: runtime.endpoints.connect });

    const started = await connect.send(
      new StartOutboundVoiceContactCommand({
        InstanceId: runtime.connect.instanceId,
        ContactFlowId: 'runtime-check',
        DestinationPhoneNumber: '+15551230077',
        SourcePhoneNumber: '+15550100100',
        ClientToken: 'runtime-check-1',
      }),
    );
    const calls = (await (await fetch(`${runtime.url}/local/phone/calls?direction=outbound`)).json()) as {
      calls: { callId: string; to: string }[];
    };

    expect(started.ContactId).toBeTruthy();
    expect(calls.calls.map((c) => c.to)).toContain('+15551230077');
  });

  it('moves simulated time forward on request', async () => {
    const before = new Date(
      ((await (await fetch(`${runtime.url}/local/clock`)).json()) as { now: string }).now,
    );

    const res = await fetch(`${runtime.url}/local/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceSeconds: 3600 }),
    });
    const after = new Date(((await res.json()) as { now: string }).now);

    expect(after.getTime() - before.getTime()).toBeGreaterThanOrEqual(3600_000);
    expect(after.getTime() - before.getTime()).toBeLessThan(3660_000);
  });

  it('runs on virtual time in these tests: it stands still between moves, however long they take', async () => {
    const read = async () =>
      (await (await fetch(`${runtime.url}/local/clock`)).json()) as { now: string; mode: string };
    const first = await read();
    await new Promise((r) => setTimeout(r, 50));
    const second = await read();

    expect(first.mode).toBe('virtual');
    expect(second.now).toBe(first.now);
  });

  it('parks an event no reaction is declared for, shows it, and reacts to the events after it', async () => {
    const ddb = DynamoDBDocumentClient.from(runtime.dynamo.client);
    await ddb.send(
      new PutCommand({
        TableName: runtime.tableName,
        Item: {
          pk: 'TICKET#from-a-newer-writer',
          sk: 'EVENT#2026-12-02T10:00:00.000Z#00000001#x',
          entity: 'event',
          eventKey: 'ticket.teleported',
          event: {
            ticketId: 'from-a-newer-writer',
            type: 'teleported',
            at: '2026-12-02T10:00:00.000Z',
            data: {},
          },
        },
      }),
    );
    runtime.reactor.noteWrite();
    const token = await runtime.token('alice', ['agent']);
    const created = await fetch(`${runtime.url}/api/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        severity: 'major',
        channel: 'phone',
        category: 'billing',
        description: 'Charged twice',
        customer: { name: 'Jane Smith', phone: '+15551239999' },
      }),
    });
    const { id } = (await created.json()) as { id: string };
    await runtime.settled();

    const reactor = (await (await fetch(`${runtime.url}/local/reactor`)).json()) as {
      parked: { eventId?: string; error: string; attempts: number }[];
    };
    const health = (await (await fetch(`${runtime.url}/health`)).json()) as {
      components: Record<string, { detail?: string }>;
    };
    const schedules = await runtime.scheduler.listSchedules({});

    expect(reactor.parked).toHaveLength(1);
    expect(reactor.parked[0]?.error).toContain('No reactions are declared for event ticket.teleported');
    expect(reactor.parked[0]?.attempts).toBeGreaterThan(1);
    expect(health.components.reactor?.detail).toContain('1 parked');
    // The complaint saved after it got its first-contact timer all the same.
    expect(schedules.Schedules?.map((x) => x.Name)).toContainEqual(
      expect.stringMatching(`^deadline-${id}-firstContact-`),
    );
  });
});

describe('a restart of the local runtime', () => {
  it('keeps schedules and simulated time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hotline-restart-'));
    try {
      const first = await startLocalRuntime({ port: 0, dataDir });
      const scheduler = new SchedulerClient({ region, credentials, endpoint: first.endpoints.scheduler });
      await scheduler.send(
        new CreateScheduleCommand({
          Name: 'survives-restart',
          ScheduleExpression: 'at(2099-06-01T08:00:00)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: 'arn:aws:lambda:eu-west-1:000000000000:function:TicketsApi',
            RoleArn: 'arn:aws:iam::000000000000:role/complaint-hotline-scheduler',
          },
        }),
      );
      await first.clock.advance(7200);
      const timeBefore = first.clock.now().getTime();
      await first.stop();

      const second = await startLocalRuntime({ port: 0, dataDir });
      try {
        const again = new SchedulerClient({ region, credentials, endpoint: second.endpoints.scheduler });
        const schedule = await again.send(new GetScheduleCommand({ Name: 'survives-restart' }));

        expect(schedule.ScheduleExpression).toBe('at(2099-06-01T08:00:00)');
        expect(second.clock.now().getTime()).toBeGreaterThanOrEqual(timeBefore);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
