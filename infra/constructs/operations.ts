import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  ComparisonOperator,
  type CreateAlarmOptions,
  Dashboard,
  GraphWidget,
  type IWidget,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterPattern } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { CONNECT_DEFAULT_QUOTAS } from '#infra/connect-regions';
import type { StageConfig } from '#infra/stage-config';
import { deskMetrics } from '#shared/desk-metric-names';
import { type AppFunction, serviceName } from './app-function';
import { DeadLetterQueue } from './dead-letter-queue';

export interface OperationsProps {
  readonly stage: StageConfig;
  readonly functions: ReadonlyMap<string, AppFunction>;
  readonly apiStage: HttpStage;
  /** The Connect instance id, for the calls widgets of the dashboard. */
  readonly connectInstanceId: string;
}

/** IteratorAge (milliseconds, Maximum per minute) above which, this many minutes in a row, a stream reactor alarms. */
export const streamLagAlarm = { thresholdMs: 60_000, evaluationPeriods: 3 } as const;

/**
 * Calls the dialer's wake-ups started, from the `Dialer ran` log line of DialerTick (its `started` count):
 * the desk publishes no per-call metric, and calls started as a contact event frees a slot are not in it.
 */
export const dialerCallsStarted = {
  functionId: 'DialerTick',
  metricName: 'DialerCallsStarted',
  logMessage: 'Dialer ran',
  valueField: '$.started',
} as const;

/** Calls per minute the dialer may start: CONNECT_CALLS_PER_SECOND (shared/config.ts default = Connect's quota) x 60. */
export function dialerCallsPerMinuteLimit(environment: Readonly<Record<string, string>>): number {
  const perSecond = Number(environment.CONNECT_CALLS_PER_SECOND);
  return (
    (Number.isFinite(perSecond) && perSecond > 0 ? perSecond : CONNECT_DEFAULT_QUOTAS.callsPerSecond) * 60
  );
}

/** A desk metric (shared/desk-metric-names.ts), summed over five minutes. */
export function deskMetric(name: string): Metric {
  return new Metric({
    namespace: deskMetrics.namespace,
    metricName: name,
    dimensionsMap: { [deskMetrics.serviceDimension]: serviceName },
    statistic: 'Sum',
    period: Duration.minutes(5),
  });
}

/**
 * The desk's health, watched: an alarm topic (e-mail subscription from context `alarmEmail`), alarms on
 * every dead-letter queue of the stack, every function's errors and throttles, the table stream reactors'
 * iterator age, API 5xx, deadline breaches and broadcast failures, and one dashboard showing the same. Created last, it finds the queues itself.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { stage } = props;
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `Complaint hotline alarms (${stage.name})`,
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notices carry no personal data; CloudWatch cannot publish to a topic under the AWS-managed key.',
    });
    // enforceSSL writes a topic policy, which replaces SNS's default one: without this statement CloudWatch
    // could not publish and no alarm would ever notify anyone. Only alarms of this account and region.
    const { account, region, partition } = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    if (stage.alarmEmail) this.topic.addSubscription(new EmailSubscription(stage.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (
      alarmId: string,
      metric: Metric,
      description: string,
      threshold = 1,
      options: Partial<Pick<CreateAlarmOptions, 'evaluationPeriods' | 'comparisonOperator'>> = {},
    ): Alarm => {
      const created = metric.createAlarm(this, alarmId, {
        alarmDescription: description,
        threshold,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator:
          options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    const deadLetterQueues = Stack.of(this)
      .node.findAll()
      .filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue);
    for (const dlq of deadLetterQueues) {
      alarm(
        `DeadLetters-${dlq.node.path.replace(/[^A-Za-z0-9]+/g, '-')}`,
        dlq.queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        `${dlq.purpose} failed for good: a message waits in the dead-letter queue`,
      );
    }

    for (const [functionId, fn] of props.functions) {
      alarm(
        `Errors-${functionId}`,
        fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${functionId} failed (Lambda errors) in the last 5 minutes`,
      );
      alarm(
        `Throttles-${functionId}`,
        fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${functionId} was throttled (concurrency limit) in the last 5 minutes`,
      );
    }

    // A reactor falling behind the table stream: its oldest record waits longer than a minute, for minutes.
    const streamFunctions = [...props.functions].filter(([, fn]) =>
      fn.spec.triggers?.includes('tableStream'),
    );
    const iteratorAge = (fn: AppFunction) =>
      fn.function.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' });
    for (const [functionId, fn] of streamFunctions) {
      alarm(
        `IteratorAge-${functionId}`,
        iteratorAge(fn),
        `${functionId} lags behind the table stream: records older than a minute wait, for ${streamLagAlarm.evaluationPeriods} minutes`,
        streamLagAlarm.thresholdMs,
        {
          evaluationPeriods: streamLagAlarm.evaluationPeriods,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        },
      );
    }

    const api5xx = props.apiStage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' });
    alarm('Api5xx', api5xx, 'The HTTP API answered 5xx in the last 5 minutes');
    const breaches = deskMetric(deskMetrics.deadlineBreaches);
    alarm(
      'DeadlineBreaches',
      breaches,
      'A complaint missed a deadline (first contact, dispatch, result ...)',
    );
    const broadcastFailures = deskMetric(deskMetrics.broadcastFailures);
    alarm('BroadcastFailures', broadcastFailures, 'An emergency broadcast could not reach a recipient');

    const connectMetric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/Connect',
        metricName,
        dimensionsMap: { InstanceId: props.connectInstanceId, MetricGroup: 'VoiceCalls' },
        statistic,
        period: Duration.minutes(5),
      });

    const fnList = [...props.functions.values()];

    const dialer = props.functions.get(dialerCallsStarted.functionId);
    const callsStarted = dialer?.logGroup
      .addMetricFilter('DialerCallsStarted', {
        filterPattern: FilterPattern.stringValue('$.message', '=', dialerCallsStarted.logMessage),
        metricNamespace: deskMetrics.namespace,
        metricName: dialerCallsStarted.metricName,
        metricValue: dialerCallsStarted.valueField,
      })
      .metric({
        statistic: 'Sum',
        period: Duration.minutes(1),
        label: 'Calls started by the dialer (per minute)',
      });
    const perMinuteLimit = dialerCallsPerMinuteLimit(stage.functionEnvironment);
    const failureQueues = [...deadLetterQueues];
    const widgets: IWidget[][] = [
      [
        new TextWidget({
          markdown: `# Complaint hotline (${stage.name})\nAlarms go to the SNS topic; runbook: README "Deploy to AWS".`,
          width: 24,
          height: 2,
        }),
      ],
      [
        new SingleValueWidget({
          title: 'Desk (5 min)',
          metrics: [breaches, broadcastFailures],
          width: 8,
        }),
        new GraphWidget({
          title: 'API requests and errors',
          left: [
            props.apiStage.metricCount({ period: Duration.minutes(5) }),
            props.apiStage.metricClientError({ period: Duration.minutes(5) }),
            api5xx,
          ],
          right: [props.apiStage.metricLatency({ period: Duration.minutes(5), statistic: 'p99' })],
          width: 16,
        }),
      ],
      [
        new GraphWidget({
          title: 'Lambda errors',
          left: fnList.map((fn) => fn.function.metricErrors({ period: Duration.minutes(5) })),
          width: 8,
        }),
        new GraphWidget({
          title: 'Lambda throttles',
          left: fnList.map((fn) => fn.function.metricThrottles({ period: Duration.minutes(5) })),
          width: 8,
        }),
        new GraphWidget({
          title: 'Lambda duration p99',
          left: fnList.map((fn) =>
            fn.function.metricDuration({ period: Duration.minutes(5), statistic: 'p99' }),
          ),
          width: 8,
        }),
      ],
      ...(streamFunctions.length > 0
        ? [
            [
              new GraphWidget({
                title: 'Reactor lag: table stream iterator age (max, ms)',
                left: streamFunctions.map(([functionId, fn]) =>
                  fn.function.metric('IteratorAge', {
                    period: Duration.minutes(1),
                    statistic: 'Maximum',
                    label: `${functionId} IteratorAge`,
                  }),
                ),
                leftAnnotations: [
                  { value: streamLagAlarm.thresholdMs, label: 'Alarm: a minute behind', color: '#d62728' },
                ],
                width: 24,
              }),
            ],
          ]
        : []),
      [
        new GraphWidget({
          title: 'Dialer throughput vs Connect quota (calls started per minute)',
          left: [
            ...(callsStarted ? [callsStarted] : []),
            connectMetric('CallsPerInterval', 'Sum').with({
              period: Duration.minutes(1),
              label: 'All voice calls, in and out (Connect)',
            }),
          ],
          leftAnnotations: [
            {
              value: perMinuteLimit,
              label: `Calls per second limit x 60 (${perMinuteLimit / 60}/s, StartOutboundVoiceContact)`,
              color: '#d62728',
            },
          ],
          width: 12,
        }),
        new GraphWidget({
          title: 'Failure queues: messages waiting (dead letters)',
          left: failureQueues.map((dlq) =>
            dlq.queue.metricApproximateNumberOfMessagesVisible({
              period: Duration.minutes(1),
              statistic: 'Maximum',
              label: dlq.purpose,
            }),
          ),
          leftAnnotations: [{ value: 1, label: 'Alarm: any message', color: '#d62728' }],
          width: 12,
        }),
      ],
      [
        new GraphWidget({
          title: 'Dead-letter queues (messages waiting)',
          left: deadLetterQueues.map((dlq) =>
            dlq.queue.metricApproximateNumberOfMessagesVisible({
              period: Duration.minutes(5),
              statistic: 'Maximum',
              label: dlq.purpose,
            }),
          ),
          width: 12,
        }),
        new GraphWidget({
          title: 'Calls (Amazon Connect)',
          left: [
            connectMetric('CallsPerInterval', 'Sum'),
            connectMetric('MissedCalls', 'Sum'),
            connectMetric('CallsBreachingConcurrencyQuota', 'Sum'),
            connectMetric('ThrottledCalls', 'Sum'),
          ],
          right: [connectMetric('ConcurrentCalls', 'Maximum')],
          width: 12,
        }),
      ],
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', { widgets, defaultInterval: Duration.hours(24) });
  }
}
