import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  functions as catalogFunctions,
  type FunctionSpec,
  functionSpec,
  functionsTriggeredBy,
} from '#functions/catalog';
import { buildApp, type HotlineApp } from '#infra/build-app';
import { AppFunction } from '#infra/constructs/app-function';
import { TableReactor } from '#infra/constructs/table-reactor';
import { resolveStageConfig } from '#infra/stage-config';
import { functionNeeds } from '#infra/wiring';
import { buildTestApp, cdkJsonContext, noPortalBuild, withoutBundling } from './support';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
type Pattern = { [key: string]: Pattern | readonly unknown[] };

const specs: readonly FunctionSpec[] = catalogFunctions;
const streamFunctionIds = functionsTriggeredBy('tableStream');

/** Whether a stream record matches an event filter pattern of exact values (what the mapping uses). */
function matches(pattern: Pattern, value: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (value as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(expected)) return expected.includes(actual);
    return actual !== undefined && matches(expected as Pattern, actual);
  });
}

describe('table stream -> reactor', () => {
  let hotline: HotlineApp;
  let template: Template;
  let resources: Record<string, Resource>;
  let mappings: Resource[];

  beforeAll(() => {
    hotline = buildTestApp(withoutBundling);
    template = Template.fromStack(hotline.api);
    resources = template.toJSON().Resources;
    mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
  });

  const functionLogicalId = (id: string) => {
    const fn = hotline.api.functions.get(id);
    if (!fn) throw new Error(`no function ${id}`);
    return hotline.api.getLogicalId(fn.function.node.defaultChild as CfnFunction);
  };
  const failureQueueId = (id: string) => {
    const queue = hotline.api.tableReactor.failures.get(id)?.queue;
    if (!queue) throw new Error(`no failure queue for ${id}`);
    return hotline.api.getLogicalId(queue.node.defaultChild as never);
  };
  const mappingOf = (id: string): Resource => {
    const found = mappings.filter(
      (m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: functionLogicalId(id) }),
    );
    expect(found, id).toHaveLength(1);
    return found[0] as Resource;
  };
  const statementsOf = (id: string): Statement[] => {
    const role = resources[functionLogicalId(id)]?.Properties.Role as { 'Fn::GetAtt': [string, string] };
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) =>
        (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role['Fn::GetAtt'][0]),
      )
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  };
  /** The stream ARN as the Api stack reads it: the stateful stack's output of the table's StreamArn. */
  const streamArnOutput = () => {
    const outputs = Template.fromStack(hotline.stateful).toJSON().Outputs as Record<
      string,
      { Value: unknown }
    >;
    const tableId = hotline.stateful.getLogicalId(hotline.stateful.table.node.defaultChild as never);
    const names = Object.entries(outputs)
      .filter(([, o]) => JSON.stringify(o.Value) === JSON.stringify({ 'Fn::GetAtt': [tableId, 'StreamArn'] }))
      .map(([name]) => name);
    expect(names).toHaveLength(1);
    return {
      'Fn::GetStackOutput': {
        StackName: hotline.stateful.stackName,
        Region: { Ref: 'AWS::Region' },
        OutputName: names[0],
      },
    };
  };

  it('has one mapping per tableStream function of the catalog: the Reactor', () => {
    expect(streamFunctionIds).toEqual(['Reactor']);
    expect(mappings).toHaveLength(streamFunctionIds.length);
    expect([...hotline.api.tableReactor.failures.keys()]).toEqual(streamFunctionIds);
  });

  it.each(streamFunctionIds)(
    '%s reads the stream in order, with partial batch failures and bounded retries',
    (id) => {
      expect(mappingOf(id).Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 3,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRecordAgeInSeconds: 86400,
        ParallelizationFactor: 1,
      });
      expect(mappingOf(id).Properties.Enabled).not.toBe(false);
    },
  );

  it.each(streamFunctionIds)('%s reads the stream of the stateful table, by stack output', (id) => {
    expect(mappingOf(id).Properties.EventSourceArn).toEqual(streamArnOutput());
    // Api -> Stateful only: nothing of the stateful stack refers back.
    expect(JSON.stringify(Template.fromStack(hotline.stateful).toJSON())).not.toContain(
      hotline.api.stackName,
    );
    expect(hotline.stateful.dependencies).toEqual([]);
    expect(hotline.api.dependencies).toEqual([hotline.stateful]);
  });

  it.each(streamFunctionIds)('%s parks a batch that failed for good on its own failure queue', (id) => {
    expect(mappingOf(id).Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [failureQueueId(id), 'Arn'] } },
    });
    expect(resources[failureQueueId(id)]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    const send = statementsOf(id).filter((s) => [s.Action].flat().includes('sqs:SendMessage'));
    expect(send).toHaveLength(1);
    expect(send[0]?.Resource).toEqual({ 'Fn::GetAtt': [failureQueueId(id), 'Arn'] });
  });

  it.each(streamFunctionIds)('%s is invoked by new images of desk events only (entity = "event")', (id) => {
    const filters = (mappingOf(id).Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters).toHaveLength(1);
    const pattern = JSON.parse(filters[0]?.Pattern ?? '{}') as Pattern;
    expect(pattern).toEqual({ dynamodb: { NewImage: { entity: { S: ['event'] } } } });

    const record = (image?: Record<string, unknown>) => ({
      eventName: image ? 'INSERT' : 'REMOVE',
      dynamodb: image ? { NewImage: image } : { OldImage: {} },
    });
    const ticketEvent = {
      pk: { S: 'TICKET#T-1' },
      sk: { S: 'EVENT#2026-12-02T10:00:00Z#1' },
      entity: { S: 'event' },
    };
    expect(matches(pattern, record(ticketEvent))).toBe(true);
    // The ticket itself, the Reactor's own idempotency records (same table) and TTL deletions do not.
    expect(
      matches(pattern, record({ pk: { S: 'TICKET#T-1' }, sk: { S: 'TICKET' }, entity: { S: 'ticket' } })),
    ).toBe(false);
    expect(
      matches(pattern, record({ pk: { S: 'REACTION' }, sk: { S: 'hash' }, status: { S: 'COMPLETED' } })),
    ).toBe(false);
    expect(matches(pattern, record())).toBe(false);
  });

  it.each(streamFunctionIds)(
    '%s may read this stream only, plus ListStreams (no resource-level permission)',
    (id) => {
      const streamActions = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
      const onStream = statementsOf(id).filter(
        (s) => JSON.stringify(s.Resource) === JSON.stringify(streamArnOutput()),
      );
      expect(onStream).toHaveLength(1);
      expect([onStream[0]?.Action].flat().sort()).toEqual(streamActions);
      const listStreams = statementsOf(id).filter((s) => [s.Action].flat().includes('dynamodb:ListStreams'));
      expect(listStreams.map((s) => s.Resource)).toEqual(['*']);
      // Nobody else reads the stream.
      for (const other of specs.filter((f) => !streamFunctionIds.includes(f.id))) {
        const actions = statementsOf(other.id).flatMap((s) => [s.Action].flat());
        expect(actions, other.id).not.toContain('dynamodb:DescribeStream');
        expect(actions, other.id).not.toContain('dynamodb:ListStreams');
      }
    },
  );
});

describe('table stream without a tableStream function', () => {
  it('creates no mapping, failure queue or iterator age alarm', () => {
    const hotline = buildApp({
      context: { ...cdkJsonContext, ...noPortalBuild, ...withoutBundling },
      functionSpecs: specs.filter((f) => !streamFunctionIds.includes(f.id)),
      functionNeeds: Object.fromEntries(
        Object.entries(functionNeeds).filter(([id]) => !streamFunctionIds.includes(id)),
      ),
    });
    const template = Template.fromStack(hotline.api);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    expect(hotline.api.tableReactor.failures.size).toBe(0);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.filter((a) => a.Properties.MetricName === 'IteratorAge')).toEqual([]);
  });

  it('refuses a tableStream function when the table has no stream, naming it', () => {
    const app = new App({ context: { ...cdkJsonContext, ...withoutBundling } });
    const stack = new Stack(app, 'NoStream');
    const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const stage = resolveStageConfig((key) => cdkJsonContext[key]);
    const reactor = new AppFunction(stack, 'Reactor', { spec: functionSpec('Reactor'), stage, table });
    expect(
      () => new TableReactor(stack, 'TableReactor', { table, functions: new Map([['Reactor', reactor]]) }),
    ).toThrow(/Reactor has trigger 'tableStream' but the table has no stream/);
  });
});
