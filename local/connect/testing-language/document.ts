/**
 * The Amazon Connect Testing language (the Content of a test case), read into typed observations, with
 * every problem listed as CreateTestCase lists them for a PUBLISHED test. Following
 * https://docs.aws.amazon.com/connect/latest/APIReference/testing-language.html: Version 2019-10-30;
 * events TestInitiated, TestCompleted, MessageReceived, FlowActionStarted; actions SendInstruction,
 * OverrideSystemBehavior, Assert, TestControl; Usage Exactly / AtLeast / AtMost / Always with Times.
 * What the language has but the emulator's contacts cannot do is a problem too, worded as such.
 */
import {
  type FlowActionOverride,
  OVERRIDABLE_ACTIONS,
  type OverridableAction,
  type OverrideStrategy,
  type TestContactCapabilities,
} from './contacts.ts';

export const TESTING_LANGUAGE_VERSION = '2019-10-30';

export const EVENT_TYPES = [
  'TestInitiated',
  'TestCompleted',
  'MessageReceived',
  'FlowActionStarted',
] as const;
export const ACTION_TYPES = ['SendInstruction', 'OverrideSystemBehavior', 'Assert', 'TestControl'] as const;
export const USAGE_TYPES = ['Exactly', 'AtLeast', 'AtMost', 'Always'] as const;
export const MATCHING_CRITERIA = ['Similarity', 'Inclusion'] as const;
export const ASSERT_OPERATORS = [
  'Equals',
  'TextStartsWith',
  'TextEndsWith',
  'TextContains',
  'NumberGreaterThan',
  'NumberGreaterOrEqualTo',
  'NumberLessThan',
  'NumberLessOrEqualTo',
  'Exists',
] as const;
export type AssertOperator = (typeof ASSERT_OPERATORS)[number];

/** The flow actions FlowActionStarted observes, each with the parameter that names its resource. */
const OBSERVABLE_ACTION_PARAMETER: Readonly<Record<string, string>> = {
  InvokeLambdaFunction: 'LambdaFunctionARN',
  CheckHoursOfOperation: 'HoursOfOperationId',
  TransferContactToQueue: 'QueueId',
  ConnectParticipantWithLexBot: 'LexV2Bot.AliasArn',
};

const OVERRIDE_PARAMETER: Readonly<Record<OverridableAction, string>> = {
  InvokeLambdaFunction: 'LambdaFunctionARN',
  CheckHoursOfOperation: 'HoursOfOperationId',
  ConnectParticipantWithLexBot: 'LexV2Bot.AliasArn',
  TransferContactToQueue: 'QueueId',
  DequeueAndTransferToQueue: 'QueueId',
};

/** The error branches a MockResponse of Type Error may take, per action. */
const MOCK_ERRORS: Readonly<Record<OverridableAction, readonly string[]>> = {
  InvokeLambdaFunction: ['TimeLimitExceeded', 'NoMatchingError'],
  CheckHoursOfOperation: ['NoMatchingError'],
  ConnectParticipantWithLexBot: ['TimeLimitExceeded', 'NoMatchingError'],
  TransferContactToQueue: ['QueueAtCapacity', 'NoMatchingError'],
  DequeueAndTransferToQueue: ['QueueAtCapacity', 'NoMatchingError'],
};

export type ObservedEvent =
  | { readonly type: 'TestInitiated' }
  | { readonly type: 'TestCompleted' }
  | {
      readonly type: 'MessageReceived';
      /** Text to hear, or SSML (matched as the words it speaks); may hold `$.` references. */
      readonly text: string;
      readonly criteria: (typeof MATCHING_CRITERIA)[number];
      /** Similarity needed, 0 to 1. */
      readonly threshold: number;
    }
  | {
      readonly type: 'FlowActionStarted';
      readonly actionType: string;
      readonly parameters: Readonly<Record<string, unknown>>;
    };

export type TestAction = { readonly id: string; readonly next?: string } & (
  | { readonly kind: 'dtmf'; readonly digits: string }
  | { readonly kind: 'utterance'; readonly text: string }
  | { readonly kind: 'disconnect' }
  | { readonly kind: 'override'; readonly override: FlowActionOverride }
  | {
      readonly kind: 'assert';
      readonly namespace: string;
      readonly operator: AssertOperator;
      readonly operand?: string | number;
    }
  | { readonly kind: 'end-test' }
  | { readonly kind: 'log-data'; readonly expressions: Readonly<Record<string, string>> }
);

export interface Usage {
  /** `Once` is an observation without Usage: matched once, then the test moves on. */
  readonly type: (typeof USAGE_TYPES)[number] | 'Once';
  readonly times: number;
}

export interface Observation {
  readonly id: string;
  readonly event: ObservedEvent;
  /** In the order they run: the first, then each one's NextAction (or the one after it). */
  readonly actions: readonly TestAction[];
  readonly usage: Usage;
  readonly next: readonly string[];
}

export interface TestDocument {
  readonly observations: readonly Observation[];
}

/** What the contacts can do, as the reader checks a test against it. */
export interface LanguageSupport extends TestContactCapabilities {
  /** Whether the caller can speak or type (SendInstruction TextUtterance). */
  readonly utterances: boolean;
}

export interface ReadResult {
  readonly document?: TestDocument;
  readonly problems: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const quoted = (values: readonly string[]) => values.join(', ');

/** Reads a test's Content; `document` is there only when there is no problem. */
export function readTestContent(content: string, capabilities: LanguageSupport): ReadResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    return { problems: [`Content is not valid JSON: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  const problem = (where: string, message: string) => problems.push(`${where}: ${message}`);
  if (!isRecord(parsed)) return { problems: ['Content must be a JSON object'] };
  if (parsed.Version !== TESTING_LANGUAGE_VERSION) {
    problem('Version', `must be "${TESTING_LANGUAGE_VERSION}", got ${JSON.stringify(parsed.Version)}`);
  }
  if (parsed.Metadata !== undefined && !isRecord(parsed.Metadata)) problem('Metadata', 'must be an object');
  if (!Array.isArray(parsed.Observations) || parsed.Observations.length === 0) {
    problem('Observations', 'must be a non-empty list of observations');
    return { problems };
  }
  const rawObservations: unknown[] = parsed.Observations;
  const ids = new Set<string>();
  for (const [i, raw] of rawObservations.entries()) {
    const id = isRecord(raw) ? raw.Identifier : undefined;
    if (typeof id !== 'string' || id.length === 0) continue;
    if (ids.has(id)) problem(`Observations[${i}].Identifier`, `"${id}" is used by another observation`);
    ids.add(id);
  }
  const observations: Observation[] = [];
  for (const [i, raw] of rawObservations.entries()) {
    const observation = readObservation(raw, `Observations[${i}]`, ids, capabilities, problem);
    if (observation) observations.push(observation);
  }
  return problems.length > 0 ? { problems } : { document: { observations }, problems };
}

type Problem = (where: string, message: string) => void;

function readObservation(
  raw: unknown,
  path: string,
  ids: ReadonlySet<string>,
  capabilities: LanguageSupport,
  problem: Problem,
): Observation | undefined {
  if (!isRecord(raw)) {
    problem(path, 'must be an object');
    return undefined;
  }
  const id = raw.Identifier;
  if (typeof id !== 'string' || id.length === 0) problem(`${path}.Identifier`, 'is required');
  const where = typeof id === 'string' && id.length > 0 ? `${path} "${id}"` : path;
  const event = readEvent(raw.Event, `${where}.Event`, capabilities, problem);
  const usage = readUsage(raw.Usage, `${where}.Usage`, problem);
  const next: string[] = [];
  if (raw.Transitions !== undefined) {
    if (!isRecord(raw.Transitions)) problem(`${where}.Transitions`, 'must be an object');
    else if (raw.Transitions.NextObservations !== undefined) {
      const list = raw.Transitions.NextObservations;
      if (!Array.isArray(list))
        problem(`${where}.Transitions.NextObservations`, 'must be a list of identifiers');
      else
        for (const target of list as unknown[]) {
          if (typeof target !== 'string' || !ids.has(target)) {
            problem(
              `${where}.Transitions.NextObservations`,
              `${JSON.stringify(target)} is not an observation`,
            );
          } else next.push(target);
        }
    }
  }
  const actions = readActions(raw.Actions, where, capabilities, problem);
  if (typeof id !== 'string' || !event || !usage || !actions) return undefined;
  return { id, event, actions, usage, next };
}

function readUsage(raw: unknown, path: string, problem: Problem): Usage | undefined {
  if (raw === undefined) return { type: 'Once', times: 1 };
  if (!isRecord(raw)) {
    problem(path, 'must be an object');
    return undefined;
  }
  const type = raw.Type;
  if (typeof type !== 'string' || !(USAGE_TYPES as readonly string[]).includes(type)) {
    problem(
      `${path}.Type`,
      `must be one of ${quoted(USAGE_TYPES)} (case-sensitive), got ${JSON.stringify(type)}`,
    );
    return undefined;
  }
  if (type === 'Always') return { type, times: 0 };
  const times = raw.Times;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) {
    problem(`${path}.Times`, `is required for ${type} and must be a whole number from 0`);
    return undefined;
  }
  return { type: type as Usage['type'], times };
}

function readEvent(
  raw: unknown,
  path: string,
  capabilities: LanguageSupport,
  problem: Problem,
): ObservedEvent | undefined {
  if (!isRecord(raw)) {
    problem(path, 'is required (an object with Type, Actor and Properties)');
    return undefined;
  }
  const type = raw.Type;
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    problem(`${path}.Type`, `must be one of ${quoted(EVENT_TYPES)}, got ${JSON.stringify(type)}`);
    return undefined;
  }
  if (raw.Actor !== undefined && raw.Actor !== 'System') {
    problem(`${path}.Actor`, `must be "System" for ${type}, got ${JSON.stringify(raw.Actor)}`);
  }
  if (raw.Properties !== undefined && !isRecord(raw.Properties)) {
    problem(`${path}.Properties`, 'must be an object');
    return undefined;
  }
  const properties: Record<string, unknown> = isRecord(raw.Properties) ? raw.Properties : {};
  switch (type) {
    case 'TestInitiated':
    case 'TestCompleted':
      return { type };
    case 'MessageReceived':
      return readMessageEvent(raw, properties, path, problem);
    default:
      return readFlowActionEvent(properties, path, capabilities, problem);
  }
}

function readMessageEvent(
  raw: Record<string, unknown>,
  properties: Record<string, unknown>,
  path: string,
  problem: Problem,
): ObservedEvent | undefined {
  const given = ['Text', 'SSML', 'PromptId', 'Media'].filter((key) => properties[key] !== undefined);
  if (given.length !== 1) {
    problem(
      `${path}.Properties`,
      given.length === 0
        ? 'needs one of Text, SSML, PromptId or Media to match the message on'
        : `may name only one of Text, SSML, PromptId and Media, got ${given.join(' and ')}`,
    );
    return undefined;
  }
  const [key = ''] = given;
  if (key === 'PromptId' || key === 'Media') {
    problem(
      `${path}.Properties.${key}`,
      'is not supported by the local emulator: it identifies prompts by the words spoken (use Text or SSML)',
    );
    return undefined;
  }
  const value = properties[key];
  if (typeof value !== 'string' || value.trim().length === 0) {
    problem(`${path}.Properties.${key}`, 'must be non-empty text');
    return undefined;
  }
  // The reference puts MatchingCriteria in Properties; its example also beside them, as a bare name.
  const criteria = properties.MatchingCriteria ?? raw.MatchingCriteria;
  let type: string = 'Similarity';
  let threshold = 0.8;
  if (typeof criteria === 'string') type = criteria;
  else if (isRecord(criteria)) {
    if (typeof criteria.Type === 'string') type = criteria.Type;
    else problem(`${path}.Properties.MatchingCriteria.Type`, `must be one of ${quoted(MATCHING_CRITERIA)}`);
    if (criteria.Threshold !== undefined) {
      const t = criteria.Threshold;
      if (typeof t !== 'number' || t < 0 || t > 1) {
        problem(`${path}.Properties.MatchingCriteria.Threshold`, 'must be a number from 0 to 1');
      } else threshold = t;
    }
  } else if (criteria !== undefined) {
    problem(`${path}.Properties.MatchingCriteria`, 'must be an object with Type');
  }
  if (!(MATCHING_CRITERIA as readonly string[]).includes(type)) {
    problem(
      `${path}.Properties.MatchingCriteria`,
      `must be one of ${quoted(MATCHING_CRITERIA)}, got ${JSON.stringify(type)}`,
    );
    return undefined;
  }
  const text = key === 'SSML' ? spokenWords(value) : value;
  return { type: 'MessageReceived', text, criteria: type as 'Similarity' | 'Inclusion', threshold };
}

/** The words an SSML document speaks (its tags dropped). */
export function spokenWords(ssml: string): string {
  return ssml
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function parameterAt(parameters: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = parameters;
  for (const key of dotted.split('.')) value = isRecord(value) ? value[key] : undefined;
  return value;
}

function readFlowActionEvent(
  properties: Record<string, unknown>,
  path: string,
  capabilities: LanguageSupport,
  problem: Problem,
): ObservedEvent | undefined {
  const actionType = properties.ActionType;
  const kinds = Object.keys(OBSERVABLE_ACTION_PARAMETER);
  if (typeof actionType !== 'string' || !kinds.includes(actionType)) {
    problem(
      `${path}.Properties.ActionType`,
      `must be one of ${quoted(kinds)}, got ${JSON.stringify(actionType)}`,
    );
    return undefined;
  }
  const parameters = properties.ActionParameters;
  const key = OBSERVABLE_ACTION_PARAMETER[actionType] ?? '';
  if (!isRecord(parameters)) {
    problem(`${path}.Properties.ActionParameters`, `must be an object with ${key}`);
    return undefined;
  }
  const named = parameterAt(parameters, key);
  if (typeof named !== 'string' || named.length === 0) {
    problem(`${path}.Properties.ActionParameters.${key}`, 'is required');
    return undefined;
  }
  if (!capabilities.observedActions.includes(actionType)) {
    problem(`${path}.Properties.ActionType`, `the local emulator does not report when ${actionType} starts`);
    return undefined;
  }
  return { type: 'FlowActionStarted', actionType, parameters };
}

function readActions(
  raw: unknown,
  where: string,
  capabilities: LanguageSupport,
  problem: Problem,
): TestAction[] | undefined {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problem(`${where}.Actions`, 'must be a list of actions');
    return undefined;
  }
  const list: unknown[] = raw;
  const ids = new Set<string>();
  for (const [i, action] of list.entries()) {
    const id = isRecord(action) ? action.Identifier : undefined;
    if (typeof id !== 'string' || id.length === 0)
      problem(`${where}.Actions[${i}].Identifier`, 'is required');
    else if (ids.has(id)) problem(`${where}.Actions[${i}].Identifier`, `"${id}" is used by another action`);
    else ids.add(id);
  }
  const actions: TestAction[] = [];
  let complete = true;
  for (const [i, action] of list.entries()) {
    const read = readAction(action, `${where}.Actions[${i}]`, ids, capabilities, problem);
    if (read) actions.push(read);
    else complete = false;
  }
  if (!complete) return undefined;
  const ordered = runOrder(actions);
  for (const action of actions) {
    if (!ordered.includes(action)) {
      problem(`${where}.Actions "${action.id}"`, 'is never reached (no NextAction leads to it)');
      complete = false;
    }
  }
  return complete ? ordered : undefined;
}

/** The first action, then each one's NextAction, else the one after it; each runs once. */
function runOrder(actions: readonly TestAction[]): TestAction[] {
  const byId = new Map(actions.map((action) => [action.id, action]));
  const ordered: TestAction[] = [];
  const done = new Set<string>();
  let current: TestAction | undefined = actions[0];
  while (current && !done.has(current.id)) {
    done.add(current.id);
    ordered.push(current);
    const following: TestAction | undefined = actions[actions.indexOf(current) + 1];
    current = current.next ? byId.get(current.next) : following;
  }
  return ordered;
}

function readAction(
  raw: unknown,
  path: string,
  ids: ReadonlySet<string>,
  capabilities: LanguageSupport,
  problem: Problem,
): TestAction | undefined {
  if (!isRecord(raw)) {
    problem(path, 'must be an object');
    return undefined;
  }
  const id = typeof raw.Identifier === 'string' ? raw.Identifier : '';
  const where = id ? `${path} "${id}"` : path;
  const type = raw.Type;
  if (typeof type !== 'string' || !(ACTION_TYPES as readonly string[]).includes(type)) {
    problem(`${where}.Type`, `must be one of ${quoted(ACTION_TYPES)}, got ${JSON.stringify(type)}`);
    return undefined;
  }
  let next: string | undefined;
  if (raw.Transitions !== undefined) {
    if (!isRecord(raw.Transitions)) problem(`${where}.Transitions`, 'must be an object');
    else {
      const target = raw.Transitions.NextAction;
      if (target !== undefined && target !== '') {
        if (typeof target !== 'string' || !ids.has(target)) {
          problem(
            `${where}.Transitions.NextAction`,
            `${JSON.stringify(target)} is not an action of this observation`,
          );
        } else next = target;
      }
    }
  }
  const parameters = raw.Parameters;
  if (!isRecord(parameters)) {
    problem(`${where}.Parameters`, 'is required (an object)');
    return undefined;
  }
  if (type !== 'Assert' && parameters.ActionType !== type) {
    problem(
      `${where}.Parameters.ActionType`,
      `must be "${type}", got ${JSON.stringify(parameters.ActionType)}`,
    );
    return undefined;
  }
  const common = { id, ...(next ? { next } : {}) };
  const body = (() => {
    switch (type) {
      case 'SendInstruction':
        return readInstruction(parameters, `${where}.Parameters`, capabilities, problem);
      case 'OverrideSystemBehavior':
        return readOverride(parameters, `${where}.Parameters`, id, capabilities, problem);
      case 'Assert':
        return readAssert(parameters, `${where}.Parameters`, problem);
      default:
        return readTestControl(parameters, `${where}.Parameters`, problem);
    }
  })();
  return body ? ({ ...common, ...body } as TestAction) : undefined;
}

type ActionBody = DistributiveOmit<TestAction, 'id' | 'next'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function readInstruction(
  parameters: Record<string, unknown>,
  path: string,
  capabilities: LanguageSupport,
  problem: Problem,
): ActionBody | undefined {
  if (parameters.Actor !== undefined && parameters.Actor !== 'Customer') {
    problem(`${path}.Actor`, `must be "Customer", got ${JSON.stringify(parameters.Actor)}`);
    return undefined;
  }
  const instruction = parameters.Instruction;
  if (!isRecord(instruction)) {
    problem(`${path}.Instruction`, 'is required (an object with Type)');
    return undefined;
  }
  const properties = isRecord(instruction.Properties) ? instruction.Properties : {};
  switch (instruction.Type) {
    case 'DtmfInput': {
      const value = properties.Value;
      const digits =
        typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : value;
      if (typeof digits !== 'string' || !/^[0-9*#]+$/.test(digits)) {
        problem(`${path}.Instruction.Properties.Value`, 'must be keys of the phone pad (0-9, * and #)');
        return undefined;
      }
      return { kind: 'dtmf', digits };
    }
    case 'TextUtterance': {
      const text = typeof properties.Text === 'string' ? properties.Text : properties.SSML;
      if (typeof text !== 'string' || text.trim().length === 0) {
        problem(`${path}.Instruction.Properties`, 'needs Text or SSML to say');
        return undefined;
      }
      if (!capabilities.utterances) {
        problem(
          `${path}.Instruction.Type`,
          'TextUtterance is not supported by the local emulator (no way to speak)',
        );
        return undefined;
      }
      return { kind: 'utterance', text: typeof properties.Text === 'string' ? text : spokenWords(text) };
    }
    case 'Disconnect':
      return { kind: 'disconnect' };
    default:
      problem(
        `${path}.Instruction.Type`,
        `must be DtmfInput, TextUtterance or Disconnect, got ${JSON.stringify(instruction.Type)}`,
      );
      return undefined;
  }
}

function readOverride(
  parameters: Record<string, unknown>,
  path: string,
  requestedBy: string,
  capabilities: LanguageSupport,
  problem: Problem,
): ActionBody | undefined {
  const behavior = parameters.Behavior;
  if (!isRecord(behavior) || behavior.Type !== 'FlowAction' || !isRecord(behavior.Properties)) {
    problem(
      `${path}.Behavior`,
      'must be { Type: "FlowAction", Properties: { ActionType, ActionParameters, Strategy } }',
    );
    return undefined;
  }
  const properties = behavior.Properties;
  const where = `${path}.Behavior.Properties`;
  const action = properties.ActionType;
  if (typeof action !== 'string' || !(OVERRIDABLE_ACTIONS as readonly string[]).includes(action)) {
    problem(
      `${where}.ActionType`,
      `must be one of ${quoted(OVERRIDABLE_ACTIONS)}, got ${JSON.stringify(action)}`,
    );
    return undefined;
  }
  const flowAction = action as OverridableAction;
  const match = properties.ActionParameters;
  const key = OVERRIDE_PARAMETER[flowAction];
  if (!isRecord(match) || typeof parameterAt(match, key) !== 'string') {
    problem(`${where}.ActionParameters.${key}`, `is required: which ${flowAction} to override`);
    return undefined;
  }
  const strategy = readStrategy(properties.Strategy, `${where}.Strategy`, flowAction, problem);
  if (!strategy) return undefined;
  const strategyType: 'SubstituteResource' | 'MockResponse' =
    strategy.type === 'SubstituteResource' ? 'SubstituteResource' : 'MockResponse';
  if (!(capabilities.overrides[flowAction] ?? []).includes(strategyType)) {
    problem(
      `${where}.Strategy.Type`,
      `${strategyType} of ${flowAction} is not supported by the local emulator`,
    );
    return undefined;
  }
  return { kind: 'override', override: { requestedBy, action: flowAction, match, strategy } };
}

function readStrategy(
  raw: unknown,
  path: string,
  action: OverridableAction,
  problem: Problem,
): OverrideStrategy | undefined {
  if (!isRecord(raw)) {
    problem(path, 'is required (Type SubstituteResource or MockResponse)');
    return undefined;
  }
  if (raw.Type === 'SubstituteResource') {
    if (typeof raw.SubstituteArn !== 'string' || raw.SubstituteArn.length === 0) {
      problem(`${path}.SubstituteArn`, 'is required');
      return undefined;
    }
    return { type: 'SubstituteResource', substituteArn: raw.SubstituteArn };
  }
  if (raw.Type !== 'MockResponse') {
    problem(`${path}.Type`, `must be SubstituteResource or MockResponse, got ${JSON.stringify(raw.Type)}`);
    return undefined;
  }
  const response = raw.Response;
  if (!isRecord(response)) {
    problem(`${path}.Response`, 'is required (Type ExecutionResult or Error)');
    return undefined;
  }
  const delay = (value: unknown, where: string): number | undefined | false => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || value < 0) {
      problem(where, 'must be a number of seconds from 0');
      return false;
    }
    return value;
  };
  if (response.Type === 'Error') {
    const error = isRecord(response.Error) ? response.Error : {};
    const allowed = MOCK_ERRORS[action];
    if (typeof error.Value !== 'string' || !allowed.includes(error.Value)) {
      problem(`${path}.Response.Error.Value`, `must be ${allowed.join(' or ')} for ${action}`);
      return undefined;
    }
    const delaySeconds = delay(error.DelaySeconds, `${path}.Response.Error.DelaySeconds`);
    if (delaySeconds === false) return undefined;
    return { type: 'MockError', error: error.Value, ...(delaySeconds !== undefined ? { delaySeconds } : {}) };
  }
  if (response.Type !== 'ExecutionResult') {
    problem(
      `${path}.Response.Type`,
      `must be ExecutionResult or Error, got ${JSON.stringify(response.Type)}`,
    );
    return undefined;
  }
  const result = isRecord(response.ExecutionResult) ? response.ExecutionResult : {};
  const where = `${path}.Response.ExecutionResult`;
  switch (action) {
    case 'CheckHoursOfOperation':
      if (result.Value !== 'InHours' && result.Value !== 'OutOfHours') {
        problem(`${where}.Value`, 'must be InHours or OutOfHours');
        return undefined;
      }
      return { type: 'MockResult', value: result.Value };
    case 'InvokeLambdaFunction':
    case 'ConnectParticipantWithLexBot': {
      let loadedData: Record<string, unknown> | undefined;
      if (result.LoadedData !== undefined) {
        try {
          const parsed: unknown =
            typeof result.LoadedData === 'string' ? JSON.parse(result.LoadedData) : undefined;
          if (isRecord(parsed)) loadedData = parsed;
        } catch {
          // reported below
        }
        if (!loadedData) {
          problem(`${where}.LoadedData`, 'must be a JSON object serialized as a string');
          return undefined;
        }
      }
      const delaySeconds = delay(result.DelaySeconds, `${where}.DelaySeconds`);
      if (delaySeconds === false) return undefined;
      return {
        type: 'MockResult',
        loadedData: loadedData ?? {},
        ...(delaySeconds !== undefined ? { delaySeconds } : {}),
      };
    }
    default:
      problem(`${path}.Response.Type`, `${action} can only be mocked with an Error response`);
      return undefined;
  }
}

function readAssert(
  parameters: Record<string, unknown>,
  path: string,
  problem: Problem,
): ActionBody | undefined {
  const namespace = parameters.Namespace;
  const operator = parameters.Operator;
  const operand = parameters.Operand;
  let ok = true;
  if (typeof namespace !== 'string' || !namespace.startsWith('$.')) {
    problem(`${path}.Namespace`, 'must be a JSON path into the contact, such as $.Attributes.name');
    ok = false;
  }
  if (typeof operator !== 'string' || !(ASSERT_OPERATORS as readonly string[]).includes(operator)) {
    problem(
      `${path}.Operator`,
      `must be one of ${quoted(ASSERT_OPERATORS)}, got ${JSON.stringify(operator)}`,
    );
    return undefined;
  }
  if (operator !== 'Exists') {
    if (typeof operand !== 'string' && typeof operand !== 'number') {
      problem(`${path}.Operand`, `is required for ${operator} (text or a number)`);
      ok = false;
    } else if (operator.startsWith('Number') && !Number.isFinite(Number(operand))) {
      problem(`${path}.Operand`, `must be a number for ${operator}`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  return {
    kind: 'assert',
    namespace: namespace as string,
    operator: operator as AssertOperator,
    ...(typeof operand === 'string' || typeof operand === 'number' ? { operand } : {}),
  };
}

function readTestControl(
  parameters: Record<string, unknown>,
  path: string,
  problem: Problem,
): ActionBody | undefined {
  const command = parameters.Command;
  if (!isRecord(command)) {
    problem(`${path}.Command`, 'is required (Type EndTest or LogData)');
    return undefined;
  }
  if (command.Type === 'EndTest') return { kind: 'end-test' };
  if (command.Type !== 'LogData') {
    problem(`${path}.Command.Type`, `must be EndTest or LogData, got ${JSON.stringify(command.Type)}`);
    return undefined;
  }
  const expressions = isRecord(command.Properties) ? command.Properties.Expressions : undefined;
  if (
    !isRecord(expressions) ||
    Object.values(expressions).some((value) => typeof value !== 'string' || !value.startsWith('$.'))
  ) {
    problem(`${path}.Command.Properties.Expressions`, 'must map labels to JSON paths such as $.Queue.Name');
    return undefined;
  }
  return { kind: 'log-data', expressions: expressions as Record<string, string> };
}
