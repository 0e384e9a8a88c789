import { describe, expect, it } from 'vitest';
import { FlowBuilder } from '#infra/flows/lib/builder';
import type { FlowAction, FlowDocument } from '#infra/flows/lib/flow-language';
import { validateFlow } from '#infra/flows/lib/validate';

const LOOKUP_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:CallerLookup';

function actionOf(doc: FlowDocument, id: string): FlowAction {
  const action = doc.Actions.find((a) => a.Identifier === id);
  if (!action) throw new Error(`no action ${id}`);
  return action;
}

function aSmallFlow(): FlowBuilder {
  const flow = new FlowBuilder({ name: 'Test inbound' });
  flow.say('greeting', 'Welcome to the hotline.').then('lookup');
  flow.invokeLambda('lookup', {
    functionArn: LOOKUP_ARN,
    params: { caller: '$.CustomerEndpoint.Address' },
    timeoutSeconds: 3,
    next: 'menu',
    onError: 'goodbye',
  });
  flow.menu('menu', {
    prompt: 'Press 1 to file a complaint.',
    keys: { '1': 'goodbye' },
    onTimeout: 'goodbye',
    onWrongKey: 'goodbye',
  });
  flow.say('goodbye', 'Goodbye.').then('hangup');
  flow.disconnect('hangup');
  return flow;
}

describe('FlowBuilder', () => {
  it('renders a flow-language document that starts at the first action and passes the validator', () => {
    const doc = aSmallFlow().render();

    expect(doc.Version).toBe('2019-10-30');
    expect(doc.StartAction).toBe('greeting');
    expect(doc.Actions.map((a) => a.Identifier)).toEqual(['greeting', 'lookup', 'menu', 'goodbye', 'hangup']);
    expect(validateFlow(doc, { knownLambdaArns: [LOOKUP_ARN] })).toEqual([]);
    expect(doc.Metadata).toMatchObject({
      name: 'Test inbound',
      ActionMetadata: { greeting: { position: {} } },
    });
  });

  it('writes a prompt as MessageParticipant with its error branch going to the same place', () => {
    const doc = aSmallFlow().render();

    expect(actionOf(doc, 'greeting')).toEqual({
      Identifier: 'greeting',
      Type: 'MessageParticipant',
      Parameters: { Text: 'Welcome to the hotline.' },
      Transitions: { NextAction: 'lookup', Errors: [{ NextAction: 'lookup', ErrorType: 'NoMatchingError' }] },
    });
  });

  it('writes a menu as GetParticipantInput with one Equals condition per key and the three input errors', () => {
    const flow = new FlowBuilder();
    flow.menu('menu', {
      prompt: { ssml: '<speak>Press 1 or 2.</speak>' },
      timeoutSeconds: 7,
      keys: { '1': 'one', '2': 'two' },
      onTimeout: 'silence',
      onWrongKey: 'wrong',
    });
    for (const id of ['one', 'two', 'silence', 'wrong']) flow.disconnect(id);

    const menu = actionOf(flow.render(), 'menu');

    expect(menu.Parameters).toEqual({
      SSML: '<speak>Press 1 or 2.</speak>',
      InputTimeLimitSeconds: '7',
      StoreInput: 'False',
    });
    expect(menu.Transitions.Conditions).toEqual([
      { NextAction: 'one', Condition: { Operator: 'Equals', Operands: ['1'] } },
      { NextAction: 'two', Condition: { Operator: 'Equals', Operands: ['2'] } },
    ]);
    expect(menu.Transitions.Errors).toEqual([
      { NextAction: 'silence', ErrorType: 'InputTimeLimitExceeded' },
      { NextAction: 'wrong', ErrorType: 'NoMatchingCondition' },
      { NextAction: 'wrong', ErrorType: 'NoMatchingError' },
    ]);
  });

  it('stores several digits ended by # and checks for the Timeout value when silence has its own branch', () => {
    const flow = new FlowBuilder();
    flow.getDigits('ticket', {
      prompt: 'Enter your ticket number, then the hash key.',
      maxDigits: 8,
      interdigitSeconds: 4,
      next: 'found',
      onTimeout: 'silence',
      onError: 'error',
    });
    for (const id of ['found', 'silence', 'error']) flow.disconnect(id);

    const doc = flow.render();

    expect(actionOf(doc, 'ticket').Parameters).toEqual({
      Text: 'Enter your ticket number, then the hash key.',
      InputTimeLimitSeconds: '8',
      StoreInput: 'True',
      InputValidation: { CustomValidation: { MaximumLength: '8' } },
      DTMFConfiguration: {
        InputTerminationSequence: '#',
        DisableCancelKey: 'False',
        InterdigitTimeLimitSeconds: '4',
      },
    });
    expect(actionOf(doc, 'ticket').Transitions).toEqual({
      NextAction: 'ticket-timeout',
      Errors: [{ NextAction: 'error', ErrorType: 'NoMatchingError' }],
    });
    expect(actionOf(doc, 'ticket-timeout')).toMatchObject({
      Type: 'Compare',
      Parameters: { ComparisonValue: '$.StoredCustomerInput' },
      Transitions: {
        NextAction: 'found',
        Conditions: [{ NextAction: 'silence', Condition: { Operator: 'Equals', Operands: ['Timeout'] } }],
      },
    });
  });

  it('writes a synchronous Lambda call with string-map validation and its parameters', () => {
    const lookup = actionOf(aSmallFlow().render(), 'lookup');

    expect(lookup.Parameters).toEqual({
      LambdaFunctionARN: LOOKUP_ARN,
      InvocationTimeLimitSeconds: '3',
      InvocationType: 'SYNCHRONOUS',
      LambdaInvocationAttributes: { caller: '$.CustomerEndpoint.Address' },
      ResponseValidation: { ResponseType: 'STRING_MAP' },
    });
  });

  it('refuses a Lambda time limit above Connect’s 8 seconds', () => {
    const flow = new FlowBuilder();

    expect(() =>
      flow.invokeLambda('slow', { functionArn: LOOKUP_ARN, timeoutSeconds: 9, next: 'x', onError: 'x' }),
    ).toThrow(/1 to 8/);
  });

  it('passes a CDK token through as the Lambda ARN untouched', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is what a CDK token looks like inside a string
    const token = '${Token[TOKEN.123]}';
    const flow = new FlowBuilder();
    flow.invokeLambda('lookup', { functionArn: token, next: 'bye', onError: 'bye' });
    flow.disconnect('bye');

    expect(flow.toJson()).toContain(JSON.stringify(token).slice(1, -1));
    expect(actionOf(flow.render({ knownLambdaArns: [token] }), 'lookup').Parameters.LambdaFunctionARN).toBe(
      token,
    );
  });

  it('writes hours, queue, callback, attributes, compare and loop steps in their documented shapes', () => {
    const flow = new FlowBuilder();
    flow.checkHours('hours', {
      hoursOfOperationId: 'office-hours',
      open: 'queue',
      closed: 'callback-number',
      onError: 'bye',
    });
    flow.setQueue('queue', 'complaints', { next: 'transfer', onError: 'bye' });
    flow.transferToQueue('transfer', { atCapacity: 'callback-number', onError: 'bye' });
    flow.setCallbackNumber('callback-number', '$.CustomerEndpoint.Address', {
      next: 'callback',
      onInvalid: 'bye',
    });
    flow.createCallback('callback', {
      queueId: 'complaints',
      initialDelaySeconds: 60,
      maxAttempts: 3,
      retryDelaySeconds: 600,
      next: 'remember',
      onError: 'bye',
    });
    flow.setAttributes('remember', { callbackRequested: 'yes' }, { next: 'check' });
    flow.compare(
      'check',
      '$.Attributes.callbackRequested',
      [{ operator: 'TextStartsWith', value: 'y', next: 'again' }],
      'bye',
    );
    flow.loop('again', { count: 1, again: 'hours', done: 'bye' });
    flow.disconnect('bye');

    const doc = flow.render();

    expect(actionOf(doc, 'hours').Transitions.Conditions?.map((c) => c.Condition.Operands[0])).toEqual([
      'True',
      'False',
    ]);
    expect(actionOf(doc, 'transfer')).toEqual({
      Identifier: 'transfer',
      Type: 'TransferContactToQueue',
      Parameters: {},
      Transitions: {
        NextAction: 'bye',
        Errors: [
          { NextAction: 'callback-number', ErrorType: 'QueueAtCapacity' },
          { NextAction: 'bye', ErrorType: 'NoMatchingError' },
        ],
      },
    });
    expect(actionOf(doc, 'callback-number').Transitions.Errors?.map((e) => e.ErrorType)).toEqual([
      'InvalidCallbackNumber',
      'CallbackNumberNotDialable',
    ]);
    expect(actionOf(doc, 'callback').Parameters).toEqual({
      QueueId: 'complaints',
      InitialCallDelaySeconds: '60',
      MaximumConnectionAttempts: '3',
      RetryDelaySeconds: '600',
    });
    expect(actionOf(doc, 'remember').Parameters).toEqual({
      Attributes: { callbackRequested: 'yes' },
      TargetContact: 'Current',
    });
    expect(actionOf(doc, 'check').Transitions.Conditions?.[0]?.Condition).toEqual({
      Operator: 'TextStartsWith',
      Operands: ['y'],
    });
    expect(actionOf(doc, 'again').Transitions.Conditions?.map((c) => c.Condition.Operands[0])).toEqual([
      'ContinueLooping',
      'DoneLooping',
    ]);
  });

  it('refuses an identifier twice and one with characters the flow language forbids', () => {
    const flow = new FlowBuilder();
    flow.disconnect('bye');

    expect(() => flow.disconnect('bye')).toThrow(/defined twice/);
    expect(() => flow.disconnect('a:b')).toThrow(/contains one of/);
  });

  it('fails to render a step left without a next action', () => {
    const flow = new FlowBuilder({ name: 'Unfinished' });
    flow.say('greeting', 'Hello.');

    expect(() => flow.render()).toThrow(/Unfinished.*greeting: MessageParticipant needs a NextAction/s);
    expect(() => flow.render({ validate: false })).not.toThrow();
  });

  it('refuses to be awaited by mistake instead of being given its next action', async () => {
    const flow = new FlowBuilder();

    await expect(Promise.resolve(flow.say('greeting', 'Hello.'))).rejects.toThrow(/is not a promise/);
  });

  it('toJson gives the same document as render, as a string for ContactFlow.Content', () => {
    const flow = aSmallFlow();

    expect(JSON.parse(flow.toJson())).toEqual(flow.render());
  });
});
