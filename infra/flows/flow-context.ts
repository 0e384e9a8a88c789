import type { HoursName, QueueName } from './contact-center.ts';

/**
 * Where a flow finds the resources it names; each answer may be a CDK token. Its own file so that each
 * flow can take it without importing index.ts, which imports every flow.
 */
export interface FlowContext {
  /** ARN of a catalog function (functions/catalog.ts id) the flow invokes. */
  lambdaArn(functionId: string): string;
  /** ARN (or id) of one of the contact centre's queues (infra/flows/contact-center.ts). */
  queueArn(queue: QueueName): string;
  /** ARN (or id) of hours of operation; flows that do not name hours check their queue's own. */
  hoursArn?(hours: HoursName): string;
}
