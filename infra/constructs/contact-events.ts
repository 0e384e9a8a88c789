import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function';
import { DeadLetterQueue } from './dead-letter-queue';

/** Retries EventBridge makes before an event goes to the dead-letter queue, and for how long. */
export const contactEventRetry = { retryAttempts: 8, maxEventAge: Duration.hours(2) } as const;

export interface ContactEventsProps {
  readonly instanceArn: string;
  /** Every catalog function; those with trigger `connectContactEvents` become targets. */
  readonly functions: ReadonlyMap<string, AppFunction>;
}

/**
 * The EventBridge rule for this instance's "Amazon Connect Contact Event"s (initiated, connected,
 * disconnected ...): outcomes of outbound calls reach the dialer through it. Failed deliveries go to a
 * dead-letter queue after retries; the rule is created only when some function listens.
 */
export class ContactEvents extends Construct {
  readonly rule?: Rule;
  readonly deadLetters?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ContactEventsProps) {
    super(scope, id);
    const targets = [...props.functions.values()].filter((fn) =>
      fn.spec.triggers?.includes('connectContactEvents'),
    );
    if (targets.length === 0) return;
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      purpose: 'Connect contact event deliveries',
    });
    this.rule = new Rule(this, 'Rule', {
      description: 'Amazon Connect contact events of the hotline instance',
      eventPattern: {
        source: ['aws.connect'],
        detailType: ['Amazon Connect Contact Event'],
        detail: { instanceArn: [props.instanceArn] },
      },
    });
    for (const fn of targets) {
      this.rule.addTarget(
        new LambdaFunction(fn.function, { deadLetterQueue: this.deadLetters.queue, ...contactEventRetry }),
      );
    }
  }
}
