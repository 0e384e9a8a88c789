import { describe, expect, it } from 'vitest';
import { FlowBuilder } from '#infra/flows/lib/builder';
import type { FlowAction, FlowDocument } from '#infra/flows/lib/flow-language';
import { assertValidFlow, FlowValidationError, validateFlow } from '#infra/flows/lib/validate';

const LOOKUP_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:CallerLookup';

/** A valid three-step flow to break in one place per test. */
function aValidFlow(): FlowDocument {
  const flow = new FlowBuilder();
  flow.say('greeting', 'Hello.').then('lookup');
  flow.invokeLambda('lookup', { functionArn: LOOKUP_ARN, next: 'bye', onError: 'bye' });
  flow.disconnect('bye');
  return flow.render();
}

function withAction(doc: FlowDocument, id: string, change: (action: FlowAction) => void): FlowDocument {
  const copy = structuredClone(doc);
  const action = copy.Actions.find((a) => a.Identifier === id);
  if (!action) throw new Error(`no action ${id}`);
  change(action);
  return copy;
}

function codes(doc: unknown, knownLambdaArns?: string[]): string[] {
  return validateFlow(doc, knownLambdaArns ? { knownLambdaArns } : {}).map((p) => p.code);
}

describe('validateFlow', () => {
  it('finds nothing wrong with a flow the builder wrote', () => {
    expect(validateFlow(aValidFlow(), { knownLambdaArns: [LOOKUP_ARN] })).toEqual([]);
  });

  it('accepts a prompt without an error branch, as the console exports it', () => {
    const doc = withAction(aValidFlow(), 'greeting', (a) => {
      a.Transitions.Errors = [];
      a.Transitions.Conditions = [];
    });

    expect(validateFlow(doc)).toEqual([]);
  });

  it('accepts attributes set without TargetContact (the current contact)', () => {
    const flow = new FlowBuilder();
    flow.setAttributes('remember', { desk: 'complaints' }, { next: 'bye' });
    flow.disconnect('bye');
    const doc = withAction(flow.render(), 'remember', (a) => {
      delete a.Parameters.TargetContact;
    });

    expect(validateFlow(doc)).toEqual([]);
  });

  it('reports a StartAction that is not an action', () => {
    const doc = { ...aValidFlow(), StartAction: 'nowhere' };

    expect(codes(doc)).toContain('missing-start');
  });

  it('reports a transition to an action that does not exist', () => {
    const doc = withAction(aValidFlow(), 'greeting', (a) => {
      a.Transitions.NextAction = 'lokup';
    });

    const problems = validateFlow(doc);

    expect(problems).toContainEqual(
      expect.objectContaining({
        code: 'dangling-target',
        actionId: 'greeting',
        message: expect.stringContaining('"lokup"'),
      }),
    );
  });

  it('reports an action no path from the start reaches', () => {
    const doc = aValidFlow();
    doc.Actions.push({
      Identifier: 'orphan',
      Type: 'DisconnectParticipant',
      Parameters: {},
      Transitions: {},
    });

    expect(validateFlow(doc)).toContainEqual(
      expect.objectContaining({ code: 'unreachable', actionId: 'orphan' }),
    );
  });

  it('reports a Lambda call without an error branch', () => {
    const doc = withAction(aValidFlow(), 'lookup', (a) => {
      delete a.Transitions.Errors;
    });

    expect(validateFlow(doc)).toContainEqual(
      expect.objectContaining({
        code: 'missing-error-branch',
        message: expect.stringContaining('NoMatchingError'),
      }),
    );
  });

  it('requires a menu to handle silence, a wrong key and any other error', () => {
    const doc = aValidFlow();
    doc.Actions.push({
      Identifier: 'menu',
      Type: 'GetParticipantInput',
      Parameters: { Text: 'Press 1.', InputTimeLimitSeconds: '5', StoreInput: 'False' },
      Transitions: {
        Conditions: [{ NextAction: 'bye', Condition: { Operator: 'Equals', Operands: ['1'] } }],
      },
    });
    doc.Actions[0]!.Transitions.NextAction = 'menu';

    const missing = validateFlow(doc)
      .filter((p) => p.code === 'missing-error-branch')
      .map((p) => p.message);

    expect(missing).toHaveLength(3);
    expect(missing.join(' ')).toMatch(/InputTimeLimitExceeded.*NoMatchingCondition.*NoMatchingError/s);
  });

  it('requires QueueAtCapacity on a transfer to a queue', () => {
    const doc = aValidFlow();
    doc.Actions.push({
      Identifier: 'transfer',
      Type: 'TransferContactToQueue',
      Parameters: {},
      Transitions: { Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingError' }] },
    });
    doc.Actions[0]!.Transitions.NextAction = 'transfer';

    expect(validateFlow(doc)).toContainEqual(
      expect.objectContaining({
        code: 'missing-error-branch',
        message: expect.stringContaining('QueueAtCapacity'),
      }),
    );
  });

  it('says a StoreInput action never times out into InputTimeLimitExceeded', () => {
    const flow = new FlowBuilder();
    flow.getDigits('digits', { prompt: 'Digits.', maxDigits: 4, next: 'bye', onError: 'bye' });
    flow.disconnect('bye');
    const doc = withAction(flow.render(), 'digits', (a) => {
      a.Transitions.Errors?.push({ NextAction: 'bye', ErrorType: 'InputTimeLimitExceeded' });
    });

    expect(codes(doc)).toContain('unexpected-error-branch');
  });

  it('reports a Lambda that is not one of the known functions', () => {
    expect(
      validateFlow(aValidFlow(), {
        knownLambdaArns: ['arn:aws:lambda:eu-west-1:000000000000:function:Other'],
      }),
    ).toContainEqual(expect.objectContaining({ code: 'unknown-lambda', actionId: 'lookup' }));
  });

  it('reports more than 250 actions', () => {
    const flow = new FlowBuilder();
    for (let i = 0; i < 250; i++) flow.say(`step-${i}`, `Step ${i}.`).then(`step-${i + 1}`);
    flow.disconnect('step-250');

    const doc = flow.render({ validate: false });

    expect(doc.Actions).toHaveLength(251);
    expect(codes(doc)).toEqual(['too-many-actions']);
  });

  it('reports the same identifier twice', () => {
    const doc = aValidFlow();
    doc.Actions.push({ Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} });

    expect(codes(doc)).toContain('duplicate-identifier');
  });

  it('reports an action type the emulator does not run', () => {
    const doc = withAction(aValidFlow(), 'bye', (a) => {
      a.Type = 'ConnectParticipantWithLexBot';
    });

    expect(validateFlow(doc)).toContainEqual(
      expect.objectContaining({
        code: 'unsupported-type',
        message: expect.stringContaining('ConnectParticipantWithLexBot'),
      }),
    );
  });

  it('reports a parameter the action type does not know', () => {
    const doc = withAction(aValidFlow(), 'greeting', (a) => {
      a.Parameters.Txt = 'typo';
    });

    expect(validateFlow(doc)).toContainEqual(
      expect.objectContaining({
        code: 'invalid-parameters',
        message: expect.stringContaining('unknown parameter Txt'),
      }),
    );
  });

  it('reports a Lambda time limit over 8 seconds and a reference to flow data that does not exist', () => {
    const doc = withAction(aValidFlow(), 'lookup', (a) => {
      a.Parameters.InvocationTimeLimitSeconds = '9';
      a.Parameters.LambdaInvocationAttributes = { name: '$.Lex.SessionAttributes.name' };
    });

    const messages = validateFlow(doc).map((p) => p.message);

    expect(messages).toContainEqual(
      expect.stringContaining('InvocationTimeLimitSeconds must be between 1 and 8'),
    );
    expect(messages).toContainEqual(expect.stringContaining('unknown flow data $.Lex'));
  });

  it('reports a non-terminal action with nowhere to go', () => {
    const doc = withAction(aValidFlow(), 'lookup', (a) => {
      delete a.Transitions.NextAction;
    });

    expect(codes(doc)).toContain('missing-next');
  });

  it('reports hours checks that do not branch on exactly True and False', () => {
    const flow = new FlowBuilder();
    flow.checkHours('hours', { open: 'bye', closed: 'bye', onError: 'bye' });
    flow.disconnect('bye');
    const doc = withAction(flow.render(), 'hours', (a) => {
      a.Transitions.Conditions = a.Transitions.Conditions?.slice(0, 1);
    });

    expect(codes(doc)).toContain('invalid-conditions');
  });

  it('reads untrusted JSON without throwing', () => {
    expect(codes('not a flow')).toEqual(['invalid-document']);
    expect(codes({ Version: '2019-10-30', StartAction: 'a', Actions: [{ Identifier: 1 }] })).toEqual(
      expect.arrayContaining(['invalid-action', 'missing-start']),
    );
  });

  it('assertValidFlow throws one error listing every problem', () => {
    const doc = withAction(aValidFlow(), 'greeting', (a) => {
      a.Transitions.NextAction = 'lokup';
    });

    expect(() => assertValidFlow(doc, { flowName: 'Inbound' })).toThrow(FlowValidationError);
    expect(() => assertValidFlow(doc, { flowName: 'Inbound' })).toThrow(
      /Flow "Inbound" is invalid:\n {2}- greeting: transition/,
    );
  });
});
