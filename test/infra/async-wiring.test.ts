import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { recurringSchedules } from '#functions/catalog';
import { buildApp, type HotlineApp } from '#infra/build-app';
import { asyncRetryAttempts } from '#infra/constructs/app-function';
import { contactEventRetry } from '#infra/constructs/contact-events';
import { schedulerRetry } from '#infra/constructs/scheduling';
import type { FunctionNeeds } from '#infra/wiring';
import { buildTestApp, buildWiredTestApp, cdkJsonContext, wiringFixture, withoutBundling } from './support';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

const idsTriggeredBy = (trigger: string) =>
  wiringFixture.functionSpecs.filter((s) => s.triggers?.some((t) => t === trigger)).map((s) => s.id);
const scheduledIds = idsTriggeredBy('scheduler');
const listenerIds = idsTriggeredBy('connectContactEvents');
const streamIds = idsTriggeredBy('tableStream');
const sweepIds = scheduledIds.filter((id) => id.includes('Sweep'));

/** Scheduler, the contact event rule, SES and async invocation, on the catalog plus the wiring fixture. */
describe('asynchronous wiring', () => {
  let hotline: HotlineApp;
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    hotline = buildWiredTestApp();
    template = Template.fromStack(hotline.api);
    resources = template.toJSON().Resources;
  });

  const logicalIdOf = (functionId: string): string => {
    const fn = hotline.api.functions.get(functionId);
    if (!fn) throw new Error(`no function ${functionId}`);
    return hotline.api.getLogicalId(fn.function.node.defaultChild as CfnFunction);
  };
  const environmentOf = (functionId: string): Record<string, unknown> => {
    const resource = resources[logicalIdOf(functionId)];
    if (!resource) throw new Error(`no resource for ${functionId}`);
    return (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  };
  const policyStatementsOfRole = (roleLogicalId: string): Statement[] =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => (r.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId))
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const statementsOf = (functionId: string): Statement[] => {
    const role = resources[logicalIdOf(functionId)]?.Properties.Role as { 'Fn::GetAtt': [string, string] };
    return policyStatementsOfRole(role['Fn::GetAtt'][0]);
  };
  const actionsOf = (functionId: string) => statementsOf(functionId).flatMap((s) => [s.Action].flat());
  const schedulerRoleId = () =>
    hotline.api.getLogicalId(hotline.api.scheduling.role.node.defaultChild as never);
  const queueId = (queue: { node: { defaultChild?: unknown } }) =>
    hotline.api.getLogicalId(queue.node.defaultChild as never);

  describe('scheduler', () => {
    it('has one schedule group and a role only Scheduler of this account may assume', () => {
      template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
      const role = resources[schedulerRoleId()];
      expect(role?.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      });
    });

    it('lets Scheduler invoke exactly the scheduler-triggered functions, by exact ARN, and send to its DLQ', () => {
      const statements = policyStatementsOfRole(schedulerRoleId());
      const invoke = statements.filter((s) => s.Action === 'lambda:InvokeFunction');
      expect(invoke).toHaveLength(1);
      const arns = JSON.stringify(invoke[0]?.Resource);
      for (const id of scheduledIds) expect(arns).toContain(`function:Hotline-dev-Api-${id}"`);
      expect(arns).not.toContain('*');
      expect(invoke[0]?.Resource).toHaveLength(scheduledIds.length);
      const send = statements.filter((s) => [s.Action].flat().includes('sqs:SendMessage'));
      expect(send).toHaveLength(1);
      expect(send[0]?.Resource).toEqual({
        'Fn::GetAtt': [queueId(hotline.api.scheduling.deadLetters.queue), 'Arn'],
      });
    });

    it('names schedule targets so their ARNs are known before they exist', () => {
      for (const id of scheduledIds) {
        template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: `Hotline-dev-Api-${id}` });
      }
      const named = Object.values(resources).filter(
        (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName !== undefined,
      );
      // Only schedule targets (and CDK's custom-resource provider, which has none) carry a name.
      expect(named).toHaveLength(scheduledIds.length);
    });

    it('runs the sweep every 5 minutes with retries and a dead-letter queue', () => {
      expect(sweepIds).toContain('FixtureSweep');
      // Besides the sweeps: the catalog's recurring schedules (report e-mails), see report-schedules.test.ts.
      template.resourceCountIs(
        'AWS::Scheduler::Schedule',
        sweepIds.length + recurringSchedules(wiringFixture.functionSpecs).length,
      );
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        GroupName: Match.anyValue(),
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          RoleArn: { 'Fn::GetAtt': [schedulerRoleId(), 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [queueId(hotline.api.scheduling.deadLetters.queue), 'Arn'] },
          },
          RetryPolicy: {
            MaximumRetryAttempts: schedulerRetry.retryAttempts,
            MaximumEventAgeInSeconds: schedulerRetry.maxEventAge.toSeconds(),
          },
        },
      });
      const targets = Object.values(resources)
        .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
        .map((r) => JSON.stringify(r.Properties.Target));
      for (const id of sweepIds) {
        expect(targets.filter((t) => t.includes(`function:Hotline-dev-Api-${id}"`))).toHaveLength(1);
      }
    });

    it('gives schedule managers the group, role and DLQ and their grants, and nobody else', () => {
      for (const id of ['FixtureSweep', 'FixtureDialer']) {
        const env = environmentOf(id);
        for (const key of [
          'SCHEDULE_GROUP_NAME',
          'SCHEDULER_ROLE_ARN',
          'SCHEDULER_DLQ_ARN',
          'SCHEDULE_TARGET_ARNS',
        ]) {
          expect(env[key], `${id} ${key}`).toBeDefined();
        }
        expect(JSON.stringify(env.SCHEDULE_TARGET_ARNS)).toContain('FixtureSweep');
        // Exactly what shared/adapters/scheduler-timer.ts calls for the declared uses (infra/iam-needs.ts): no
        // UpdateSchedule, no ListSchedules, no GetSchedule (hasTimer is called by nothing); Delete only to clear.
        expect(
          actionsOf(id)
            .filter((a) => a.startsWith('scheduler:'))
            .sort(),
        ).toEqual(
          id === 'FixtureSweep'
            ? ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']
            : ['scheduler:CreateSchedule'],
        );
        expect(actionsOf(id)).toContain('iam:PassRole');
        const passRole = statementsOf(id).find((s) => s.Action === 'iam:PassRole');
        expect(passRole?.Resource).toEqual({ 'Fn::GetAtt': [schedulerRoleId(), 'Arn'] });
      }
      for (const id of ['TicketsApi', 'PublicApi', 'FixtureNotifier']) {
        expect(environmentOf(id).SCHEDULE_GROUP_NAME).toBeUndefined();
        expect(actionsOf(id).filter((a) => a.startsWith('scheduler:') || a === 'iam:PassRole')).toEqual([]);
      }
    });
  });

  describe('contact events', () => {
    it('routes this instance\'s "Amazon Connect Contact Event"s to the listening functions', () => {
      template.resourceCountIs('AWS::Events::Rule', 1);
      const rule = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule');
      expect(rule?.Properties.EventPattern).toEqual({
        source: ['aws.connect'],
        'detail-type': ['Amazon Connect Contact Event'],
        detail: { instanceArn: [expect.anything()] },
      });
      expect(JSON.stringify(rule?.Properties.EventPattern)).toContain('ConnectInstance');
      const targets = rule?.Properties.Targets as Record<string, unknown>[];
      expect(listenerIds).toContain('FixtureDialer');
      expect(targets.map((t) => t.Arn)).toEqual(
        expect.arrayContaining(listenerIds.map((id) => ({ 'Fn::GetAtt': [logicalIdOf(id), 'Arn'] }))),
      );
      expect(targets).toHaveLength(listenerIds.length);
      for (const target of targets) {
        expect(target).toMatchObject({
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [queueId(hotline.api.contactEvents.deadLetters?.queue as never), 'Arn'] },
          },
          RetryPolicy: {
            MaximumRetryAttempts: contactEventRetry.retryAttempts,
            MaximumEventAgeInSeconds: contactEventRetry.maxEventAge.toSeconds(),
          },
        });
      }
      for (const id of listenerIds) {
        template.hasResourceProperties('AWS::Lambda::Permission', {
          Principal: 'events.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [logicalIdOf(id), 'Arn'] },
        });
      }
    });

    it('has no rule when no function listens (the catalog alone, today)', () => {
      const plain = buildTestApp(withoutBundling);
      const listens = [...plain.api.functions.values()].some((f) =>
        f.spec.triggers?.includes('connectContactEvents'),
      );
      Template.fromStack(plain.api).resourceCountIs('AWS::Events::Rule', listens ? 1 : 0);
    });
  });

  describe('asynchronous invocations', () => {
    it('sends a failed async run of each Scheduler/EventBridge target to its own queue after retries', () => {
      const configs = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
      const asyncIds = wiringFixture.functionSpecs
        .filter((s) => s.triggers?.some((t) => t === 'scheduler' || t === 'connectContactEvents'))
        .map((s) => s.id);
      expect(configs).toHaveLength(asyncIds.length);
      for (const id of asyncIds) {
        const fn = hotline.api.functions.get(id);
        const queue = fn?.asyncFailures?.queue;
        expect(queue, id).toBeDefined();
        template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: logicalIdOf(id) },
          MaximumRetryAttempts: asyncRetryAttempts,
          DestinationConfig: {
            OnFailure: { Destination: { 'Fn::GetAtt': [queueId(queue as never), 'Arn'] } },
          },
        });
        expect(actionsOf(id)).toContain('sqs:SendMessage');
      }
    });

    it('encrypts every dead-letter queue, refuses plain HTTP and keeps messages 14 days', () => {
      const queues = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
      const asyncCount = new Set([...scheduledIds, ...listenerIds]).size;
      expect(streamIds).toEqual(['Reactor']);
      // scheduler + contact events + one per async function + one per table stream function
      expect(queues.length).toBe(2 + asyncCount + streamIds.length);
      for (const [id, queue] of queues) {
        expect(queue.Properties, id).toMatchObject({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 1209600,
        });
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });
  });

  describe('mail', () => {
    it('has the sender as an SES email identity', () => {
      template.resourceCountIs('AWS::SES::EmailIdentity', 1);
      template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: hotline.stage.senderEmail });
    });

    it('lets exactly the mailing functions send, from that identity only', () => {
      for (const id of ['FixtureDialer', 'FixtureNotifier']) {
        expect(environmentOf(id).MAIL_FROM).toBe(hotline.stage.senderEmail);
        const send = statementsOf(id).filter((s) => [s.Action].flat().includes('ses:SendEmail'));
        expect(send).toHaveLength(1);
        // SES v2 SendEmail is all shared/adapters/ses-mailer.ts calls: no SendRawEmail.
        expect(actionsOf(id).filter((a) => a.startsWith('ses:'))).toEqual(['ses:SendEmail']);
        expect(JSON.stringify(send[0]?.Resource)).toContain(':identity/');
        expect(JSON.stringify(send[0]?.Resource)).not.toContain('*');
      }
      for (const id of ['TicketsApi', 'PublicApi', 'FixtureSweep']) {
        expect(actionsOf(id).filter((a) => a.startsWith('ses:'))).toEqual([]);
        expect(environmentOf(id).MAIL_FROM).toBeUndefined();
      }
    });
  });

  describe('outbound calls', () => {
    it('gives the dialer the Connect ids and StartOutboundVoiceContact on this instance only', () => {
      const env = environmentOf('FixtureDialer');
      for (const key of [
        'CONNECT_INSTANCE_ID',
        'HOTLINE_PHONE_NUMBER',
        'CONTACT_FLOW_IDS',
        'CONNECT_QUEUE_IDS',
      ]) {
        expect(env[key], key).toBeDefined();
      }
      const call = statementsOf('FixtureDialer').find((s) =>
        [s.Action].flat().includes('connect:StartOutboundVoiceContact'),
      );
      // Its declared uses, start and stop: no DescribeContact, which only the sweep asks.
      expect([call?.Action].flat().sort()).toEqual([
        'connect:StartOutboundVoiceContact',
        'connect:StopContact',
      ]);
      expect(JSON.stringify(call?.Resource)).toMatch(/ConnectInstance.*\/contact\/\*"\]\]\}$/);
      for (const id of ['TicketsApi', 'FixtureSweep', 'FixtureNotifier']) {
        expect(actionsOf(id).filter((a) => a.startsWith('connect:'))).toEqual([]);
      }
    });
  });

  it.each(wiringFixture.functionSpecs.map((s) => s.id))(
    '%s has Resource "*" only for the X-Ray actions (and a stream reader\'s ListStreams) that know no other resource',
    (id) => {
      const unscoped = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
      if (streamIds.includes(id)) unscoped.unshift('dynamodb:ListStreams');
      for (const statement of statementsOf(id)) {
        if (statement.Resource !== '*') continue;
        expect([statement.Action].flat().sort()).toEqual(unscoped);
      }
      expect(statementsOf(id).every((s) => s.Effect === 'Allow')).toBe(true);
    },
  );

  it.each(wiringFixture.functionSpecs.map((s) => s.id))(
    '%s has exactly the actions its needs call for',
    (id) => {
      const needs = (wiringFixture.functionNeeds as Record<string, FunctionNeeds>)[id] ?? {};
      const services = new Set(actionsOf(id).map((a) => a.split(':')[0]));
      const expected = new Set(['logs', 'xray', 'dynamodb']);
      if (needs.schedules?.length) expected.add('scheduler');
      if (needs.schedules?.includes('set')) expected.add('iam');
      if (needs.calls?.length) expected.add('connect');
      if (needs.sendEmail) expected.add('ses');
      if (hotline.api.functions.get(id)?.asyncFailures) expected.add('sqs');
      // The table stream's failure destination (infra/constructs/table-reactor.ts).
      if (hotline.api.tableReactor.failures.has(id)) expected.add('sqs');
      expect([...services].sort()).toEqual([...expected].sort());
    },
  );

  it('refuses a dialler that a contact flow also invokes (a reference cycle), naming it', () => {
    const flowFunction = wiringFixture.functionSpecs.find((s) => s.triggers?.includes('contactFlow'));
    if (!flowFunction) throw new Error('the catalog has no contact-flow function');
    expect(() =>
      buildApp({
        context: { ...cdkJsonContext, ...withoutBundling },
        functionNeeds: { [flowFunction.id]: { calls: ['start'] } },
      }),
    ).toThrow(new RegExp(`${flowFunction.id} both uses outbound contacts`));
  });

  it('refuses needs for a function the catalog does not have, naming it', () => {
    expect(() =>
      buildApp({
        context: { ...cdkJsonContext, ...withoutBundling },
        functionNeeds: { GhostDialer: { calls: ['start'] } },
      }),
    ).toThrow(/not in functions\/catalog\.ts: GhostDialer/);
  });
});

/** The catalog's own needs (no fixture): who may stop a call that rings. */
describe('stopping calls (the catalog alone)', () => {
  it('lets the functions that cancel a broadcast stop its ringing calls (StopContact) on this instance', () => {
    const app = buildTestApp(withoutBundling);
    const resources = Template.fromStack(app.api).toJSON().Resources as Record<string, Resource>;
    for (const id of ['BroadcastsApi', 'Reactor']) {
      const fn = app.api.functions.get(id);
      if (!fn) throw new Error(`no function ${id}`);
      const logicalId = app.api.getLogicalId(fn.function.node.defaultChild as CfnFunction);
      const role = resources[logicalId]?.Properties.Role as { 'Fn::GetAtt': [string, string] };
      const statements = Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy')
        .filter((r) => (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === role['Fn::GetAtt'][0]))
        .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
      const stop = statements.find((st) => [st.Action].flat().includes('connect:StopContact'));
      expect(stop, id).toBeDefined();
      expect(JSON.stringify(stop?.Resource), id).toMatch(/ConnectInstance.*\/contact\/\*"\]\]\}$/);
      const resource = resources[logicalId];
      if (!resource) throw new Error(`no resource for ${id}`);
      const env = (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.CONNECT_INSTANCE_ID, id).toBeDefined();
    }
  });
});
