import { describe, expect, it } from 'vitest';
import type { FlowAction, FlowDocument } from '#infra/flows/lib/flow-language';
import { validateFlow } from '#infra/flows/lib/validate';
import {
  ContactFlowSession,
  type CustomerProfile,
  type FlowSessionHost,
  type LexBotRequest,
  type LexBotResult,
} from '#local/connect/interpreter';
import { FakeClock } from '#local/connect/testing';

const CALLER = '+15551230001';
const BOT_ALIAS = 'arn:aws:lex:eu-west-1:000000000000:bot-alias/HOTLINEBOT/TSTALIASID';

/** An action of a flow; `next` and `errors` name other actions. */
function anAction(
  id: string,
  type: string,
  parameters: FlowAction['Parameters'] = {},
  transitions: FlowAction['Transitions'] = {},
): FlowAction {
  return { Identifier: id, Type: type, Parameters: parameters, Transitions: transitions };
}

const say = (id: string, text: string, next = 'bye') =>
  anAction(id, 'MessageParticipant', { Text: text }, { NextAction: next });
const hangUp = () => anAction('bye', 'DisconnectParticipant');

function aFlow(...actions: FlowAction[]): FlowDocument {
  return { Version: '2019-10-30', StartAction: actions[0]?.Identifier ?? 'bye', Actions: actions };
}

function messages(doc: unknown, options: Parameters<typeof validateFlow>[1] = {}): string[] {
  return validateFlow(doc, options).map((problem) => problem.message);
}

describe('validateFlow on the shapes the Connect console exports', () => {
  it('accepts a prompt and an attribute update without error branches or TargetContact', () => {
    const doc = aFlow(
      anAction(
        'hello',
        'MessageParticipant',
        { Text: 'Welcome.' },
        { NextAction: 'set', Errors: [], Conditions: [] },
      ),
      anAction(
        'set',
        'UpdateContactAttributes',
        { Attributes: { desk: 'complaints' } },
        { NextAction: 'bye', Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingError' }] },
      ),
      hangUp(),
    );

    expect(validateFlow(doc)).toEqual([]);
  });

  it('accepts a queue transfer without Parameters and a Compare against another attribute', () => {
    const doc = aFlow(
      anAction(
        'same',
        'Compare',
        { ComparisonValue: '$.Attributes.desk' },
        {
          NextAction: 'bye',
          Conditions: [
            { NextAction: 'queue', Condition: { Operator: 'Equals', Operands: ['$.Attributes.wanted'] } },
          ],
          Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingCondition' }],
        },
      ),
      anAction(
        'queue',
        'TransferContactToQueue',
        {},
        {
          NextAction: 'bye',
          Errors: [
            { NextAction: 'bye', ErrorType: 'QueueAtCapacity' },
            { NextAction: 'bye', ErrorType: 'NoMatchingError' },
          ],
        },
      ),
      hangUp(),
    );
    const { Parameters: _none, ...transfer } = doc.Actions[1] as FlowAction;
    const exported = { ...doc, Actions: [doc.Actions[0], transfer, doc.Actions[2]] };

    expect(validateFlow(exported)).toEqual([]);
  });

  it('accepts a hold flow whose prompt loop has no transitions at all', () => {
    const doc = aFlow(
      anAction('hold', 'MessageParticipantIteratively', { Messages: [{ Text: 'Please hold.' }] }),
    );

    expect(validateFlow(doc)).toEqual([]);
  });

  it('accepts an orphan block only when told to, as Connect publishes one', () => {
    const doc = aFlow(say('hello', 'Hi.'), hangUp(), anAction('orphan', 'DisconnectParticipant'));

    expect(messages(doc)).toEqual(['orphan: no path from StartAction reaches this action']);
    expect(validateFlow(doc, { allowUnreachable: true })).toEqual([]);
  });
});

describe('validateFlow on the new action types', () => {
  it('lists every problem of a flow at once, each naming its block', () => {
    const doc = aFlow(
      anAction(
        'log',
        'UpdateFlowLoggingBehavior',
        { FlowLoggingBehavior: '$.Attributes.logging' },
        { NextAction: 'hooks' },
      ),
      anAction(
        'hooks',
        'UpdateContactEventHooks',
        { EventHooks: { CustomerQueue: 'queue-flow', Whisper: 'whisper-flow' } },
        { NextAction: 'view' },
      ),
      anAction(
        'view',
        'ShowView',
        { ViewResource: { Id: 'form' }, InvocationTimeLimitSeconds: '60' },
        { NextAction: 'data' },
      ),
      anAction('data', 'UpdateContactData', {}, { NextAction: 'bye' }),
      hangUp(),
    );

    expect(validateFlow(doc)).toEqual([
      expect.objectContaining({
        actionId: 'log',
        message: 'log: FlowLoggingBehavior must be one of Enabled, Disabled',
      }),
      expect.objectContaining({ actionId: 'hooks', message: 'hooks: EventHooks takes at most 1 entry' }),
      expect.objectContaining({
        actionId: 'hooks',
        message: expect.stringContaining('hooks: EventHooks.Whisper is not one of AgentHold, AgentWhisper'),
      }),
      expect.objectContaining({
        code: 'missing-error-branch',
        message: 'view: ShowView needs an Errors branch for NoMatchingError',
      }),
      expect.objectContaining({ message: 'data: UpdateContactData needs at least one contact field to set' }),
    ]);
  });

  it('refuses Contact Lens settings unless agent and customer are both recorded', () => {
    const doc = aFlow(
      anAction(
        'record',
        'UpdateContactRecordingBehavior',
        { RecordingBehavior: { RecordedParticipants: ['Customer'] }, AnalyticsBehavior: { Enabled: 'True' } },
        { NextAction: 'bye' },
      ),
      hangUp(),
    );

    expect(messages(doc)).toEqual([
      'record: AnalyticsBehavior can only be set when RecordedParticipants holds both Agent and Customer',
    ]);
  });

  it('refuses a prompt loop that branches on anything but MessagesInterrupted', () => {
    const doc = aFlow(
      anAction(
        'hold',
        'MessageParticipantIteratively',
        {
          Messages: [{ Text: 'Please hold.' }, { Text: 'a', SSML: '<speak>b</speak>' }],
          InterruptFrequencySeconds: '30',
        },
        { Conditions: [{ NextAction: 'bye', Condition: { Operator: 'Equals', Operands: ['Timeout'] } }] },
      ),
      hangUp(),
    );

    expect(messages(doc)).toEqual([
      'hold: Messages[1] needs exactly one of Text, SSML, PromptId or Media',
      'hold: MessageParticipantIteratively conditions may only be Equals MessagesInterrupted, each once (got Equals Timeout)',
    ]);
  });

  it('refuses a profile search given two ways at once', () => {
    const doc = aFlow(
      anAction(
        'profile',
        'GetCustomerProfile',
        {
          ProfileRequestData: {
            IdentifierName: '_phone',
            IdentifierValue: '$.CustomerEndpoint.Address',
            PhoneNumber: CALLER,
          },
        },
        { NextAction: 'bye' },
      ),
      hangUp(),
    );

    expect(messages(doc)).toEqual([
      expect.stringMatching(/^profile: ProfileRequestData needs exactly one search/),
    ]);
  });

  it('allows a module Return block in modules only', () => {
    const module = aFlow(
      say('hours', 'We open at 8.', 'return'),
      anAction('return', 'EndFlowModuleExecution'),
    );

    expect(validateFlow(module, { kind: 'module' })).toEqual([]);
    expect(validateFlow(module, { kind: 'flow' })).toEqual([
      expect.objectContaining({
        code: 'wrong-flow-kind',
        message: 'return: EndFlowModuleExecution is only available in flow modules',
      }),
    ]);
  });
});

describe('validateFlow and what the local emulator cannot run', () => {
  const lexFlow = () =>
    aFlow(
      anAction(
        'bot',
        'ConnectParticipantWithLexBot',
        { Text: 'How can we help?', LexV2Bot: { AliasArn: BOT_ALIAS } },
        {
          NextAction: 'bye',
          Conditions: [
            { NextAction: 'filed', Condition: { Operator: 'Equals', Operands: ['FileComplaint'] } },
          ],
        },
      ),
      say('filed', 'Filing for $.Lex.Slots.department.'),
      hangUp(),
    );

  it('refuses a Lex block by default, naming it, and the $.Lex data only it would fill', () => {
    expect(messages(lexFlow())).toEqual([
      'bot: ConnectParticipantWithLexBot is not one the emulator runs: no local Lex bot yet (block "Get customer input (Amazon Lex)")',
      'filed: reference $.Lex.Slots.department names unknown flow data $.Lex (only ConnectParticipantWithLexBot sets it: no local Lex bot yet)',
    ]);
  });

  it('accepts the Lex block where the runtime has a bot', () => {
    expect(validateFlow(lexFlow(), { unsupportedActions: [] })).toEqual([]);
  });

  it('refuses any action type the runtime says it lacks', () => {
    const doc = aFlow(
      anAction('module', 'InvokeFlowModule', { FlowModuleId: 'office-hours' }, { NextAction: 'bye' }),
      hangUp(),
    );

    expect(messages(doc, { unsupportedActions: ['InvokeFlowModule'] })).toEqual([
      'module: InvokeFlowModule is not one the emulator runs: the host running it cannot (block "Invoke module")',
    ]);
  });

  it('tells a Connect action it does not implement from a made-up type', () => {
    const doc = aFlow(
      anAction('wait', 'Wait', { TimeLimitSeconds: '10' }, { NextAction: 'play' }),
      anAction('play', 'PlayPrompt', { Text: 'Hi.' }, { NextAction: 'bye' }),
      hangUp(),
    );

    expect(messages(doc)).toEqual([
      'wait: Wait is not one the emulator runs: a Connect action the emulator does not implement',
      'play: PlayPrompt is not one the emulator runs: not an action type of the flow language',
    ]);
  });
});

// ---------------------------------------------------------------------------

interface TestHostOptions {
  readonly modules?: Readonly<Record<string, FlowDocument>>;
  readonly profiles?: readonly CustomerProfile[];
  readonly lex?: (request: LexBotRequest) => LexBotResult;
}

/** A session on a minimal host: flow modules, Customer Profiles and a Lex bot only when given. */
function aSession(options: TestHostOptions = {}) {
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  const lexRequests: LexBotRequest[] = [];
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
    ...(options.modules ? { findFlowModule: (id: string) => options.modules?.[id] } : {}),
    ...(options.profiles ? { customerProfiles: async () => options.profiles ?? [] } : {}),
    ...(options.lex
      ? {
          lexBot: async (request: LexBotRequest) => {
            lexRequests.push(request);
            return options.lex?.(request) ?? { outcome: 'timeout' };
          },
        }
      : {}),
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
  const heard = () => session.transcript.filter((l) => l.speaker === 'system').map((l) => l.text);
  return { clock, session, heard, lexRequests };
}

describe('ContactFlowSession running the new action types', () => {
  it('speaks the prompts after a voice change in that voice and names it as $.TextToSpeechVoiceId', async () => {
    const { session } = aSession();

    await session.start(
      aFlow(
        say('before', 'Hello.', 'voice'),
        anAction(
          'voice',
          'UpdateContactTextToSpeechVoice',
          { TextToSpeechVoice: 'Matthew' },
          { NextAction: 'after' },
        ),
        say('after', 'This is $.TextToSpeechVoiceId.'),
        hangUp(),
      ),
    );

    expect(session.transcript.slice(0, 2)).toEqual([
      { at: expect.any(String), speaker: 'system', text: 'Hello.' },
      { at: expect.any(String), speaker: 'system', text: 'This is Matthew.', voice: 'Matthew' },
    ]);
  });

  it('takes the error branch for an engine Amazon Polly does not have', async () => {
    const { session, heard } = aSession();

    await session.start(
      aFlow(
        anAction(
          'voice',
          'UpdateContactTextToSpeechVoice',
          { TextToSpeechVoice: 'Matthew', TextToSpeechEngine: 'Turbo' },
          { NextAction: 'bye', Errors: [{ NextAction: 'sorry', ErrorType: 'NoMatchingError' }] },
        ),
        say('sorry', 'Default voice.'),
        hangUp(),
      ),
    );

    expect(heard()[0]).toBe('Default voice.');
    expect(session.textToSpeech).toBeUndefined();
  });

  it('runs a flow module and returns to the action after it; module flow attributes stay in the module', async () => {
    const module = aFlow(
      anAction(
        'mark',
        'UpdateFlowAttributes',
        { FlowAttributes: { told: { Value: 'yes' } } },
        { NextAction: 'say' },
      ),
      say('say', 'Module says $.FlowAttributes.told.', 'return'),
      anAction('return', 'EndFlowModuleExecution'),
    );
    const { session, heard } = aSession({ modules: { 'office-hours': module } });

    await session.start(
      aFlow(
        anAction(
          'mine',
          'UpdateFlowAttributes',
          { FlowAttributes: { told: { Value: 'no' } } },
          { NextAction: 'module' },
        ),
        anAction('module', 'InvokeFlowModule', { FlowModuleId: 'office-hours' }, { NextAction: 'after' }),
        say('after', 'Flow says $.FlowAttributes.told.'),
        hangUp(),
      ),
    );

    expect(heard().slice(0, 2)).toEqual(['Module says yes.', 'Flow says no.']);
    expect(session.endReason).toBe('CONTACT_FLOW_DISCONNECT');
  });

  it('fails loudly on a module invocation when the host has no flow modules', async () => {
    const { session } = aSession();

    await session.start(
      aFlow(
        anAction('module', 'InvokeFlowModule', { FlowModuleId: 'office-hours' }, { NextAction: 'bye' }),
        hangUp(),
      ),
    );

    expect(session.failure).toBe(
      'Flow error at action "module": InvokeFlowModule needs flow modules, which this emulator host does not provide (FlowSessionHost.findFlowModule)',
    );
  });

  it('takes the profile branches as Customer Profiles answers', async () => {
    const flow = aFlow(
      anAction(
        'profile',
        'GetCustomerProfile',
        {
          ProfileRequestData: { IdentifierName: '_phone', IdentifierValue: '$.CustomerEndpoint.Address' },
          ProfileResponseData: ['FirstName'],
        },
        {
          NextAction: 'known',
          Errors: [
            { NextAction: 'several', ErrorType: 'MultipleFoundError' },
            { NextAction: 'unknown', ErrorType: 'NoneFoundError' },
            { NextAction: 'plain', ErrorType: 'NoMatchingError' },
          ],
        },
      ),
      say('known', 'Hello $.Customer.FirstName $.Customer.LastName.'),
      say('several', 'Several.'),
      say('unknown', 'Unknown.'),
      say('plain', 'No profiles.'),
      hangUp(),
    );
    const ada = { ProfileId: 'p-1', FirstName: 'Ada', LastName: 'Lovelace' };
    const heardWith = async (profiles?: readonly CustomerProfile[]) => {
      const { session, heard } = aSession(profiles ? { profiles } : {});
      await session.start(flow);
      return { first: heard()[0], customer: session.customer };
    };

    expect(await heardWith([ada])).toEqual({
      first: 'Hello Ada .',
      customer: { ProfileId: 'p-1', FirstName: 'Ada' },
    });
    expect((await heardWith([ada, ada])).first).toBe('Several.');
    expect((await heardWith([])).first).toBe('Unknown.');
    expect((await heardWith()).first).toBe('No profiles.');
  });

  it('asks the Lex bot and branches on the intent, with its slots as $.Lex', async () => {
    const { session, heard, lexRequests } = aSession({
      lex: () => ({
        outcome: 'intent',
        intentName: 'FileComplaint',
        utterance: 'I want to complain about the bins',
        slots: { department: 'waste' },
      }),
    });

    await session.start(
      aFlow(
        anAction(
          'bot',
          'ConnectParticipantWithLexBot',
          {
            Text: 'How can we help?',
            LexV2Bot: { AliasArn: BOT_ALIAS },
            LexSessionAttributes: { caller: '$.CustomerEndpoint.Address' },
          },
          {
            NextAction: 'bye',
            Conditions: [
              { NextAction: 'filed', Condition: { Operator: 'Equals', Operands: ['FileComplaint'] } },
            ],
          },
        ),
        say('filed', 'Filing for $.Lex.Slots.department.'),
        hangUp(),
      ),
    );

    expect(heard().slice(0, 2)).toEqual(['How can we help?', 'Filing for waste.']);
    expect(session.transcript).toContainEqual(
      expect.objectContaining({ speaker: 'caller', text: 'I want to complain about the bins' }),
    );
    expect(lexRequests).toEqual([
      {
        contactId: 'c-1',
        bot: { aliasArn: BOT_ALIAS },
        prompt: 'How can we help?',
        sessionAttributes: { caller: CALLER },
      },
    ]);
  });

  it('keeps a Lex block from running, loudly, on a host without a bot', async () => {
    const { session } = aSession();

    await session.start(
      aFlow(
        anAction(
          'bot',
          'ConnectParticipantWithLexBot',
          { LexV2Bot: { AliasArn: BOT_ALIAS } },
          { NextAction: 'bye' },
        ),
        hangUp(),
      ),
    );

    expect(session.failure).toBe(
      'Flow error at action "bot": action type ConnectParticipantWithLexBot is not supported by the Connect emulator',
    );
  });

  it('ignores keys while the prompts loop and goes on when the clock interrupts them', async () => {
    const { clock, session, heard } = aSession();
    await session.start(
      aFlow(
        anAction(
          'hold',
          'MessageParticipantIteratively',
          { Messages: [{ Text: 'Please hold.' }], InterruptFrequencySeconds: '20' },
          {
            Conditions: [
              { NextAction: 'later', Condition: { Operator: 'Equals', Operands: ['MessagesInterrupted'] } },
            ],
          },
        ),
        say('later', 'Thank you for waiting.'),
        hangUp(),
      ),
    );
    expect(session.awaitingInput).toBe(true);
    expect(session.inputDeadline?.toISOString()).toBe('2026-03-02T09:00:20.000Z');

    await session.pressKeys('1');
    clock.advance(20);
    await session.checkTimeouts();

    expect(heard()).toEqual([
      'Please hold.',
      '[hold] these prompts repeat for 20 s',
      'Thank you for waiting.',
    ]);
    expect(session.trace).toContainEqual(
      expect.objectContaining({ message: 'keys 1 ignored: the flow is not asking for input' }),
    );
    expect(session.endReason).toBe('CONTACT_FLOW_DISCONNECT');
  });
});
