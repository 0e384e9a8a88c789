/**
 * A typed way to write Amazon Connect contact flows in readable steps, rendered to the
 * flow-language JSON that CDK deploys and the local Connect emulator runs.
 *
 *   const flow = new FlowBuilder({ name: 'Hotline inbound' });
 *   flow.say('greeting', 'Welcome to the complaint hotline.').then('menu');
 *   flow.menu('menu', { prompt: 'Press 1 to file a complaint.', keys: { '1': 'file' },
 *                       onTimeout: 'menu-again', onWrongKey: 'wrong-key' });
 *   const json = flow.toJson();
 *
 * Values (Lambda ARNs, queue ids) stay plain strings, so CDK tokens pass straight through.
 */
import type {
  ConditionOperator,
  FlowAction,
  FlowConditionTransition,
  FlowDocument,
  FlowErrorTransition,
  FlowParameters,
} from './flow-language.ts';
import { FLOW_LANGUAGE_VERSION, identifierProblem } from './flow-language.ts';
import { assertValidFlow, type ValidateFlowOptions } from './validate.ts';

/** What the system says: plain text (default), SSML, or a prompt from the instance's library. */
export type Prompt =
  | string
  | { readonly text: string }
  | { readonly ssml: string }
  | { readonly promptId: string };

export interface FlowBuilderOptions {
  readonly name?: string;
  readonly description?: string;
}

export interface MenuOptions {
  readonly prompt: Prompt;
  /** Seconds of silence before `onTimeout`; Connect's console default is 5. */
  readonly timeoutSeconds?: number;
  /** Key (one of 0-9, * or #) to the action it leads to. */
  readonly keys: Readonly<Record<string, string>>;
  readonly onTimeout: string;
  readonly onWrongKey: string;
  /** Anything else going wrong; defaults to `onWrongKey`. */
  readonly onError?: string;
}

export interface GetDigitsOptions {
  readonly prompt: Prompt;
  /** Seconds to wait for the first key. */
  readonly timeoutSeconds?: number;
  /** Most digits accepted; input also ends at the terminator. */
  readonly maxDigits: number;
  /** Key sequence that ends input (up to five keys); default `#`. */
  readonly terminator?: string;
  /** Seconds allowed between two keys before the input ends with what was typed. */
  readonly interdigitSeconds?: number;
  /** Where the stored input (`$.StoredCustomerInput`) goes next. */
  readonly next: string;
  /**
   * Where silence goes. Connect stores the word `Timeout` and takes NextAction when a
   * StoreInput action times out, so this adds a Compare step `<id>-timeout` that checks for it.
   */
  readonly onTimeout?: string;
  readonly onError: string;
}

export interface InvokeLambdaOptions {
  readonly functionArn: string;
  /** Sent as `Details.Parameters`; values may be references such as `$.StoredCustomerInput`. */
  readonly params?: Readonly<Record<string, string>>;
  /** 1 to 8 seconds; default 8. */
  readonly timeoutSeconds?: number;
  /** STRING_MAP (default): the function must return a flat map of strings. */
  readonly responseType?: 'STRING_MAP' | 'JSON';
  readonly next: string;
  readonly onError: string;
}

export interface NextAndError {
  readonly next: string;
  /** Defaults to `next`. */
  readonly onError?: string;
}

export interface CompareCase {
  readonly operator: ConditionOperator;
  readonly value: string;
  readonly next: string;
}

export interface CheckHoursOptions {
  /** Hours-of-operation id or ARN; without it, the hours of the contact's working queue. */
  readonly hoursOfOperationId?: string;
  readonly open: string;
  readonly closed: string;
  readonly onError: string;
}

export interface TransferToQueueOptions {
  readonly atCapacity: string;
  readonly onError: string;
  /**
   * Written as NextAction (default `onError`). Console exports always carry one, but on
   * success the contact is in the queue and this flow is over, so it is never taken.
   */
  readonly next?: string;
}

export interface SetCallbackNumberOptions {
  readonly next: string;
  readonly onInvalid: string;
  /** Defaults to `onInvalid`. */
  readonly onNotDialable?: string;
}

export interface CreateCallbackOptions {
  /** Queue id or ARN; without it, the contact's working queue. */
  readonly queueId?: string;
  readonly initialDelaySeconds: number;
  readonly maxAttempts: number;
  readonly retryDelaySeconds: number;
  readonly contactFlowId?: string;
  readonly callerId?: string;
  readonly next: string;
  readonly onError: string;
}

export interface LoopOptions {
  /** How many times `again` is taken before `done` (0 to 100), or a reference. */
  readonly count: number | string;
  readonly again: string;
  readonly done: string;
}

/** The half-written step returned by `say`, finished by naming where it goes next. */
export interface PendingStep {
  then(next: string, options?: { readonly onError?: string }): FlowBuilder;
}

function promptParameters(prompt: Prompt): FlowParameters {
  if (typeof prompt === 'string') return { Text: prompt };
  if ('text' in prompt) return { Text: prompt.text };
  if ('ssml' in prompt) return { SSML: prompt.ssml };
  return { PromptId: prompt.promptId };
}

function integerString(name: string, value: number, min: number, max: number): string {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return String(value);
}

function equalsCondition(operand: string, next: string): FlowConditionTransition {
  return { NextAction: next, Condition: { Operator: 'Equals', Operands: [operand] } };
}

function errorBranch(errorType: string, next: string): FlowErrorTransition {
  return { NextAction: next, ErrorType: errorType };
}

export class FlowBuilder {
  private readonly actions = new Map<string, FlowAction>();
  private startActionId: string | undefined;

  constructor(private readonly options: FlowBuilderOptions = {}) {}

  /** The action the flow starts with; by default the first one added. */
  start(id: string): this {
    this.startActionId = id;
    return this;
  }

  /** Adds an action as written; the validator still checks it. */
  raw(action: FlowAction): this {
    const problem = identifierProblem(action.Identifier);
    if (problem) throw new Error(`Action identifier "${action.Identifier}" ${problem}`);
    if (this.actions.has(action.Identifier))
      throw new Error(`Action "${action.Identifier}" is defined twice`);
    this.actions.set(action.Identifier, action);
    if (this.startActionId === undefined) this.startActionId = action.Identifier;
    return this;
  }

  private add(
    Identifier: string,
    Type: string,
    Parameters: FlowParameters,
    Transitions: FlowAction['Transitions'],
  ): this {
    return this.raw({ Identifier, Type, Parameters, Transitions });
  }

  /** MessageParticipant: says a prompt, then `.then(next)`. */
  say(id: string, prompt: Prompt): PendingStep {
    const action: FlowAction = {
      Identifier: id,
      Type: 'MessageParticipant',
      Parameters: promptParameters(prompt),
      Transitions: {},
    };
    this.raw(action);
    return {
      // biome-ignore lint/suspicious/noThenProperty: the readable `say(...).then(next)` is the point; an accidental await is refused below
      then: (next, options = {}) => {
        if (typeof next !== 'string') {
          throw new TypeError(`say("${id}") is not a promise: finish it with .then('<next action id>')`);
        }
        action.Transitions = {
          NextAction: next,
          Errors: [errorBranch('NoMatchingError', options.onError ?? next)],
        };
        return this;
      },
    };
  }

  /** GetParticipantInput reading one key and branching on it. */
  menu(id: string, options: MenuOptions): this {
    const conditions = Object.entries(options.keys).map(([key, next]) => {
      if (!/^[0-9*#]$/.test(key)) throw new Error(`Menu ${id}: "${key}" is not a single key 0-9, * or #`);
      return equalsCondition(key, next);
    });
    return this.add(
      id,
      'GetParticipantInput',
      {
        ...promptParameters(options.prompt),
        InputTimeLimitSeconds: integerString(`${id} timeoutSeconds`, options.timeoutSeconds ?? 5, 1, 180),
        StoreInput: 'False',
      },
      {
        NextAction: options.onWrongKey,
        Conditions: conditions,
        Errors: [
          errorBranch('InputTimeLimitExceeded', options.onTimeout),
          errorBranch('NoMatchingCondition', options.onWrongKey),
          errorBranch('NoMatchingError', options.onError ?? options.onWrongKey),
        ],
      },
    );
  }

  /** GetParticipantInput storing several digits (ended by `#`) in `$.StoredCustomerInput`. */
  getDigits(id: string, options: GetDigitsOptions): this {
    const terminator = options.terminator ?? '#';
    if (!/^[0-9*#]{1,5}$/.test(terminator))
      throw new Error(`getDigits ${id}: terminator must be 1-5 keys of 0-9, * or #`);
    const timeoutCheckId = `${id}-timeout`;
    const afterInput = options.onTimeout !== undefined ? timeoutCheckId : options.next;
    this.add(
      id,
      'GetParticipantInput',
      {
        ...promptParameters(options.prompt),
        InputTimeLimitSeconds: integerString(`${id} timeoutSeconds`, options.timeoutSeconds ?? 8, 1, 180),
        StoreInput: 'True',
        InputValidation: {
          CustomValidation: { MaximumLength: integerString(`${id} maxDigits`, options.maxDigits, 1, 100) },
        },
        DTMFConfiguration: {
          InputTerminationSequence: terminator,
          DisableCancelKey: 'False',
          ...(options.interdigitSeconds !== undefined
            ? {
                InterdigitTimeLimitSeconds: integerString(
                  `${id} interdigitSeconds`,
                  options.interdigitSeconds,
                  1,
                  20,
                ),
              }
            : {}),
        },
      },
      { NextAction: afterInput, Errors: [errorBranch('NoMatchingError', options.onError)] },
    );
    if (options.onTimeout !== undefined) {
      this.compare(timeoutCheckId, '$.StoredCustomerInput', { Timeout: options.onTimeout }, options.next);
    }
    return this;
  }

  /** InvokeLambdaFunction (synchronous); the result is read as `$.External.<key>`. */
  invokeLambda(id: string, options: InvokeLambdaOptions): this {
    return this.add(
      id,
      'InvokeLambdaFunction',
      {
        LambdaFunctionARN: options.functionArn,
        InvocationTimeLimitSeconds: integerString(`${id} timeoutSeconds`, options.timeoutSeconds ?? 8, 1, 8),
        InvocationType: 'SYNCHRONOUS',
        ...(options.params && Object.keys(options.params).length > 0
          ? { LambdaInvocationAttributes: { ...options.params } }
          : {}),
        ResponseValidation: { ResponseType: options.responseType ?? 'STRING_MAP' },
      },
      { NextAction: options.next, Errors: [errorBranch('NoMatchingError', options.onError)] },
    );
  }

  /** UpdateContactAttributes on the current contact; values may be references. */
  setAttributes(id: string, attributes: Readonly<Record<string, string>>, options: NextAndError): this {
    return this.add(
      id,
      'UpdateContactAttributes',
      { Attributes: { ...attributes }, TargetContact: 'Current' },
      { NextAction: options.next, Errors: [errorBranch('NoMatchingError', options.onError ?? options.next)] },
    );
  }

  /**
   * Compare: branches on a reference. `cases` maps values to actions (Equals), or lists
   * operators in order; the first match wins, otherwise `fallback`.
   */
  compare(
    id: string,
    reference: string,
    cases: Readonly<Record<string, string>> | readonly CompareCase[],
    fallback: string,
  ): this {
    const conditions: FlowConditionTransition[] = Array.isArray(cases)
      ? (cases as readonly CompareCase[]).map((c) => ({
          NextAction: c.next,
          Condition: { Operator: c.operator, Operands: [c.value] },
        }))
      : Object.entries(cases as Readonly<Record<string, string>>).map(([value, next]) =>
          equalsCondition(value, next),
        );
    return this.add(
      id,
      'Compare',
      { ComparisonValue: reference },
      {
        NextAction: fallback,
        Conditions: conditions,
        Errors: [errorBranch('NoMatchingCondition', fallback)],
      },
    );
  }

  /** CheckHoursOfOperation: `open` in hours, `closed` out of hours. */
  checkHours(id: string, options: CheckHoursOptions): this {
    return this.add(
      id,
      'CheckHoursOfOperation',
      options.hoursOfOperationId !== undefined ? { HoursOfOperationId: options.hoursOfOperationId } : {},
      {
        NextAction: options.closed,
        Conditions: [equalsCondition('True', options.open), equalsCondition('False', options.closed)],
        Errors: [errorBranch('NoMatchingError', options.onError)],
      },
    );
  }

  /** UpdateContactTargetQueue: the queue a later transfer or callback uses. */
  setQueue(id: string, queueId: string, options: { readonly next: string; readonly onError: string }): this {
    return this.add(
      id,
      'UpdateContactTargetQueue',
      { QueueId: queueId },
      { NextAction: options.next, Errors: [errorBranch('NoMatchingError', options.onError)] },
    );
  }

  /** TransferContactToQueue: puts the caller in the working queue; the flow ends there. */
  transferToQueue(id: string, options: TransferToQueueOptions): this {
    return this.add(
      id,
      'TransferContactToQueue',
      {},
      {
        NextAction: options.next ?? options.onError,
        Errors: [
          errorBranch('QueueAtCapacity', options.atCapacity),
          errorBranch('NoMatchingError', options.onError),
        ],
      },
    );
  }

  /** UpdateContactCallbackNumber from a reference such as `$.StoredCustomerInput`. */
  setCallbackNumber(id: string, reference: string, options: SetCallbackNumberOptions): this {
    return this.add(
      id,
      'UpdateContactCallbackNumber',
      { CallbackNumber: reference },
      {
        NextAction: options.next,
        Errors: [
          errorBranch('InvalidCallbackNumber', options.onInvalid),
          errorBranch('CallbackNumberNotDialable', options.onNotDialable ?? options.onInvalid),
        ],
      },
    );
  }

  /** CreateCallbackContact: asks for a call back to the callback number (or the caller's number). */
  createCallback(id: string, options: CreateCallbackOptions): this {
    return this.add(
      id,
      'CreateCallbackContact',
      {
        ...(options.queueId !== undefined ? { QueueId: options.queueId } : {}),
        InitialCallDelaySeconds: integerString(
          `${id} initialDelaySeconds`,
          options.initialDelaySeconds,
          1,
          259_200,
        ),
        MaximumConnectionAttempts: integerString(`${id} maxAttempts`, options.maxAttempts, 1, 100),
        RetryDelaySeconds: integerString(`${id} retryDelaySeconds`, options.retryDelaySeconds, 1, 259_200),
        ...(options.contactFlowId !== undefined ? { ContactFlowId: options.contactFlowId } : {}),
        ...(options.callerId !== undefined ? { CallerId: options.callerId } : {}),
      },
      { NextAction: options.next, Errors: [errorBranch('NoMatchingError', options.onError)] },
    );
  }

  /** Loop: takes `again` `count` times, then `done` once (and starts counting afresh). */
  loop(id: string, options: LoopOptions): this {
    const count =
      typeof options.count === 'number' ? integerString(`${id} count`, options.count, 0, 100) : options.count;
    return this.add(
      id,
      'Loop',
      { LoopCount: count },
      {
        NextAction: options.done,
        Conditions: [
          equalsCondition('ContinueLooping', options.again),
          equalsCondition('DoneLooping', options.done),
        ],
      },
    );
  }

  /** TransferToFlow: continues the contact in another flow. */
  transferToFlow(id: string, contactFlowId: string, options: { readonly onError: string }): this {
    // NextAction mirrors the error branch, as console exports do; on success the contact leaves this flow
    return this.add(
      id,
      'TransferToFlow',
      { ContactFlowId: contactFlowId },
      { NextAction: options.onError, Errors: [errorBranch('NoMatchingError', options.onError)] },
    );
  }

  /** DisconnectParticipant: hangs up. */
  disconnect(id: string): this {
    return this.add(id, 'DisconnectParticipant', {}, {});
  }

  /**
   * The flow-language document. Checked by the validator unless `validate: false`
   * (Lambda ARNs are only checked when `knownLambdaArns` is given).
   */
  render(options: ValidateFlowOptions & { readonly validate?: boolean } = {}): FlowDocument {
    if (this.startActionId === undefined) throw new Error('A flow needs at least one action');
    const actions = [...this.actions.values()].map((action) => structuredClone(action));
    const columns = 6;
    const actionMetadata = Object.fromEntries(
      actions.map((action, index) => [
        action.Identifier,
        { position: { x: 240 + (index % columns) * 260, y: 40 + Math.floor(index / columns) * 220 } },
      ]),
    );
    const doc: FlowDocument = {
      Version: FLOW_LANGUAGE_VERSION,
      StartAction: this.startActionId,
      Metadata: {
        entryPointPosition: { x: 40, y: 40 },
        ActionMetadata: actionMetadata,
        ...(this.options.name !== undefined ? { name: this.options.name } : {}),
        ...(this.options.description !== undefined ? { description: this.options.description } : {}),
        type: 'contactFlow',
        status: 'published',
        hash: {},
      },
      Actions: actions,
    };
    if (options.validate !== false) {
      assertValidFlow(doc, {
        ...(options.knownLambdaArns ? { knownLambdaArns: options.knownLambdaArns } : {}),
        ...(this.options.name !== undefined ? { flowName: this.options.name } : {}),
      });
    }
    return doc;
  }

  /** The document as the JSON string `AWS::Connect::ContactFlow.Content` takes. */
  toJson(
    options: ValidateFlowOptions & { readonly validate?: boolean; readonly space?: number } = {},
  ): string {
    return JSON.stringify(this.render(options), null, options.space);
  }
}
