/**
 * Runs one contact through flow-language documents, action by action, the way Amazon
 * Connect does: prompts go to the transcript, key presses feed GetParticipantInput,
 * Lambdas get real ContactFlowEvent payloads, and silence is measured on the injected
 * clock. What the emulator cannot run is a loud FlowRuntimeError, never a silent guess.
 */
import type { ConnectContactFlowEvent, ConnectContactFlowInitiationMethod } from 'aws-lambda';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import {
  ACTION_CATALOG,
  conditionProblems,
  isSupportedActionType,
  parameterProblems,
  parseWholeReference,
} from '#infra/flows/lib/action-catalog';
import type { ConditionOperator, FlowAction, FlowDocument } from '#infra/flows/lib/flow-language';
import type { Clock } from '#shared/ports/clock';
import { type FlowData, FlowRuntimeError, resolveReference, resolveValue } from './flow-data.ts';

export { FlowRuntimeError } from './flow-data.ts';

/** Connect's limit on a Lambda response and on a contact's attributes. */
export const MAX_LAMBDA_RESPONSE_BYTES = 32 * 1024;
export const MAX_CONTACT_ATTRIBUTES_BYTES = 32 * 1024;
/** How long a StoreInput action waits between keys when the flow does not say. */
export const DEFAULT_INTERDIGIT_SECONDS = 5;
/** Actions in a row without waiting for the caller before the emulator calls it an endless loop. */
const MAX_STEPS_WITHOUT_INPUT = 500;

export type LambdaInvoker = (
  functionArn: string,
  event: ConnectContactFlowEvent,
  timeoutMs: number,
) => Promise<unknown>;

export interface TranscriptLine {
  readonly at: string;
  readonly speaker: 'system' | 'caller';
  readonly text: string;
}

export interface TraceEntry {
  readonly at: string;
  readonly actionId?: string;
  readonly message: string;
}

export interface QueueRef {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly outboundCallerId?: string;
}

export interface CallbackRequest {
  readonly requestedAt: string;
  readonly contactId: string;
  readonly instanceArn: string;
  /** The contact's callback number (UpdateContactCallbackNumber) or else the caller's number. */
  readonly customerNumber: string;
  readonly queueId: string;
  readonly queueArn: string;
  readonly queueName: string;
  readonly initialCallDelaySeconds: number;
  readonly maximumConnectionAttempts: number;
  readonly retryDelaySeconds: number;
  readonly contactFlowId?: string;
  readonly callerId?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Voice disconnect reasons as Connect records them (contact events, DescribeContact). */
export type DisconnectReason =
  | 'CUSTOMER_DISCONNECT'
  | 'CONTACT_FLOW_DISCONNECT'
  | 'TELECOM_BUSY'
  | 'TELECOM_TIMEOUT'
  // the network lost the call (the phone simulator's "drop")
  | 'TELECOM_PROBLEM'
  | 'OTHER';

/** What the session needs from the emulator around it. */
export interface FlowSessionHost {
  readonly clock: Clock;
  readonly invokeLambda: LambdaInvoker;
  findFlow(idOrArn: string): FlowDocument | undefined;
  findQueue(idOrArn: string): QueueRef | undefined;
  /** In hours? undefined when nothing says (no hours id and no working queue). Unknown ids throw. */
  isOpen(hoursOfOperationId: string | undefined, queue: QueueRef | undefined): boolean | undefined;
  enqueue(session: ContactFlowSession, queue: QueueRef): 'queued' | 'at-capacity';
  requestCallback(request: CallbackRequest): void | Promise<void>;
  isDialable(e164: string): boolean;
  sessionEnded(session: ContactFlowSession, reason: DisconnectReason): void | Promise<void>;
  log?(message: string): void;
}

export interface ContactIdentity {
  readonly contactId: string;
  readonly initialContactId: string;
  readonly previousContactId?: string;
  readonly instanceArn: string;
  readonly initiationMethod: ConnectContactFlowInitiationMethod;
  /** The caller (inbound) or the person called (outbound), E.164. */
  readonly customerAddress: string;
  /** The instance's number on this call, E.164. */
  readonly systemAddress: string;
}

export type SessionStatus = 'idle' | 'running' | 'awaiting-input' | 'queued' | 'ended';

interface PendingInput {
  readonly action: FlowAction;
  readonly store: boolean;
  startedAt: number;
  readonly limitMs: number;
  digits: string;
  lastKeyAt: number | undefined;
  readonly terminator: string;
  readonly maxLength: number;
  readonly interdigitMs: number;
  readonly cancelKeyEnabled: boolean;
}

type StepResult =
  | { readonly kind: 'goto'; readonly target: string }
  | { readonly kind: 'wait' }
  | { readonly kind: 'stop' };

const STOP: StepResult = { kind: 'stop' };
const WAIT: StepResult = { kind: 'wait' };
const E164 = /^\+[1-9]\d{6,14}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function attributesBytes(attributes: Record<string, string>): number {
  return Object.entries(attributes).reduce(
    (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
}

/** Why a Lambda result is unusable for the flow, or undefined when it is fine. */
export function lambdaResultProblem(result: unknown, responseType: string): string | undefined {
  if (!isRecord(result)) return `returned ${Array.isArray(result) ? 'a list' : typeof result}, not an object`;
  const bytes = Buffer.byteLength(JSON.stringify(result));
  if (bytes > MAX_LAMBDA_RESPONSE_BYTES)
    return `returned ${bytes} bytes, more than the 32 KB Connect accepts`;
  if (responseType === 'STRING_MAP') {
    for (const [key, value] of Object.entries(result)) {
      if (typeof value !== 'string' && value !== null) {
        return `returned a non-string value for "${key}" (${Array.isArray(value) ? 'list' : typeof value}); STRING_MAP needs a flat map of strings`;
      }
    }
  }
  return undefined;
}

async function withRealTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no response within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function compare(operator: ConditionOperator, value: string, operand: string): boolean {
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  switch (operator) {
    case 'Equals':
      return value === operand;
    case 'TextStartsWith':
      return value.startsWith(operand);
    case 'TextEndsWith':
      return value.endsWith(operand);
    case 'TextContains':
      return value.includes(operand);
    case 'NumberGreaterThan':
      return number(value) > number(operand);
    case 'NumberGreaterOrEqualTo':
      return number(value) >= number(operand);
    case 'NumberLessThan':
      return number(value) < number(operand);
    case 'NumberLessOrEqualTo':
      return number(value) <= number(operand);
  }
}

/** One contact's run through its flow(s). */
export class ContactFlowSession {
  status: SessionStatus = 'idle';
  attributes: Record<string, string>;
  external: Record<string, unknown> = {};
  storedCustomerInput: string | undefined;
  targetQueue: QueueRef | undefined;
  callbackNumber: string | undefined;
  /** Set when the emulator could not run the flow; the contact is then ended. */
  failure: string | undefined;
  endReason: DisconnectReason | undefined;
  currentActionId: string | undefined;
  readonly trace: TraceEntry[] = [];

  private actions = new Map<string, FlowAction>();
  private input: PendingInput | undefined;
  private keyBuffer = '';
  private scriptedKeys = '';
  private readonly loopCounters = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: FlowSessionHost,
    readonly identity: ContactIdentity,
    readonly transcript: TranscriptLine[],
    initialAttributes: Readonly<Record<string, string>> = {},
  ) {
    this.attributes = { ...initialAttributes };
  }

  /** A method, not a field comparison, so TypeScript does not assume an await left it unchanged. */
  private inFlight = 0;

  isEnded(): boolean {
    return this.status === 'ended';
  }

  get awaitingInput(): boolean {
    return this.status === 'awaiting-input';
  }

  /** When silence next changes something (input timeout or end of digits), if the caller is being asked. */
  get inputDeadline(): Date | undefined {
    return this.input ? new Date(this.deadlineOf(this.input)) : undefined;
  }

  /** Keys the person called will press when asked (an outbound number's behaviour). */
  setScriptedKeys(keys: string): void {
    this.scriptedKeys = keys;
  }

  start(flow: FlowDocument): Promise<void> {
    return this.serialized(async () => {
      this.switchToFlow(flow);
      this.status = 'running';
      await this.runFrom(flow.StartAction);
    });
  }

  pressKeys(digits: string): Promise<void> {
    return this.serialized(async () => {
      if (this.isEnded()) return;
      await this.applyTimeouts();
      if (this.isEnded()) return;
      this.say('caller', `pressed ${digits}`);
      if (this.status !== 'awaiting-input') {
        this.note(`keys ${digits} ignored: the flow is not asking for input`);
        return;
      }
      this.keyBuffer += digits;
      await this.continueWith(this.consumeKeys());
    });
  }

  /** Applies input time limits that the clock has passed; the runtime calls it after time moves. */
  checkTimeouts(): Promise<void> {
    return this.serialized(() => this.applyTimeouts());
  }

  /** Ends the contact now, even while a Lambda is running; the flow stops at its next step. */
  async end(reason: DisconnectReason): Promise<void> {
    if (this.isEnded()) return;
    this.status = 'ended';
    this.endReason = reason;
    this.input = undefined;
    this.keyBuffer = '';
    await this.host.sessionEnded(this, reason);
  }

  // -------------------------------------------------------------------------

  /** Nothing queued or running on this contact (its Lambdas returned, its blocks ran). */
  isSettled(): boolean {
    return this.inFlight === 0;
  }

  private serialized(operation: () => Promise<void>): Promise<void> {
    this.inFlight += 1;
    const run = this.chain.then(async () => {
      try {
        await operation();
      } catch (error) {
        await this.fail(error);
      } finally {
        this.inFlight -= 1;
      }
    });
    this.chain = run;
    return run;
  }

  private async fail(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const where = this.currentActionId ? ` at action "${this.currentActionId}"` : '';
    this.failure = `${error instanceof FlowRuntimeError ? 'Flow error' : 'Emulator error'}${where}: ${message}`;
    this.host.log?.(`contact ${this.identity.contactId}: ${this.failure}`);
    this.note(this.failure);
    this.say('system', `[emulator] ${this.failure}`);
    await this.end('OTHER');
  }

  private now(): number {
    return this.host.clock.now().getTime();
  }

  private say(speaker: TranscriptLine['speaker'], text: string): void {
    this.transcript.push({ at: this.host.clock.now().toISOString(), speaker, text });
  }

  private note(message: string): void {
    this.trace.push({
      at: this.host.clock.now().toISOString(),
      ...(this.currentActionId !== undefined ? { actionId: this.currentActionId } : {}),
      message,
    });
  }

  private switchToFlow(flow: FlowDocument): void {
    this.actions = new Map(flow.Actions.map((action) => [action.Identifier, action]));
  }

  private flowData(): FlowData {
    const queue = this.targetQueue;
    return {
      Attributes: this.attributes,
      External: this.external,
      ...(this.storedCustomerInput !== undefined ? { StoredCustomerInput: this.storedCustomerInput } : {}),
      CustomerEndpoint: { Address: this.identity.customerAddress, Type: 'TELEPHONE_NUMBER' },
      SystemEndpoint: { Address: this.identity.systemAddress, Type: 'TELEPHONE_NUMBER' },
      ...(queue
        ? {
            Queue: {
              Name: queue.name,
              ARN: queue.arn,
              ...(queue.outboundCallerId ? { OutboundCallerId: queue.outboundCallerId } : {}),
            },
          }
        : {}),
      ContactId: this.identity.contactId,
      InitialContactId: this.identity.initialContactId,
      ...(this.identity.previousContactId ? { PreviousContactId: this.identity.previousContactId } : {}),
      Channel: 'VOICE',
      InstanceARN: this.identity.instanceArn,
      InitiationMethod: this.identity.initiationMethod,
    };
  }

  private resolve(value: unknown): string {
    if (typeof value !== 'string')
      throw new FlowRuntimeError(`expected a string parameter, got ${typeof value}`);
    return resolveValue(this.flowData(), value);
  }

  private async continueWith(result: StepResult): Promise<void> {
    if (result.kind === 'goto') await this.runFrom(result.target);
  }

  private async runFrom(actionId: string): Promise<void> {
    let target = actionId;
    for (let steps = 1; ; steps++) {
      if (this.isEnded()) return;
      if (steps > MAX_STEPS_WITHOUT_INPUT) {
        throw new FlowRuntimeError(
          `${MAX_STEPS_WITHOUT_INPUT} actions ran without waiting for the caller: endless loop?`,
        );
      }
      const action = this.actions.get(target);
      if (!action) throw new FlowRuntimeError(`the flow has no action "${target}" to go to`);
      this.currentActionId = target;
      this.status = 'running';
      this.assertRunnable(action);
      const result = await this.execute(action);
      if (this.isEnded()) return;
      if (result.kind === 'goto') {
        target = result.target;
        continue;
      }
      if (result.kind === 'wait') this.status = 'awaiting-input';
      return;
    }
  }

  /** The loud check that keeps flows and emulator from drifting apart. */
  private assertRunnable(action: FlowAction): void {
    if (!isSupportedActionType(action.Type)) {
      throw new FlowRuntimeError(`action type ${action.Type} is not supported by the Connect emulator`);
    }
    const problems = [
      ...parameterProblems(action.Type, action.Parameters),
      ...conditionProblems(action, ACTION_CATALOG[action.Type].conditions(action)),
    ];
    if (problems.length > 0) {
      throw new FlowRuntimeError(`${action.Type} cannot run: ${problems.join('; ')}`);
    }
  }

  private next(action: FlowAction): StepResult {
    const target = action.Transitions.NextAction;
    if (target === undefined) throw new FlowRuntimeError(`${action.Type} succeeded but has no NextAction`);
    return { kind: 'goto', target };
  }

  /** The branch for an error: its own ErrorType, else the NoMatchingError catch-all. */
  private onError(action: FlowAction, errorType: string, why?: string): StepResult {
    if (why) this.note(`${errorType}: ${why}`);
    const errors = action.Transitions.Errors ?? [];
    const branch =
      errors.find((e) => e.ErrorType === errorType) ?? errors.find((e) => e.ErrorType === 'NoMatchingError');
    if (!branch) {
      throw new FlowRuntimeError(
        `${action.Type} raised ${errorType}${why ? ` (${why})` : ''} and has no Errors branch for it`,
      );
    }
    return { kind: 'goto', target: branch.NextAction };
  }

  private matchCondition(action: FlowAction, value: string): string | undefined {
    for (const entry of action.Transitions.Conditions ?? []) {
      const operand = entry.Condition.Operands[0] ?? '';
      if (compare(entry.Condition.Operator, value, operand)) return entry.NextAction;
    }
    return undefined;
  }

  private promptText(parameters: FlowAction['Parameters']): string | undefined {
    if (parameters.Text !== undefined) return this.resolve(parameters.Text);
    if (parameters.SSML !== undefined) {
      return this.resolve(parameters.SSML)
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    }
    if (parameters.PromptId !== undefined) return `[prompt ${this.resolve(parameters.PromptId)}]`;
    const media = parameters.Media;
    if (isRecord(media)) return `[audio ${String(media.Uri)}]`;
    return undefined;
  }

  private execute(action: FlowAction): Promise<StepResult> | StepResult {
    switch (action.Type) {
      case 'MessageParticipant': {
        const text = this.promptText(action.Parameters);
        if (text !== undefined) this.say('system', text);
        return this.next(action);
      }
      case 'GetParticipantInput':
        return this.askForInput(action);
      case 'InvokeLambdaFunction':
        return this.invokeLambda(action);
      case 'UpdateContactAttributes':
        return this.updateAttributes(action);
      case 'Compare': {
        const value = this.resolve(action.Parameters.ComparisonValue);
        const target = this.matchCondition(action, value);
        return target !== undefined
          ? { kind: 'goto', target }
          : this.onError(action, 'NoMatchingCondition', `no condition matched "${value}"`);
      }
      case 'CheckHoursOfOperation':
        return this.checkHours(action);
      case 'UpdateContactTargetQueue': {
        const queueId = this.resolve(action.Parameters.QueueId);
        const queue = this.host.findQueue(queueId);
        if (!queue) return this.onError(action, 'NoMatchingError', `no queue "${queueId}" in this instance`);
        this.targetQueue = queue;
        return this.next(action);
      }
      case 'TransferContactToQueue':
        return this.transferToQueue(action);
      case 'UpdateContactCallbackNumber':
        return this.updateCallbackNumber(action);
      case 'CreateCallbackContact':
        return this.createCallback(action);
      case 'DisconnectParticipant':
        return this.end('CONTACT_FLOW_DISCONNECT').then(() => STOP);
      case 'Loop':
        return this.loop(action);
      case 'TransferToFlow': {
        const flowId = this.resolve(action.Parameters.ContactFlowId);
        const flow = this.host.findFlow(flowId);
        if (!flow) return this.onError(action, 'NoMatchingError', `no flow "${flowId}" in this instance`);
        this.note(`transferred to flow ${flowId}`);
        this.switchToFlow(flow);
        return { kind: 'goto', target: flow.StartAction };
      }
      default:
        throw new FlowRuntimeError(`action type ${action.Type} is not supported by the Connect emulator`);
    }
  }

  // --- input --------------------------------------------------------------

  private askForInput(action: FlowAction): StepResult {
    const p = action.Parameters;
    const text = this.promptText(p);
    if (text !== undefined) this.say('system', text);
    const store = str(p.StoreInput)?.toLowerCase() === 'true';
    const dtmf = isRecord(p.DTMFConfiguration) ? p.DTMFConfiguration : {};
    const validation = isRecord(p.InputValidation) ? p.InputValidation : {};
    const custom = isRecord(validation.CustomValidation) ? validation.CustomValidation : undefined;
    this.input = {
      action,
      store,
      startedAt: this.now(),
      limitMs: Number(p.InputTimeLimitSeconds) * 1000,
      digits: '',
      lastKeyAt: undefined,
      terminator: str(dtmf.InputTerminationSequence) ?? '#',
      maxLength: custom ? Number(custom.MaximumLength) : store ? 20 : 1,
      interdigitMs: Number(str(dtmf.InterdigitTimeLimitSeconds) ?? DEFAULT_INTERDIGIT_SECONDS) * 1000,
      cancelKeyEnabled: str(dtmf.DisableCancelKey)?.toLowerCase() !== 'true',
    };
    this.feedScriptedKeys(this.input);
    return this.consumeKeys();
  }

  /** The person called presses their configured keys when asked, one answer per question. */
  private feedScriptedKeys(input: PendingInput): void {
    if (this.keyBuffer.length > 0 || this.scriptedKeys.length === 0) return;
    let chunk: string;
    if (!input.store) {
      chunk = this.scriptedKeys.slice(0, 1);
    } else {
      const end = this.scriptedKeys.indexOf(input.terminator);
      chunk =
        end >= 0 && end <= input.maxLength
          ? this.scriptedKeys.slice(0, end + input.terminator.length)
          : this.scriptedKeys.slice(0, input.maxLength);
    }
    this.scriptedKeys = this.scriptedKeys.slice(chunk.length);
    this.say('caller', `pressed ${chunk}`);
    this.keyBuffer += chunk;
  }

  private deadlineOf(input: PendingInput): number {
    return input.store && input.lastKeyAt !== undefined
      ? input.lastKeyAt + input.interdigitMs
      : input.startedAt + input.limitMs;
  }

  private consumeKeys(): StepResult {
    const input = this.input;
    if (!input) return WAIT;
    while (this.keyBuffer.length > 0) {
      const key = this.keyBuffer.charAt(0);
      this.keyBuffer = this.keyBuffer.slice(1);
      if (!input.store) {
        this.input = undefined;
        const target = this.matchCondition(input.action, key);
        return target !== undefined
          ? { kind: 'goto', target }
          : this.onError(input.action, 'NoMatchingCondition', `key ${key} matches no menu option`);
      }
      if (key === '*' && input.cancelKeyEnabled) {
        input.digits = '';
        input.lastKeyAt = undefined;
        input.startedAt = this.now();
        continue;
      }
      input.digits += key;
      input.lastKeyAt = this.now();
      if (input.digits.endsWith(input.terminator)) {
        input.digits = input.digits.slice(0, -input.terminator.length);
        return this.completeStoredInput(input);
      }
      if (input.digits.length >= input.maxLength) {
        // the terminator typed after a full-length entry belongs to this entry
        if (this.keyBuffer.startsWith(input.terminator))
          this.keyBuffer = this.keyBuffer.slice(input.terminator.length);
        return this.completeStoredInput(input);
      }
    }
    return WAIT;
  }

  private completeStoredInput(input: PendingInput): StepResult {
    this.input = undefined;
    this.storedCustomerInput = input.digits;
    const p = input.action.Parameters;
    const validation = isRecord(p.InputValidation) ? p.InputValidation : {};
    const phone = isRecord(validation.PhoneNumberValidation) ? validation.PhoneNumberValidation : undefined;
    if (phone) {
      const valid =
        phone.NumberFormat === 'E164'
          ? /^[1-9]\d{6,14}$/.test(input.digits.replace(/^\+/, ''))
          : (parsePhoneNumberFromString(input.digits, String(phone.CountryCode) as never)?.isPossible() ??
            false);
      if (!valid)
        return this.onError(
          input.action,
          'InvalidPhoneNumber',
          `"${input.digits}" is not a valid phone number`,
        );
    }
    return this.next(input.action);
  }

  private async applyTimeouts(): Promise<void> {
    const input = this.input;
    if (this.status !== 'awaiting-input' || !input || this.now() < this.deadlineOf(input)) return;
    this.status = 'running';
    this.currentActionId = input.action.Identifier;
    let result: StepResult;
    if (!input.store) {
      this.input = undefined;
      result = this.onError(input.action, 'InputTimeLimitExceeded', 'no key pressed in time');
    } else if (input.lastKeyAt === undefined) {
      // Connect stores the word Timeout and takes the success branch
      this.input = undefined;
      this.storedCustomerInput = 'Timeout';
      this.note('no input in time: $.StoredCustomerInput is "Timeout"');
      result = this.next(input.action);
    } else {
      result = this.completeStoredInput(input);
    }
    await this.continueWith(result);
  }

  // --- Lambda ---------------------------------------------------------------

  private contactFlowEvent(parameters: Record<string, string>): ConnectContactFlowEvent {
    const queue = this.targetQueue;
    return {
      Name: 'ContactFlowEvent',
      Details: {
        ContactData: {
          Attributes: { ...this.attributes },
          Channel: 'VOICE',
          ContactId: this.identity.contactId,
          CustomerEndpoint: { Address: this.identity.customerAddress, Type: 'TELEPHONE_NUMBER' },
          InitialContactId: this.identity.initialContactId,
          InitiationMethod: this.identity.initiationMethod,
          InstanceARN: this.identity.instanceArn,
          PreviousContactId: this.identity.previousContactId ?? this.identity.contactId,
          Queue: queue ? { ARN: queue.arn, Name: queue.name } : null,
          SystemEndpoint: { Address: this.identity.systemAddress, Type: 'TELEPHONE_NUMBER' },
          MediaStreams: { Customer: { Audio: null } },
        },
        Parameters: parameters,
      },
    };
  }

  private async invokeLambda(action: FlowAction): Promise<StepResult> {
    const p = action.Parameters;
    const arn = this.resolve(p.LambdaFunctionARN);
    const limitMs = Number(p.InvocationTimeLimitSeconds) * 1000;
    const responseType = isRecord(p.ResponseValidation)
      ? String(p.ResponseValidation.ResponseType)
      : 'STRING_MAP';
    const parameters: Record<string, string> = {};
    if (isRecord(p.LambdaInvocationAttributes)) {
      for (const [key, value] of Object.entries(p.LambdaInvocationAttributes))
        parameters[key] = this.resolve(value);
    }
    const event = this.contactFlowEvent(parameters);
    const started = this.now();
    let result: unknown;
    try {
      result = await withRealTimeout(this.host.invokeLambda(arn, event, limitMs), limitMs);
    } catch (error) {
      if (this.isEnded()) return STOP;
      return this.onError(
        action,
        'NoMatchingError',
        `Lambda ${arn} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (this.isEnded()) return STOP;
    const elapsed = this.now() - started;
    if (elapsed > limitMs) {
      return this.onError(
        action,
        'NoMatchingError',
        `Lambda ${arn} took ${elapsed / 1000} s, over its ${limitMs / 1000} s limit`,
      );
    }
    const problem = lambdaResultProblem(result, responseType);
    if (problem) return this.onError(action, 'NoMatchingError', `Lambda ${arn} ${problem}`);
    this.external = Object.fromEntries(
      Object.entries(result as Record<string, unknown>).filter(([, v]) => v !== null),
    );
    this.note(`Lambda ${arn} returned ${JSON.stringify(this.external)}`);
    return this.next(action);
  }

  // --- contact data ---------------------------------------------------------

  private updateAttributes(action: FlowAction): StepResult {
    const updates: Record<string, string> = {};
    const attributes = action.Parameters.Attributes;
    if (isRecord(attributes)) {
      for (const [key, value] of Object.entries(attributes)) updates[this.resolve(key)] = this.resolve(value);
    }
    const merged = { ...this.attributes, ...updates };
    const bytes = attributesBytes(merged);
    if (bytes > MAX_CONTACT_ATTRIBUTES_BYTES) {
      return this.onError(
        action,
        'NoMatchingError',
        `attributes would take ${bytes} bytes, over Connect's 32 KB`,
      );
    }
    this.attributes = merged;
    return this.next(action);
  }

  private checkHours(action: FlowAction): StepResult {
    const id = action.Parameters.HoursOfOperationId;
    const hoursId = id !== undefined ? this.resolve(id) : undefined;
    const open = this.host.isOpen(hoursId, this.targetQueue);
    if (open === undefined) {
      return this.onError(
        action,
        'NoMatchingError',
        'no hours of operation given and no working queue with hours',
      );
    }
    const target = this.matchCondition(action, open ? 'True' : 'False');
    return target !== undefined ? { kind: 'goto', target } : this.onError(action, 'NoMatchingError');
  }

  private transferToQueue(action: FlowAction): StepResult {
    const queue = this.targetQueue;
    if (!queue)
      return this.onError(action, 'NoMatchingError', 'no working queue set (UpdateContactTargetQueue)');
    if (this.host.enqueue(this, queue) === 'at-capacity') {
      return this.onError(action, 'QueueAtCapacity', `queue ${queue.name} is at capacity`);
    }
    this.status = 'queued';
    this.input = undefined;
    this.say('system', `[queued] waiting in queue ${queue.name} for an agent`);
    return STOP;
  }

  private updateCallbackNumber(action: FlowAction): StepResult {
    const raw = this.resolve(action.Parameters.CallbackNumber).trim();
    const number = /^\d+$/.test(raw) ? `+${raw}` : raw;
    if (!E164.test(number)) {
      return this.onError(action, 'InvalidCallbackNumber', `"${raw}" is not an E.164 phone number`);
    }
    if (!this.host.isDialable(number)) {
      return this.onError(
        action,
        'CallbackNumberNotDialable',
        `${number} cannot be dialed from this instance`,
      );
    }
    this.callbackNumber = number;
    return this.next(action);
  }

  private async createCallback(action: FlowAction): Promise<StepResult> {
    const p = action.Parameters;
    const queueId = p.QueueId !== undefined ? this.resolve(p.QueueId) : undefined;
    const queue = queueId !== undefined ? this.host.findQueue(queueId) : this.targetQueue;
    if (!queue) {
      return this.onError(
        action,
        'NoMatchingError',
        queueId ? `no queue "${queueId}"` : 'no working queue for the callback',
      );
    }
    const customerNumber = this.callbackNumber ?? this.identity.customerAddress;
    const contactFlowId = p.ContactFlowId !== undefined ? this.resolve(p.ContactFlowId) : undefined;
    const callerId = p.CallerId !== undefined ? this.resolve(p.CallerId) : undefined;
    try {
      await this.host.requestCallback({
        requestedAt: this.host.clock.now().toISOString(),
        contactId: this.identity.contactId,
        instanceArn: this.identity.instanceArn,
        customerNumber,
        queueId: queue.id,
        queueArn: queue.arn,
        queueName: queue.name,
        initialCallDelaySeconds: Number(p.InitialCallDelaySeconds),
        maximumConnectionAttempts: Number(p.MaximumConnectionAttempts),
        retryDelaySeconds: Number(p.RetryDelaySeconds),
        ...(contactFlowId !== undefined ? { contactFlowId } : {}),
        ...(callerId !== undefined ? { callerId } : {}),
        attributes: { ...this.attributes },
      });
    } catch (error) {
      return this.onError(action, 'NoMatchingError', `callback request failed: ${String(error)}`);
    }
    if (this.isEnded()) return STOP;
    this.say('system', `[callback] a callback to ${customerNumber} was requested in queue ${queue.name}`);
    return this.next(action);
  }

  private loop(action: FlowAction): StepResult {
    const raw = String(action.Parameters.LoopCount);
    const reference = parseWholeReference(raw);
    const count = Number(reference ? resolveReference(this.flowData(), reference) : raw);
    if (!Number.isInteger(count) || count < 0 || count > 100) {
      throw new FlowRuntimeError(`LoopCount resolved to "${String(count)}", not an integer from 0 to 100`);
    }
    const done = this.loopCounters.get(action.Identifier) ?? 0;
    const result = done < count ? 'ContinueLooping' : 'DoneLooping';
    this.loopCounters.set(action.Identifier, result === 'ContinueLooping' ? done + 1 : 0);
    const target = this.matchCondition(action, result);
    if (target === undefined) throw new FlowRuntimeError(`Loop has no condition for ${result}`);
    return { kind: 'goto', target };
  }
}
