/**
 * The one list of flow-language action types this project writes and the local Connect
 * emulator runs, with the parameters, branches and errors each may carry. The validator
 * (infra/flows/lib/validate.ts) and the interpreter (local/connect/interpreter.ts) both
 * read it, so a flow cannot pass validation with something the emulator would not run.
 *
 * Transcribed from the per-action pages of the Amazon Connect flow-language reference
 * (https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html) and
 * checked against flows exported from the Connect console in public sample repositories
 * (aws-samples/amazon-connect-step-by-step-guides-module-library,
 * aws-samples/amazon-connect-gitlab-cicd-terraform, amazon-connect/amazon-connect-salesforce-scv,
 * aws-samples/amazon-connect-contact-surveys): an error branch the console leaves out (a
 * MessageParticipant without Errors) is optional here too. Documented parameters the emulator
 * does not implement (AgentId, InputEncryption, InvocationType ASYNCHRONOUS, TargetContact
 * Related, ...) are left out on purpose: a flow using them is refused by name, not half run.
 */
import type { FlowAction, FlowDocumentKind, FlowParameterValue } from './flow-language.ts';
import { CONDITION_OPERATORS } from './flow-language.ts';

export const SUPPORTED_ACTION_TYPES = [
  'MessageParticipant',
  'GetParticipantInput',
  'InvokeLambdaFunction',
  'UpdateContactAttributes',
  'Compare',
  'CheckHoursOfOperation',
  'UpdateContactTargetQueue',
  'TransferContactToQueue',
  'UpdateContactCallbackNumber',
  'CreateCallbackContact',
  'DisconnectParticipant',
  'Loop',
  'TransferToFlow',
  'UpdateFlowLoggingBehavior',
  'UpdateContactTextToSpeechVoice',
  'UpdateContactEventHooks',
  'EndFlowExecution',
  'InvokeFlowModule',
  'EndFlowModuleExecution',
  'UpdateContactRecordingBehavior',
  'UpdateContactMediaStreamingBehavior',
  'ShowView',
  'UpdateFlowAttributes',
  'MessageParticipantIteratively',
  'UpdateContactData',
  'GetCustomerProfile',
  'ConnectParticipantWithLexBot',
] as const;

export type SupportedActionType = (typeof SUPPORTED_ACTION_TYPES)[number];

export function isSupportedActionType(type: string): type is SupportedActionType {
  return (SUPPORTED_ACTION_TYPES as readonly string[]).includes(type);
}

/**
 * Types the catalog knows the shape of but the local emulator cannot run today, with why.
 * Validation refuses them unless told otherwise (ValidateFlowOptions.unsupportedActions).
 */
export const LOCAL_GAPS: Readonly<Partial<Record<SupportedActionType, string>>> = {
  ConnectParticipantWithLexBot: 'no local Lex bot yet',
};

export const LOCALLY_UNSUPPORTED_ACTIONS: readonly SupportedActionType[] = Object.keys(
  LOCAL_GAPS,
) as SupportedActionType[];

/**
 * Documented flow-language types the emulator does not run at all, so validation can say
 * "a Connect action the emulator does not run" rather than "not an action type".
 */
export const OTHER_CONNECT_ACTION_TYPES: readonly string[] = [
  'AssociateContactToCustomerProfile',
  'CheckMetricData',
  'CheckOutboundCallStatus',
  'CheckVoiceId',
  'CompleteOutboundCall',
  'CreateCase',
  'CreateCustomerProfile',
  'CreatePersistentContactAssociation',
  'CreateTask',
  'CreateWisdomSession',
  'DequeueContactAndTransferToQueue',
  'DistributeByPercentage',
  'GetCalculatedAttributesForCustomerProfile',
  'GetCase',
  'GetCustomerProfileObject',
  'GetMetricData',
  'ResumeContact',
  'StartOutboundChatContact',
  'StartVoiceIdStream',
  'TagContact',
  'TransferContactToAgent',
  'TransferParticipantToThirdParty',
  'UnTagContact',
  'UpdateCase',
  'UpdateContactMediaProcessing',
  'UpdateContactRecordingAndAnalyticsBehavior',
  'UpdateContactRoutingBehavior',
  'UpdateCustomerProfile',
  'UpdatePreviousContactParticipantState',
  'Wait',
];

// ---------------------------------------------------------------------------
// Flow data references ($.Attributes.x, $.External.y, ...)

/**
 * Roots of the flow data a JSONPath reference may start with (and the emulator resolves),
 * from "List of available contact attributes and their JSONPath references".
 */
export const FLOW_DATA_ROOTS = [
  'Attributes',
  'External',
  'StoredCustomerInput',
  'CustomerEndpoint',
  'SystemEndpoint',
  'Queue',
  'ContactId',
  'InitialContactId',
  'PreviousContactId',
  'Channel',
  'InstanceARN',
  'InitiationMethod',
  'AwsRegion',
  'CallbackNumber',
  'TextToSpeechVoiceId',
  'Name',
  'Description',
  'LanguageCode',
  'CustomerId',
  'References',
  'FlowAttributes',
  'Customer',
  'Views',
  'Lex',
  'MediaStreams',
] as const;

/** Roots only one action type fills: unknown where that type cannot run. */
export const ROOTS_SET_BY: Readonly<Record<string, SupportedActionType>> = {
  Lex: 'ConnectParticipantWithLexBot',
};

const REFERENCE_PATTERN = /\$\.([A-Za-z][A-Za-z0-9]*)((?:\.[A-Za-z0-9_-]+)*)/g;
const WHOLE_REFERENCE_PATTERN = /^\$\.([A-Za-z][A-Za-z0-9]*)((?:\.[A-Za-z0-9_-]+)*)$/;

export interface FlowReference {
  /** The reference as written, e.g. `$.External.status`. */
  readonly text: string;
  readonly root: string;
  /** Path below the root, e.g. `['status']`. */
  readonly path: readonly string[];
}

function toReference(text: string, root: string, rest: string): FlowReference {
  return { text, root, path: rest.length > 0 ? rest.slice(1).split('.') : [] };
}

/** Is the value exactly one JSONPath reference (what "a single valid JSONPath identifier" means)? */
export function parseWholeReference(value: string): FlowReference | undefined {
  const match = WHOLE_REFERENCE_PATTERN.exec(value);
  if (!match) return undefined;
  return toReference(value, match[1] ?? '', match[2] ?? '');
}

/** Every reference inside a text, e.g. the `$.External.name` in "Hello $.External.name." */
export function findReferences(value: string): FlowReference[] {
  const found: FlowReference[] = [];
  for (const match of value.matchAll(REFERENCE_PATTERN)) {
    found.push(toReference(match[0], match[1] ?? '', match[2] ?? ''));
  }
  return found;
}

export function isKnownReferenceRoot(root: string): boolean {
  return (FLOW_DATA_ROOTS as readonly string[]).includes(root);
}

// ---------------------------------------------------------------------------
// Parameter shapes

type ParamSpec =
  /** Any string; `wholeReferenceOnly`: static, or a single JSONPath reference, nothing in between. */
  | { readonly kind: 'text'; readonly required?: boolean; readonly wholeReferenceOnly?: boolean }
  /** An integer written as a string; `dynamic`: a single JSONPath reference is also allowed. */
  | {
      readonly kind: 'integer';
      readonly required?: boolean;
      readonly min: number;
      readonly max: number;
      readonly dynamic?: boolean;
    }
  /** One of these words (any case); `dynamic`: a single JSONPath reference is also allowed. */
  | {
      readonly kind: 'enum';
      readonly required?: boolean;
      readonly values: readonly string[];
      readonly dynamic?: boolean;
    }
  /** Must be a single JSONPath reference, never static. */
  | { readonly kind: 'reference'; readonly required?: boolean }
  /**
   * An object of entries: keys free (or one of `keys`), values strings (static or dynamic)
   * unless `values` says otherwise.
   */
  | {
      readonly kind: 'map';
      readonly required?: boolean;
      readonly nonEmpty?: boolean;
      readonly keys?: readonly string[];
      readonly maxEntries?: number;
      readonly values?: ParamSpec;
    }
  | {
      readonly kind: 'object';
      readonly required?: boolean;
      readonly fields: Readonly<Record<string, ParamSpec>>;
    }
  | {
      readonly kind: 'list';
      readonly required?: boolean;
      readonly items: ParamSpec;
      readonly minItems?: number;
    }
  /** Any strings, lists and objects: data passed through that the emulator never interprets. */
  | { readonly kind: 'json'; readonly required?: boolean };

const BOOLEAN_STRING = ['True', 'False'] as const;

const PROMPT_FIELDS = {
  Text: { kind: 'text' },
  SSML: { kind: 'text' },
  PromptId: { kind: 'text', wholeReferenceOnly: true },
  Media: {
    kind: 'object',
    fields: {
      Uri: { kind: 'text', required: true },
      SourceType: { kind: 'enum', values: ['S3'], required: true },
      MediaType: { kind: 'enum', values: ['Audio'], required: true },
    },
  },
} as const satisfies Record<string, ParamSpec>;

const PROMPT_KEYS = Object.keys(PROMPT_FIELDS);

/** Contact event hooks UpdateContactEventHooks may set. */
export const EVENT_HOOK_TYPES = [
  'AgentHold',
  'AgentWhisper',
  'CustomerHold',
  'CustomerQueue',
  'CustomerRemaining',
  'CustomerWhisper',
  'DefaultAgentUI',
  'DisconnectAgentUI',
  'PauseContact',
  'ResumeContact',
] as const;

/** Amazon Polly engines UpdateContactTextToSpeechVoice may name. */
export const TEXT_TO_SPEECH_ENGINES = ['Standard', 'Neural', 'Generative', 'LongForm'] as const;
export const TEXT_TO_SPEECH_STYLES = ['None', 'Conversational', 'Newscaster'] as const;

type Requirement = 'required' | 'optional' | 'none';

type ConditionRule =
  | { readonly kind: 'none' }
  /** A DTMF menu: Equals against one static key 0-9, * or #. */
  | { readonly kind: 'dtmf' }
  /** Any documented operator with one operand, static or a single JSONPath reference (console exports compare two attributes). */
  | { readonly kind: 'compare' }
  /** Equals one static operand each (a Lex intent, a view's action); which ones is up to the flow. */
  | { readonly kind: 'equals' }
  /** Exactly these Equals operands, each once, and no others. */
  | { readonly kind: 'fixed'; readonly operands: readonly string[] }
  /** Only Equals these operands, each at most once; none at all is fine. */
  | { readonly kind: 'subset'; readonly operands: readonly string[] };

/** What a host must offer before the interpreter can run an action type. */
export type HostCapability = 'lexBot' | 'findFlowModule' | 'customerProfiles';

export interface ActionTypeSpec {
  /** The block's name in the Connect flow designer, for messages. */
  readonly block: string;
  readonly parameters: Readonly<Record<string, ParamSpec>>;
  /** Error branches that must be present, given the action's parameters. */
  readonly requiredErrors: (action: FlowAction) => readonly string[];
  /** Error branches that may be present (always includes the required ones). */
  readonly allowedErrors: (action: FlowAction) => readonly string[];
  readonly conditions: (action: FlowAction) => ConditionRule;
  /** Whether Transitions.NextAction must, may or must not be present. */
  readonly next: (action: FlowAction) => Requirement;
  /** On success the contact leaves this flow (queued, transferred, disconnected): no NextAction needed. */
  readonly endsFlowOnSuccess: boolean;
  /** May stand with empty Transitions: it keeps the contact there (a hold flow's endless prompt loop). */
  readonly mayHaveNoTransitions?: boolean;
  /** Only allowed in documents of this kind. */
  readonly onlyIn?: FlowDocumentKind;
  /** The host capability the interpreter calls to run it. */
  readonly needs?: HostCapability;
  /** Cross-field rules the parameter shapes cannot say. */
  readonly checkParameters?: (parameters: Record<string, unknown>) => string[];
}

function storesInput(action: FlowAction): boolean {
  const value = action.Parameters.StoreInput;
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

function hasPhoneNumberValidation(action: FlowAction): boolean {
  const validation = action.Parameters.InputValidation;
  return typeof validation === 'object' && validation !== null && 'PhoneNumberValidation' in validation;
}

const always =
  <T>(value: T) =>
  (): T =>
    value;

/** Error branches the same for every action of a type: these required, those optional. */
function errors(
  required: readonly string[],
  optional: readonly string[] = [],
): Pick<ActionTypeSpec, 'requiredErrors' | 'allowedErrors'> {
  return { requiredErrors: always(required), allowedErrors: always([...required, ...optional]) };
}

const NO_MATCHING_ERROR = ['NoMatchingError'] as const;
const NONE: readonly string[] = [];

function countPresent(parameters: Record<string, unknown>, keys: readonly string[]): number {
  return keys.filter((key) => parameters[key] !== undefined).length;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A step that sets something on the contact and goes on: one NextAction, an optional error branch. */
function setting(
  block: string,
  parameters: Readonly<Record<string, ParamSpec>>,
  optionalErrors: readonly string[],
  extra: Partial<ActionTypeSpec> = {},
): ActionTypeSpec {
  return {
    block,
    parameters,
    ...errors(NONE, optionalErrors),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
    ...extra,
  };
}

export const ACTION_CATALOG: Readonly<Record<SupportedActionType, ActionTypeSpec>> = {
  MessageParticipant: {
    block: 'Play prompt',
    parameters: PROMPT_FIELDS,
    // console exports leave the Error branch out (Transitions.Errors: [])
    ...errors(NONE, NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
    checkParameters: (p) =>
      countPresent(p, PROMPT_KEYS) === 1
        ? []
        : ['exactly one of Text, SSML, PromptId or Media must be given'],
  },

  GetParticipantInput: {
    block: 'Get customer input',
    parameters: {
      ...PROMPT_FIELDS,
      InputTimeLimitSeconds: { kind: 'integer', required: true, min: 1, max: 180 },
      StoreInput: { kind: 'enum', values: BOOLEAN_STRING },
      InputValidation: {
        kind: 'object',
        fields: {
          PhoneNumberValidation: {
            kind: 'object',
            fields: {
              NumberFormat: { kind: 'enum', values: ['Local', 'E164'], required: true },
              CountryCode: { kind: 'text' },
            },
          },
          CustomValidation: {
            kind: 'object',
            fields: { MaximumLength: { kind: 'integer', required: true, min: 1, max: 100 } },
          },
        },
      },
      DTMFConfiguration: {
        kind: 'object',
        fields: {
          InputTerminationSequence: { kind: 'text' },
          DisableCancelKey: { kind: 'enum', values: BOOLEAN_STRING },
          InterdigitTimeLimitSeconds: { kind: 'integer', min: 1, max: 20 },
        },
      },
    },
    requiredErrors: (action) =>
      storesInput(action)
        ? hasPhoneNumberValidation(action)
          ? ['NoMatchingError', 'InvalidPhoneNumber']
          : ['NoMatchingError']
        : ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError'],
    allowedErrors: (action) =>
      storesInput(action)
        ? hasPhoneNumberValidation(action)
          ? ['NoMatchingError', 'InvalidPhoneNumber']
          : ['NoMatchingError']
        : ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError'],
    conditions: (action) => (storesInput(action) ? { kind: 'none' } : { kind: 'dtmf' }),
    next: (action) => (storesInput(action) ? 'required' : 'optional'),
    endsFlowOnSuccess: false,
    checkParameters: (p) => {
      const problems: string[] = [];
      if (countPresent(p, PROMPT_KEYS) > 1)
        problems.push('at most one of Text, SSML, PromptId or Media may be given');
      const store = typeof p.StoreInput === 'string' && p.StoreInput.toLowerCase() === 'true';
      const validation = p.InputValidation as Record<string, unknown> | undefined;
      if (store && validation === undefined)
        problems.push('InputValidation is required when StoreInput is True');
      if (!store && validation !== undefined)
        problems.push('InputValidation is only allowed when StoreInput is True');
      if (validation !== undefined) {
        const kinds = countPresent(validation, ['PhoneNumberValidation', 'CustomValidation']);
        if (kinds !== 1)
          problems.push('InputValidation needs exactly one of PhoneNumberValidation or CustomValidation');
        const phone = validation.PhoneNumberValidation as Record<string, unknown> | undefined;
        if (phone?.NumberFormat === 'Local' && phone.CountryCode === undefined) {
          problems.push('PhoneNumberValidation.CountryCode is required when NumberFormat is Local');
        }
      }
      const dtmf = p.DTMFConfiguration as Record<string, unknown> | undefined;
      const sequence = dtmf?.InputTerminationSequence;
      if (typeof sequence === 'string' && !/^[0-9*#]{1,5}$/.test(sequence)) {
        problems.push('DTMFConfiguration.InputTerminationSequence must be one to five keys of 0-9, * or #');
      }
      return problems;
    },
  },

  InvokeLambdaFunction: {
    block: 'Invoke AWS Lambda function',
    parameters: {
      LambdaFunctionARN: { kind: 'text', required: true, wholeReferenceOnly: true },
      InvocationTimeLimitSeconds: { kind: 'integer', required: true, min: 1, max: 8 },
      InvocationType: { kind: 'enum', values: ['SYNCHRONOUS'] },
      LambdaInvocationAttributes: { kind: 'map' },
      ResponseValidation: {
        kind: 'object',
        fields: { ResponseType: { kind: 'enum', values: ['STRING_MAP', 'JSON'], required: true } },
      },
    },
    ...errors(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  UpdateContactAttributes: {
    block: 'Set contact attributes',
    parameters: {
      Attributes: { kind: 'map', required: true, nonEmpty: true },
      // older console exports have no TargetContact; Connect then sets the current contact's
      TargetContact: { kind: 'enum', values: ['Current'] },
    },
    ...errors(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  Compare: {
    block: 'Check contact attributes',
    parameters: { ComparisonValue: { kind: 'reference', required: true } },
    ...errors(['NoMatchingCondition']),
    conditions: always({ kind: 'compare' }),
    next: always('optional'),
    endsFlowOnSuccess: false,
  },

  CheckHoursOfOperation: {
    block: 'Check hours of operation',
    parameters: { HoursOfOperationId: { kind: 'text', wholeReferenceOnly: true } },
    ...errors(NO_MATCHING_ERROR),
    conditions: always({ kind: 'fixed', operands: ['True', 'False'] }),
    next: always('optional'),
    endsFlowOnSuccess: false,
  },

  UpdateContactTargetQueue: {
    block: 'Set working queue',
    parameters: { QueueId: { kind: 'text', required: true, wholeReferenceOnly: true } },
    ...errors(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  TransferContactToQueue: {
    block: 'Transfer to queue',
    parameters: {},
    ...errors(['QueueAtCapacity', 'NoMatchingError']),
    conditions: always({ kind: 'none' }),
    // exported flows always carry one; never taken, the contact leaves the flow queued
    next: always('required'),
    endsFlowOnSuccess: true,
  },

  UpdateContactCallbackNumber: {
    block: 'Set callback number',
    parameters: { CallbackNumber: { kind: 'reference', required: true } },
    ...errors(['InvalidCallbackNumber', 'CallbackNumberNotDialable']),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  CreateCallbackContact: {
    block: 'Transfer to queue (callback)',
    parameters: {
      QueueId: { kind: 'text', wholeReferenceOnly: true },
      InitialCallDelaySeconds: { kind: 'integer', required: true, min: 1, max: 259_200 },
      MaximumConnectionAttempts: { kind: 'integer', required: true, min: 1, max: 100 },
      RetryDelaySeconds: { kind: 'integer', required: true, min: 1, max: 259_200 },
      ContactFlowId: { kind: 'text', wholeReferenceOnly: true },
      CallerId: { kind: 'text', wholeReferenceOnly: true },
    },
    ...errors(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  DisconnectParticipant: {
    block: 'Disconnect / hang up',
    parameters: {},
    ...errors(NONE),
    conditions: always({ kind: 'none' }),
    next: always('none'),
    endsFlowOnSuccess: true,
  },

  Loop: {
    block: 'Loop',
    parameters: { LoopCount: { kind: 'integer', required: true, min: 0, max: 100, dynamic: true } },
    ...errors(NONE),
    conditions: always({ kind: 'fixed', operands: ['ContinueLooping', 'DoneLooping'] }),
    next: always('optional'),
    endsFlowOnSuccess: false,
  },

  TransferToFlow: {
    block: 'Transfer to flow',
    parameters: { ContactFlowId: { kind: 'text', required: true, wholeReferenceOnly: true } },
    ...errors(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: true,
  },

  UpdateFlowLoggingBehavior: setting(
    'Set logging behavior',
    { FlowLoggingBehavior: { kind: 'enum', values: ['Enabled', 'Disabled'], required: true } },
    NONE,
  ),

  UpdateContactTextToSpeechVoice: setting(
    'Set voice',
    {
      TextToSpeechVoice: { kind: 'text', required: true, wholeReferenceOnly: true },
      TextToSpeechEngine: { kind: 'text', wholeReferenceOnly: true },
      TextToSpeechStyle: { kind: 'text', wholeReferenceOnly: true },
    },
    // the current reference page lists NoMatchingError (unknown voice or engine); exports omit it
    NO_MATCHING_ERROR,
  ),

  UpdateContactEventHooks: setting(
    'Set event flow / Set customer queue flow',
    {
      EventHooks: {
        kind: 'map',
        required: true,
        nonEmpty: true,
        keys: EVENT_HOOK_TYPES,
        maxEntries: 1,
        values: { kind: 'text', wholeReferenceOnly: true },
      },
      // seen in console exports next to EventHooks, one entry per hook
      EventHooksConfiguration: {
        kind: 'map',
        keys: EVENT_HOOK_TYPES,
        values: {
          kind: 'object',
          fields: { DisableExecution: { kind: 'enum', values: ['true', 'false'] } },
        },
      },
    },
    NO_MATCHING_ERROR,
  ),

  EndFlowExecution: {
    block: 'End flow / Resume',
    parameters: {},
    ...errors(NONE),
    conditions: always({ kind: 'none' }),
    next: always('none'),
    endsFlowOnSuccess: true,
  },

  InvokeFlowModule: setting(
    'Invoke module',
    { FlowModuleId: { kind: 'text', required: true, wholeReferenceOnly: true } },
    NO_MATCHING_ERROR,
    { needs: 'findFlowModule' },
  ),

  EndFlowModuleExecution: {
    block: 'Return',
    parameters: {},
    ...errors(NONE),
    conditions: always({ kind: 'none' }),
    next: always('none'),
    endsFlowOnSuccess: true,
    onlyIn: 'module',
  },

  UpdateContactRecordingBehavior: setting(
    'Set recording and analytics behavior',
    {
      RecordingBehavior: {
        kind: 'object',
        required: true,
        fields: {
          RecordedParticipants: {
            kind: 'list',
            required: true,
            items: { kind: 'enum', values: ['Agent', 'Customer'] },
          },
          ScreenRecordedParticipants: { kind: 'list', items: { kind: 'enum', values: ['Agent'] } },
          IVRRecordingBehavior: { kind: 'enum', values: ['Enabled', 'Disabled'] },
        },
      },
      // Contact Lens settings; nothing the emulator runs reads them
      AnalyticsBehavior: { kind: 'json' },
    },
    NONE,
    {
      checkParameters: (p) => {
        const recording = isRecord(p.RecordingBehavior) ? p.RecordingBehavior : {};
        const participants = Array.isArray(recording.RecordedParticipants)
          ? recording.RecordedParticipants
          : [];
        const both = participants.includes('Agent') && participants.includes('Customer');
        return p.AnalyticsBehavior !== undefined && !both
          ? ['AnalyticsBehavior can only be set when RecordedParticipants holds both Agent and Customer']
          : [];
      },
    },
  ),

  UpdateContactMediaStreamingBehavior: setting(
    'Start media streaming / Stop media streaming',
    {
      MediaStreamingState: { kind: 'enum', values: ['Enabled', 'Disabled'], required: true },
      Participants: {
        kind: 'list',
        required: true,
        minItems: 1,
        items: {
          kind: 'object',
          fields: {
            ParticipantType: { kind: 'enum', values: ['Customer'], required: true },
            MediaDirections: {
              kind: 'list',
              required: true,
              minItems: 1,
              items: { kind: 'enum', values: ['From', 'To'] },
            },
          },
        },
      },
      MediaStreamType: { kind: 'enum', values: ['Audio'], required: true },
    },
    NO_MATCHING_ERROR,
  ),

  ShowView: {
    block: 'Show view',
    parameters: {
      ViewResource: {
        kind: 'object',
        required: true,
        fields: {
          Id: { kind: 'text', required: true, wholeReferenceOnly: true },
          Version: { kind: 'text', wholeReferenceOnly: true },
        },
      },
      // no documented maximum; the reference page's example is 400
      InvocationTimeLimitSeconds: { kind: 'integer', required: true, min: 1, max: 604_800, dynamic: true },
      ViewData: { kind: 'json' },
      SensitiveDataConfiguration: {
        kind: 'object',
        fields: { HideResponseOn: { kind: 'list', items: { kind: 'enum', values: ['TRANSCRIPT'] } } },
      },
    },
    // a voice contact always takes the Error branch (chat only); every console export has it
    ...errors(NO_MATCHING_ERROR, ['NoMatchingCondition', 'TimeLimitExceeded']),
    conditions: always({ kind: 'equals' }),
    next: always('optional'),
    endsFlowOnSuccess: false,
  },

  UpdateFlowAttributes: setting(
    'Set contact attributes (flow)',
    {
      FlowAttributes: {
        kind: 'map',
        required: true,
        nonEmpty: true,
        values: { kind: 'object', fields: { Value: { kind: 'text', required: true } } },
      },
    },
    // documented with no errors, but console exports carry a NoMatchingError branch
    NO_MATCHING_ERROR,
  ),

  MessageParticipantIteratively: {
    block: 'Loop prompts',
    parameters: {
      Messages: {
        kind: 'list',
        required: true,
        minItems: 1,
        items: { kind: 'object', fields: PROMPT_FIELDS },
      },
      // no documented maximum; the admin guide advises more than 20 seconds in queue flows
      InterruptFrequencySeconds: { kind: 'integer', min: 1, max: 86_400, dynamic: true },
    },
    // "some existing flows have a version of the Loop prompts block that doesn't have an Error branch"
    ...errors(NONE, NO_MATCHING_ERROR),
    conditions: always({ kind: 'subset', operands: ['MessagesInterrupted'] }),
    next: always('optional'),
    endsFlowOnSuccess: false,
    mayHaveNoTransitions: true,
    checkParameters: (p) => {
      const messages = Array.isArray(p.Messages) ? p.Messages : [];
      return messages.flatMap((message, index) =>
        isRecord(message) && countPresent(message, PROMPT_KEYS) === 1
          ? []
          : [`Messages[${index}] needs exactly one of Text, SSML, PromptId or Media`],
      );
    },
  },

  UpdateContactData: setting(
    'Set contact attributes (contact data)',
    {
      Name: { kind: 'text' },
      Description: { kind: 'text' },
      LanguageCode: { kind: 'text', wholeReferenceOnly: true },
      CustomerId: { kind: 'text' },
      References: { kind: 'json' },
      TargetContact: { kind: 'enum', values: ['Current'] },
      // Voice ID settings: recorded, not emulated
      IsVoiceIdStreamingEnabled: { kind: 'enum', values: ['TRUE', 'FALSE'] },
      IsVoiceAuthenticationEnabled: { kind: 'enum', values: ['TRUE', 'FALSE'] },
      IsFraudDetectionEnabled: { kind: 'enum', values: ['TRUE', 'FALSE'] },
      VoiceAuthenticationThreshold: { kind: 'integer', min: 0, max: 100, dynamic: true },
      VoiceAuthenticationResponseTime: { kind: 'integer', min: 1, max: 60, dynamic: true },
      FraudDetectionThreshold: { kind: 'integer', min: 0, max: 100, dynamic: true },
    },
    NO_MATCHING_ERROR,
    {
      checkParameters: (p) =>
        Object.keys(p).some((key) => key !== 'TargetContact')
          ? []
          : ['UpdateContactData needs at least one contact field to set'],
    },
  ),

  GetCustomerProfile: setting(
    'Customer profiles (Get profile)',
    {
      ProfileRequestData: {
        kind: 'object',
        required: true,
        fields: {
          IdentifierName: { kind: 'text' },
          IdentifierValue: { kind: 'text' },
          SearchCriteria: {
            kind: 'list',
            minItems: 1,
            items: {
              kind: 'object',
              fields: {
                IdentifierName: { kind: 'text', required: true },
                IdentifierValue: { kind: 'text', required: true },
              },
            },
          },
          LogicalOperator: { kind: 'enum', values: ['AND', 'OR'] },
          // the shape older console exports write: one well-known key
          PhoneNumber: { kind: 'text' },
          EmailAddress: { kind: 'text' },
          AccountNumber: { kind: 'text' },
        },
      },
      ProfileResponseData: { kind: 'list', items: { kind: 'text' } },
    },
    ['MultipleFoundError', 'NoneFoundError', 'NoMatchingError'],
    {
      needs: 'customerProfiles',
      checkParameters: (p) => {
        const request = isRecord(p.ProfileRequestData) ? p.ProfileRequestData : {};
        const single = request.IdentifierName !== undefined || request.IdentifierValue !== undefined;
        const legacy = countPresent(request, ['PhoneNumber', 'EmailAddress', 'AccountNumber']);
        const forms = (single ? 1 : 0) + (request.SearchCriteria !== undefined ? 1 : 0) + legacy;
        const problems: string[] = [];
        if (forms !== 1)
          problems.push(
            'ProfileRequestData needs exactly one search: IdentifierName with IdentifierValue, SearchCriteria, or one of PhoneNumber, EmailAddress, AccountNumber',
          );
        if (single && (request.IdentifierName === undefined || request.IdentifierValue === undefined))
          problems.push('ProfileRequestData.IdentifierName and IdentifierValue go together');
        const criteria = Array.isArray(request.SearchCriteria) ? request.SearchCriteria : [];
        if (criteria.length > 5)
          problems.push('ProfileRequestData.SearchCriteria takes at most five identifiers');
        if (criteria.length > 1 && request.LogicalOperator === undefined)
          problems.push('ProfileRequestData.LogicalOperator is required with more than one SearchCriteria');
        return problems;
      },
    },
  ),

  ConnectParticipantWithLexBot: {
    block: 'Get customer input (Amazon Lex)',
    parameters: {
      ...PROMPT_FIELDS,
      LexV2Bot: {
        kind: 'object',
        fields: { AliasArn: { kind: 'text', required: true, wholeReferenceOnly: true } },
      },
      LexBot: {
        kind: 'object',
        fields: {
          Name: { kind: 'text', required: true },
          Region: { kind: 'text' },
          Alias: { kind: 'text', required: true },
        },
      },
      LexSessionAttributes: { kind: 'map' },
      LexInitializationData: { kind: 'object', fields: { InitialMessage: { kind: 'text' } } },
      LexTimeoutSeconds: {
        kind: 'object',
        fields: { Text: { kind: 'integer', required: true, min: 1, max: 10_080 } },
      },
    },
    ...errors(NONE, ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError']),
    conditions: always({ kind: 'equals' }),
    next: always('optional'),
    endsFlowOnSuccess: false,
    needs: 'lexBot',
    checkParameters: (p) => {
      const problems: string[] = [];
      if (countPresent(p, PROMPT_KEYS) > 1)
        problems.push('at most one of Text, SSML, PromptId or Media may be given');
      if (countPresent(p, ['LexV2Bot', 'LexBot']) !== 1)
        problems.push('exactly one of LexV2Bot or LexBot must be given');
      return problems;
    },
  },
};

// ---------------------------------------------------------------------------
// Shape checks shared by the validator and the interpreter

function checkValue(path: string, spec: ParamSpec, value: unknown, problems: string[]): void {
  switch (spec.kind) {
    case 'text': {
      if (typeof value !== 'string') {
        problems.push(`${path} must be a string`);
        return;
      }
      if (spec.wholeReferenceOnly && findReferences(value).length > 0 && !parseWholeReference(value)) {
        problems.push(
          `${path} must be static or a single JSONPath reference, not text mixed with references`,
        );
      }
      return;
    }
    case 'integer': {
      if (typeof value !== 'string') {
        problems.push(`${path} must be an integer written as a string, e.g. "5"`);
        return;
      }
      if (spec.dynamic && parseWholeReference(value)) return;
      if (!/^-?\d+$/.test(value)) {
        problems.push(
          `${path} must be a static integer${spec.dynamic ? ' or a single JSONPath reference' : ''}`,
        );
        return;
      }
      const n = Number(value);
      if (n < spec.min || n > spec.max) problems.push(`${path} must be between ${spec.min} and ${spec.max}`);
      return;
    }
    case 'enum': {
      if (spec.dynamic && typeof value === 'string' && parseWholeReference(value)) return;
      if (typeof value !== 'string' || !spec.values.some((v) => v.toLowerCase() === value.toLowerCase())) {
        problems.push(`${path} must be one of ${spec.values.join(', ')}`);
      }
      return;
    }
    case 'reference': {
      if (typeof value !== 'string' || !parseWholeReference(value)) {
        problems.push(`${path} must be a single JSONPath reference such as $.Attributes.x`);
      }
      return;
    }
    case 'map': {
      if (!isRecord(value)) {
        problems.push(`${path} must be an object of ${spec.values ? 'entries' : 'string values'}`);
        return;
      }
      const entries = Object.entries(value);
      if (spec.nonEmpty && entries.length === 0) problems.push(`${path} must not be empty`);
      if (spec.maxEntries !== undefined && entries.length > spec.maxEntries)
        problems.push(
          `${path} takes at most ${spec.maxEntries} ${spec.maxEntries === 1 ? 'entry' : 'entries'}`,
        );
      for (const [key, entry] of entries) {
        if (spec.keys && !spec.keys.includes(key)) {
          problems.push(`${path}.${key} is not one of ${spec.keys.join(', ')}`);
          continue;
        }
        if (spec.values) checkValue(`${path}.${key}`, spec.values, entry, problems);
        else if (typeof entry !== 'string') problems.push(`${path}.${key} must be a string`);
      }
      return;
    }
    case 'object': {
      if (!isRecord(value)) {
        problems.push(`${path} must be an object`);
        return;
      }
      checkFields(path, spec.fields, value, problems);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        problems.push(`${path} must be a list`);
        return;
      }
      if (spec.minItems !== undefined && value.length < spec.minItems)
        problems.push(`${path} needs at least ${spec.minItems} ${spec.minItems === 1 ? 'item' : 'items'}`);
      for (const [index, item] of value.entries())
        checkValue(`${path}[${index}]`, spec.items, item, problems);
      return;
    }
    case 'json': {
      if (!isJson(value))
        problems.push(`${path} must hold only strings, numbers, booleans, lists and objects`);
      return;
    }
  }
}

function isJson(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(isJson);
  return isRecord(value) && Object.values(value).every(isJson);
}

function checkFields(
  path: string,
  fields: Readonly<Record<string, ParamSpec>>,
  value: Record<string, unknown>,
  problems: string[],
): void {
  for (const key of Object.keys(value)) {
    if (!(key in fields)) {
      problems.push(`unknown parameter ${path ? `${path}.` : ''}${key} (not supported by the emulator)`);
    }
  }
  for (const [key, spec] of Object.entries(fields)) {
    const entry = value[key];
    const entryPath = path ? `${path}.${key}` : key;
    if (entry === undefined) {
      if (spec.required) problems.push(`parameter ${entryPath} is required`);
      continue;
    }
    checkValue(entryPath, spec, entry, problems);
  }
}

export interface ParameterCheckOptions {
  /** Flow data roots with nothing to read here, and why (e.g. `$.Lex` without a Lex bot). */
  readonly unavailableRoots?: Readonly<Record<string, string>>;
}

/** Everything wrong with an action's Parameters, in words; empty when the emulator can run it. */
export function parameterProblems(
  type: SupportedActionType,
  parameters: unknown,
  options: ParameterCheckOptions = {},
): string[] {
  const spec = ACTION_CATALOG[type];
  if (!isRecord(parameters)) return ['Parameters must be an object'];
  const problems: string[] = [];
  checkFields('', spec.parameters, parameters, problems);
  if (problems.length === 0 && spec.checkParameters) problems.push(...spec.checkParameters(parameters));
  for (const text of collectStrings(parameters)) {
    for (const reference of findReferences(text)) {
      const unavailable = options.unavailableRoots?.[reference.root];
      if (!isKnownReferenceRoot(reference.root) || unavailable !== undefined) {
        problems.push(
          `reference ${reference.text} names unknown flow data $.${reference.root}${unavailable ? ` (${unavailable})` : ''}`,
        );
      }
    }
  }
  return problems;
}

function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(collectStrings);
  if (isRecord(value))
    return Object.entries(value).flatMap(([key, entry]) => [key, ...collectStrings(entry)]);
  return [];
}

const DTMF_KEY = /^[0-9*#]$/;

/** Everything wrong with an action's Conditions for its type. */
export function conditionProblems(action: FlowAction, rule: ConditionRule): string[] {
  const conditions = action.Transitions.Conditions ?? [];
  const problems: string[] = [];
  for (const [index, entry] of conditions.entries()) {
    const condition = entry.Condition;
    if (!condition || !Array.isArray(condition.Operands) || condition.Operands.length !== 1) {
      problems.push(`condition ${index + 1} needs exactly one operand`);
      continue;
    }
    if (!CONDITION_OPERATORS.includes(condition.Operator)) {
      problems.push(`condition ${index + 1} has unknown operator ${String(condition.Operator)}`);
    }
  }
  if (problems.length > 0) return problems;
  const operands = conditions.map((c) => ({
    operator: c.Condition.Operator,
    operand: c.Condition.Operands[0],
  }));
  const isStatic = (operand: unknown) => typeof operand === 'string' && findReferences(operand).length === 0;
  switch (rule.kind) {
    case 'none':
      if (conditions.length > 0) problems.push(`${action.Type} supports no Conditions here`);
      break;
    case 'dtmf':
      for (const { operator, operand } of operands) {
        if (operator !== 'Equals' || typeof operand !== 'string' || !DTMF_KEY.test(operand)) {
          problems.push(
            `menu conditions must be Equals one key 0-9, * or # (got ${operator} ${String(operand)})`,
          );
        }
      }
      break;
    case 'compare':
      if (conditions.length === 0) problems.push('Compare needs at least one condition');
      for (const { operand } of operands) {
        if (!isStatic(operand) && !(typeof operand === 'string' && parseWholeReference(operand)))
          problems.push('Compare operands must be static or a single JSONPath reference');
      }
      break;
    case 'equals':
      for (const { operator, operand } of operands) {
        if (operator !== 'Equals' || !isStatic(operand)) {
          problems.push(
            `${action.Type} conditions must be Equals one static value (got ${operator} ${String(operand)})`,
          );
        }
      }
      break;
    case 'fixed': {
      const seen = operands.map((o) => (o.operator === 'Equals' ? o.operand : `${o.operator} ${o.operand}`));
      const expected = [...rule.operands].sort().join(', ');
      if ([...seen].sort().join(', ') !== expected) {
        problems.push(
          `${action.Type} needs exactly the conditions Equals ${rule.operands.join(' and Equals ')}`,
        );
      }
      break;
    }
    case 'subset': {
      const seen = new Set<string>();
      for (const { operator, operand } of operands) {
        const known = operator === 'Equals' && typeof operand === 'string' && rule.operands.includes(operand);
        if (!known || seen.has(operand)) {
          problems.push(
            `${action.Type} conditions may only be Equals ${rule.operands.join(' or ')}, each once (got ${operator} ${String(operand)})`,
          );
        }
        if (typeof operand === 'string') seen.add(operand);
      }
      break;
    }
  }
  return problems;
}

export type { ConditionRule, FlowParameterValue, ParamSpec, Requirement };
