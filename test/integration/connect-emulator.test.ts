import { describe, expect, it } from 'vitest';
import { FlowBuilder } from '#infra/flows/lib/builder';
import type { FlowDocument } from '#infra/flows/lib/flow-language';
import { FlowValidationError } from '#infra/flows/lib/validate';
import {
  type ConnectEmulatorOptions,
  type ContactEvent,
  createConnectEmulator,
  type PhoneCallView,
} from '#local/connect/emulator';
import { type CallbackRequest, ContactFlowSession, type FlowSessionHost } from '#local/connect/interpreter';
import { FakeClock, FakeLambdas } from '#local/connect/testing';

const LOOKUP_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:CallerLookup';
const FILE_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:FileComplaint';
const STATUS_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:ComplaintStatus';
/** Monday 2 March 2026, 10:00 in Berlin. */
const MONDAY_MORNING = '2026-03-02T09:00:00.000Z';
/** Saturday 7 March 2026, 10:00 in Berlin. */
const SATURDAY_MORNING = '2026-03-07T09:00:00.000Z';
const CALLER = '+15551230001';

/**
 * greeting -> caller lookup -> menu (1 file, 2 status, 9 talk to someone); silence twice
 * -> goodbye; wrong key -> menu again; complaint number ended by #; hours -> queue or
 * callback; disconnect.
 */
function hotlineTestFlow(): FlowDocument {
  const flow = new FlowBuilder({ name: 'Hotline test flow' });
  flow.say('greeting', 'Welcome to the complaint hotline.').then('lookup');
  flow.invokeLambda('lookup', {
    functionArn: LOOKUP_ARN,
    params: { caller: '$.CustomerEndpoint.Address' },
    timeoutSeconds: 3,
    next: 'remember',
    onError: 'lookup-failed',
  });
  flow.say('lookup-failed', 'We could not find your account.').then('menu');
  flow.setAttributes('remember', { customerName: '$.External.name' }, { next: 'menu' });
  flow.menu('menu', {
    prompt:
      'Hello $.Attributes.customerName. Press 1 to file a complaint, 2 for its status, 9 to talk to someone.',
    timeoutSeconds: 5,
    keys: { '1': 'file', '2': 'ticket', '9': 'hours' },
    onTimeout: 'silence-count',
    onWrongKey: 'wrong-key',
  });
  flow.loop('silence-count', { count: 1, again: 'menu-again', done: 'goodbye' });
  flow.say('menu-again', 'Sorry, I did not hear anything.').then('menu');
  flow.say('wrong-key', 'That key is not on the menu.').then('menu');
  flow.invokeLambda('file', { functionArn: FILE_ARN, next: 'filed', onError: 'error' });
  flow.say('filed', 'Your complaint number is $.External.ticketNumber.').then('goodbye');
  flow.getDigits('ticket', {
    prompt: 'Enter your complaint number, then the hash key.',
    timeoutSeconds: 8,
    maxDigits: 8,
    next: 'status',
    onTimeout: 'goodbye',
    onError: 'error',
  });
  flow.invokeLambda('status', {
    functionArn: STATUS_ARN,
    params: { ticketNumber: '$.StoredCustomerInput' },
    next: 'say-status',
    onError: 'error',
  });
  flow.say('say-status', 'Complaint $.StoredCustomerInput is $.External.status.').then('goodbye');
  flow.checkHours('hours', {
    hoursOfOperationId: 'office',
    open: 'set-queue',
    closed: 'closed',
    onError: 'error',
  });
  flow.setQueue('set-queue', 'complaints', { next: 'transfer', onError: 'error' });
  flow.transferToQueue('transfer', { atCapacity: 'full', onError: 'error' });
  flow.say('full', 'All our agents are busy. We will call you back.').then('callback');
  flow.say('closed', 'We are closed. We will call you back.').then('callback');
  flow.createCallback('callback', {
    queueId: 'complaints',
    initialDelaySeconds: 60,
    maxAttempts: 3,
    retryDelaySeconds: 600,
    next: 'goodbye',
    onError: 'error',
  });
  flow.say('error', 'Something went wrong.').then('goodbye');
  flow.say('goodbye', 'Goodbye.').then('hangup');
  flow.disconnect('hangup');
  return flow.render({ knownLambdaArns: [LOOKUP_ARN, FILE_ARN, STATUS_ARN] });
}

function aHotline(overrides: Partial<ConnectEmulatorOptions> & { start?: string } = {}) {
  const clock = new FakeClock(overrides.start ?? MONDAY_MORNING);
  const lambdas = new FakeLambdas()
    .on(LOOKUP_ARN, () => ({ name: 'Ada' }))
    .on(FILE_ARN, () => ({ ticketNumber: '4711' }))
    .on(STATUS_ARN, (event) => ({
      status: event.Details.Parameters.ticketNumber === '1234' ? 'open' : 'unknown',
    }));
  const events: ContactEvent[] = [];
  const callbacks: CallbackRequest[] = [];
  const connect = createConnectEmulator({
    clock,
    invokeLambda: lambdas.invoke,
    emitContactEvent: (event) => {
      events.push(event);
    },
    onCallbackRequested: (request) => {
      callbacks.push(request);
    },
    hoursOfOperation: {
      office: {
        timeZone: 'Europe/Berlin',
        weekly: (['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const).map((day) => ({
          day,
          start: '08:00',
          end: '17:00',
        })),
      },
    },
    queues: { complaints: { name: 'Complaints', capacity: 5, hoursOfOperationId: 'office' } },
    flows: { 'hotline-inbound': hotlineTestFlow() },
    inboundContactFlowId: 'hotline-inbound',
    log: () => undefined,
    ...overrides,
  });
  return { clock, lambdas, events, callbacks, connect };
}

function systemSaid(call: PhoneCallView): string[] {
  return call.transcript.filter((line) => line.speaker === 'system').map((line) => line.text);
}

function eventTypes(events: ContactEvent[], contactId: string): string[] {
  return events.filter((e) => e.detail.contactId === contactId).map((e) => e.detail.eventType);
}

describe('Connect emulator running the hotline flow', () => {
  it('greets, looks the caller up with a real ContactFlowEvent and waits at the menu', async () => {
    const { connect, lambdas } = aHotline();

    const call = await connect.startInboundCall(CALLER);

    expect(call).toMatchObject({
      state: 'in-progress',
      direction: 'inbound',
      from: CALLER,
      awaitingInput: true,
    });
    expect(systemSaid(call)).toEqual([
      'Welcome to the complaint hotline.',
      'Hello Ada. Press 1 to file a complaint, 2 for its status, 9 to talk to someone.',
    ]);
    expect(call.attributes).toEqual({ customerName: 'Ada' });
    const [event] = lambdas.eventsFor(LOOKUP_ARN);
    expect(event).toEqual({
      Name: 'ContactFlowEvent',
      Details: {
        ContactData: expect.objectContaining({
          ContactId: call.callId,
          InitialContactId: call.callId,
          Channel: 'VOICE',
          InitiationMethod: 'INBOUND',
          InstanceARN: connect.instanceArn,
          CustomerEndpoint: { Address: CALLER, Type: 'TELEPHONE_NUMBER' },
          SystemEndpoint: { Address: connect.hotlineNumber, Type: 'TELEPHONE_NUMBER' },
          Attributes: {},
          Queue: null,
        }),
        Parameters: { caller: CALLER },
      },
    });
    expect(lambdas.invocations[0]?.timeoutMs).toBe(3000);
  });

  it('files a complaint on key 1, says the number and hangs up with contact events', async () => {
    const { connect, events } = aHotline();
    const { callId } = await connect.startInboundCall(CALLER);

    const call = await connect.pressKeys(callId, '1');

    expect(systemSaid(call).slice(-3)).toEqual([
      'Your complaint number is 4711.',
      'Goodbye.',
      '(call ended by the system)',
    ]);
    expect(call.transcript).toContainEqual(expect.objectContaining({ speaker: 'caller', text: 'pressed 1' }));
    expect(call).toMatchObject({ state: 'ended', disconnectReason: 'CONTACT_FLOW_DISCONNECT' });
    // Contact events reach their targets asynchronously, as from EventBridge.
    await connect.whenIdle();
    expect(eventTypes(events, callId)).toEqual(['INITIATED', 'DISCONNECTED', 'COMPLETED']);
    const disconnected = events.find((e) => e.detail.eventType === 'DISCONNECTED');
    expect(disconnected).toMatchObject({
      version: '0',
      'detail-type': 'Amazon Connect Contact Event',
      source: 'aws.connect',
      region: 'eu-west-1',
      resources: expect.arrayContaining([connect.instanceArn]),
      detail: {
        contactId: callId,
        channel: 'VOICE',
        instanceArn: connect.instanceArn,
        initiationMethod: 'INBOUND',
        initiationTimestamp: MONDAY_MORNING,
        disconnectTimestamp: MONDAY_MORNING,
        disconnectReason: 'CONTACT_FLOW_DISCONNECT',
      },
    });
  });

  it('asks again after the first silence and says goodbye after the second', async () => {
    const { connect, clock, events } = aHotline();
    const { callId } = await connect.startInboundCall(CALLER);

    clock.advance(4);
    await connect.tick();
    expect(connect.getCall(callId)?.awaitingInput).toBe(true);
    expect(systemSaid(connect.getCall(callId)!)).not.toContain('Sorry, I did not hear anything.');

    clock.advance(1);
    await connect.tick();
    const afterFirst = connect.getCall(callId)!;
    expect(systemSaid(afterFirst).slice(-2)).toEqual([
      'Sorry, I did not hear anything.',
      'Hello Ada. Press 1 to file a complaint, 2 for its status, 9 to talk to someone.',
    ]);
    expect(afterFirst.state).toBe('in-progress');

    clock.advance(5);
    await connect.tick();
    const afterSecond = connect.getCall(callId)!;
    expect(systemSaid(afterSecond).slice(-2)).toEqual(['Goodbye.', '(call ended by the system)']);
    expect(afterSecond.state).toBe('ended');
    // Contact events reach their targets asynchronously, as from EventBridge.
    await connect.whenIdle();
    expect(eventTypes(events, callId)).toContain('DISCONNECTED');
  });

  it('says a wrong key is not on the menu and offers the menu again', async () => {
    const { connect } = aHotline();
    const { callId } = await connect.startInboundCall(CALLER);

    const call = await connect.pressKeys(callId, '7');

    expect(systemSaid(call).slice(-2)).toEqual([
      'That key is not on the menu.',
      'Hello Ada. Press 1 to file a complaint, 2 for its status, 9 to talk to someone.',
    ]);
    expect(call).toMatchObject({ state: 'in-progress', awaitingInput: true });
  });

  it('collects a complaint number typed over several presses until # and hands it to the status Lambda', async () => {
    const { connect, lambdas } = aHotline();
    const { callId } = await connect.startInboundCall(CALLER);
    await connect.pressKeys(callId, '2');

    const halfway = await connect.pressKeys(callId, '12');
    expect(halfway.awaitingInput).toBe(true);
    expect(lambdas.eventsFor(STATUS_ARN)).toHaveLength(0);

    const call = await connect.pressKeys(callId, '34#');

    expect(lambdas.eventsFor(STATUS_ARN)[0]?.Details.Parameters).toEqual({ ticketNumber: '1234' });
    expect(systemSaid(call)).toContain('Complaint 1234 is open.');
    expect(call.state).toBe('ended');
  });

  it('ends the digits with what was typed when the caller stops between keys', async () => {
    const { connect, clock, lambdas } = aHotline();
    const { callId } = await connect.startInboundCall(CALLER);
    await connect.pressKeys(callId, '2');
    await connect.pressKeys(callId, '1234');

    clock.advance(5);
    await connect.tick();

    expect(lambdas.eventsFor(STATUS_ARN)[0]?.Details.Parameters).toEqual({ ticketNumber: '1234' });
  });

  it('takes the silence branch when no digit is typed at all', async () => {
    const { connect, clock, lambdas } = aHotline();
    const { callId } = await connect.startInboundCall(CALLER);
    await connect.pressKeys(callId, '2');

    clock.advance(8);
    await connect.tick();

    const call = connect.getCall(callId)!;
    expect(lambdas.eventsFor(STATUS_ARN)).toHaveLength(0);
    expect(systemSaid(call).slice(-2)).toEqual(['Goodbye.', '(call ended by the system)']);
  });

  it('takes the error branch when the Lambda throws', async () => {
    const { connect, lambdas } = aHotline();
    lambdas.on(LOOKUP_ARN, () => {
      throw new Error('table not found');
    });

    const call = await connect.startInboundCall(CALLER);

    expect(systemSaid(call)).toContain('We could not find your account.');
    expect(call.attributes).toEqual({});
    expect(call.trace.map((t) => t.message)).toContainEqual(expect.stringContaining('table not found'));
  });

  it('takes the error branch when the Lambda returns a value that is not a string', async () => {
    const { connect, lambdas } = aHotline();
    lambdas.on(LOOKUP_ARN, () => ({ name: 'Ada', visits: 3 }));

    const call = await connect.startInboundCall(CALLER);

    expect(systemSaid(call)).toContain('We could not find your account.');
    expect(call.trace.map((t) => t.message)).toContainEqual(
      expect.stringContaining('non-string value for "visits"'),
    );
  });

  it('takes the error branch when the Lambda answers later than its time limit on the clock', async () => {
    const { connect, lambdas, clock } = aHotline();
    lambdas.on(LOOKUP_ARN, () => {
      clock.advance(4);
      return { name: 'Ada' };
    });

    const call = await connect.startInboundCall(CALLER);

    expect(systemSaid(call)).toContain('We could not find your account.');
  });

  it('takes the error branch when the Lambda answers with more than 32 KB', async () => {
    const { connect, lambdas } = aHotline();
    lambdas.on(LOOKUP_ARN, () => ({ name: 'x'.repeat(33 * 1024) }));

    const call = await connect.startInboundCall(CALLER);

    expect(systemSaid(call)).toContain('We could not find your account.');
  });

  it('puts the caller in the queue during office hours and emits QUEUED', async () => {
    const { connect, events } = aHotline();
    const { callId } = await connect.startInboundCall(CALLER);

    const call = await connect.pressKeys(callId, '9');

    expect(call.state).toBe('queued');
    expect(call.queue).toMatchObject({ name: 'Complaints' });
    expect(systemSaid(call).at(-1)).toBe('[queued] waiting in queue Complaints for an agent');
    // Contact events reach their targets asynchronously, as from EventBridge.
    await connect.whenIdle();
    expect(eventTypes(events, callId)).toEqual(['INITIATED', 'QUEUED']);
    expect(events.at(-1)?.detail.queueInfo).toMatchObject({
      queueArn: `${connect.instanceArn}/queue/complaints`,
    });
    expect(connect.stats().activeCalls).toBe(1);
  });

  it('offers a callback when the queue is at capacity', async () => {
    const { connect, callbacks } = aHotline({ queues: { complaints: { name: 'Complaints', capacity: 1 } } });
    const first = await connect.startInboundCall(CALLER);
    await connect.pressKeys(first.callId, '9');
    const second = await connect.startInboundCall('+15551230002');

    const call = await connect.pressKeys(second.callId, '9');

    expect(systemSaid(call)).toContain('All our agents are busy. We will call you back.');
    expect(call.state).toBe('ended');
    expect(callbacks).toEqual([
      expect.objectContaining({
        contactId: second.callId,
        customerNumber: '+15551230002',
        queueId: 'complaints',
        initialCallDelaySeconds: 60,
        maximumConnectionAttempts: 3,
        retryDelaySeconds: 600,
      }),
    ]);
    expect(connect.getCall(first.callId)?.state).toBe('queued');
  });

  it('offers a callback out of office hours', async () => {
    const { connect, callbacks } = aHotline({ start: SATURDAY_MORNING });
    const { callId } = await connect.startInboundCall(CALLER);

    const call = await connect.pressKeys(callId, '9');

    expect(systemSaid(call)).toContain('We are closed. We will call you back.');
    expect(callbacks).toHaveLength(1);
    expect(connect.callbackRequests).toHaveLength(1);
  });

  it('ends the contact when the caller hangs up, even while a Lambda is still running', async () => {
    const { connect, lambdas, events } = aHotline();
    let finishLookup: (value: unknown) => void = () => undefined;
    lambdas.on(LOOKUP_ARN, () => new Promise((resolve) => (finishLookup = resolve)));
    const started = connect.startInboundCall(CALLER);
    await new Promise((resolve) => setImmediate(resolve));
    const [callView] = connect.listCalls();
    if (!callView) throw new Error('call not created');

    const hungUp = await connect.hangup(callView.callId);
    finishLookup({ name: 'Ada' });
    const call = await started;

    expect(hungUp).toMatchObject({ state: 'ended', disconnectReason: 'CUSTOMER_DISCONNECT' });
    expect(systemSaid(call)).not.toContain(
      'Hello Ada. Press 1 to file a complaint, 2 for its status, 9 to talk to someone.',
    );
    // Contact events reach their targets asynchronously, as from EventBridge.
    await connect.whenIdle();
    expect(eventTypes(events, call.callId)).toEqual(['INITIATED', 'DISCONNECTED', 'COMPLETED']);
    expect(connect.stats().activeCalls).toBe(0);
  });

  it('refuses to register a flow with an action type it cannot run', () => {
    const { connect } = aHotline();
    const doc = hotlineTestFlow();
    doc.Actions.push({
      Identifier: 'lex',
      Type: 'ConnectParticipantWithLexBot',
      Parameters: {},
      Transitions: {},
    });

    expect(() => connect.registerFlow('with-lex', doc)).toThrow(FlowValidationError);
    expect(() => connect.registerFlow('with-lex', doc)).toThrow(
      /ConnectParticipantWithLexBot is not one the emulator runs/,
    );
  });
});

describe('ContactFlowSession given a flow nobody validated', () => {
  function aSession() {
    const clock = new FakeClock(MONDAY_MORNING);
    const ended: string[] = [];
    const host: FlowSessionHost = {
      clock,
      invokeLambda: async () => ({}),
      findFlow: () => undefined,
      findQueue: () => undefined,
      isOpen: () => true,
      enqueue: () => 'queued',
      requestCallback: () => undefined,
      isDialable: () => true,
      sessionEnded: (_session, reason) => {
        ended.push(reason);
      },
    };
    const session = new ContactFlowSession(
      host,
      {
        contactId: 'c-1',
        initialContactId: 'c-1',
        instanceArn: 'arn:aws:connect:eu-west-1:000000000000:instance/test',
        initiationMethod: 'INBOUND',
        customerAddress: CALLER,
        systemAddress: '+15550100100',
      },
      [],
    );
    return { session, ended };
  }

  it('fails the contact loudly on an unknown action type', async () => {
    const doc: FlowDocument = {
      Version: '2019-10-30',
      StartAction: 'hello',
      Actions: [
        {
          Identifier: 'hello',
          Type: 'MessageParticipant',
          Parameters: { Text: 'Hi.' },
          Transitions: { NextAction: 'bot' },
        },
        { Identifier: 'bot', Type: 'ConnectParticipantWithLexBot', Parameters: {}, Transitions: {} },
      ],
    };
    const { session, ended } = aSession();

    await session.start(doc);

    expect(session.status).toBe('ended');
    expect(session.failure).toBe(
      'Flow error at action "bot": action type ConnectParticipantWithLexBot is not supported by the Connect emulator',
    );
    expect(session.transcript.map((l) => l.text)).toEqual(['Hi.', `[emulator] ${session.failure}`]);
    expect(ended).toEqual(['OTHER']);
  });

  it('fails the contact loudly on an unknown parameter of a known action', async () => {
    const doc: FlowDocument = {
      Version: '2019-10-30',
      StartAction: 'hello',
      Actions: [
        {
          Identifier: 'hello',
          Type: 'MessageParticipant',
          Parameters: { Text: 'Hi.', Voice: 'Joanna' },
          Transitions: { NextAction: 'bye' },
        },
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    };
    const { session } = aSession();

    await session.start(doc);

    expect(session.failure).toMatch(
      /at action "hello": MessageParticipant cannot run: unknown parameter Voice/,
    );
    expect(session.status).toBe('ended');
  });
});

describe('Connect emulator running callback-number and transfer steps', () => {
  function callbackFlows() {
    const main = new FlowBuilder({ name: 'Callback main' });
    main.getDigits('number', {
      prompt: 'Enter the number to call you back on, then the hash key.',
      maxDigits: 15,
      next: 'set-number',
      onError: 'bye',
    });
    main.setCallbackNumber('set-number', '$.StoredCustomerInput', {
      next: 'to-callback-flow',
      onInvalid: 'invalid',
    });
    main.transferToFlow('to-callback-flow', 'callback-flow', { onError: 'bye' });
    main.say('invalid', 'That number does not work.').then('bye');
    main.say('bye', 'Goodbye.').then('hangup');
    main.disconnect('hangup');

    const callback = new FlowBuilder({ name: 'Callback flow' });
    callback.createCallback('request', {
      queueId: 'complaints',
      initialDelaySeconds: 30,
      maxAttempts: 2,
      retryDelaySeconds: 300,
      next: 'confirm',
      onError: 'sorry',
    });
    callback.say('confirm', 'We will call you back.').then('hangup');
    callback.say('sorry', 'Sorry.').then('hangup');
    callback.disconnect('hangup');
    return { main: main.render(), callback: callback.render() };
  }

  function anInstance(isDestinationAllowed?: (e164: string) => boolean) {
    const flows = callbackFlows();
    const callbacks: CallbackRequest[] = [];
    const connect = createConnectEmulator({
      clock: new FakeClock(MONDAY_MORNING),
      invokeLambda: new FakeLambdas().invoke,
      onCallbackRequested: (request) => {
        callbacks.push(request);
      },
      queues: { complaints: { name: 'Complaints' } },
      flows: { main: flows.main, 'callback-flow': flows.callback },
      inboundContactFlowId: 'main',
      log: () => undefined,
      ...(isDestinationAllowed ? { isDestinationAllowed } : {}),
    });
    return { connect, callbacks };
  }

  it('sets the typed callback number and requests the callback from the flow it transferred to', async () => {
    const { connect, callbacks } = anInstance();
    const { callId } = await connect.startInboundCall(CALLER);

    const call = await connect.pressKeys(callId, '4930123456#');

    expect(systemSaid(call)).toContain('We will call you back.');
    expect(callbacks).toEqual([
      expect.objectContaining({
        customerNumber: '+4930123456',
        queueName: 'Complaints',
        initialCallDelaySeconds: 30,
      }),
    ]);
  });

  it('takes the invalid-number branch for input that cannot be a phone number', async () => {
    const { connect, callbacks } = anInstance();
    const { callId } = await connect.startInboundCall(CALLER);

    const call = await connect.pressKeys(callId, '12#');

    expect(systemSaid(call)).toContain('That number does not work.');
    expect(callbacks).toEqual([]);
  });

  it('takes the not-dialable branch for a number the instance may not call', async () => {
    const { connect } = anInstance((e164) => !e164.startsWith('+49'));
    const { callId } = await connect.startInboundCall(CALLER);

    const call = await connect.pressKeys(callId, '4930123456#');

    expect(systemSaid(call)).toContain('That number does not work.');
    expect(call.trace.map((t) => t.message)).toContainEqual(
      expect.stringContaining('CallbackNumberNotDialable'),
    );
  });
});

describe('Loop with a count from the contact attributes', () => {
  it('repeats as often as the attribute says, then goes on', async () => {
    const flow = new FlowBuilder();
    flow.setAttributes('set-count', { repeats: '2' }, { next: 'count' });
    flow.loop('count', { count: '$.Attributes.repeats', again: 'again', done: 'bye' });
    flow.say('again', 'Once more.').then('count');
    flow.say('bye', 'Done.').then('hangup');
    flow.disconnect('hangup');
    const connect = createConnectEmulator({
      clock: new FakeClock(MONDAY_MORNING),
      invokeLambda: new FakeLambdas().invoke,
      flows: { looping: flow.render() },
      inboundContactFlowId: 'looping',
      log: () => undefined,
    });

    const call = await connect.startInboundCall(CALLER);

    expect(systemSaid(call)).toEqual(['Once more.', 'Once more.', 'Done.', '(call ended by the system)']);
  });
});
