import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What fails into it, for the alarm and the dashboard, e.g. "Scheduler deliveries". */
  readonly purpose: string;
}

/**
 * Where an asynchronous delivery that failed for good ends up (a schedule, an event rule, an async Lambda
 * invocation): encrypted, TLS only, kept the maximum 14 days. The operations construct finds every one
 * of these in the stack and raises an alarm as soon as one holds a message.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly purpose: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.purpose = props.purpose;
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue; a message in it raises an alarm for a person to act on.',
    });
  }
}
