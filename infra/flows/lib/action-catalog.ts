/**
 * The one list of flow-language action types this project writes and the local Connect
 * emulator runs, with the parameters, branches and errors each may carry. The validator
 * (infra/flows/lib/validate.ts) and the interpreter (local/connect/interpreter.ts) both
 * read it, so a flow cannot pass validation with something the emulator would not run.
 *
 * Transcribed from the per-action pages of the Amazon Connect flow-language reference:
 * https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html
 * Documented parameters the emulator does not implement (AgentId, InputEncryption,
 * InvocationType ASYNCHRONOUS, TargetContact Related, ...) are left out on purpose.
 */
import type { FlowAction, FlowParameterValue } from './flow-language.ts';
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
] as const;

export type SupportedActionType = (typeof SUPPORTED_ACTION_TYPES)[number];

export function isSupportedActionType(type: string): type is SupportedActionType {
  return (SUPPORTED_ACTION_TYPES as readonly string[]).includes(type);
}

// ---------------------------------------------------------------------------
// Flow data references ($.Attributes.x, $.External.y, ...)

/** Roots of the flow data a JSONPath reference may start with (and the emulator resolves). */
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
] as const;

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
  | { readonly kind: 'enum'; readonly required?: boolean; readonly values: readonly string[] }
  /** Must be a single JSONPath reference, never static. */
  | { readonly kind: 'reference'; readonly required?: boolean }
  /** A map of string keys to string values (static or dynamic). */
  | { readonly kind: 'map'; readonly required?: boolean; readonly nonEmpty?: boolean }
  | {
      readonly kind: 'object';
      readonly required?: boolean;
      readonly fields: Readonly<Record<string, ParamSpec>>;
    };

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

type Requirement = 'required' | 'optional' | 'none';

type ConditionRule =
  | { readonly kind: 'none' }
  /** A DTMF menu: Equals against one static key 0-9, * or #. */
  | { readonly kind: 'dtmf' }
  /** Any documented operator with one static operand. */
  | { readonly kind: 'compare' }
  /** Exactly these Equals operands, each once, and no others. */
  | { readonly kind: 'fixed'; readonly operands: readonly string[] };

export interface ActionTypeSpec {
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

const NO_MATCHING_ERROR = ['NoMatchingError'] as const;

function countPresent(parameters: Record<string, unknown>, keys: readonly string[]): number {
  return keys.filter((key) => parameters[key] !== undefined).length;
}

export const ACTION_CATALOG: Readonly<Record<SupportedActionType, ActionTypeSpec>> = {
  MessageParticipant: {
    parameters: PROMPT_FIELDS,
    requiredErrors: always(NO_MATCHING_ERROR),
    allowedErrors: always(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
    checkParameters: (p) =>
      countPresent(p, PROMPT_KEYS) === 1
        ? []
        : ['exactly one of Text, SSML, PromptId or Media must be given'],
  },

  GetParticipantInput: {
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
    requiredErrors: always(NO_MATCHING_ERROR),
    allowedErrors: always(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  UpdateContactAttributes: {
    parameters: {
      Attributes: { kind: 'map', required: true, nonEmpty: true },
      TargetContact: { kind: 'enum', values: ['Current'], required: true },
    },
    requiredErrors: always(NO_MATCHING_ERROR),
    allowedErrors: always(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  Compare: {
    parameters: { ComparisonValue: { kind: 'reference', required: true } },
    requiredErrors: always(['NoMatchingCondition']),
    allowedErrors: always(['NoMatchingCondition']),
    conditions: always({ kind: 'compare' }),
    next: always('optional'),
    endsFlowOnSuccess: false,
  },

  CheckHoursOfOperation: {
    parameters: { HoursOfOperationId: { kind: 'text', wholeReferenceOnly: true } },
    requiredErrors: always(NO_MATCHING_ERROR),
    allowedErrors: always(NO_MATCHING_ERROR),
    conditions: always({ kind: 'fixed', operands: ['True', 'False'] }),
    next: always('optional'),
    endsFlowOnSuccess: false,
  },

  UpdateContactTargetQueue: {
    parameters: { QueueId: { kind: 'text', required: true, wholeReferenceOnly: true } },
    requiredErrors: always(NO_MATCHING_ERROR),
    allowedErrors: always(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  TransferContactToQueue: {
    parameters: {},
    requiredErrors: always(['QueueAtCapacity', 'NoMatchingError']),
    allowedErrors: always(['QueueAtCapacity', 'NoMatchingError']),
    conditions: always({ kind: 'none' }),
    // exported flows always carry one; never taken, the contact leaves the flow queued
    next: always('required'),
    endsFlowOnSuccess: true,
  },

  UpdateContactCallbackNumber: {
    parameters: { CallbackNumber: { kind: 'reference', required: true } },
    requiredErrors: always(['InvalidCallbackNumber', 'CallbackNumberNotDialable']),
    allowedErrors: always(['InvalidCallbackNumber', 'CallbackNumberNotDialable']),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  CreateCallbackContact: {
    parameters: {
      QueueId: { kind: 'text', wholeReferenceOnly: true },
      InitialCallDelaySeconds: { kind: 'integer', required: true, min: 1, max: 259_200 },
      MaximumConnectionAttempts: { kind: 'integer', required: true, min: 1, max: 100 },
      RetryDelaySeconds: { kind: 'integer', required: true, min: 1, max: 259_200 },
      ContactFlowId: { kind: 'text', wholeReferenceOnly: true },
      CallerId: { kind: 'text', wholeReferenceOnly: true },
    },
    requiredErrors: always(NO_MATCHING_ERROR),
    allowedErrors: always(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: false,
  },

  DisconnectParticipant: {
    parameters: {},
    requiredErrors: always([]),
    allowedErrors: always([]),
    conditions: always({ kind: 'none' }),
    next: always('none'),
    endsFlowOnSuccess: true,
  },

  Loop: {
    parameters: { LoopCount: { kind: 'integer', required: true, min: 0, max: 100, dynamic: true } },
    requiredErrors: always([]),
    allowedErrors: always([]),
    conditions: always({ kind: 'fixed', operands: ['ContinueLooping', 'DoneLooping'] }),
    next: always('optional'),
    endsFlowOnSuccess: false,
  },

  TransferToFlow: {
    parameters: { ContactFlowId: { kind: 'text', required: true, wholeReferenceOnly: true } },
    requiredErrors: always(NO_MATCHING_ERROR),
    allowedErrors: always(NO_MATCHING_ERROR),
    conditions: always({ kind: 'none' }),
    next: always('required'),
    endsFlowOnSuccess: true,
  },
};

// ---------------------------------------------------------------------------
// Shape checks shared by the validator and the interpreter

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
        problems.push(`${path} must be an object of string values`);
        return;
      }
      if (spec.nonEmpty && Object.keys(value).length === 0) problems.push(`${path} must not be empty`);
      for (const [key, entry] of Object.entries(value)) {
        if (typeof entry !== 'string') problems.push(`${path}.${key} must be a string`);
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
  }
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

/** Everything wrong with an action's Parameters, in words; empty when the emulator can run it. */
export function parameterProblems(type: SupportedActionType, parameters: unknown): string[] {
  const spec = ACTION_CATALOG[type];
  if (!isRecord(parameters)) return ['Parameters must be an object'];
  const problems: string[] = [];
  checkFields('', spec.parameters, parameters, problems);
  if (problems.length === 0 && spec.checkParameters) problems.push(...spec.checkParameters(parameters));
  for (const text of collectStrings(parameters)) {
    for (const reference of findReferences(text)) {
      if (!isKnownReferenceRoot(reference.root)) {
        problems.push(`reference ${reference.text} names unknown flow data $.${reference.root}`);
      }
    }
  }
  return problems;
}

function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
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
        if (typeof operand !== 'string' || findReferences(operand).length > 0) {
          problems.push('Compare operands must be static strings');
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
  }
  return problems;
}

export type { ConditionRule, FlowParameterValue, ParamSpec, Requirement };
