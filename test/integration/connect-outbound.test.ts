import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConnectClient,
  DescribeContactCommand,
  StartOutboundVoiceContactCommand,
  type StartOutboundVoiceContactCommandInput,
  StopContactCommand,
} from '@aws-sdk/client-connect';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowBuilder } from '#infra/flows/lib/builder';
import {
  type ConnectEmulatorOptions,
  type ContactEvent,
  createConnectEmulator,
} from '#local/connect/emulator';
import { type ConnectServer, startConnectServer } from '#local/connect/server';
import { FakeClock, FakeLambdas } from '#local/connect/testing';
import { ConnectDialer } from '#shared/adapters/connect-dialer';

const ANSWER_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:RecordSurveyAnswer';
const DESK_NUMBER = '+15550100100';
const CUSTOMER = '+15551239001';

function surveyFlow() {
  const flow = new FlowBuilder({ name: 'Outbound survey test flow' });
  flow.menu('ask', {
    prompt:
      'This is the complaint desk about complaint $.Attributes.ticketNumber. Press 1 if you are satisfied, 2 if not.',
    keys: { '1': 'record', '2': 'record' },
    onTimeout: 'bye',
    onWrongKey: 'bye',
  });
  flow.invokeLambda('record', {
    functionArn: ANSWER_ARN,
    params: { ticketNumber: '$.Attributes.ticketNumber' },
    next: 'thanks',
    onError: 'bye',
  });
  flow.say('thanks', 'Thank you.').then('hangup');
  flow.say('bye', 'Goodbye.').then('hangup');
  flow.disconnect('hangup');
  return flow.render();
}

const servers: ConnectServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function anInstance(overrides: Partial<ConnectEmulatorOptions> = {}) {
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  const lambdas = new FakeLambdas().on(ANSWER_ARN, () => ({ recorded: 'yes' }));
  const events: ContactEvent[] = [];
  const emulator = createConnectEmulator({
    clock,
    invokeLambda: lambdas.invoke,
    emitContactEvent: (event) => {
      events.push(event);
    },
    flows: { 'outbound-survey': surveyFlow() },
    log: () => undefined,
    ...overrides,
  });
  const server = await startConnectServer({ emulator, port: 0 });
  servers.push(server);
  const client = new ConnectClient({
    endpoint: server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts: 1,
  });
  const call = (input: Partial<StartOutboundVoiceContactCommandInput> = {}) =>
    client.send(
      new StartOutboundVoiceContactCommand({
        InstanceId: emulator.instanceId,
        ContactFlowId: 'outbound-survey',
        DestinationPhoneNumber: CUSTOMER,
        SourcePhoneNumber: DESK_NUMBER,
        Attributes: { ticketNumber: '4711' },
        ...input,
      }),
    );
  return { clock, lambdas, events, emulator, client, call };
}

function typesFor(events: ContactEvent[], contactId: string | undefined): string[] {
  return events.filter((e) => e.detail.contactId === contactId).map((e) => e.detail.eventType);
}

describe('StartOutboundVoiceContact over HTTP with the AWS SDK', () => {
  it('rings an answering number, runs the outbound flow with the request attributes and reports each step', async () => {
    const { emulator, call, events, lambdas } = await anInstance();
    emulator.setNumberBehaviour(CUSTOMER, { answer: 'answer', keys: '1' });

    const { ContactId } = await call();
    await emulator.whenIdle();

    const phoneCall = emulator.getCall(ContactId ?? '');
    expect(phoneCall).toMatchObject({
      direction: 'outbound',
      from: DESK_NUMBER,
      to: CUSTOMER,
      state: 'ended',
      initiationMethod: 'API',
      disconnectReason: 'CONTACT_FLOW_DISCONNECT',
      attributes: { ticketNumber: '4711' },
    });
    expect(phoneCall?.transcript.map((l) => l.text)).toEqual([
      `(ringing ${CUSTOMER})`,
      '(answered)',
      'This is the complaint desk about complaint 4711. Press 1 if you are satisfied, 2 if not.',
      'pressed 1',
      'Thank you.',
      '(call ended by the system)',
    ]);
    expect(lambdas.eventsFor(ANSWER_ARN)[0]?.Details).toMatchObject({
      ContactData: {
        ContactId,
        InitiationMethod: 'API',
        CustomerEndpoint: { Address: CUSTOMER },
        SystemEndpoint: { Address: DESK_NUMBER },
        Attributes: { ticketNumber: '4711' },
      },
      Parameters: { ticketNumber: '4711' },
    });
    expect(typesFor(events, ContactId)).toEqual([
      'INITIATED',
      'CONNECTED_TO_SYSTEM',
      'DISCONNECTED',
      'COMPLETED',
    ]);
    expect(events.find((e) => e.detail.eventType === 'DISCONNECTED')?.detail).toMatchObject({
      initiationMethod: 'API',
      connectedToSystemTimestamp: '2026-03-02T09:00:00.000Z',
      disconnectReason: 'CONTACT_FLOW_DISCONNECT',
    });
  });

  it('keeps only live calls in memory: an ended call moves to the archive file and is still described and listed', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'connect-archive-test-'));
    const archiveFile = join(folder, 'archive.sqlite');
    try {
      const { emulator, call, client } = await anInstance({ archiveFile });
      emulator.setNumberBehaviour(CUSTOMER, { answer: 'answer', keys: '1' });
      const { ContactId } = await call();
      await emulator.whenIdle();
      expect(emulator.callsInMemory()).toBe(1); // ended, not yet retired

      await emulator.tick();
      expect(emulator.callsInMemory()).toBe(0);
      // Still answered from the archive: the simulator's view, the call list, DescribeContact, the log.
      expect(emulator.getCall(ContactId ?? '')).toMatchObject({ state: 'ended', to: CUSTOMER });
      expect(emulator.listCalls().map((c) => c.callId)).toEqual([ContactId]);
      const described = await client.send(
        new DescribeContactCommand({ InstanceId: emulator.instanceId, ContactId }),
      );
      expect(described.Contact).toMatchObject({
        Id: ContactId,
        DisconnectReason: 'CONTACT_FLOW_DISCONNECT',
        Attributes: { ticketNumber: '4711' },
      });
      expect(emulator.callLog).toEqual([
        expect.objectContaining({ contactId: ContactId, result: 'started', endedAt: expect.any(String) }),
      ]);
      expect(emulator.contactEvents.map((e) => e.detail.eventType)).toEqual([
        'INITIATED',
        'CONNECTED_TO_SYSTEM',
        'DISCONNECTED',
        'COMPLETED',
      ]);
      // An ended call cannot be stopped, archived or not (Connect: 410 ContactNotFoundException).
      await expect(
        client.send(new StopContactCommand({ InstanceId: emulator.instanceId, ContactId })),
      ).rejects.toMatchObject({ name: 'ContactNotFoundException' });
      emulator.close();

      // The same file after a restart: the history is there, and new calls are numbered after it.
      const again = await anInstance({ archiveFile });
      again.emulator.setNumberBehaviour(CUSTOMER, { answer: 'answer', keys: '1' });
      const second = await again.call({ ClientToken: 'after-restart' });
      await again.emulator.whenIdle();
      expect(again.emulator.listCalls().map((c) => c.callId)).toEqual([second.ContactId, ContactId]);
      expect(again.emulator.callLog.map((e) => e.contactId)).toEqual([ContactId, second.ContactId]);
      again.emulator.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('gives up on a number nobody answers after 60 seconds of clock time', async () => {
    const { emulator, call, events, clock } = await anInstance();
    emulator.setNumberBehaviour(CUSTOMER, { answer: 'no-answer' });
    const { ContactId } = await call();
    await emulator.whenIdle();

    clock.advance(59);
    await emulator.tick();
    expect(emulator.getCall(ContactId ?? '')?.state).toBe('ringing');

    clock.advance(1);
    await emulator.tick();

    expect(emulator.getCall(ContactId ?? '')).toMatchObject({
      state: 'ended',
      disconnectReason: 'TELECOM_TIMEOUT',
    });
    await emulator.whenIdle(); // contact events are delivered asynchronously
    expect(typesFor(events, ContactId)).toEqual(['INITIATED', 'DISCONNECTED', 'COMPLETED']);
    expect(events.find((e) => e.detail.eventType === 'DISCONNECTED')?.detail).toMatchObject({
      disconnectReason: 'TELECOM_TIMEOUT',
      disconnectTimestamp: '2026-03-02T09:01:00.000Z',
    });
    expect(emulator.callLog[0]).toMatchObject({
      result: 'started',
      contactId: ContactId,
      disconnectReason: 'TELECOM_TIMEOUT',
    });
  });

  it('fails a busy number at once', async () => {
    const { emulator, call, events } = await anInstance();
    emulator.setNumberBehaviour(CUSTOMER, { answer: 'busy' });

    const { ContactId } = await call();
    await emulator.whenIdle();

    expect(emulator.getCall(ContactId ?? '')).toMatchObject({
      state: 'ended',
      disconnectReason: 'TELECOM_BUSY',
    });
    expect(typesFor(events, ContactId)).toEqual(['INITIATED', 'DISCONNECTED', 'COMPLETED']);
    expect(emulator.stats().activeCalls).toBe(0);
  });

  it('returns the live contact for a repeated ClientToken and starts a new call once it has ended', async () => {
    const { emulator, call, client } = await anInstance();
    emulator.setNumberBehaviour(CUSTOMER, { answer: 'manual' });

    const first = await call({ ClientToken: 'job-17-attempt-1' });
    const repeat = await call({ ClientToken: 'job-17-attempt-1' });
    expect(repeat.ContactId).toBe(first.ContactId);
    expect(emulator.stats().outboundStarted).toBe(1);

    await client.send(
      new StopContactCommand({ InstanceId: emulator.instanceId, ContactId: first.ContactId }),
    );
    const afterEnd = await call({ ClientToken: 'job-17-attempt-1' });

    expect(afterEnd.ContactId).not.toBe(first.ContactId);
    expect(emulator.callLog.map((e) => e.result)).toEqual(['started', 'existing-contact', 'started']);
    expect(emulator.getCall(first.ContactId ?? '')?.disconnectReason).toBe('OTHER');
  });

  it('stops a live call with StopContact and answers 410 ContactNotFoundException once it has ended, as Connect does', async () => {
    const { emulator, call, client } = await anInstance();
    emulator.setNumberBehaviour(CUSTOMER, { answer: 'manual' });
    const { ContactId } = await call();
    const dialer = new ConnectDialer({ client, instanceId: emulator.instanceId, flowIds: {} });

    const first = await dialer.stopCall(ContactId ?? '');
    const again = client.send(new StopContactCommand({ InstanceId: emulator.instanceId, ContactId }));

    expect(first).toBe('stopped');
    expect(emulator.getCall(ContactId ?? '')?.disconnectReason).toBe('OTHER');
    await expect(again).rejects.toMatchObject({
      name: 'ContactNotFoundException',
      $metadata: { httpStatusCode: 410 },
    });
    // The dialer takes an ended (or unknown) contact for a call that is over already.
    expect(await dialer.stopCall(ContactId ?? '')).toBe('already_ended');
    expect(await dialer.stopCall('no-such-contact')).toBe('already_ended');
  });

  it('describes a contact with Connect’s field names and timestamps', async () => {
    const { emulator, call, client } = await anInstance();
    emulator.setNumberBehaviour(CUSTOMER, { answer: 'busy' });
    const { ContactId } = await call();
    await emulator.whenIdle();

    const { Contact } = await client.send(
      new DescribeContactCommand({ InstanceId: emulator.instanceId, ContactId }),
    );

    expect(Contact).toMatchObject({
      Id: ContactId,
      Arn: `${emulator.instanceArn}/contact/${ContactId}`,
      InitiationMethod: 'API',
      Channel: 'VOICE',
      DisconnectReason: 'TELECOM_BUSY',
      CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: CUSTOMER },
    });
    expect(Contact?.InitiationTimestamp).toEqual(new Date('2026-03-02T09:00:00.000Z'));
  });

  it('throttles requests beyond the calls-per-second bucket on the clock', async () => {
    const { emulator, call, clock } = await anInstance({
      limits: { callsPerSecond: 2, burst: 5, maxConcurrentCalls: 50 },
    });
    emulator.setDefaultNumberBehaviour({ answer: 'manual' });

    for (let i = 0; i < 5; i++) await call({ DestinationPhoneNumber: `+1555123900${i}` });
    await expect(call({ DestinationPhoneNumber: '+15551239005' })).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });

    clock.advance(0.5);
    await expect(call({ DestinationPhoneNumber: '+15551239006' })).resolves.toHaveProperty('ContactId');
    expect(emulator.stats()).toMatchObject({ outboundStarted: 6, throttled: 1 });
  });

  it('refuses calls beyond the concurrent-call limit and never exceeds it', async () => {
    const { emulator, call } = await anInstance({
      limits: { callsPerSecond: 100, burst: 100, maxConcurrentCalls: 2 },
    });
    emulator.setDefaultNumberBehaviour({ answer: 'manual' });
    const first = await call({ DestinationPhoneNumber: '+15551239001' });
    await call({ DestinationPhoneNumber: '+15551239002' });

    await expect(call({ DestinationPhoneNumber: '+15551239003' })).rejects.toMatchObject({
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 429 },
    });
    await emulator.decline(first.ContactId ?? '');
    await expect(call({ DestinationPhoneNumber: '+15551239004' })).resolves.toHaveProperty('ContactId');

    expect(emulator.stats()).toMatchObject({ activeCalls: 2, peakActiveCalls: 2, limitExceeded: 1 });
    expect(Math.max(...emulator.callLog.map((e) => e.activeCallsAfter))).toBeLessThanOrEqual(2);
  });

  it('rejects bad requests with Connect’s error types', async () => {
    const { emulator, call } = await anInstance({ isDestinationAllowed: (n) => !n.startsWith('+447') });

    await expect(call({ DestinationPhoneNumber: '0151 234' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(call({ ContactFlowId: 'no-such-flow' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(call({ InstanceId: 'another-instance' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(call({ SourcePhoneNumber: undefined })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(call({ DestinationPhoneNumber: '+447700900123' })).rejects.toMatchObject({
      name: 'DestinationNotAllowedException',
      $metadata: { httpStatusCode: 403 },
    });
    expect(emulator.stats().outboundStarted).toBe(0);
    expect(emulator.callLog.map((e) => e.result)).toEqual([
      'InvalidParameterException',
      'ResourceNotFoundException',
      'ResourceNotFoundException',
      'InvalidParameterException',
      'DestinationNotAllowedException',
    ]);
  });

  it('answers errors on the wire with x-amzn-errortype and a JSON message', async () => {
    const { emulator } = await anInstance();
    const server = servers[0];
    if (!server) throw new Error('no server');

    const response = await fetch(`${server.url}/contacts/${emulator.instanceId}/no-such-contact`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=anything' },
    });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toMatchObject({ message: 'Contact no-such-contact not found' });
  });
});
