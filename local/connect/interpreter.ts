/**
 * Runs one contact through flow-language documents, action by action, the way Amazon
 * Connect does: prompts go to the transcript, key presses feed GetParticipantInput,
 * Lambdas get real ContactFlowEvent payloads, flow modules run as calls that return, and
 * silence is measured on the injected clock. What the emulator cannot run is a loud
 * FlowRuntimeError, never a silent guess. One handler per action type of the catalog.
 */
import type { ConnectContactFlowEvent, ConnectContactFlowInitiationMethod } from 'aws-lambda';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import {
  ACTION_CATALOG,
  conditionProblems,
  isSupportedActionType,
  parameterProblems,
  parseWholeReference,
  type SupportedActionType,
  TEXT_TO_SPEECH_ENGINES,
  TEXT_TO_SPEECH_STYLES,
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
/** Flow modules invoked inside one another before the emulator calls it runaway recursion. */
const MAX_MODULE_DEPTH = 10;
/** The voice Connect speaks prompts in until UpdateContactTextToSpeechVoice runs. */
export const DEFAULT_TEXT_TO_SPEECH_VOICE = 'Joanna';

export type LambdaInvoker = (
  functionArn: string,
  event: ConnectContactFlowEvent,
  timeoutMs: number,
) => Promise<unknown>;

export interface TranscriptLine {
  readonly at: string;
  readonly speaker: 'system' | 'caller';
  readonly text: string;
  /** The Amazon Polly voice a prompt was spoken in, once the flow chose one (UpdateContactTextToSpeechVoice). */
  readonly voice?: string;
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

/** A GetCustomerProfile search: identifier names and values as the flow gives them, resolved. */
export interface CustomerProfileQuery {
  /** E.g. `{ name: '_phone', value: '+15551230001' }`, or the older export shape's `PhoneNumber`. */
  readonly criteria: readonly { readonly name: string; readonly value: string }[];
  readonly logicalOperator: 'AND' | 'OR';
}

/** A Customer Profiles profile as flat fields: ProfileId, FirstName, PhoneNumber, Attributes.x, ... */
export type CustomerProfile = Readonly<Record<string, string>>;

export interface LexBotRequest {
  readonly contactId: string;
  /** The LexV2Bot alias ARN, or a (V1) LexBot's name, alias and Region, as resolved. */
  readonly bot:
    | { readonly aliasArn: string }
    | { readonly name: string; readonly alias: string; readonly region?: string };
  /** What the block said before listening, if it plays a prompt. */
  readonly prompt?: string;
  readonly sessionAttributes: Readonly<Record<string, string>>;
  /** $.LanguageCode when UpdateContactData set one. */
  readonly localeId?: string;
}

export type LexBotResult =
  | {
      readonly outcome: 'intent';
      readonly intentName: string;
      /** What the caller said, for the transcript. */
      readonly utterance?: string;
      readonly slots?: Readonly<Record<string, string>>;
      readonly sessionAttributes?: Readonly<Record<string, string>>;
      readonly dialogState?: string;
      readonly intentConfidence?: number;
    }
  | { readonly outcome: 'timeout' };

/** What the session needs from the emulator around it. */
export interface FlowSessionHost {
  readonly clock: Clock;
  readonly invokeLambda: LambdaInvoker;
  findFlow(idOrArn: string): FlowDocument | undefined;
  /** A published flow module (InvokeFlowModule); without it InvokeFlowModule is a FlowRuntimeError. */
  findFlowModule?(idOrArn: string): FlowDocument | undefined;
  /**
   * Customer Profiles search (GetCustomerProfile): every matching profile. Without it the instance has
   * no Customer Profiles, and the action takes its error branch as Connect does.
   */
  customerProfiles?(query: CustomerProfileQuery): Promise<readonly CustomerProfile[]>;
  /** One turn with an Amazon Lex bot (ConnectParticipantWithLexBot); without it that action cannot run. */
  lexBot?(request: LexBotRequest): Promise<LexBotResult>;
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

/** `holding`: prompts loop (MessageParticipantIteratively) until the clock interrupts them or the caller hangs up. */
export type SessionStatus = 'idle' | 'running' | 'awaiting-input' | 'holding' | 'queued' | 'ended';

export interface TextToSpeechSettings {
  readonly voice: string;
  readonly engine?: string;
  readonly style?: string;
}

export interface RecordingSettings {
  readonly recordedParticipants: readonly string[];
  readonly screenRecordedParticipants: readonly string[];
  readonly ivrRecording: boolean;
  readonly analytics: boolean;
}

export interface ContactDataSettings {
  readonly name?: string;
  readonly description?: string;
  readonly languageCode?: string;
  readonly customerId?: string;
  readonly references?: Readonly<Record<string, unknown>>;
}

/** One flow (or module) being run: its actions, its own flow attributes, and where a module returns to. */
interface FlowFrame {
  readonly actions: Map<string, FlowAction>;
  readonly flowAttributes: Record<string, string>;
  readonly module?: { readonly id: string; readonly returnTo: string };
}

interface PendingHold {
  readonly action: FlowAction;
  readonly until: number;
}

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
  | { readonly kind: 'hold' }
  | { readonly kind: 'stop' };

const STOP: StepResult = { kind: 'stop' };
const WAIT: StepResult = { kind: 'wait' };
const HOLD: StepResult = { kind: 'hold' };
const LANGUAGE_CODE = /^[a-z]{2,3}-[A-Z]{2}$/;
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

/** The actions by Identifier; a console export may leave Parameters out (TransferContactToQueue), as the validator allows. */
function actionMap(flow: FlowDocument): Map<string, FlowAction> {
  return new Map(
    flow.Actions.map((action) => [
      action.Identifier,
      { ...action, Parameters: action.Parameters ?? {}, Transitions: action.Transitions ?? {} },
    ]),
  );
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
  /** Unset until UpdateContactTextToSpeechVoice runs: prompts are then spoken in Joanna. */
  textToSpeech: TextToSpeechSettings | undefined;
  /** UpdateFlowLoggingBehavior's last setting. */
  flowLogging: 'Enabled' | 'Disabled' | undefined;
  recording: RecordingSettings | undefined;
  /** UpdateContactMediaStreamingBehavior's stream, as $.MediaStreams shows it. */
  mediaStreams: Record<string, unknown> | undefined;
  /** Event hook (CustomerQueue, AgentWhisper, ...) to the flow id or ARN it runs. */
  readonly eventHooks: Record<string, string> = {};
  contactData: ContactDataSettings = {};
  /** $.Customer: the fields GetCustomerProfile returned. */
  customer: Record<string, string> = {};
  /** $.Lex: the last Lex bot turn. */
  lex: Record<string, unknown> | undefined;
  /** $.Views: a view's result; a voice contact never gets one. */
  views: Record<string, unknown> = {};

  /** The flow being run, then any module it invoked on top. */
  private frames: FlowFrame[] = [{ actions: new Map(), flowAttributes: {} }];
  private input: PendingInput | undefined;
  private hold: PendingHold | undefined;
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

  /**
   * The flow waits on the caller or on the clock: asking for keys, or looping prompts that the
   * clock interrupts (MessageParticipantIteratively with InterruptFrequencySeconds). The runtime
   * calls checkTimeouts once inputDeadline has passed.
   */
  get awaitingInput(): boolean {
    return this.status === 'awaiting-input' || (this.status === 'holding' && this.hold !== undefined);
  }

  /** When silence or the clock next changes something (input timeout, end of digits, prompt-loop interrupt). */
  get inputDeadline(): Date | undefined {
    if (this.input) return new Date(this.deadlineOf(this.input));
    return this.hold ? new Date(this.hold.until) : undefined;
  }

  /** Attributes of the flow (or module) running now, as $.FlowAttributes shows them. */
  get flowAttributes(): Readonly<Record<string, string>> {
    return this.frame.flowAttributes;
  }

  /** Ids of the flow modules running now, outermost first. */
  get moduleStack(): readonly string[] {
    return this.frames.flatMap((frame) => (frame.module ? [frame.module.id] : []));
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
    this.hold = undefined;
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

  /** A prompt the caller hears, in the voice the flow chose if it chose one. */
  private speak(text: string): void {
    const voice = this.textToSpeech?.voice;
    this.transcript.push({
      at: this.host.clock.now().toISOString(),
      speaker: 'system',
      text,
      ...(voice !== undefined ? { voice } : {}),
    });
  }

  /** A note for the caller's transcript and the runtime's log: something Connect does differently here. */
  private announce(text: string): void {
    this.say('system', text);
    this.host.log?.(`contact ${this.identity.contactId}: ${text}`);
  }

  private note(message: string): void {
    this.trace.push({
      at: this.host.clock.now().toISOString(),
      ...(this.currentActionId !== undefined ? { actionId: this.currentActionId } : {}),
      message,
    });
  }

  private get frame(): FlowFrame {
    const frame = this.frames.at(-1);
    if (!frame) throw new FlowRuntimeError('no flow is running');
    return frame;
  }

  /** Starts a flow afresh (start, TransferToFlow): modules invoked so far and flow attributes are left behind. */
  private switchToFlow(flow: FlowDocument): void {
    this.frames = [{ actions: actionMap(flow), flowAttributes: {} }];
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
      AwsRegion: this.region(),
      CallbackNumber: this.callbackNumber ?? this.identity.customerAddress,
      TextToSpeechVoiceId: this.textToSpeech?.voice ?? DEFAULT_TEXT_TO_SPEECH_VOICE,
      ...(this.contactData.name !== undefined ? { Name: this.contactData.name } : {}),
      ...(this.contactData.description !== undefined ? { Description: this.contactData.description } : {}),
      ...(this.contactData.languageCode !== undefined ? { LanguageCode: this.contactData.languageCode } : {}),
      ...(this.contactData.customerId !== undefined ? { CustomerId: this.contactData.customerId } : {}),
      ...(this.contactData.references !== undefined ? { References: this.contactData.references } : {}),
      FlowAttributes: this.frame.flowAttributes,
      Customer: this.customer,
      Views: this.views,
      ...(this.lex ? { Lex: this.lex } : {}),
      ...(this.mediaStreams ? { MediaStreams: this.mediaStreams } : {}),
    };
  }

  /** The customer audio stream as a Lambda sees it, null until streaming started. */
  private customerAudio(): ConnectContactFlowEvent['Details']['ContactData']['MediaStreams']['Customer']['Audio'] {
    const customer = this.mediaStreams?.Customer;
    return isRecord(customer) && isRecord(customer.Audio) ? (customer.Audio as never) : null;
  }

  /** The instance's Region and account, read from its ARN. */
  private region(): string {
    return this.identity.instanceArn.split(':')[3] ?? '';
  }

  private account(): string {
    return this.identity.instanceArn.split(':')[4] ?? '';
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
      const action = this.frame.actions.get(target);
      if (!action) {
        const where = this.frame.module ? `flow module ${this.frame.module.id}` : 'flow';
        throw new FlowRuntimeError(`the ${where} has no action "${target}" to go to`);
      }
      this.currentActionId = target;
      this.status = 'running';
      const type = this.assertRunnable(action);
      // as Connect's flow logs do once UpdateFlowLoggingBehavior enabled them: one entry per block
      if (this.flowLogging === 'Enabled') this.note(`[flow log] ${type}`);
      const result = await this.handlers[type](action);
      if (this.isEnded()) return;
      if (result.kind === 'goto') {
        target = result.target;
        continue;
      }
      if (result.kind === 'wait') this.status = 'awaiting-input';
      if (result.kind === 'hold') this.status = 'holding';
      return;
    }
  }

  /** The loud check that keeps flows and emulator from drifting apart. */
  private assertRunnable(action: FlowAction): SupportedActionType {
    if (!isSupportedActionType(action.Type)) {
      throw new FlowRuntimeError(`action type ${action.Type} is not supported by the Connect emulator`);
    }
    const needs = ACTION_CATALOG[action.Type].needs;
    if (needs === 'lexBot' && !this.host.lexBot) {
      throw new FlowRuntimeError(`action type ${action.Type} is not supported by the Connect emulator`);
    }
    if (needs === 'findFlowModule' && !this.host.findFlowModule) {
      throw new FlowRuntimeError(
        `${action.Type} needs flow modules, which this emulator host does not provide (FlowSessionHost.findFlowModule)`,
      );
    }
    const problems = [
      ...parameterProblems(action.Type, action.Parameters),
      ...conditionProblems(action, ACTION_CATALOG[action.Type].conditions(action)),
    ];
    if (problems.length > 0) {
      throw new FlowRuntimeError(`${action.Type} cannot run: ${problems.join('; ')}`);
    }
    return action.Type;
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
      const raw = entry.Condition.Operands[0] ?? '';
      // Compare may check one attribute against another
      const operand = parseWholeReference(raw) ? this.resolve(raw) : raw;
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

  /** One handler per action type of the catalog; TypeScript holds the two lists together. */
  private readonly handlers: {
    readonly [T in SupportedActionType]: (action: FlowAction) => Promise<StepResult> | StepResult;
  } = {
    MessageParticipant: (action) => {
      const text = this.promptText(action.Parameters);
      if (text !== undefined) this.speak(text);
      return this.next(action);
    },
    GetParticipantInput: (action) => this.askForInput(action),
    InvokeLambdaFunction: (action) => this.invokeLambda(action),
    UpdateContactAttributes: (action) => this.updateAttributes(action),
    Compare: (action) => {
      const value = this.resolve(action.Parameters.ComparisonValue);
      const target = this.matchCondition(action, value);
      return target !== undefined
        ? { kind: 'goto', target }
        : this.onError(action, 'NoMatchingCondition', `no condition matched "${value}"`);
    },
    CheckHoursOfOperation: (action) => this.checkHours(action),
    UpdateContactTargetQueue: (action) => {
      const queueId = this.resolve(action.Parameters.QueueId);
      const queue = this.host.findQueue(queueId);
      if (!queue) return this.onError(action, 'NoMatchingError', `no queue "${queueId}" in this instance`);
      this.targetQueue = queue;
      return this.next(action);
    },
    TransferContactToQueue: (action) => this.transferToQueue(action),
    UpdateContactCallbackNumber: (action) => this.updateCallbackNumber(action),
    CreateCallbackContact: (action) => this.createCallback(action),
    DisconnectParticipant: () => this.end('CONTACT_FLOW_DISCONNECT').then(() => STOP),
    Loop: (action) => this.loop(action),
    TransferToFlow: (action) => {
      const flowId = this.resolve(action.Parameters.ContactFlowId);
      const flow = this.host.findFlow(flowId);
      if (!flow) return this.onError(action, 'NoMatchingError', `no flow "${flowId}" in this instance`);
      this.note(`transferred to flow ${flowId}`);
      this.switchToFlow(flow);
      return { kind: 'goto', target: flow.StartAction };
    },
    UpdateFlowLoggingBehavior: (action) => {
      this.flowLogging =
        str(action.Parameters.FlowLoggingBehavior)?.toLowerCase() === 'enabled' ? 'Enabled' : 'Disabled';
      this.note(`flow logging ${this.flowLogging.toLowerCase()}`);
      return this.next(action);
    },
    UpdateContactTextToSpeechVoice: (action) => this.setVoice(action),
    UpdateContactEventHooks: (action) => this.setEventHooks(action),
    EndFlowExecution: () => {
      // Connect ends a contact whose flow finishes before it is queued
      this.note('EndFlowExecution: the flow ended before the contact was queued, so the contact ends');
      return this.end('CONTACT_FLOW_DISCONNECT').then(() => STOP);
    },
    InvokeFlowModule: (action) => this.invokeModule(action),
    EndFlowModuleExecution: () => this.returnFromModule(),
    UpdateContactRecordingBehavior: (action) => this.setRecording(action),
    UpdateContactMediaStreamingBehavior: (action) => this.setMediaStreaming(action),
    ShowView: (action) => {
      const resource = isRecord(action.Parameters.ViewResource) ? action.Parameters.ViewResource : {};
      const viewId = this.resolve(resource.Id);
      const why = `ShowView (view ${viewId}) shows a view on chat only; a VOICE contact takes the Error branch`;
      this.announce(`[view] ${why}`);
      return this.onError(action, 'NoMatchingError', why);
    },
    UpdateFlowAttributes: (action) => {
      const updates: Record<string, string> = {};
      const entries = isRecord(action.Parameters.FlowAttributes) ? action.Parameters.FlowAttributes : {};
      for (const [key, entry] of Object.entries(entries)) {
        updates[key] = this.resolve(isRecord(entry) ? entry.Value : undefined);
      }
      Object.assign(this.frame.flowAttributes, updates);
      return this.next(action);
    },
    MessageParticipantIteratively: (action) => this.loopPrompts(action),
    UpdateContactData: (action) => this.updateContactData(action),
    GetCustomerProfile: (action) => this.getCustomerProfile(action),
    ConnectParticipantWithLexBot: (action) => this.talkToLexBot(action),
  };

  // --- input --------------------------------------------------------------

  private askForInput(action: FlowAction): StepResult {
    const p = action.Parameters;
    const text = this.promptText(p);
    if (text !== undefined) this.speak(text);
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
    const hold = this.hold;
    if (this.status === 'holding' && hold) {
      if (this.now() < hold.until) return;
      this.hold = undefined;
      this.status = 'running';
      this.currentActionId = hold.action.Identifier;
      const target =
        this.matchCondition(hold.action, 'MessagesInterrupted') ?? hold.action.Transitions.NextAction;
      if (target === undefined) {
        throw new FlowRuntimeError(
          'MessageParticipantIteratively was interrupted but has no MessagesInterrupted condition or NextAction',
        );
      }
      this.note('prompt loop interrupted: MessagesInterrupted');
      await this.continueWith({ kind: 'goto', target });
      return;
    }
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
          MediaStreams: { Customer: { Audio: this.customerAudio() } },
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
    // a module's Loop counts apart from a same-named Loop of the flow that invoked it
    const key = `${this.frame.module?.id ?? ''}/${action.Identifier}`;
    const done = this.loopCounters.get(key) ?? 0;
    const result = done < count ? 'ContinueLooping' : 'DoneLooping';
    this.loopCounters.set(key, result === 'ContinueLooping' ? done + 1 : 0);
    const target = this.matchCondition(action, result);
    if (target === undefined) throw new FlowRuntimeError(`Loop has no condition for ${result}`);
    return { kind: 'goto', target };
  }

  // --- contact settings ------------------------------------------------------

  private setVoice(action: FlowAction): StepResult {
    const p = action.Parameters;
    const voice = this.resolve(p.TextToSpeechVoice).trim();
    const engine = p.TextToSpeechEngine !== undefined ? this.resolve(p.TextToSpeechEngine) : undefined;
    const style = p.TextToSpeechStyle !== undefined ? this.resolve(p.TextToSpeechStyle) : undefined;
    const known = (list: readonly string[], value: string) =>
      list.some((v) => v.toLowerCase() === value.toLowerCase());
    if (voice === '') return this.onError(action, 'NoMatchingError', 'TextToSpeechVoice resolved to nothing');
    if (engine !== undefined && !known(TEXT_TO_SPEECH_ENGINES, engine)) {
      return this.onError(action, 'NoMatchingError', `"${engine}" is not an Amazon Polly engine`);
    }
    if (style !== undefined && !known(TEXT_TO_SPEECH_STYLES, style)) {
      return this.onError(action, 'NoMatchingError', `"${style}" is not a speaking style`);
    }
    this.textToSpeech = {
      voice,
      ...(engine !== undefined ? { engine } : {}),
      ...(style !== undefined ? { style } : {}),
    };
    this.note(`prompts now spoken by ${voice}${engine ? ` (${engine})` : ''}`);
    return this.next(action);
  }

  private setEventHooks(action: FlowAction): StepResult {
    const hooks = isRecord(action.Parameters.EventHooks) ? action.Parameters.EventHooks : {};
    const updates: Record<string, string> = {};
    for (const [hook, value] of Object.entries(hooks)) {
      const flowId = this.resolve(value);
      if (!this.host.findFlow(flowId)) {
        return this.onError(action, 'NoMatchingError', `no flow "${flowId}" for the ${hook} event hook`);
      }
      updates[hook] = flowId;
    }
    Object.assign(this.eventHooks, updates);
    this.note(
      `event hooks set: ${Object.entries(updates)
        .map(([hook, id]) => `${hook} -> ${id}`)
        .join(', ')}`,
    );
    return this.next(action);
  }

  private setRecording(action: FlowAction): StepResult {
    const p = action.Parameters;
    const behaviour = isRecord(p.RecordingBehavior) ? p.RecordingBehavior : {};
    const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
    this.recording = {
      recordedParticipants: list(behaviour.RecordedParticipants),
      screenRecordedParticipants: list(behaviour.ScreenRecordedParticipants),
      ivrRecording: str(behaviour.IVRRecordingBehavior)?.toLowerCase() === 'enabled',
      analytics: isRecord(p.AnalyticsBehavior) && str(p.AnalyticsBehavior.Enabled)?.toLowerCase() === 'true',
    };
    const who = this.recording.recordedParticipants.join(' and ') || 'nobody';
    this.note(`recording ${who}${this.recording.ivrRecording ? ', IVR included' : ''}`);
    return this.next(action);
  }

  private setMediaStreaming(action: FlowAction): StepResult {
    const enabled = str(action.Parameters.MediaStreamingState)?.toLowerCase() === 'enabled';
    const now = String(this.now());
    const audio = isRecord(this.mediaStreams?.Customer) ? this.mediaStreams.Customer.Audio : undefined;
    if (enabled) {
      // the Kinesis Video stream Connect would name for this contact; nothing is streamed locally
      const streamArn = `arn:aws:kinesisvideo:${this.region()}:${this.account()}:stream/connect-local-contact-${this.identity.contactId}/0`;
      this.mediaStreams = {
        Customer: { Audio: { StreamARN: streamArn, StartTimestamp: now, StartFragmentNumber: '0' } },
      };
      this.note('live media streaming started (nothing is streamed by the emulator)');
    } else if (isRecord(audio)) {
      this.mediaStreams = {
        Customer: { Audio: { ...audio, StopTimestamp: now, StopFragmentNumber: '0' } },
      };
      this.note('live media streaming stopped');
    }
    return this.next(action);
  }

  private updateContactData(action: FlowAction): StepResult {
    const p = action.Parameters;
    const text = (value: unknown) => (value !== undefined ? this.resolve(value) : undefined);
    const languageCode = text(p.LanguageCode);
    if (languageCode !== undefined && !LANGUAGE_CODE.test(languageCode)) {
      return this.onError(
        action,
        'NoMatchingError',
        `"${languageCode}" is not a language code such as en-US`,
      );
    }
    const name = text(p.Name);
    const description = text(p.Description);
    const customerId = text(p.CustomerId);
    const references = p.References !== undefined ? this.resolveDeep(p.References) : undefined;
    // all or nothing, as Connect sets them
    this.contactData = {
      ...this.contactData,
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(languageCode !== undefined ? { languageCode } : {}),
      ...(customerId !== undefined ? { customerId } : {}),
      ...(isRecord(references) ? { references: { ...this.contactData.references, ...references } } : {}),
    };
    const voiceId = Object.keys(p).filter((key) => /VoiceId|Voice(Authentication)|FraudDetection/.test(key));
    if (voiceId.length > 0) this.note(`Voice ID settings recorded, not emulated: ${voiceId.join(', ')}`);
    return this.next(action);
  }

  private resolveDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.resolve(value);
    if (Array.isArray(value)) return value.map((entry) => this.resolveDeep(entry));
    if (isRecord(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolveDeep(v)]));
    return value;
  }

  // --- flow modules ------------------------------------------------------------

  private invokeModule(action: FlowAction): StepResult {
    const moduleId = this.resolve(action.Parameters.FlowModuleId);
    const module = this.host.findFlowModule?.(moduleId);
    if (!module)
      return this.onError(action, 'NoMatchingError', `no flow module "${moduleId}" in this instance`);
    const returnTo = action.Transitions.NextAction;
    if (returnTo === undefined) throw new FlowRuntimeError('InvokeFlowModule has no NextAction to return to');
    if (this.frames.length > MAX_MODULE_DEPTH) {
      throw new FlowRuntimeError(`more than ${MAX_MODULE_DEPTH} flow modules inside one another`);
    }
    this.frames.push({ actions: actionMap(module), flowAttributes: {}, module: { id: moduleId, returnTo } });
    this.note(`entered flow module ${moduleId}`);
    return { kind: 'goto', target: module.StartAction };
  }

  private returnFromModule(): StepResult {
    const frame = this.frame;
    if (!frame.module) throw new FlowRuntimeError('EndFlowModuleExecution ran outside a flow module');
    this.frames.pop();
    this.note(`returned from flow module ${frame.module.id}`);
    return { kind: 'goto', target: frame.module.returnTo };
  }

  // --- prompt loops ---------------------------------------------------------------

  private loopPrompts(action: FlowAction): StepResult {
    const messages = Array.isArray(action.Parameters.Messages) ? action.Parameters.Messages : [];
    for (const message of messages) {
      const text = isRecord(message) ? this.promptText(message as FlowAction['Parameters']) : undefined;
      if (text !== undefined) this.speak(text);
    }
    const interrupt = action.Parameters.InterruptFrequencySeconds;
    if (interrupt === undefined) {
      this.say('system', '[hold] these prompts repeat until the caller hangs up');
      this.note('prompt loop without interrupt: the contact holds here');
      return HOLD;
    }
    const raw = this.resolve(interrupt);
    const seconds = Number(raw);
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw new FlowRuntimeError(
        `InterruptFrequencySeconds resolved to "${raw}", not a whole number of seconds`,
      );
    }
    this.hold = { action, until: this.now() + seconds * 1000 };
    this.say('system', `[hold] these prompts repeat for ${seconds} s`);
    return HOLD;
  }

  // --- Customer Profiles and Lex ------------------------------------------------

  private profileQuery(action: FlowAction): CustomerProfileQuery {
    const request = isRecord(action.Parameters.ProfileRequestData)
      ? action.Parameters.ProfileRequestData
      : {};
    const operator = str(request.LogicalOperator)?.toUpperCase() === 'AND' ? 'AND' : 'OR';
    if (Array.isArray(request.SearchCriteria)) {
      return {
        criteria: request.SearchCriteria.flatMap((c: unknown) =>
          isRecord(c)
            ? [{ name: this.resolve(c.IdentifierName), value: this.resolve(c.IdentifierValue) }]
            : [],
        ),
        logicalOperator: operator,
      };
    }
    if (request.IdentifierName !== undefined) {
      return {
        criteria: [
          { name: this.resolve(request.IdentifierName), value: this.resolve(request.IdentifierValue) },
        ],
        logicalOperator: operator,
      };
    }
    const legacy = ['PhoneNumber', 'EmailAddress', 'AccountNumber'].find((key) => request[key] !== undefined);
    return {
      criteria: legacy ? [{ name: legacy, value: this.resolve(request[legacy]) }] : [],
      logicalOperator: operator,
    };
  }

  private async getCustomerProfile(action: FlowAction): Promise<StepResult> {
    const search = this.host.customerProfiles;
    if (!search) {
      const why = 'Customer Profiles is not enabled for this instance (the host has no customerProfiles)';
      this.host.log?.(`contact ${this.identity.contactId}: GetCustomerProfile: ${why}`);
      return this.onError(action, 'NoMatchingError', why);
    }
    let profiles: readonly CustomerProfile[];
    try {
      profiles = await search.call(this.host, this.profileQuery(action));
    } catch (error) {
      if (this.isEnded()) return STOP;
      return this.onError(
        action,
        'NoMatchingError',
        `profile search failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (this.isEnded()) return STOP;
    const [profile, ...others] = profiles;
    if (!profile) return this.onError(action, 'NoneFoundError', 'no profile matches');
    if (others.length > 0)
      return this.onError(action, 'MultipleFoundError', `${profiles.length} profiles match`);
    const wanted = action.Parameters.ProfileResponseData;
    const fields = Array.isArray(wanted) ? wanted.map(String) : Object.keys(profile);
    const customer: Record<string, string> = {};
    if (profile.ProfileId !== undefined) customer.ProfileId = profile.ProfileId;
    for (const field of fields) {
      const value = profile[field];
      if (value !== undefined) customer[field] = value;
    }
    this.customer = customer;
    // names only: profile values are personal data
    this.note(`customer profile found: $.Customer has ${Object.keys(customer).join(', ') || 'no fields'}`);
    return this.next(action);
  }

  private async talkToLexBot(action: FlowAction): Promise<StepResult> {
    const p = action.Parameters;
    const lexBot = this.host.lexBot;
    if (!lexBot)
      throw new FlowRuntimeError(`action type ${action.Type} is not supported by the Connect emulator`);
    const prompt = this.promptText(p);
    if (prompt !== undefined) this.speak(prompt);
    const v2 = isRecord(p.LexV2Bot) ? p.LexV2Bot : undefined;
    const v1 = isRecord(p.LexBot) ? p.LexBot : {};
    const sessionAttributes: Record<string, string> = {};
    if (isRecord(p.LexSessionAttributes)) {
      for (const [key, value] of Object.entries(p.LexSessionAttributes))
        sessionAttributes[key] = this.resolve(value);
    }
    let result: LexBotResult;
    try {
      result = await lexBot.call(this.host, {
        contactId: this.identity.contactId,
        bot: v2
          ? { aliasArn: this.resolve(v2.AliasArn) }
          : {
              name: this.resolve(v1.Name),
              alias: this.resolve(v1.Alias),
              ...(v1.Region !== undefined ? { region: this.resolve(v1.Region) } : {}),
            },
        ...(prompt !== undefined ? { prompt } : {}),
        sessionAttributes,
        ...(this.contactData.languageCode
          ? { localeId: this.contactData.languageCode.replace('-', '_') }
          : {}),
      });
    } catch (error) {
      if (this.isEnded()) return STOP;
      return this.onError(
        action,
        'NoMatchingError',
        `Lex bot failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (this.isEnded()) return STOP;
    if (result.outcome === 'timeout')
      return this.onError(action, 'InputTimeLimitExceeded', 'the caller said nothing');
    if (result.utterance !== undefined) this.say('caller', result.utterance);
    this.lex = {
      IntentName: result.intentName,
      Slots: { ...result.slots },
      SessionAttributes: { ...sessionAttributes, ...result.sessionAttributes },
      ...(result.dialogState !== undefined ? { DialogState: result.dialogState } : {}),
      ...(result.intentConfidence !== undefined
        ? { IntentConfidence: { Score: String(result.intentConfidence) } }
        : {}),
    };
    const target = this.matchCondition(action, result.intentName);
    return target !== undefined
      ? { kind: 'goto', target }
      : this.onError(action, 'NoMatchingCondition', `intent ${result.intentName} matches no condition`);
  }
}
