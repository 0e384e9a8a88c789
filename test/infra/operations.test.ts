import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HotlineApp } from '#infra/build-app';
import { DeadLetterQueue } from '#infra/constructs/dead-letter-queue';
import { dialerCallsPerMinuteLimit, dialerCallsStarted, streamLagAlarm } from '#infra/constructs/operations';
import { deskMetrics } from '#shared/desk-metric-names';
import { buildWiredTestApp } from './support';

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('operations', () => {
  let hotline: HotlineApp;
  let template: Template;
  let alarms: Resource[];

  beforeAll(() => {
    hotline = buildWiredTestApp({ alarmEmail: 'oncall@hotline.test' });
    template = Template.fromStack(hotline.api);
    alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
  });

  const topicId = () => hotline.api.getLogicalId(hotline.api.operations.topic.node.defaultChild as never);
  const alarmsOn = (metricName: string, namespace: string) =>
    alarms.filter((a) => a.Properties.MetricName === metricName && a.Properties.Namespace === namespace);

  it('sends every alarm to the alarm topic, which mails the on-call address over TLS only', () => {
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@hotline.test',
      TopicArn: { Ref: topicId() },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("lets CloudWatch publish this account's alarms to the topic (its TLS-only policy replaces SNS's default)", () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: topicId() },
            Condition: {
              StringEquals: { 'aws:SourceAccount': Match.anyValue() },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  it('alarms as soon as any dead-letter queue of the stack holds a message', () => {
    const queues = hotline.api.node.findAll().filter((c) => c instanceof DeadLetterQueue);
    expect(queues.length).toBeGreaterThanOrEqual(4);
    const dlqAlarms = alarmsOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS');
    expect(dlqAlarms).toHaveLength(queues.length);
    for (const queue of queues) {
      const queueId = hotline.api.getLogicalId(queue.queue.node.defaultChild as never);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms on errors and throttles of every function', () => {
    const count = hotline.api.functions.size;
    expect(alarmsOn('Errors', 'AWS/Lambda')).toHaveLength(count);
    expect(alarmsOn('Throttles', 'AWS/Lambda')).toHaveLength(count);
    for (const fn of hotline.api.functions.values()) {
      const fnId = hotline.api.getLogicalId(fn.function.node.defaultChild as never);
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
        });
      }
    }
  });

  it('alarms when a table stream reactor lags: IteratorAge above a minute, three minutes running', () => {
    const reactors = [...hotline.api.functions.values()].filter((fn) =>
      fn.spec.triggers?.includes('tableStream'),
    );
    expect(reactors.map((fn) => fn.spec.id)).toEqual(['Reactor']);
    expect(streamLagAlarm).toEqual({ thresholdMs: 60_000, evaluationPeriods: 3 });
    expect(alarmsOn('IteratorAge', 'AWS/Lambda')).toHaveLength(reactors.length);
    for (const fn of reactors) {
      const fnId = hotline.api.getLogicalId(fn.function.node.defaultChild as never);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 60_000,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId() }],
      });
    }
  });

  it('alarms as soon as a batch of the table stream lands on its failure queue', () => {
    const failures = [...hotline.api.tableReactor.failures];
    expect(failures.map(([id]) => id)).toEqual(['Reactor']);
    for (const [, dlq] of failures) {
      const queueId = hotline.api.getLogicalId(dlq.queue.node.defaultChild as never);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topicId() }],
      });
    }
  });

  it('alarms on API 5xx, deadline breaches and broadcast failures', () => {
    expect(alarmsOn('5xx', 'AWS/ApiGateway')).toHaveLength(1);
    for (const name of [deskMetrics.deadlineBreaches, deskMetrics.broadcastFailures]) {
      const [alarm, ...more] = alarmsOn(name, deskMetrics.namespace);
      expect(more).toEqual([]);
      expect(alarm?.Properties).toMatchObject({
        Dimensions: [{ Name: 'service', Value: 'complaint-hotline' }],
        Statistic: 'Sum',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
    }
    expect(deskMetrics).toMatchObject({
      namespace: 'ComplaintHotline',
      deadlineBreaches: 'DeadlineBreaches',
      broadcastFailures: 'BroadcastFailures',
    });
  });

  it('has no other alarm', () => {
    const expected =
      hotline.api.functions.size * 2 +
      3 +
      alarmsOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS').length +
      // IteratorAge, one per table stream function
      [...hotline.api.functions.values()].filter((fn) => fn.spec.triggers?.includes('tableStream')).length;
    expect(alarms).toHaveLength(expected);
  });

  it('shows the desk on one dashboard: desk metrics, API, functions, dead letters, calls', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const text of [
      'DeadlineBreaches',
      'BroadcastFailures',
      'API requests and errors',
      'Lambda errors',
      'Dead-letter queues',
      'IteratorAge',
      'AWS/Connect',
    ]) {
      expect(body).toContain(text);
    }
  });

  /** The dashboard body with its tokens left as CloudFormation JSON, one widget per entry. */
  const dashboardWidgets = (): { title: string; text: string }[] => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    if (!dashboard) throw new Error('no dashboard');
    const parts = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
    const chunks = body.split('{"type":').slice(1);
    return chunks.map((c) => ({ title: /"title":"([^"]*)"/.exec(c)?.[1] ?? '', text: c }));
  };
  const widget = (title: string) => {
    const found = dashboardWidgets().find((w) => w.title.startsWith(title));
    if (!found) throw new Error(`No dashboard widget titled ${title}`);
    return found.text;
  };

  it('shows dialer throughput against the Connect calls-per-second quota x 60', () => {
    const dialer = hotline.api.functions.get(dialerCallsStarted.functionId);
    if (!dialer) throw new Error('no dialer');
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: hotline.api.getLogicalId(dialer.logGroup.node.defaultChild as never) },
      FilterPattern: '{ $.message = "Dialer ran" }',
      MetricTransformations: [
        { MetricNamespace: 'ComplaintHotline', MetricName: 'DialerCallsStarted', MetricValue: '$.started' },
      ],
    });
    const text = widget('Dialer throughput vs Connect quota');
    expect(text).toContain('["ComplaintHotline","DialerCallsStarted"');
    expect(text).toContain('"period":60,"stat":"Sum"');
    expect(text).toContain('"CallsPerInterval"');
    // Default CONNECT_CALLS_PER_SECOND 2 (Connect's default quota): 120 calls a minute.
    expect(text).toContain('"horizontal":[{"value":120');
    expect(dialerCallsPerMinuteLimit({})).toBe(120);
    expect(dialerCallsPerMinuteLimit({ CONNECT_CALLS_PER_SECOND: '5' })).toBe(300);
  });

  it("shows the Reactor's lag behind the table stream (IteratorAge, with the alarm's line)", () => {
    const reactor = hotline.api.functions.get('Reactor');
    if (!reactor) throw new Error('no reactor');
    const text = widget('Reactor lag');
    expect(text).toContain('["AWS/Lambda","IteratorAge","FunctionName",');
    expect(text).toContain(
      JSON.stringify({ Ref: hotline.api.getLogicalId(reactor.function.node.defaultChild as never) }),
    );
    expect(text).toContain('"stat":"Maximum"');
    expect(text).toContain(`"horizontal":[{"value":${streamLagAlarm.thresholdMs}`);
  });

  it('shows the depth of every failure (dead-letter) queue', () => {
    const queues = hotline.api.node.findAll().filter((c) => c instanceof DeadLetterQueue);
    const text = widget('Failure queues');
    expect(text.match(/"AWS\/SQS","ApproximateNumberOfMessagesVisible"/g)).toHaveLength(queues.length);
    for (const queue of queues) {
      const queueId = hotline.api.getLogicalId(queue.queue.node.defaultChild as never);
      expect(text).toContain(JSON.stringify({ 'Fn::GetAtt': [queueId, 'QueueName'] }));
    }
  });

  it('tells every function the metric namespace, and traces and logs each with retention', () => {
    const resources = template.toJSON().Resources as Record<string, Resource>;
    for (const fn of hotline.api.functions.values()) {
      const props = resources[hotline.api.getLogicalId(fn.function.node.defaultChild as never)]?.Properties;
      expect(props?.TracingConfig).toEqual({ Mode: 'Active' });
      expect(
        (props?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables,
      ).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'ComplaintHotline',
      });
      const logGroupId = hotline.api.getLogicalId(fn.logGroup.node.defaultChild as never);
      expect(props?.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: logGroupId } });
      expect(resources[logGroupId]?.Properties.RetentionInDays).toBe(14);
    }
  });
});

describe('operations without an alarm address', () => {
  it('still creates the topic, with no subscription', () => {
    const template = Template.fromStack(buildWiredTestApp().api);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
