import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FunctionSpec, type FunctionTrigger, functions } from '#functions/catalog';
import type { HotlineApp } from '#infra/build-app';
import { declaredActions, impliedActions, tableAccessActions } from '#infra/iam-needs';
import { AwsCallScanner } from './aws-calls';
import { buildTestApp, withoutBundling } from './support';

type Statement = { Action: string | string[] };
type Resource = {
  Type: string;
  Properties: { Roles?: { Ref?: string }[]; PolicyDocument: { Statement: Statement[] } };
};

/** Statements every function has, which no code of ours sends: its own log group, X-Ray. */
const runtimePrefixes = ['logs:', 'xray:'];

/**
 * Statements a trigger attaches to the function's role for the service that invokes it, not for the code.
 * They are ignored only on functions with that trigger.
 */
const triggerStatements: readonly {
  readonly trigger: FunctionTrigger;
  readonly actions: readonly string[];
  readonly reason: string;
}[] = [
  {
    trigger: 'tableStream',
    actions: [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ],
    reason: "the event source mapping reads the table stream with the function's role",
  },
  {
    trigger: 'tableStream',
    actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    reason: 'the event source mapping parks failed batches on its failure queue',
  },
  {
    trigger: 'scheduler',
    actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    reason: 'Lambda sends a failed asynchronous invocation to the on-failure destination with this role',
  },
  {
    trigger: 'connectContactEvents',
    actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    reason: 'Lambda sends a failed asynchronous invocation to the on-failure destination with this role',
  },
];

const isRuntime = (action: string) => runtimePrefixes.some((p) => action.startsWith(p));

/**
 * The catalog grants the table per access level (`read`, `readWrite`), not per function: a DynamoDB action
 * the level allows but this function does not call is no drift of the function. The level itself is held
 * tight instead (each of its actions called by some function of that level, and a `readWrite` function
 * writes); a DynamoDB action called but not allowed fails like any other.
 */
const isTableAction = (action: string) => action.startsWith('dynamodb:');
const writeActions = tableAccessActions.readWrite.filter((a) => !tableAccessActions.read.includes(a));

describe('least privilege: each function may call what its code calls, nothing else', () => {
  let hotline: HotlineApp;
  let template: Record<string, Resource>;
  let scanner: AwsCallScanner;
  const specs = functions as readonly FunctionSpec[];

  beforeAll(() => {
    hotline = buildTestApp({ ...withoutBundling });
    template = Template.fromStack(hotline.api).toJSON().Resources as Record<string, Resource>;
    scanner = new AwsCallScanner(specs.map((s) => s.entry));
  });

  /** Actions of every AWS::IAM::Policy attached to the function's role, less runtime and trigger statements. */
  const allowedActions = (spec: FunctionSpec): Set<string> => {
    const fn = hotline.api.functions.get(spec.id);
    if (!fn) throw new Error(`${spec.id} is not in the stack`);
    const roleId = hotline.api.getLogicalId(fn.role.node.defaultChild as never);
    const ignored = new Set(
      triggerStatements.filter((t) => spec.triggers?.includes(t.trigger)).flatMap((t) => t.actions),
    );
    const actions = new Set<string>();
    for (const resource of Object.values(template)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      if (!resource.Properties.Roles?.some((r) => r.Ref === roleId)) continue;
      for (const statement of resource.Properties.PolicyDocument.Statement) {
        for (const action of [statement.Action].flat()) {
          if (!isRuntime(action) && !ignored.has(action)) actions.add(action);
        }
      }
    }
    return actions;
  };

  /** What the code calls, with what those calls imply (CreateSchedule -> iam:PassRole). */
  const calledActions = async (spec: FunctionSpec): Promise<Map<string, string[]>> => {
    const called = await scanner.actions(spec.entry);
    for (const [action, at] of [...called]) {
      for (const implied of impliedActions[action] ?? []) {
        called.set(implied, [
          ...(called.get(implied) ?? []),
          ...at.map((a) => `implied by ${action} at ${a}`),
        ]);
      }
    }
    return called;
  };

  it('grants each function exactly the actions its code calls', async () => {
    const problems: string[] = [];
    for (const spec of specs) {
      const allowed = allowedActions(spec);
      const called = await calledActions(spec);
      const neverCalled = [...allowed].filter((a) => !called.has(a) && !isTableAction(a)).sort();
      const notAllowed = [...called.keys()].filter((a) => !allowed.has(a)).sort();
      if (neverCalled.length > 0)
        problems.push(`${spec.id}: allowed but never called: ${neverCalled.join(', ')}`);
      if (notAllowed.length > 0) {
        const where = notAllowed.map((a) => `${a} (${called.get(a)?.[0]})`);
        problems.push(`${spec.id}: called but not allowed: ${where.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('holds each table access level tight: every action called by a function of the level, readWrite writes', async () => {
    const problems: string[] = [];
    const calledByLevel = new Map<string, Set<string>>();
    for (const spec of specs) {
      const called = [...(await scanner.actions(spec.entry)).keys()].filter(isTableAction);
      const level = calledByLevel.get(spec.table) ?? new Set<string>();
      for (const a of called) level.add(a);
      calledByLevel.set(spec.table, level);
      if (spec.table === 'readWrite' && !called.some((a) => writeActions.includes(a))) {
        problems.push(`${spec.id}: table readWrite but its code never writes: make it read`);
      }
    }
    for (const [level, called] of calledByLevel) {
      const unused = tableAccessActions[level as FunctionSpec['table']].filter((a) => !called.has(a));
      if (unused.length > 0) problems.push(`table ${level}: allowed but never called: ${unused.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('builds every policy from the declarations of infra/iam-needs.ts, nothing hand-listed beside it', () => {
    for (const spec of specs) {
      expect([...allowedActions(spec)].sort(), spec.id).toEqual([...declaredActions(spec)].sort());
    }
  });
});
