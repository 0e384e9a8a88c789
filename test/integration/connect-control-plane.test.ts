import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AssociatePhoneNumberContactFlowCommand,
  ClaimPhoneNumberCommand,
  ConnectClient,
  CreateContactFlowCommand,
  CreateContactFlowModuleCommand,
  CreateHoursOfOperationCommand,
  CreateQueueCommand,
  CreateRoutingProfileCommand,
  CreateTestCaseCommand,
  CreateUserCommand,
  DeleteContactFlowCommand,
  DescribeContactFlowCommand,
  DescribeInstanceCommand,
  DescribeQueueCommand,
  DescribeRoutingProfileCommand,
  DisassociatePhoneNumberContactFlowCommand,
  GetContactAttributesCommand,
  GetTestCaseExecutionSummaryCommand,
  ListContactFlowsCommand,
  ListHoursOfOperationsCommand,
  ListInstancesCommand,
  ListPhoneNumbersV2Command,
  ListPromptsCommand,
  ListQueuesCommand,
  ListRoutingProfileQueuesCommand,
  ListUsersCommand,
  StartOutboundVoiceContactCommand,
  StartTestCaseExecutionCommand,
  UpdateContactAttributesCommand,
  UpdateContactFlowContentCommand,
  UpdateContactFlowNameCommand,
} from '@aws-sdk/client-connect';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnectEmulator } from '#local/connect/emulator';
import { type ConnectServer, startConnectServer } from '#local/connect/server';
import { FakeClock, FakeLambdas } from '#local/connect/testing';
import { configureLocalHotline, localFlowIds, registryProfiles, sdkProvisioning } from '#local/hotline';
import { localFunctionArn } from '#local/lambda-host';
import type { Customer } from '#shared/domain/customer';
import type { CustomerAccess, CustomerStore } from '#shared/ports/customer-store';

const run = promisify(execFile);
const servers: ConnectServer[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A flow as the Connect console exports it: a greeting, then hang up. */
function greetingFlow(text: string, extraParameters: Record<string, unknown> = {}) {
  return {
    Version: '2019-10-30',
    StartAction: 'greet',
    Metadata: {
      entryPointPosition: { x: 40, y: 40 },
      ActionMetadata: { greet: { position: { x: 160, y: 40 } }, bye: { position: { x: 400, y: 40 } } },
    },
    Actions: [
      {
        Identifier: 'greet',
        Type: 'MessageParticipant',
        Parameters: { Text: text, ...extraParameters },
        Transitions: { NextAction: 'bye', Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingError' }] },
      },
      { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
  };
}

async function anInstance(stateFile?: string) {
  const clock = new FakeClock('2026-03-02T15:00:00.000Z');
  const emulator = createConnectEmulator({
    clock,
    invokeLambda: new FakeLambdas().invoke,
    log: () => undefined,
    ...(stateFile ? { stateFile } : {}),
  });
  const server = await startConnectServer({ emulator });
  servers.push(server);
  const client = new ConnectClient({
    endpoint: server.url,
    region: emulator.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { clock, emulator, server, client, InstanceId: emulator.instanceId };
}

/** The aws CLI against the emulator, as a newcomer runs it. */
async function aws(server: ConnectServer, ...args: string[]) {
  const { stdout } = await run(
    'aws',
    ['connect', ...args, '--endpoint-url', server.url, '--output', 'json'],
    {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_PAGER: '',
      },
    },
  );
  return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
}

describe('the local Connect control plane (the SDK and the aws CLI by endpoint override)', () => {
  it('loads an exported flow with the aws CLI, points a claimed number at it, and the phone simulator rings it', async () => {
    const { emulator, server, InstanceId } = await anInstance();
    const created = await aws(
      server,
      'create-contact-flow',
      '--instance-id',
      InstanceId,
      '--name',
      'Water outage line',
      '--type',
      'CONTACT_FLOW',
      '--content',
      JSON.stringify(greetingFlow('There is a water outage in your street. Crews are on site.')),
    );
    expect(created.ContactFlowId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.ContactFlowArn).toBe(`${emulator.instanceArn}/contact-flow/${created.ContactFlowId}`);

    const claimed = await aws(
      server,
      'claim-phone-number',
      '--target-arn',
      emulator.instanceArn,
      '--phone-number',
      '+15550100177',
    );
    await aws(
      server,
      'associate-phone-number-contact-flow',
      '--phone-number-id',
      String(claimed.PhoneNumberId),
      '--instance-id',
      InstanceId,
      '--contact-flow-id',
      String(created.ContactFlowId),
    );
    const listed = await aws(server, 'list-phone-numbers-v2', '--instance-id', InstanceId);
    expect(listed.ListPhoneNumbersSummaryList).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ PhoneNumber: '+15550100177', PhoneNumberType: 'DID' }),
      ]),
    );

    const call = await emulator.startInboundCall('+15551230001', '+15550100177');
    await emulator.whenIdle();
    const after = emulator.getCall(call.callId);
    expect(after?.state).toBe('ended');
    expect(after?.transcript.map((line) => line.text)).toContain(
      'There is a water outage in your street. Crews are on site.',
    );

    const described = await aws(
      server,
      'describe-contact-flow',
      '--instance-id',
      InstanceId,
      '--contact-flow-id',
      String(created.ContactFlowId),
    );
    expect(described.ContactFlow).toMatchObject({
      Name: 'Water outage line',
      Type: 'CONTACT_FLOW',
      Status: 'PUBLISHED',
    });
  });

  it('refuses a broken flow with InvalidContactFlowException listing each problem, and creates nothing', async () => {
    const { client, InstanceId, emulator } = await anInstance();
    const otherInstance =
      'arn:aws:connect:eu-west-1:000000000000:instance/11111111-2222-4333-8444-555555555555';
    const broken = greetingFlow('Hello', {
      PromptId: `${otherInstance}/prompt/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`,
    });
    broken.Actions.push({
      Identifier: 'queue',
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: `${emulator.instanceArn}/queue/00000000-0000-4000-8000-000000000000` } as never,
      Transitions: { NextAction: 'nowhere', Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingError' }] },
    } as never);
    const error = await client
      .send(
        new CreateContactFlowCommand({
          InstanceId,
          Name: 'Broken',
          Type: 'CONTACT_FLOW',
          Content: JSON.stringify(broken),
        }),
      )
      .catch(
        (e: unknown) =>
          e as { name: string; problems?: { message: string }[]; $metadata: { httpStatusCode: number } },
      );
    expect(error).toMatchObject({ name: 'InvalidContactFlowException', $metadata: { httpStatusCode: 400 } });
    const messages = (error as { problems: { message: string }[] }).problems.map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/greet: .*belongs to another instance/),
        expect.stringMatching(/queue: .*does not exist in this instance/),
        expect.stringMatching(/nowhere/),
      ]),
    );
    const notJson = await client
      .send(
        new CreateContactFlowCommand({
          InstanceId,
          Name: 'Broken',
          Type: 'CONTACT_FLOW',
          Content: '{"Version":',
        }),
      )
      .catch((e: { name: string }) => e);
    expect(notJson).toMatchObject({ name: 'InvalidContactFlowException' });
    const flows = await client.send(new ListContactFlowsCommand({ InstanceId }));
    expect(flows.ContactFlowSummaryList?.map((f) => f.Name)).not.toContain('Broken');
  });

  it('manages flows: rename, new content, duplicate names, paging, delete (not while a number runs it)', async () => {
    const { client, InstanceId, emulator } = await anInstance();
    const ids: string[] = [];
    for (const name of ['Flow A', 'Flow B', 'Flow C']) {
      const created = await client.send(
        new CreateContactFlowCommand({
          InstanceId,
          Name: name,
          Type: 'CONTACT_FLOW',
          Content: JSON.stringify(greetingFlow(name)),
        }),
      );
      ids.push(String(created.ContactFlowId));
    }
    const duplicate = await client
      .send(
        new CreateContactFlowCommand({
          InstanceId,
          Name: 'Flow A',
          Type: 'CONTACT_FLOW',
          Content: JSON.stringify(greetingFlow('x')),
        }),
      )
      .catch((e: { name: string }) => e);
    expect(duplicate).toMatchObject({ name: 'DuplicateResourceException' });

    const first = await client.send(new ListContactFlowsCommand({ InstanceId, MaxResults: 2 }));
    expect(first.ContactFlowSummaryList).toHaveLength(2);
    const second = await client.send(
      new ListContactFlowsCommand({ InstanceId, MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(second.NextToken).toBeUndefined();
    expect(
      [...(first.ContactFlowSummaryList ?? []), ...(second.ContactFlowSummaryList ?? [])].map((f) => f.Name),
    ).toEqual(['Flow A', 'Flow B', 'Flow C']);

    const [a = '', b = ''] = ids;
    await client.send(
      new UpdateContactFlowNameCommand({ InstanceId, ContactFlowId: a, Name: 'Flow A (winter)' }),
    );
    await client.send(
      new UpdateContactFlowContentCommand({
        InstanceId,
        ContactFlowId: a,
        Content: JSON.stringify(greetingFlow('Winter hours.')),
      }),
    );
    const described = await client.send(new DescribeContactFlowCommand({ InstanceId, ContactFlowId: a }));
    expect(described.ContactFlow?.Name).toBe('Flow A (winter)');
    expect(JSON.parse(String(described.ContactFlow?.Content)).Actions[0].Parameters.Text).toBe(
      'Winter hours.',
    );
    const badUpdate = await client
      .send(new UpdateContactFlowContentCommand({ InstanceId, ContactFlowId: a, Content: '[]' }))
      .catch((e: { name: string }) => e);
    expect(badUpdate).toMatchObject({ name: 'InvalidContactFlowException' });

    const number = await client.send(
      new ClaimPhoneNumberCommand({ TargetArn: emulator.instanceArn, PhoneNumber: '+15550100188' }),
    );
    await client.send(
      new AssociatePhoneNumberContactFlowCommand({
        PhoneNumberId: number.PhoneNumberId,
        InstanceId,
        ContactFlowId: b,
      }),
    );
    const inUse = await client
      .send(new DeleteContactFlowCommand({ InstanceId, ContactFlowId: b }))
      .catch((e: { name: string }) => e);
    expect(inUse).toMatchObject({ name: 'ResourceInUseException' });
    await client.send(
      new DisassociatePhoneNumberContactFlowCommand({ PhoneNumberId: number.PhoneNumberId, InstanceId }),
    );
    await client.send(new DeleteContactFlowCommand({ InstanceId, ContactFlowId: b }));
    const gone = await client
      .send(new DescribeContactFlowCommand({ InstanceId, ContactFlowId: b }))
      .catch((e: { name: string }) => e);
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException' });
    const otherInstance = await client
      .send(new ListContactFlowsCommand({ InstanceId: '11111111-2222-4333-8444-555555555555' }))
      .catch((e: { name: string }) => e);
    expect(otherInstance).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('creates hours, queues, routing profiles with their queues, and agents', async () => {
    const { client, InstanceId, emulator } = await anInstance();
    const instances = await client.send(new ListInstancesCommand({}));
    expect(instances.InstanceSummaryList?.[0]).toMatchObject({ Id: InstanceId, InstanceStatus: 'ACTIVE' });
    const instance = await client.send(new DescribeInstanceCommand({ InstanceId }));
    expect(instance.Instance?.Arn).toBe(emulator.instanceArn);

    const hours = await client.send(
      new CreateHoursOfOperationCommand({
        InstanceId,
        Name: 'weekdays',
        TimeZone: 'Europe/Berlin',
        Config: ['MONDAY', 'TUESDAY'].map((Day) => ({
          Day: Day as 'MONDAY',
          StartTime: { Hours: 8, Minutes: 0 },
          EndTime: { Hours: 17, Minutes: 30 },
        })),
      }),
    );
    const badHours = await client
      .send(
        new CreateHoursOfOperationCommand({
          InstanceId,
          Name: 'bad',
          TimeZone: 'Europe/Berlin',
          Config: [
            { Day: 'MONDAY', StartTime: { Hours: 25, Minutes: 0 }, EndTime: { Hours: 1, Minutes: 0 } },
          ],
        }),
      )
      .catch((e: { name: string; message: string }) => e);
    expect(badHours).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('StartTime'),
    });

    const queue = await client.send(
      new CreateQueueCommand({
        InstanceId,
        Name: 'leaks',
        HoursOfOperationId: hours.HoursOfOperationId,
        MaxContacts: 3,
      }),
    );
    const described = await client.send(new DescribeQueueCommand({ InstanceId, QueueId: queue.QueueId }));
    expect(described.Queue).toMatchObject({
      Name: 'leaks',
      MaxContacts: 3,
      Status: 'ENABLED',
      HoursOfOperationId: hours.HoursOfOperationId,
    });
    const noHours = await client
      .send(
        new CreateQueueCommand({
          InstanceId,
          Name: 'orphan',
          HoursOfOperationId: '00000000-0000-4000-8000-000000000000',
        }),
      )
      .catch((e: { name: string }) => e);
    expect(noHours).toMatchObject({ name: 'ResourceNotFoundException' });

    const profile = await client.send(
      new CreateRoutingProfileCommand({
        InstanceId,
        Name: 'leak agents',
        Description: 'Agents for leaks',
        DefaultOutboundQueueId: queue.QueueId,
        MediaConcurrencies: [{ Channel: 'VOICE', Concurrency: 1 }],
        QueueConfigs: [
          { QueueReference: { QueueId: queue.QueueId, Channel: 'VOICE' }, Priority: 1, Delay: 0 },
        ],
      }),
    );
    const profileQueues = await client.send(
      new ListRoutingProfileQueuesCommand({ InstanceId, RoutingProfileId: profile.RoutingProfileId }),
    );
    expect(profileQueues.RoutingProfileQueueConfigSummaryList).toEqual([
      expect.objectContaining({ QueueId: queue.QueueId, QueueName: 'leaks', Priority: 1, Channel: 'VOICE' }),
    ]);
    const user = await client.send(
      new CreateUserCommand({
        InstanceId,
        Username: 'dana',
        RoutingProfileId: profile.RoutingProfileId,
        SecurityProfileIds: ['agent'],
        PhoneConfig: { PhoneType: 'SOFT_PHONE' },
      }),
    );
    const users = await client.send(new ListUsersCommand({ InstanceId }));
    expect(users.UserSummaryList).toEqual([expect.objectContaining({ Id: user.UserId, Username: 'dana' })]);
    const profileNow = await client.send(
      new DescribeRoutingProfileCommand({ InstanceId, RoutingProfileId: profile.RoutingProfileId }),
    );
    expect(profileNow.RoutingProfile).toMatchObject({
      NumberOfAssociatedQueues: 1,
      NumberOfAssociatedUsers: 1,
    });
    const hoursList = await client.send(new ListHoursOfOperationsCommand({ InstanceId }));
    expect(hoursList.HoursOfOperationSummaryList?.map((h) => h.Name)).toEqual(['weekdays']);
    const prompts = await client.send(new ListPromptsCommand({ InstanceId }));
    expect(prompts.PromptSummaryList?.map((p) => p.Name)).toContain('Beep.wav');
  });

  it('refuses a destination that is no phone number and a source the instance has not claimed', async () => {
    const { client, InstanceId, emulator } = await anInstance();
    const flow = await client.send(
      new CreateContactFlowCommand({
        InstanceId,
        Name: 'out',
        Type: 'CONTACT_FLOW',
        Content: JSON.stringify(greetingFlow('Hi')),
      }),
    );
    const start = (DestinationPhoneNumber: string, SourcePhoneNumber: string) =>
      client
        .send(
          new StartOutboundVoiceContactCommand({
            InstanceId,
            ContactFlowId: flow.ContactFlowId,
            DestinationPhoneNumber,
            SourcePhoneNumber,
          }),
        )
        .catch((e: { name: string; message: string }) => e);
    expect(await start('+1555', emulator.hotlineNumber)).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('DestinationPhoneNumber'),
    });
    expect(await start('+15551230001', '+15557778888')).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('SourcePhoneNumber'),
    });
    const otherInstanceFlow = await client
      .send(
        new StartOutboundVoiceContactCommand({
          InstanceId,
          ContactFlowId: `arn:aws:connect:eu-west-1:999999999999:instance/${InstanceId}/contact-flow/${flow.ContactFlowId}`,
          DestinationPhoneNumber: '+15551230001',
          SourcePhoneNumber: emulator.hotlineNumber,
        }),
      )
      .catch((e: { name: string }) => e);
    expect(otherInstanceFlow).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('creates the hotline over the wire as CDK does: flows, queues, hours, routing profiles, the inbound number', async () => {
    const { client, emulator, InstanceId } = await anInstance();
    const flowIds = await configureLocalHotline(emulator, {
      lambdaArn: localFunctionArn,
      api: sdkProvisioning(client),
    });
    expect(flowIds).toEqual(localFlowIds());
    const queues = await client.send(new ListQueuesCommand({ InstanceId }));
    expect(queues.QueueSummaryList?.map((q) => q.Name).sort()).toEqual([
      'complaints-blocked',
      'complaints-emergency',
      'complaints-general',
    ]);
    const numbers = await client.send(new ListPhoneNumbersV2Command({ InstanceId }));
    expect(numbers.ListPhoneNumbersSummaryList?.map((n) => n.PhoneNumber)).toEqual([emulator.hotlineNumber]);
    expect(emulator.control.flowForNumber(emulator.hotlineNumber)?.Id).toBe(flowIds.inbound);
    // Every queue a flow can send a caller to is in a routing profile: an agent can be offered the call.
    for (const queue of emulator.control.queues()) {
      expect(emulator.control.profilesContaining(queue.QueueId).length, queue.Name).toBeGreaterThan(0);
    }
  });

  it('reads and updates the attributes of a live contact and of an ended one', async () => {
    const { client, emulator, InstanceId } = await anInstance();
    const menu = {
      Version: '2019-10-30',
      StartAction: 'ask',
      Actions: [
        {
          Identifier: 'ask',
          Type: 'GetParticipantInput',
          Parameters: { Text: 'Press 1 to hear your reference.', InputTimeLimitSeconds: '5' },
          Transitions: {
            NextAction: 'bye',
            Conditions: [{ NextAction: 'say', Condition: { Operator: 'Equals', Operands: ['1'] } }],
            Errors: [
              { NextAction: 'bye', ErrorType: 'InputTimeLimitExceeded' },
              { NextAction: 'bye', ErrorType: 'NoMatchingCondition' },
              { NextAction: 'bye', ErrorType: 'NoMatchingError' },
            ],
          },
        },
        {
          Identifier: 'say',
          Type: 'MessageParticipant',
          Parameters: { Text: 'Your reference is $.Attributes.reference.' },
          Transitions: { NextAction: 'bye', Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingError' }] },
        },
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    };
    emulator.registerFlow('menu', JSON.stringify(menu));
    emulator.setInboundFlow('menu', '+15550100166');
    const call = await emulator.startInboundCall('+15551230001', '+15550100166');
    await emulator.whenIdle();
    await client.send(
      new UpdateContactAttributesCommand({
        InstanceId,
        InitialContactId: call.callId,
        Attributes: { reference: 'R-42' },
      }),
    );
    expect(
      (await client.send(new GetContactAttributesCommand({ InstanceId, InitialContactId: call.callId })))
        .Attributes,
    ).toEqual({ reference: 'R-42' });
    await emulator.pressKeys(call.callId, '1');
    await emulator.whenIdle();
    expect(emulator.getCall(call.callId)?.transcript.map((l) => l.text)).toContain('Your reference is R-42.');

    await emulator.tick(); // the ended call leaves memory for the archive
    expect(emulator.callsInMemory()).toBe(0);
    await client.send(
      new UpdateContactAttributesCommand({
        InstanceId,
        InitialContactId: call.callId,
        Attributes: { outcome: 'heard' },
      }),
    );
    expect(
      (await client.send(new GetContactAttributesCommand({ InstanceId, InitialContactId: call.callId })))
        .Attributes,
    ).toEqual({ reference: 'R-42', outcome: 'heard' });
    const unknown = await client
      .send(
        new GetContactAttributesCommand({
          InstanceId,
          InitialContactId: '00000000-0000-4000-8000-000000000000',
        }),
      )
      .catch((e: { name: string }) => e);
    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException' });
    const tooBig = await client
      .send(
        new UpdateContactAttributesCommand({
          InstanceId,
          InitialContactId: call.callId,
          Attributes: { big: 'x'.repeat(33_000) },
        }),
      )
      .catch((e: { name: string }) => e);
    expect(tooBig).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('keeps the instance resources in its state file across a restart, where the hotline is redeployed in place', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'connect-state-'));
    folders.push(folder);
    const stateFile = join(folder, 'connect-instance.json');
    const first = await anInstance(stateFile);
    const hotlineIds = await configureLocalHotline(first.emulator, {
      lambdaArn: localFunctionArn,
      api: sdkProvisioning(first.client),
    });
    const created = await first.client.send(
      new CreateContactFlowCommand({
        InstanceId: first.InstanceId,
        Name: 'kept',
        Type: 'CONTACT_FLOW',
        Content: JSON.stringify(greetingFlow('Still here.')),
      }),
    );
    const number = await first.client.send(
      new ClaimPhoneNumberCommand({ TargetArn: first.emulator.instanceArn, PhoneNumber: '+15550100199' }),
    );
    await first.client.send(
      new AssociatePhoneNumberContactFlowCommand({
        PhoneNumberId: number.PhoneNumberId,
        InstanceId: first.InstanceId,
        ContactFlowId: created.ContactFlowId,
      }),
    );
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);

    const second = await anInstance(stateFile);
    // The hotline's own resources are found there and updated in place, as a redeploy does.
    expect(
      await configureLocalHotline(second.emulator, {
        lambdaArn: localFunctionArn,
        api: sdkProvisioning(second.client),
      }),
    ).toEqual(hotlineIds);
    const queues = await second.client.send(new ListQueuesCommand({ InstanceId: second.InstanceId }));
    expect(queues.QueueSummaryList).toHaveLength(3);
    const described = await second.client.send(
      new DescribeContactFlowCommand({ InstanceId: second.InstanceId, ContactFlowId: created.ContactFlowId }),
    );
    expect(described.ContactFlow?.Name).toBe('kept');
    const call = await second.emulator.startInboundCall('+15551230001', '+15550100199');
    await second.emulator.whenIdle();
    expect(second.emulator.getCall(call.callId)?.transcript.map((l) => l.text)).toContain('Still here.');
  });

  it('takes the console-shaped corpus over the wire: modules, then the flows using them; broken ones refused with their problems', async () => {
    const { client, emulator, InstanceId } = await anInstance();
    const folder = join(import.meta.dirname, '..', 'fixtures', 'flows');
    const read = (file: string) => readFileSync(join(folder, file), 'utf8');
    const module = await client.send(
      new CreateContactFlowModuleCommand({
        InstanceId,
        Name: 'office hours',
        Content: read('module-office-hours.json'),
      }),
    );
    const holdFlow = await client.send(
      new CreateContactFlowCommand({
        InstanceId,
        Name: 'hold',
        Type: 'CUSTOMER_QUEUE',
        Content: read('customer-queue.json'),
      }),
    );
    const broken = readdirSync(folder).filter((f) => f.startsWith('broken-'));
    // Lex needs the local Lex runtime; the hold flow and the module are loaded above.
    const flows = readdirSync(folder).filter(
      (f) =>
        !f.startsWith('broken-') &&
        !['module-office-hours.json', 'lex-menu.json', 'customer-queue.json'].includes(f),
    );
    expect(flows.length).toBeGreaterThan(12);
    const ids: Record<string, string> = {};
    for (const file of flows) {
      // The exports name the module by the id it had in their instance: here it is the one just created.
      const content = read(file)
        .replaceAll('5e663bd4-bcc8-446d-ac7b-d646f24af475', String(module.Id))
        .replaceAll('1cd82824-a0ac-4dfa-83f0-b340f78afdc8', String(holdFlow.ContactFlowId));
      const created = await client
        .send(
          new CreateContactFlowCommand({ InstanceId, Name: file, Type: 'CONTACT_FLOW', Content: content }),
        )
        .catch((e: { name: string; problems?: unknown }) => {
          throw new Error(`${file}: ${e.name} ${JSON.stringify(e.problems)}`);
        });
      ids[file] = String(created.ContactFlowId);
    }
    for (const file of broken) {
      const refused = await client
        .send(
          new CreateContactFlowCommand({ InstanceId, Name: file, Type: 'CONTACT_FLOW', Content: read(file) }),
        )
        .catch((e: { name: string; problems?: { message: string }[] }) => e);
      expect(refused, file).toMatchObject({ name: 'InvalidContactFlowException' });
      expect((refused as { problems: unknown[] }).problems.length, file).toBeGreaterThan(0);
    }

    // A flow module runs and hands back to the flow that invoked it.
    emulator.setInboundFlow(ids['invoke-flow-module.json'] ?? '', '+15550100155');
    const moduleCall = await emulator.startInboundCall('+15551230001', '+15550100155');
    await emulator.whenIdle();
    const heard = emulator.getCall(moduleCall.callId)?.transcript.map((l) => l.text) ?? [];
    expect(
      heard.some((t) => t.startsWith('Heard the hours:')),
      heard.join('\n'),
    ).toBe(true);
    expect(emulator.getCall(moduleCall.callId)?.state).toBe('ended');

    // GetCustomerProfile answers from the customer registry, and the read is logged.
    const accesses: CustomerAccess[] = [];
    const grace = { account: 'ACC-1', name: 'Grace Hopper', phones: ['+15551230009'] } as unknown as Customer;
    const customers = {
      findByPhone: async (phone: string) => (phone === '+15551230009' ? grace : undefined),
      get: async () => undefined,
      recordAccess: async (access: CustomerAccess) => {
        accesses.push(access);
      },
    } as unknown as CustomerStore;
    emulator.setCustomerProfiles(
      registryProfiles({ customers, clock: { now: () => new Date('2026-03-02T15:00:00Z') } }),
    );
    emulator.setInboundFlow(ids['get-customer-profile.json'] ?? '', '+15550100156');
    const known = await emulator.startInboundCall('+15551230009', '+15550100156');
    const unknown = await emulator.startInboundCall('+15551230010', '+15550100156');
    await emulator.whenIdle();
    expect(emulator.getCall(known.callId)?.transcript.map((l) => l.text)).toContain('Hello Grace Hopper.');
    expect(emulator.getCall(unknown.callId)?.transcript.map((l) => l.text)).toContain(
      'Hello. We do not know this number yet.',
    );
    expect(accesses).toEqual([
      {
        at: '2026-03-02T15:00:00.000Z',
        username: 'contact-flow:GetCustomerProfile',
        action: 'read',
        account: 'ACC-1',
      },
    ]);
  });

  it('runs a flow test case written in the Connect testing language (CreateTestCase, StartTestCaseExecution) to PASSED or FAILED', async () => {
    const { client, emulator, clock, InstanceId } = await anInstance();
    const menu = {
      Version: '2019-10-30',
      StartAction: 'ask',
      Actions: [
        {
          Identifier: 'ask',
          Type: 'GetParticipantInput',
          Parameters: { Text: 'Press 1 for the outage line.', InputTimeLimitSeconds: '5' },
          Transitions: {
            NextAction: 'bye',
            Conditions: [{ NextAction: 'outage', Condition: { Operator: 'Equals', Operands: ['1'] } }],
            Errors: [
              { NextAction: 'bye', ErrorType: 'InputTimeLimitExceeded' },
              { NextAction: 'bye', ErrorType: 'NoMatchingCondition' },
              { NextAction: 'bye', ErrorType: 'NoMatchingError' },
            ],
          },
        },
        {
          Identifier: 'outage',
          Type: 'MessageParticipant',
          Parameters: { Text: 'Crews are on site in your street.' },
          Transitions: { NextAction: 'bye' },
        },
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    };
    const flow = await client.send(
      new CreateContactFlowCommand({
        InstanceId,
        Name: 'outage menu',
        Type: 'CONTACT_FLOW',
        Content: JSON.stringify(menu),
      }),
    );
    const testCase = (expected: string) => ({
      Version: '2019-10-30',
      Metadata: {},
      Observations: [
        {
          Identifier: 'Start',
          Event: { Identifier: 'e1', Type: 'TestInitiated', Actor: 'System', Properties: {} },
          Transitions: { NextObservations: ['Menu'] },
        },
        {
          Identifier: 'Menu',
          Event: {
            Identifier: 'e2',
            Type: 'MessageReceived',
            Actor: 'System',
            Properties: { Text: 'Press 1', MatchingCriteria: { Type: 'Inclusion' } },
          },
          Actions: [
            {
              Identifier: 'Press 1',
              Type: 'SendInstruction',
              Parameters: {
                ActionType: 'SendInstruction',
                Actor: 'Customer',
                Instruction: { Type: 'DtmfInput', Properties: { Value: '1' } },
              },
            },
          ],
          Transitions: { NextObservations: ['Answer'] },
        },
        {
          Identifier: 'Answer',
          Event: {
            Identifier: 'e3',
            Type: 'MessageReceived',
            Actor: 'System',
            Properties: { Text: expected, MatchingCriteria: { Type: 'Inclusion' } },
          },
        },
      ],
    });
    const run = async (name: string, expected: string) => {
      const created = await client.send(
        new CreateTestCaseCommand({
          InstanceId,
          Name: name,
          Content: JSON.stringify(testCase(expected)),
          EntryPoint: {
            Type: 'VOICE_CALL',
            VoiceCallEntryPointParameters: { FlowId: flow.ContactFlowId, SourcePhoneNumber: '+15551230001' },
          },
        }),
      );
      const started = await client.send(
        new StartTestCaseExecutionCommand({ InstanceId, TestCaseId: created.TestCaseId }),
      );
      expect(started.Status).toBe('IN_PROGRESS');
      const summary = () =>
        client.send(
          new GetTestCaseExecutionSummaryCommand({
            InstanceId,
            TestCaseId: created.TestCaseId,
            TestCaseExecutionId: started.TestCaseExecutionId,
          }),
        );
      for (let step = 0; step < 100 && (await summary()).Status === 'IN_PROGRESS'; step++) {
        await emulator.whenIdle();
        clock.advance(1);
        await emulator.tick();
      }
      return summary();
    };
    const passed = await run('hears the outage', 'Crews are on site');
    expect(passed).toMatchObject({ Status: 'PASSED', ObservationSummary: { ObservationsFailed: 0 } });
    const failed = await run('expects a callback offer', 'We will call you back');
    expect(failed.Status).toBe('FAILED');
    expect(failed.ObservationSummary?.ObservationsFailed).toBeGreaterThan(0);
  });
});
