/**
 * Checks a flow-language document before CDK deploys it or the emulator runs it: the
 * structure Connect itself insists on, plus the rules this project holds flows to
 * (every failure has somewhere to go, nothing unreachable, only actions the emulator runs).
 */
import {
  ACTION_CATALOG,
  conditionProblems,
  isSupportedActionType,
  LOCAL_GAPS,
  LOCALLY_UNSUPPORTED_ACTIONS,
  OTHER_CONNECT_ACTION_TYPES,
  parameterProblems,
  ROOTS_SET_BY,
  type SupportedActionType,
} from './action-catalog.ts';
import type { FlowAction, FlowDocument, FlowDocumentKind } from './flow-language.ts';
import {
  FLOW_LANGUAGE_VERSION,
  identifierProblem,
  MAX_ACTIONS_PER_FLOW,
  MAX_FLOW_CONTENT_CHARS,
} from './flow-language.ts';

export type FlowProblemCode =
  | 'invalid-document'
  | 'invalid-version'
  | 'missing-start'
  | 'too-many-actions'
  | 'content-too-large'
  | 'invalid-action'
  | 'invalid-identifier'
  | 'duplicate-identifier'
  | 'unsupported-type'
  | 'invalid-parameters'
  | 'dangling-target'
  | 'unreachable'
  | 'missing-next'
  | 'unexpected-next'
  | 'missing-error-branch'
  | 'unexpected-error-branch'
  | 'invalid-conditions'
  | 'wrong-flow-kind'
  | 'unknown-lambda';

/**
 * One thing wrong with a flow. `message` reads on its own (it starts with the action's
 * Identifier when there is one), so a list of them maps straight onto Connect's
 * InvalidContactFlowException `problems: [{ message }]`.
 */
export interface FlowProblem {
  readonly code: FlowProblemCode;
  readonly message: string;
  readonly actionId?: string;
  readonly actionType?: string;
}

export interface ValidateFlowOptions {
  /** When given, every InvokeLambdaFunction must name one of these ARNs. */
  readonly knownLambdaArns?: readonly string[];
  /**
   * Action types the runtime that will run the flow cannot run, each refused by name. Default:
   * what the local emulator lacks today (LOCALLY_UNSUPPORTED_ACTIONS: ConnectParticipantWithLexBot).
   * Pass [] to check only what Connect itself accepts, or when the host runs them all.
   */
  readonly unsupportedActions?: readonly string[];
  /** A flow or a flow module (EndFlowModuleExecution is only allowed in modules); unchecked when absent. */
  readonly kind?: FlowDocumentKind;
  /**
   * Accept actions no path from StartAction reaches. Connect publishes them (console exports
   * carry orphan blocks); by default this project refuses them in its own flows.
   */
  readonly allowUnreachable?: boolean;
}

export class FlowValidationError extends Error {
  override readonly name = 'FlowValidationError';
  constructor(
    readonly problems: readonly FlowProblem[],
    flowName?: string,
  ) {
    super(
      `Flow${flowName ? ` "${flowName}"` : ''} is invalid:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an untrusted value as an action, or says why it is not one. */
function asAction(value: unknown, index: number): FlowAction | string {
  if (!isRecord(value)) return `action #${index + 1} is not an object`;
  const { Identifier, Type, Parameters, Transitions } = value;
  if (typeof Identifier !== 'string') return `action #${index + 1} has no string Identifier`;
  if (typeof Type !== 'string') return `action ${Identifier} has no string Type`;
  if (Parameters !== undefined && !isRecord(Parameters))
    return `action ${Identifier}: Parameters must be an object`;
  if (!isRecord(Transitions)) return `action ${Identifier}: Transitions must be an object`;
  const { NextAction, Conditions, Errors } = Transitions;
  if (NextAction !== undefined && typeof NextAction !== 'string') {
    return `action ${Identifier}: NextAction must be a string`;
  }
  if (Conditions !== undefined && !Array.isArray(Conditions))
    return `action ${Identifier}: Conditions must be a list`;
  if (Errors !== undefined && !Array.isArray(Errors)) return `action ${Identifier}: Errors must be a list`;
  for (const entry of [...((Conditions as unknown[]) ?? []), ...((Errors as unknown[]) ?? [])]) {
    if (!isRecord(entry) || typeof entry.NextAction !== 'string') {
      return `action ${Identifier}: every Condition and Error needs a string NextAction`;
    }
  }
  for (const entry of (Errors as unknown[]) ?? []) {
    if (!isRecord(entry) || typeof entry.ErrorType !== 'string') {
      return `action ${Identifier}: every Error needs a string ErrorType`;
    }
  }
  return { Identifier, Type, Parameters: (Parameters ?? {}) as FlowAction['Parameters'], Transitions };
}

/** Targets an action can move to, in the order Connect would consider them. */
export function transitionTargets(action: FlowAction): string[] {
  const { NextAction, Conditions = [], Errors = [] } = action.Transitions;
  return [
    ...(NextAction !== undefined ? [NextAction] : []),
    ...Conditions.map((c) => c.NextAction),
    ...Errors.map((e) => e.NextAction),
  ];
}

function unsupportedReason(type: string, unsupported: ReadonlySet<string>): string | undefined {
  if (isSupportedActionType(type)) {
    if (!unsupported.has(type)) return undefined;
    return `${LOCAL_GAPS[type] ?? 'the host running it cannot'} (block "${ACTION_CATALOG[type].block}")`;
  }
  return OTHER_CONNECT_ACTION_TYPES.includes(type)
    ? 'a Connect action the emulator does not implement'
    : 'not an action type of the flow language';
}

interface CheckContext {
  readonly options: ValidateFlowOptions;
  readonly unsupported: ReadonlySet<string>;
  readonly unavailableRoots: Readonly<Record<string, string>>;
}

function checkAction(action: FlowAction, problems: FlowProblem[], context: CheckContext): void {
  const id = action.Identifier;
  const add = (code: FlowProblemCode, message: string) =>
    problems.push({ code, message: `${id}: ${message}`, actionId: id, actionType: action.Type });

  const badIdentifier = identifierProblem(id);
  if (badIdentifier) add('invalid-identifier', `Identifier ${badIdentifier}`);

  const unsupported = unsupportedReason(action.Type, context.unsupported);
  if (unsupported) add('unsupported-type', `${action.Type} is not one the emulator runs: ${unsupported}`);
  if (!isSupportedActionType(action.Type)) return;
  const spec = ACTION_CATALOG[action.Type];

  if (spec.onlyIn && context.options.kind && spec.onlyIn !== context.options.kind) {
    add('wrong-flow-kind', `${action.Type} is only available in flow ${spec.onlyIn}s`);
  }

  for (const message of parameterProblems(action.Type, action.Parameters, {
    unavailableRoots: context.unavailableRoots,
  }))
    add('invalid-parameters', message);

  const { NextAction, Conditions = [], Errors = [] } = action.Transitions;
  const next = spec.next(action);
  if (next === 'required' && NextAction === undefined)
    add('missing-next', `${action.Type} needs a NextAction`);
  if (next === 'none' && (NextAction !== undefined || Conditions.length > 0 || Errors.length > 0)) {
    add(
      'unexpected-next',
      `${action.Type} ends the ${spec.onlyIn === 'module' ? 'module' : 'contact'} and takes no transitions`,
    );
  }
  const goesNowhere = NextAction === undefined && Conditions.length === 0;
  if (next === 'optional' && goesNowhere && !spec.endsFlowOnSuccess && !spec.mayHaveNoTransitions) {
    add('missing-next', `${action.Type} needs a NextAction or Conditions`);
  }

  for (const message of conditionProblems(action, spec.conditions(action)))
    add('invalid-conditions', message);

  const errorTypes = Errors.map((e) => e.ErrorType);
  for (const required of spec.requiredErrors(action)) {
    if (!errorTypes.includes(required))
      add('missing-error-branch', `${action.Type} needs an Errors branch for ${required}`);
  }
  const allowed = spec.allowedErrors(action);
  for (const type of errorTypes) {
    if (!allowed.includes(type)) {
      add(
        'unexpected-error-branch',
        `${action.Type} never raises ${type} here (allowed: ${allowed.join(', ') || 'none'})`,
      );
    }
  }
  const duplicates = errorTypes.filter((type, index) => errorTypes.indexOf(type) !== index);
  for (const type of new Set(duplicates)) add('unexpected-error-branch', `Errors lists ${type} twice`);

  if (action.Type === 'InvokeLambdaFunction' && context.options.knownLambdaArns) {
    const arn = action.Parameters.LambdaFunctionARN;
    if (typeof arn === 'string' && !context.options.knownLambdaArns.includes(arn)) {
      add('unknown-lambda', `LambdaFunctionARN ${arn} is not one of the known functions`);
    }
  }
}

function contextFor(options: ValidateFlowOptions): CheckContext {
  const unsupported = new Set<string>(options.unsupportedActions ?? LOCALLY_UNSUPPORTED_ACTIONS);
  const unavailableRoots: Record<string, string> = {};
  for (const [root, type] of Object.entries(ROOTS_SET_BY)) {
    if (unsupported.has(type))
      unavailableRoots[root] =
        `only ${type} sets it: ${LOCAL_GAPS[type as SupportedActionType] ?? 'not run here'}`;
  }
  return { options, unsupported, unavailableRoots };
}

/**
 * Every problem with the document (all of them, not the first): empty when it is fit to deploy
 * and to run locally.
 */
export function validateFlow(doc: unknown, options: ValidateFlowOptions = {}): FlowProblem[] {
  const problems: FlowProblem[] = [];
  if (!isRecord(doc)) return [{ code: 'invalid-document', message: 'flow document must be a JSON object' }];
  const context = contextFor(options);
  if (doc.Version !== FLOW_LANGUAGE_VERSION) {
    problems.push({ code: 'invalid-version', message: `Version must be "${FLOW_LANGUAGE_VERSION}"` });
  }
  if (!Array.isArray(doc.Actions)) {
    problems.push({ code: 'invalid-document', message: 'Actions must be a list' });
    return problems;
  }
  if (doc.Actions.length > MAX_ACTIONS_PER_FLOW) {
    problems.push({
      code: 'too-many-actions',
      message: `flow has ${doc.Actions.length} actions; Connect allows at most ${MAX_ACTIONS_PER_FLOW}`,
    });
  }
  const contentChars = JSON.stringify(doc).length;
  if (contentChars > MAX_FLOW_CONTENT_CHARS) {
    problems.push({
      code: 'content-too-large',
      message: `flow JSON has ${contentChars} characters; Connect allows at most ${MAX_FLOW_CONTENT_CHARS}`,
    });
  }

  const actions = new Map<string, FlowAction>();
  for (const [index, raw] of doc.Actions.entries()) {
    const action = asAction(raw, index);
    if (typeof action === 'string') {
      problems.push({ code: 'invalid-action', message: action });
      continue;
    }
    if (actions.has(action.Identifier)) {
      problems.push({
        code: 'duplicate-identifier',
        message: `${action.Identifier}: Identifier is used by more than one action`,
        actionId: action.Identifier,
      });
      continue;
    }
    actions.set(action.Identifier, action);
    checkAction(action, problems, context);
  }

  for (const action of actions.values()) {
    for (const target of new Set(transitionTargets(action))) {
      if (!actions.has(target)) {
        problems.push({
          code: 'dangling-target',
          message: `${action.Identifier}: transition to "${target}", which is not an action of this flow`,
          actionId: action.Identifier,
        });
      }
    }
  }

  const start = doc.StartAction;
  if (typeof start !== 'string' || !actions.has(start)) {
    problems.push({
      code: 'missing-start',
      message: `StartAction "${String(start)}" is not an action of this flow`,
    });
    return problems;
  }
  const reachable = new Set<string>([start]);
  const pending = [start];
  while (pending.length > 0) {
    const current = actions.get(pending.pop() ?? '');
    for (const target of current ? transitionTargets(current) : []) {
      if (actions.has(target) && !reachable.has(target)) {
        reachable.add(target);
        pending.push(target);
      }
    }
  }
  for (const id of options.allowUnreachable ? [] : actions.keys()) {
    if (!reachable.has(id)) {
      problems.push({
        code: 'unreachable',
        message: `${id}: no path from StartAction reaches this action`,
        actionId: id,
      });
    }
  }
  return problems;
}

/** Throws a FlowValidationError listing every problem, or narrows `doc` to a FlowDocument. */
export function assertValidFlow(
  doc: unknown,
  options: ValidateFlowOptions & { readonly flowName?: string } = {},
): asserts doc is FlowDocument {
  const problems = validateFlow(doc, options);
  if (problems.length > 0) throw new FlowValidationError(problems, options.flowName);
}
