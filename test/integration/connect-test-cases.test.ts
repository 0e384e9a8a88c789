/**
 * Connect's flow test cases (CreateTestCase, StartTestCaseExecution, ...) run against the emulator: the
 * same Testing-language documents (test/fixtures/test-cases/) a real instance runs, driven through the
 * API's handler with the SDK's input shapes. The emulator side of the `TestContacts` port is built here
 * from the emulator's public surface only.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlowBuilder } from '#infra/flows/lib/builder';
import type { FlowDocument } from '#infra/flows/lib/flow-language';
import { ConnectApiError } from '#local/connect/api-error';
import { createConnectEmulator } from '#local/connect/emulator';
import type { LambdaInvoker } from '#local/connect/interpreter';
import { emulatorTestContacts } from '#local/connect/test-case-contacts';
import { createTestCases, type TestContacts } from '#local/connect/test-cases';
import { FakeClock, FakeLambdas } from '#local/connect/testing';

const LOOKUP_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:CallerLookup';
const FILE_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:FileComplaint';
const FLOW_ID = 'test-cases-hotline';
const FLOW_NUMBER = '+15550100200';
/** Monday 2 March 2026, 10:00 in Berlin: the office is open. */
const MONDAY_MORNING = '2026-03-02T09:00:00.000Z';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/test-cases/${name}.json`, import.meta.url), 'utf8');
}

/** greeting -> caller lookup -> menu (1 file a complaint, 9 talk to someone; silence: ask again). */
function hotlineFlow(): FlowDocument {
  const flow = new FlowBuilder({ name: 'Test cases hotline' });
  flow.say('greeting', 'Welcome to the complaint hotline.').then('lookup');
  flow.invokeLambda('lookup', {
    functionArn: LOOKUP_ARN,
    params: { caller: '$.CustomerEndpoint.Address' },
    timeoutSeconds: 3,
    next: 'remember',
    onError: 'menu',
  });
  flow.setAttributes('remember', { customerName: '$.External.name' }, { next: 'menu' });
  flow.menu('menu', {
    prompt: 'Hello $.Attributes.customerName. Press 1 to file a complaint, 9 to talk to someone.',
    timeoutSeconds: 5,
    keys: { '1': 'file', '9': 'hours' },
    onTimeout: 'silence',
    onWrongKey: 'wrong-key',
  });
  flow.say('silence', 'Sorry, I did not hear anything.').then('menu');
  flow.say('wrong-key', 'That key is not on the menu.').then('menu');
  flow.invokeLambda('file', { functionArn: FILE_ARN, next: 'filed', onError: 'error' });
  flow.say('filed', 'Your complaint number is $.External.ticketNumber.').then('goodbye');
  flow.checkHours('hours', {
    hoursOfOperationId: 'office',
    open: 'set-queue',
    closed: 'closed',
    onError: 'error',
  });
  flow.setQueue('set-queue', 'complaints', { next: 'transfer', onError: 'error' });
  flow.transferToQueue('transfer', { atCapacity: 'error', onError: 'error' });
  flow.say('closed', 'We are closed.').then('goodbye');
  flow.say('error', 'Something went wrong.').then('goodbye');
  flow.say('goodbye', 'Goodbye.').then('hangup');
  flow.disconnect('hangup');
  return flow.render({ knownLambdaArns: [LOOKUP_ARN, FILE_ARN] });
}

/**
 * The emulator as the test runner sees it: Lambda overrides applied in the invoker (the contact is
 * known from the event), InvokeLambdaFunction and TransferContactToQueue reported as they start.
 */
function anEmulatorWithTestCases() {
  const clock = new FakeClock(MONDAY_MORNING);
  const lambdas = new FakeLambdas()
    .on(LOOKUP_ARN, () => ({ name: 'Ada' }))
    .on(FILE_ARN, () => ({ ticketNumber: '4711' }));
  // The emulator's own test-contact adapter (what StartTestCaseExecution runs on), over its public surface.
  const testing = emulatorTestContacts({
    clock,
    hasPublishedFlow: (flowId) => connect.control.findFlow(flowId) !== undefined,
    routeTestNumber: (number, flowId) => connect.setInboundFlow(flowId, number),
    startInboundCall: (from, to, attributes) => connect.startInboundCall(from, to, attributes),
    pressKeys: (callId, digits) => connect.pressKeys(callId, digits),
    speak: (callId, text) => connect.speak(callId, text),
    hangup: (callId) => connect.hangup(callId),
    getCall: (callId) => connect.getCall(callId),
    whenIdle: () => connect.whenIdle(),
  });
  const invokeLambda: LambdaInvoker = testing.interceptLambda(lambdas.invoke);
  const connect = createConnectEmulator({
    clock,
    invokeLambda,
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
    log: () => undefined,
  });
  connect.registerFlow(FLOW_ID, hotlineFlow());
  connect.setInboundFlow(FLOW_ID, FLOW_NUMBER);

  const testContacts: TestContacts = {
    ...testing.contacts,
    // This test's entry points ring the flow's own number.
    start: (entry) => testing.contacts.start({ ...entry, to: entry.to ?? FLOW_NUMBER }),
  };

  const testCases = createTestCases({
    clock,
    instanceId: connect.instanceId,
    instanceArn: connect.instanceArn,
    region: connect.region,
    accountId: '000000000000',
    contacts: testContacts,
    timeLimitSeconds: 300,
  });
  const instance = connect.instanceId;
  /** One API request, as the SDK sends it (path, query, JSON body). */
  const request = (
    method: string,
    path: string,
    body?: Record<string, unknown>,
    query?: Record<string, string>,
  ) => {
    const answered = testCases.handle(method, path, new URLSearchParams(query), body);
    if (!answered) throw new Error(`no route for ${method} ${path}`);
    return answered.result as Record<string, any>;
  };
  const refusal = (act: () => unknown): ConnectApiError => {
    try {
      act();
    } catch (error) {
      if (error instanceof ConnectApiError) return error;
      throw error;
    }
    throw new Error('the request was not refused');
  };
  const voiceEntry = (flowId = FLOW_ID) => ({
    Type: 'VOICE_CALL',
    VoiceCallEntryPointParameters: { SourcePhoneNumber: '+15551230001', FlowId: flowId },
  });
  const createTestCase = (name: string, content: string, extra: Record<string, unknown> = {}) =>
    request('PUT', `/test-cases/${instance}`, {
      Name: name,
      Content: content,
      EntryPoint: voiceEntry(),
      Status: 'PUBLISHED',
      ...extra,
    }) as { TestCaseId: string; TestCaseArn: string };
  // The SDK fills in a fresh ClientToken per call; the same token would answer the earlier execution.
  const startExecution = (testCaseId: string) =>
    request('PUT', `/test-cases/${instance}/${testCaseId}/start-execution`, { ClientToken: randomUUID() });
  const summaryOf = (testCaseId: string, executionId: string) =>
    request('GET', `/test-cases/${instance}/${testCaseId}/${executionId}/summary`);
  const recordsOf = (testCaseId: string, executionId: string) =>
    (
      request('GET', `/test-cases/${instance}/${testCaseId}/${executionId}/records`).ExecutionRecords as {
        ObservationId: string;
        Status: string;
        Record: string;
      }[]
    ).map((r) => ({ ...r, Record: JSON.parse(r.Record) as Record<string, any> }));
  /** The emulator's clock moves on; the emulator and then the test runs look again. */
  const timePasses = async (seconds: number) => {
    clock.advance(seconds);
    await connect.tick();
    await testCases.tick();
  };

  return {
    instance,
    connect,
    lambdas,
    testCases,
    request,
    refusal,
    createTestCase,
    startExecution,
    summaryOf,
    recordsOf,
    timePasses,
  };
}

describe('Connect flow test cases on the emulator', () => {
  it('runs a passing test: the menu is heard, 1 is pressed, the complaint number is said, the call ends', async () => {
    const { testCases, createTestCase, startExecution, summaryOf, recordsOf } = anEmulatorWithTestCases();
    const { TestCaseId } = createTestCase('File a complaint', fixture('file-a-complaint'));

    const started = startExecution(TestCaseId);
    expect(started).toEqual({ TestCaseExecutionId: expect.any(String), TestCaseId, Status: 'IN_PROGRESS' });
    await testCases.whenIdle();

    expect(summaryOf(TestCaseId, started.TestCaseExecutionId)).toEqual({
      StartTime: Date.parse(MONDAY_MORNING) / 1000,
      EndTime: Date.parse(MONDAY_MORNING) / 1000,
      Status: 'PASSED',
      ObservationSummary: { TotalObservations: 4, ObservationsPassed: 4, ObservationsFailed: 0 },
    });
    const records = recordsOf(TestCaseId, started.TestCaseExecutionId);
    expect(records.map((r) => [r.ObservationId, r.Status])).toEqual([
      ['Test starts', 'PASSED'],
      ['Menu', 'PASSED'],
      ['Complaint number', 'PASSED'],
      ['Call ends', 'PASSED'],
    ]);
    expect(records[1]?.Record.Matched[0].what).toBe(
      'Hello Ada. Press 1 to file a complaint, 9 to talk to someone.',
    );
    expect(records[2]?.Record.Actions).toEqual([
      expect.objectContaining({ Type: 'Assert', Status: 'PASSED', ActualValue: 'Ada' }),
    ]);
  });

  it('fails a test whose expected prompt is never played, and says which and why', async () => {
    const { testCases, createTestCase, startExecution, summaryOf, recordsOf } = anEmulatorWithTestCases();
    const { TestCaseId } = createTestCase('Escalation', fixture('expects-escalation'));

    const { TestCaseExecutionId } = startExecution(TestCaseId);
    await testCases.whenIdle();

    expect(summaryOf(TestCaseId, TestCaseExecutionId)).toMatchObject({
      Status: 'FAILED',
      ObservationSummary: { TotalObservations: 4, ObservationsPassed: 2, ObservationsFailed: 1 },
    });
    const failed = recordsOf(TestCaseId, TestCaseExecutionId).find((r) => r.Status === 'FAILED');
    expect(failed?.ObservationId).toBe('Escalated');
    expect(failed?.Record.Reasons).toEqual([
      'expected a message like "Your complaint has been escalated to a supervisor."; the contact ended first',
    ]);
  });

  it('accepts an invalid test case saved as a draft, and will not run it', () => {
    const { instance, request, refusal, createTestCase } = anEmulatorWithTestCases();

    const { TestCaseId } = createTestCase('Work in progress', fixture('invalid'), { Status: 'SAVED' });

    expect(request('GET', `/test-cases/${instance}/${TestCaseId}`).TestCase).toMatchObject({
      Id: TestCaseId,
      Name: 'Work in progress',
      Status: 'SAVED',
      Content: fixture('invalid'),
    });
    const error = refusal(() => request('PUT', `/test-cases/${instance}/${TestCaseId}/start-execution`, {}));
    expect(error).toMatchObject({ errorType: 'InvalidRequestException', statusCode: 400 });
  });

  it('refuses an invalid test case when it is published, listing every problem', () => {
    const { refusal, createTestCase } = anEmulatorWithTestCases();

    const error = refusal(() =>
      createTestCase('Broken', fixture('invalid'), {
        EntryPoint: { Type: 'VOICE_CALL', VoiceCallEntryPointParameters: { FlowId: 'no-such-flow' } },
      }),
    );

    expect(error).toMatchObject({ errorType: 'InvalidTestCaseException', statusCode: 400 });
    expect((error.extra.Problems as { message: string }[]).map((p) => p.message)).toEqual([
      'EntryPoint.VoiceCallEntryPointParameters.FlowId: no published flow no-such-flow',
      'Version: must be "2019-10-30", got "2025-06-21"',
      'Observations[0] "Start".Usage.Type: must be one of Exactly, AtLeast, AtMost, Always (case-sensitive), got "EXACTLY"',
      'Observations[0] "Start".Transitions.NextObservations: "Menu prompt" is not an observation',
      'Observations[1] "Menu".Event.Properties.Text: must be non-empty text',
      'Observations[1] "Menu".Actions[0] "Press".Parameters.Instruction.Properties.Value: must be keys of the phone pad (0-9, * and #)',
      'Observations[2] "Agent answers".Event.Type: must be one of TestInitiated, TestCompleted, MessageReceived, FlowActionStarted, got "AgentConnected"',
      'Observations[2] "Agent answers".Actions[0] "Right queue".Parameters.Namespace: must be a JSON path into the contact, such as $.Attributes.name',
      'Observations[2] "Agent answers".Actions[0] "Right queue".Parameters.Operator: must be one of Equals, TextStartsWith, TextEndsWith, TextContains, NumberGreaterThan, NumberGreaterOrEqualTo, NumberLessThan, NumberLessOrEqualTo, Exists, got "Is"',
    ]);
  });

  it('refuses, when publishing, an override the emulator cannot apply', () => {
    const { refusal, createTestCase } = anEmulatorWithTestCases();

    const error = refusal(() => createTestCase('Closed today', fixture('hours-mocked-closed')));

    expect(error.errorType).toBe('InvalidTestCaseException');
    expect(error.extra.Problems).toEqual([
      {
        message:
          'Observations[0] "Test starts".Actions[0] "Closed today".Parameters.Behavior.Properties.Strategy.Type: MockResponse of CheckHoursOfOperation is not supported by the local emulator',
      },
    ]);
  });

  it('answers ResourceNotFoundException for a test case or execution that does not exist', () => {
    const { instance, request, refusal, createTestCase } = anEmulatorWithTestCases();
    const { TestCaseId } = createTestCase('File a complaint', fixture('file-a-complaint'));

    for (const act of [
      () => request('GET', `/test-cases/${instance}/00000000-0000-4000-8000-000000000000`),
      () =>
        request('PUT', `/test-cases/${instance}/00000000-0000-4000-8000-000000000000/start-execution`, {}),
      () => request('GET', `/test-cases/${instance}/${TestCaseId}/no-such-execution/summary`),
      () => request('GET', `/test-cases-summary/00000000-0000-4000-8000-000000000000`),
    ]) {
      expect(refusal(act)).toMatchObject({ errorType: 'ResourceNotFoundException', statusCode: 404 });
    }
  });

  it('mocks a Lambda for the test and observes it being invoked', async () => {
    const { lambdas, testCases, createTestCase, startExecution, summaryOf, recordsOf } =
      anEmulatorWithTestCases();
    const { TestCaseId } = createTestCase('Mocked ticket number', fixture('mocked-ticket-number'));

    const { TestCaseExecutionId } = startExecution(TestCaseId);
    await testCases.whenIdle();

    expect(summaryOf(TestCaseId, TestCaseExecutionId)).toMatchObject({
      Status: 'PASSED',
      ObservationSummary: { TotalObservations: 4, ObservationsPassed: 4, ObservationsFailed: 0 },
    });
    expect(lambdas.eventsFor(FILE_ARN)).toEqual([]);
    const last = recordsOf(TestCaseId, TestCaseExecutionId).at(-1);
    expect(last?.Record.Actions[0]).toMatchObject({ Command: 'LogData', LoggedData: { ticket: '9001' } });
  });

  it('sees the contact queued, takes the open branch, and ends the contact with EndTest', async () => {
    const { connect, testCases, createTestCase, startExecution, summaryOf, recordsOf } =
      anEmulatorWithTestCases();
    const { TestCaseId } = createTestCase('Talk to someone', fixture('talk-to-someone'));

    const { TestCaseExecutionId } = startExecution(TestCaseId);
    await testCases.whenIdle();

    expect(summaryOf(TestCaseId, TestCaseExecutionId)).toMatchObject({
      Status: 'PASSED',
      ObservationSummary: { TotalObservations: 4, ObservationsPassed: 3, ObservationsFailed: 0 },
    });
    expect(recordsOf(TestCaseId, TestCaseExecutionId).map((r) => r.ObservationId)).toEqual([
      'Test starts',
      'Menu',
      'Queued',
    ]);
    // The test hung up the contact it left waiting in the queue.
    expect(connect.listCalls()[0]).toMatchObject({ state: 'ended', disconnectReason: 'CUSTOMER_DISCONNECT' });
  });

  it('waits on the emulator clock for the menu to time out before going on', async () => {
    const { testCases, createTestCase, startExecution, summaryOf, timePasses } = anEmulatorWithTestCases();
    const { TestCaseId } = createTestCase('Silence, then file', fixture('silence-then-file'));
    const { TestCaseExecutionId } = startExecution(TestCaseId);
    await testCases.whenIdle();
    expect(summaryOf(TestCaseId, TestCaseExecutionId).Status).toBe('IN_PROGRESS');

    await timePasses(5);

    expect(summaryOf(TestCaseId, TestCaseExecutionId)).toMatchObject({
      Status: 'PASSED',
      EndTime: Date.parse(MONDAY_MORNING) / 1000 + 5,
      ObservationSummary: { TotalObservations: 4, ObservationsPassed: 4, ObservationsFailed: 0 },
    });
  });

  it('stops a running execution, and answers a repeated ClientToken with the same execution', async () => {
    const { instance, connect, request, testCases, createTestCase, summaryOf } = anEmulatorWithTestCases();
    const { TestCaseId } = createTestCase('Silence, then file', fixture('silence-then-file'));
    const start = () =>
      request('PUT', `/test-cases/${instance}/${TestCaseId}/start-execution`, { ClientToken: 'once' });
    const { TestCaseExecutionId } = start();
    await testCases.whenIdle();
    expect(start().TestCaseExecutionId).toBe(TestCaseExecutionId);

    request('POST', `/test-cases/${instance}/${TestCaseId}/${TestCaseExecutionId}/stop-execution`, {});
    await testCases.whenIdle();

    expect(summaryOf(TestCaseId, TestCaseExecutionId)).toMatchObject({
      Status: 'STOPPED',
      ObservationSummary: { TotalObservations: 4, ObservationsPassed: 2, ObservationsFailed: 0 },
    });
    expect(connect.listCalls()[0]?.state).toBe('ended');
  });

  it('fails what is still expected when the time limit passes', async () => {
    const { testCases, createTestCase, startExecution, summaryOf, recordsOf, timePasses } =
      anEmulatorWithTestCases();
    const { TestCaseId } = createTestCase('Closed on a Monday morning', fixture('expects-closed'));
    const { TestCaseExecutionId } = startExecution(TestCaseId);
    await testCases.whenIdle();

    await timePasses(300);

    expect(summaryOf(TestCaseId, TestCaseExecutionId)).toMatchObject({ Status: 'FAILED' });
    expect(recordsOf(TestCaseId, TestCaseExecutionId).at(-1)?.Record.Reasons).toEqual([
      'expected a message like "We are closed."; the test took longer than 300 s',
    ]);
  });

  it('keeps the published version running while a draft is saved, then publishes the draft', async () => {
    const { instance, request, refusal, testCases, createTestCase, startExecution, summaryOf } =
      anEmulatorWithTestCases();
    const { TestCaseId, TestCaseArn } = createTestCase('File a complaint', fixture('file-a-complaint'));
    expect(TestCaseArn).toMatch(/^arn:aws:connect:eu-west-1:000000000000:instance\/.+\/test-case\/.+$/);

    request('POST', `/test-cases/${instance}/${TestCaseId}`, {
      Status: 'SAVED',
      Content: fixture('invalid'),
    });

    expect(request('GET', `/test-cases/${instance}/${TestCaseId}`).TestCase).toMatchObject({
      Status: 'PUBLISHED',
      Content: fixture('file-a-complaint'),
    });
    expect(
      request('GET', `/test-cases/${instance}/${TestCaseId}`, undefined, { status: 'SAVED' }).TestCase,
    ).toMatchObject({ Status: 'SAVED', Content: fixture('invalid') });
    const { TestCaseExecutionId } = startExecution(TestCaseId);
    await testCases.whenIdle();
    expect(summaryOf(TestCaseId, TestCaseExecutionId).Status).toBe('PASSED');
    expect(
      refusal(() => request('POST', `/test-cases/${instance}/${TestCaseId}`, { Status: 'PUBLISHED' }))
        .errorType,
    ).toBe('InvalidTestCaseException');

    request('POST', `/test-cases/${instance}/${TestCaseId}`, {
      Status: 'PUBLISHED',
      Content: fixture('talk-to-someone'),
      Name: 'Talk to someone',
    });

    expect(request('GET', `/test-cases-summary/${instance}`).TestCaseSummaryList).toEqual([
      expect.objectContaining({ Id: TestCaseId, Name: 'Talk to someone', Status: 'PUBLISHED' }),
    ]);
    expect(
      request('GET', `/test-case-executions/${instance}`, undefined, { testCaseId: TestCaseId })
        .TestCaseExecutions,
    ).toEqual([
      expect.objectContaining({ TestCaseExecutionId, TestCaseId, TestCaseExecutionStatus: 'PASSED' }),
    ]);
    expect(refusal(() => createTestCase('Talk to someone', fixture('talk-to-someone'))).errorType).toBe(
      'DuplicateResourceException',
    );

    request('DELETE', `/test-cases/${instance}/${TestCaseId}`);

    expect(refusal(() => request('GET', `/test-cases/${instance}/${TestCaseId}`)).errorType).toBe(
      'ResourceNotFoundException',
    );
  });
});
