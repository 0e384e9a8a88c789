/**
 * Types of the Amazon Connect flow language (Version 2019-10-30), the JSON that
 * `AWS::Connect::ContactFlow.Content` carries and the local Connect emulator runs.
 * https://docs.aws.amazon.com/connect/latest/APIReference/flow-language.html
 */

export const FLOW_LANGUAGE_VERSION = '2019-10-30';

/** Documented limits of a flow document. */
export const MAX_ACTIONS_PER_FLOW = 250;
export const MAX_FLOW_CONTENT_CHARS = 256_000;
export const MAX_IDENTIFIER_LENGTH = 50;

export type ConditionOperator =
  | 'Equals'
  | 'TextStartsWith'
  | 'TextEndsWith'
  | 'TextContains'
  | 'NumberGreaterThan'
  | 'NumberGreaterOrEqualTo'
  | 'NumberLessThan'
  | 'NumberLessOrEqualTo';

export const CONDITION_OPERATORS: readonly ConditionOperator[] = [
  'Equals',
  'TextStartsWith',
  'TextEndsWith',
  'TextContains',
  'NumberGreaterThan',
  'NumberGreaterOrEqualTo',
  'NumberLessThan',
  'NumberLessOrEqualTo',
];

export interface FlowCondition {
  Operator: ConditionOperator;
  Operands: string[];
}

export interface FlowConditionTransition {
  NextAction: string;
  Condition: FlowCondition;
}

export interface FlowErrorTransition {
  NextAction: string;
  ErrorType: string;
}

export interface FlowTransitions {
  NextAction?: string;
  Conditions?: FlowConditionTransition[];
  Errors?: FlowErrorTransition[];
}

/**
 * Parameter values are strings (numbers too are written as strings), lists (e.g. the
 * RecordedParticipants of UpdateContactRecordingBehavior) or nested objects of them.
 */
export type FlowParameterValue = string | FlowParameterValue[] | { [key: string]: FlowParameterValue };

export type FlowParameters = { [key: string]: FlowParameterValue };

export interface FlowAction {
  Identifier: string;
  Type: string;
  Parameters: FlowParameters;
  Transitions: FlowTransitions;
}

/** A flow proper (CreateContactFlow) or a flow module (CreateContactFlowModule). */
export type FlowDocumentKind = 'flow' | 'module';

export interface FlowDocument {
  Version: typeof FLOW_LANGUAGE_VERSION;
  StartAction: string;
  Metadata?: Record<string, unknown>;
  Actions: FlowAction[];
}

/** Characters the flow language forbids in an Identifier. */
const FORBIDDEN_IDENTIFIER_CHARS = /[%:()\\/=$,;[\]{}]/;
const RESERVED_IDENTIFIERS = new Set([
  '__proto__',
  'constructor',
  '__defineGetter__',
  '__defineSetter__',
  'toString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'valueOf',
]);

/** Why an action Identifier is not allowed, or undefined when it is fine. */
export function identifierProblem(id: string): string | undefined {
  if (id.length === 0) return 'is empty';
  if (id.length > MAX_IDENTIFIER_LENGTH) return `is longer than ${MAX_IDENTIFIER_LENGTH} characters`;
  if (FORBIDDEN_IDENTIFIER_CHARS.test(id)) return 'contains one of % : ( \\ / ) = $ , ; [ ] { }';
  if (RESERVED_IDENTIFIERS.has(id)) return 'is a reserved word';
  return undefined;
}
