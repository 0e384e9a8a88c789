/**
 * What a flow test needs from the Connect emulator: start a voice contact on a flow, act as the caller,
 * and read what the contact did. The emulator implements this port; the test runner knows nothing else
 * of it (so the runner also runs against an in-memory fake).
 */

/** Flow actions whose behaviour a test may override (OverrideSystemBehavior, Behavior.Type FlowAction). */
export const OVERRIDABLE_ACTIONS = [
  'InvokeLambdaFunction',
  'CheckHoursOfOperation',
  'ConnectParticipantWithLexBot',
  'TransferContactToQueue',
  'DequeueAndTransferToQueue',
] as const;
export type OverridableAction = (typeof OVERRIDABLE_ACTIONS)[number];

export type OverrideStrategyType = 'SubstituteResource' | 'MockResponse';

/** How an overridden action behaves instead of its own way. */
export type OverrideStrategy =
  /** Use another resource (Lambda function, hours of operation, bot alias, queue) by ARN. */
  | { readonly type: 'SubstituteResource'; readonly substituteArn: string }
  /**
   * Succeed without running: `value` is the result an action branches on (CheckHoursOfOperation: InHours
   * or OutOfHours); `loadedData` is what it loads (a Lambda's response object, a bot's result).
   */
  | {
      readonly type: 'MockResult';
      readonly value?: string;
      readonly loadedData?: Readonly<Record<string, unknown>>;
      readonly delaySeconds?: number;
    }
  /** Take the action's error branch of that name (NoMatchingError, TimeLimitExceeded, QueueAtCapacity). */
  | { readonly type: 'MockError'; readonly error: string; readonly delaySeconds?: number };

export interface FlowActionOverride {
  /** The observation action that asked for it (for the execution records). */
  readonly requestedBy: string;
  readonly action: OverridableAction;
  /**
   * Which actions of that type it applies to: their parameters as the test names them, e.g.
   * `{ LambdaFunctionARN }`, `{ HoursOfOperationId }`, `{ QueueId }`, `{ LexV2Bot: { AliasArn } }`.
   * An id matches the ARN that ends in `/<id>` and the other way round; an empty object matches every one.
   */
  readonly match: Readonly<Record<string, unknown>>;
  readonly strategy: OverrideStrategy;
}

/** Something the contact did, in the order it did it. */
export type ContactHappening =
  /** A prompt the caller heard (text to speech, SSML as spoken, or a prompt's name), not an emulator note. */
  | { readonly kind: 'prompt'; readonly at: string; readonly text: string }
  /**
   * A flow action that began, with its parameters resolved as the action used them (an id or ARN as the
   * flow named it; TransferContactToQueue carries the contact's target queue as `QueueId`).
   */
  | {
      readonly kind: 'action';
      readonly at: string;
      readonly actionId: string;
      readonly type: string;
      readonly parameters: Readonly<Record<string, unknown>>;
    };

export type TestContactState = 'ringing' | 'in-progress' | 'queued' | 'with-agent' | 'ended';

export interface TestContactView {
  readonly contactId: string;
  readonly state: TestContactState;
  /** The flow is waiting for the caller's keys (or words) right now. */
  readonly awaitingInput: boolean;
  /** Everything so far, oldest first; later views only ever append to it. */
  readonly happenings: readonly ContactHappening[];
  readonly attributes: Readonly<Record<string, string>>;
  readonly customerAddress: string;
  readonly systemAddress: string;
  readonly queue?: { readonly id?: string; readonly arn: string; readonly name: string };
  readonly agent?: { readonly username: string; readonly arn?: string };
  /** The last Lambda response or bot result the flow loaded ($.External / $.Lex), when known. */
  readonly external?: Readonly<Record<string, unknown>>;
  readonly storedCustomerInput?: string;
  readonly disconnectReason?: string;
  /** Why the emulator could not run the flow, if it could not. */
  readonly failure?: string;
}

export interface TestContactEntry {
  readonly flowId: string;
  /** E.164; the caller's number. */
  readonly from: string;
  /** E.164; the number dialled, when the test names one (otherwise the contact source picks one). */
  readonly to?: string;
  /** User-defined attributes the contact starts with (the test's InitializationData). */
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * Overrides in force for this contact only. A live list: the runner appends to it when a later
   * observation asks for more, so read it each time an overridable action runs.
   */
  readonly overrides: readonly FlowActionOverride[];
}

/** What a contact source can do beyond the basics; the rest is refused when a test is published. */
export interface TestContactCapabilities {
  /** Per overridable action, the strategies applied (MockResponse covers results and errors). */
  readonly overrides: Readonly<Partial<Record<OverridableAction, readonly OverrideStrategyType[]>>>;
  /** Flow action types reported as `action` happenings (what FlowActionStarted can observe). */
  readonly observedActions: readonly string[];
  /** Whether `start` gives the contact the entry's attributes. */
  readonly initialAttributes: boolean;
}

export interface TestContacts {
  readonly capabilities: TestContactCapabilities;
  /** Whether a published flow of this id or ARN exists (a test's entry point must name one). */
  hasFlow(flowIdOrArn: string): boolean;
  /** Starts the contact and resolves with its id once it is connected (its flow may still be running). */
  start(entry: TestContactEntry): Promise<string>;
  /** The caller presses keys. */
  press(contactId: string, digits: string): Promise<void>;
  /** The caller says or types something (a bot is listening); absent when the source cannot. */
  utter?(contactId: string, text: string): Promise<void>;
  /** The caller hangs up (also used to end a contact the test no longer watches). */
  hangup(contactId: string): Promise<void>;
  view(contactId: string): TestContactView | undefined;
  /** Resolves once the contacts have done all they can without time passing. */
  settle(): Promise<void>;
}
