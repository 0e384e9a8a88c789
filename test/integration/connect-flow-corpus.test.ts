/**
 * Flows in the Connect console's export shape (test/fixtures/flows/), one per action type the
 * emulator learned plus combinations, each rung to its end: what the caller hears and the path
 * taken. Broken ones list the problems Connect would refuse them for. Actions that need a host
 * capability the emulator does not offer yet (flow modules, Customer Profiles, Lex) run on a
 * minimal host of this file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '#infra/flows/lib/flow-language';
import { FlowValidationError, validateFlow } from '#infra/flows/lib/validate';
import { createConnectEmulator, type PhoneCallView } from '#local/connect/emulator';
import {
  ContactFlowSession,
  type CustomerProfile,
  type FlowSessionHost,
  type LexBotResult,
} from '#local/connect/interpreter';
import { FakeClock, FakeLambdas } from '#local/connect/testing';

const CALLER = '+15551230001';
const MONDAY_MORNING = '2026-03-02T09:00:00.000Z';
const INTAKE_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:ComplaintIntake';
/** Ids the fixtures refer to each other by, as exported flows do. */
const CUSTOMER_QUEUE_FLOW_ID = '1cd82824-a0ac-4dfa-83f0-b340f78afdc8';
const OFFICE_HOURS_MODULE_ID = '5e663bd4-bcc8-446d-ac7b-d646f24af475';

function fixture(name: string): FlowDocument {
  return JSON.parse(readFileSync(new URL(`../fixtures/flows/${name}.json`, import.meta.url), 'utf8'));
}

/** A hotline answered by one fixture flow, with a complaints queue and a transcription Lambda. */
function aHotlineAnsweredBy(name: string, extraFlows: Readonly<Record<string, FlowDocument>> = {}) {
  const clock = new FakeClock(MONDAY_MORNING);
  const lambdas = new FakeLambdas().on(INTAKE_ARN, () => ({ transcriptionId: 't-1' }));
  const connect = createConnectEmulator({
    clock,
    invokeLambda: lambdas.invoke,
    queues: { complaints: { name: 'Complaints', capacity: 5 } },
    flows: { ...extraFlows, inbound: fixture(name) },
    inboundContactFlowId: 'inbound',
    log: () => undefined,
  });
  return { clock, lambdas, connect };
}

function heard(call: PhoneCallView): string[] {
  return call.transcript.filter((line) => line.speaker === 'system').map((line) => line.text);
}

/** The blocks the call went through, from the flow logs UpdateFlowLoggingBehavior turned on. */
function flowLog(call: PhoneCallView): string[] {
  return call.trace
    .filter((entry) => entry.message.startsWith('[flow log] '))
    .map((entry) => entry.message.slice(11));
}

describe('console-exported flows rung through the Connect emulator', () => {
  it('set-logging-behavior: greets, hangs up, and logs every block after the logging block', async () => {
    const { connect } = aHotlineAnsweredBy('set-logging-behavior');

    const call = await connect.startInboundCall(CALLER);

    expect(heard(call)).toEqual(['Welcome to the complaint hotline.', '(call ended by the system)']);
    expect(flowLog(call)).toEqual(['MessageParticipant', 'DisconnectParticipant']);
    expect(call).toMatchObject({ state: 'ended', disconnectReason: 'CONTACT_FLOW_DISCONNECT' });
  });

  it('set-voice: speaks in the voice the flow chose', async () => {
    const { connect } = aHotlineAnsweredBy('set-voice');

    const call = await connect.startInboundCall(CALLER);

    expect(call.transcript[0]).toMatchObject({
      speaker: 'system',
      text: 'This is the complaint hotline, Matthew speaking.',
      voice: 'Matthew',
    });
  });

  it('set-event-hooks: sets the customer queue flow and queues the caller', async () => {
    const { connect } = aHotlineAnsweredBy('set-event-hooks', {
      [CUSTOMER_QUEUE_FLOW_ID]: fixture('customer-queue'),
    });

    const call = await connect.startInboundCall(CALLER);

    expect(heard(call)).toEqual(['[queued] waiting in queue Complaints for an agent']);
    expect(call.state).toBe('queued');
    expect(call.trace).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining(`CustomerQueue -> arn:aws:connect:`) }),
    );
  });

  it('end-flow-execution: a flow that ends before queueing ends the contact', async () => {
    const { connect } = aHotlineAnsweredBy('end-flow-execution');

    const call = await connect.startInboundCall(CALLER);

    expect(heard(call)[0]).toBe('Thank you for calling the complaint hotline. Goodbye.');
    expect(call).toMatchObject({ state: 'ended', disconnectReason: 'CONTACT_FLOW_DISCONNECT' });
  });

  it('set-recording-behavior: records without the caller hearing anything more', async () => {
    const { connect } = aHotlineAnsweredBy('set-recording-behavior');

    const call = await connect.startInboundCall(CALLER);

    expect(heard(call)).toEqual(['This call may be recorded.', '(call ended by the system)']);
    expect(call.trace).toContainEqual(
      expect.objectContaining({ message: 'recording Agent and Customer, IVR included' }),
    );
  });

  it('start-media-streaming: hands the stream to the Lambda, then stops it', async () => {
    const { connect, lambdas } = aHotlineAnsweredBy('start-media-streaming');

    const call = await connect.startInboundCall(CALLER);

    const [event] = lambdas.eventsFor(INTAKE_ARN);
    const streamArn = `arn:aws:kinesisvideo:eu-west-1:000000000000:stream/connect-local-contact-${call.callId}/0`;
    expect(event?.Details.Parameters).toEqual({ streamArn, startedAt: String(Date.parse(MONDAY_MORNING)) });
    expect(event?.Details.ContactData.MediaStreams.Customer.Audio).toMatchObject({ StreamARN: streamArn });
    expect(heard(call)).toEqual([
      'Please describe your complaint after the tone.',
      '(call ended by the system)',
    ]);
    expect(call.trace.map((entry) => entry.message)).toContain('live media streaming stopped');
  });

  it('show-view-on-voice: a view cannot be shown on a call, so the Error branch speaks instead', async () => {
    const { connect } = aHotlineAnsweredBy('show-view-on-voice');

    const call = await connect.startInboundCall(CALLER);

    expect(heard(call)).toEqual([
      '[view] ShowView (view form) shows a view on chat only; a VOICE contact takes the Error branch',
      'Forms are for chat only. Please tell us your complaint by phone.',
      '(call ended by the system)',
    ]);
  });

  it('set-flow-attributes: a flow attribute drives the check and the greeting', async () => {
    const { connect } = aHotlineAnsweredBy('set-flow-attributes');

    const call = await connect.startInboundCall(CALLER);

    expect(heard(call)[0]).toBe('Welcome to the complaint desk.');
    expect(call.attributes).toEqual({});
  });

  it('loop-prompts: holds with prompts, interrupted every 30 seconds, twice, then goodbye', async () => {
    const { connect, clock } = aHotlineAnsweredBy('loop-prompts');
    const { callId } = await connect.startInboundCall(CALLER);
    const holding = [
      'Please stay on the line.',
      'Your complaint matters to us.',
      '[hold] these prompts repeat for 30 s',
    ];
    expect(heard(connect.getCall(callId)!)).toEqual(['All lines are busy.', ...holding]);

    await connect.pressKeys(callId, '0');
    clock.advance(30);
    await connect.tick();
    expect(heard(connect.getCall(callId)!)).toEqual(['All lines are busy.', ...holding, ...holding]);

    clock.advance(30);
    await connect.tick();
    const call = connect.getCall(callId)!;
    expect(heard(call).slice(-2)).toEqual([
      'Sorry for the wait. Please call again later.',
      '(call ended by the system)',
    ]);
    expect(call.state).toBe('ended');
  });

  it('set-contact-data: the contact gets a name and a language the prompts can read', async () => {
    const { connect } = aHotlineAnsweredBy('set-contact-data');

    const call = await connect.startInboundCall(CALLER);

    expect(heard(call)[0]).toBe('Your call is filed as Complaint call, in en-US.');
  });

  it('combined-console-export: relaxed console shapes take the caller to the queue on 1', async () => {
    const { connect } = aHotlineAnsweredBy('combined-console-export');
    const { callId } = await connect.startInboundCall(CALLER);

    const call = await connect.pressKeys(callId, '1');

    expect(heard(call)).toEqual([
      'Welcome to the complaint hotline.',
      'Press 1 to talk to someone.',
      '[queued] waiting in queue Complaints for an agent',
    ]);
    expect(flowLog(call)).toEqual([
      'UpdateContactTextToSpeechVoice',
      'UpdateContactRecordingBehavior',
      'UpdateContactAttributes',
      'MessageParticipant',
      'GetParticipantInput',
      'Compare',
      'UpdateContactTargetQueue',
      'TransferContactToQueue',
    ]);
    expect(call).toMatchObject({
      state: 'queued',
      attributes: { desk: 'complaints', expected: 'complaints' },
    });
  });

  it('combined-console-export: silence twice says goodbye through the Loop', async () => {
    const { connect, clock } = aHotlineAnsweredBy('combined-console-export');
    const { callId } = await connect.startInboundCall(CALLER);

    clock.advance(5);
    await connect.tick();
    clock.advance(5);
    await connect.tick();

    const call = connect.getCall(callId)!;
    expect(heard(call).slice(-3)).toEqual([
      'Press 1 to talk to someone.',
      'Goodbye.',
      '(call ended by the system)',
    ]);
    expect(flowLog(call).filter((type) => type === 'Loop')).toHaveLength(2);
  });

  it('combined-hold-and-view: voice, streaming and a hold, then the view the call cannot show', async () => {
    const { connect, clock } = aHotlineAnsweredBy('combined-hold-and-view');
    const { callId } = await connect.startInboundCall(CALLER);
    expect(connect.getCall(callId)?.transcript[0]).toMatchObject({
      text: 'Your complaint matters to us.',
      voice: 'Amy',
    });

    clock.advance(45);
    await connect.tick();

    const call = connect.getCall(callId)!;
    expect(heard(call).slice(-3)).toEqual([
      '[view] ShowView (view detail) shows a view on chat only; a VOICE contact takes the Error branch',
      'Thank you for holding. Goodbye.',
      '(call ended by the system)',
    ]);
  });
});

// ---------------------------------------------------------------------------

interface HostOptions {
  readonly modules?: Readonly<Record<string, FlowDocument>>;
  readonly profiles?: readonly CustomerProfile[];
  readonly lex?: LexBotResult;
}

/** A call on a minimal host that offers flow modules, Customer Profiles and a Lex bot. */
async function aCallOnATestHost(name: string, options: HostOptions = {}) {
  const clock = new FakeClock(MONDAY_MORNING);
  const host: FlowSessionHost = {
    clock,
    invokeLambda: async () => ({}),
    findFlow: () => undefined,
    findQueue: () => undefined,
    isOpen: () => true,
    enqueue: () => 'queued',
    requestCallback: () => undefined,
    isDialable: () => true,
    sessionEnded: () => undefined,
    findFlowModule: (id) => options.modules?.[id],
    customerProfiles: async () => options.profiles ?? [],
    lexBot: async () => options.lex ?? { outcome: 'timeout' },
  };
  const session = new ContactFlowSession(
    host,
    {
      contactId: 'c-1',
      initialContactId: 'c-1',
      instanceArn: 'arn:aws:connect:eu-west-1:000000000000:instance/5a1b7c3e-0000-4000-8000-00000000c0de',
      initiationMethod: 'INBOUND',
      customerAddress: CALLER,
      systemAddress: '+15550100100',
    },
    [],
  );
  await session.start(fixture(name));
  return {
    session,
    heard: session.transcript.filter((line) => line.speaker === 'system').map((line) => line.text),
    flowLog: session.trace.filter((e) => e.message.startsWith('[flow log] ')).map((e) => e.message.slice(11)),
  };
}

const officeHours = { [OFFICE_HOURS_MODULE_ID]: fixture('module-office-hours') };

describe('console-exported flows that need flow modules, Customer Profiles or Lex', () => {
  it('invoke-flow-module: runs the module and comes back; its flow attribute stays behind', async () => {
    const { session, heard } = await aCallOnATestHost('invoke-flow-module', { modules: officeHours });

    expect(heard).toEqual([
      'Welcome to the complaint hotline.',
      'Our complaint desk is open on weekdays from 8 to 17.',
      'Heard the hours: yes. Module flow attribute here: [].',
    ]);
    expect(session.attributes).toEqual({ heardHours: 'yes' });
    expect(session.endReason).toBe('CONTACT_FLOW_DISCONNECT');
  });

  it('invoke-flow-module: a module the instance does not have takes the error branch', async () => {
    const { heard } = await aCallOnATestHost('invoke-flow-module', { modules: {} });

    expect(heard).toEqual(['Welcome to the complaint hotline.', 'The office hours are not available.']);
  });

  it('get-customer-profile: greets a known caller by name, and says so when nobody or several match', async () => {
    const ada = { ProfileId: 'p-1', FirstName: 'Ada', LastName: 'Lovelace', EmailAddress: 'ada@example.org' };

    expect((await aCallOnATestHost('get-customer-profile', { profiles: [ada] })).heard[0]).toBe(
      'Hello Ada Lovelace.',
    );
    expect((await aCallOnATestHost('get-customer-profile', { profiles: [] })).heard[0]).toBe(
      'Hello. We do not know this number yet.',
    );
    expect((await aCallOnATestHost('get-customer-profile', { profiles: [ada, ada] })).heard[0]).toBe(
      'Hello. Several customers share this number.',
    );
  });

  it('lex-menu: routes on the intent the bot heard and reads its slots', async () => {
    const { heard } = await aCallOnATestHost('lex-menu', {
      lex: { outcome: 'intent', intentName: 'FileComplaint', slots: { department: 'waste' } },
    });

    expect(heard).toEqual([
      'How can we help with your complaint?',
      'Let us file it. The waste department will hear from you.',
    ]);
  });

  it('lex-menu: silence takes the InputTimeLimitExceeded branch', async () => {
    const { heard } = await aCallOnATestHost('lex-menu', { lex: { outcome: 'timeout' } });

    expect(heard[1]).toBe('Sorry, I did not hear anything.');
  });

  it('combined-intake-with-module: contact data, a profile and a module in one call', async () => {
    const { session, heard, flowLog } = await aCallOnATestHost('combined-intake-with-module', {
      modules: officeHours,
      profiles: [{ ProfileId: 'p-2', FirstName: 'Grace', AccountNumber: 'A-17' }],
    });

    expect(heard).toEqual([
      'Good morning, Grace. Account A-17.',
      'Our complaint desk is open on weekdays from 8 to 17.',
      'Good morning again, in en-GB.',
    ]);
    expect(flowLog).toEqual([
      'UpdateContactData',
      'UpdateFlowAttributes',
      'GetCustomerProfile',
      'MessageParticipant',
      'InvokeFlowModule',
      'UpdateFlowAttributes',
      'UpdateContactAttributes',
      'MessageParticipant',
      'EndFlowModuleExecution',
      'MessageParticipant',
      'DisconnectParticipant',
    ]);
    expect(session.contactData).toEqual({ name: 'Complaint intake', languageCode: 'en-GB' });
  });
});

describe('broken console exports list every problem', () => {
  it('broken-structure: a made-up block type, a dangling NextAction, an unknown operator, a missing time limit', () => {
    const { connect } = aHotlineAnsweredBy('set-logging-behavior');
    const doc = fixture('broken-structure');

    expect(validateFlow(doc).map((p) => p.message)).toEqual([
      '3b8b619e-aae9-4ecb-b263-099e725be7bb: PlayPrompt is not one the emulator runs: not an action type of the flow language',
      '376efa3d-2b63-4934-8605-9f2d7532cd80: parameter InvocationTimeLimitSeconds is required',
      'e9e60e1c-d19c-4c2e-a4eb-c877b5c6b6fc: condition 1 has unknown operator GreaterThan',
      '626cfae4-b0dc-4dd1-8fb9-ae388712bc33: transition to "b0000000-0000-4000-8000-00000000dead", which is not an action of this flow',
    ]);
    expect(() => connect.registerFlow('broken', doc)).toThrow(FlowValidationError);
  });

  it('broken-module-blocks: a Return outside a module, a Wait block, two event hooks in one block', () => {
    expect(
      validateFlow(fixture('broken-module-blocks'), { kind: 'flow' }).map((p) => [p.code, p.message]),
    ).toEqual([
      ['invalid-parameters', '0f284717-b56a-4769-9dce-38317ceda553: EventHooks takes at most 1 entry'],
      [
        'invalid-parameters',
        '0f284717-b56a-4769-9dce-38317ceda553: EventHooks.CustomerQueueFlow is not one of AgentHold, AgentWhisper, CustomerHold, CustomerQueue, CustomerRemaining, CustomerWhisper, DefaultAgentUI, DisconnectAgentUI, PauseContact, ResumeContact',
      ],
      [
        'unsupported-type',
        '36915b8a-927a-4c60-a34c-6a467bb23959: Wait is not one the emulator runs: a Connect action the emulator does not implement',
      ],
      [
        'wrong-flow-kind',
        '80b1886d-d62e-4c44-98c2-72262f04de3f: EndFlowModuleExecution is only available in flow modules',
      ],
    ]);
  });

  it('broken-lex-and-view: the emulator has no Lex bot, and a view needs its Error branch', () => {
    const doc = fixture('broken-lex-and-view');
    const viewProblem =
      '7e52af97-c67d-488f-8f7c-de6b02305963: ShowView needs an Errors branch for NoMatchingError';

    expect(validateFlow(doc).map((p) => p.message)).toEqual([
      'e9737968-1a7a-40aa-9eae-707faf64db6c: ConnectParticipantWithLexBot is not one the emulator runs: no local Lex bot yet (block "Get customer input (Amazon Lex)")',
      '42b65104-9ebf-4ced-b57d-72e75d9c3898: reference $.Lex.IntentName names unknown flow data $.Lex (only ConnectParticipantWithLexBot sets it: no local Lex bot yet)',
      viewProblem,
    ]);
    expect(validateFlow(doc, { unsupportedActions: [] }).map((p) => p.message)).toEqual([viewProblem]);
  });
});
