/**
 * Every contact flow of the hotline, by name. The CDK app renders each with a FlowContext
 * whose ARNs are CloudFormation tokens; the local runtime (local/hotline.ts) renders them with
 * local ARNs and registers them in the Connect emulator under the same names.
 */

import type { HoursName, QueueName } from './contact-center.ts';
import { inboundFlow } from './inbound.ts';
import type { FlowDocument } from './lib/flow-language.ts';
import { outboundBroadcastFlow } from './outbound-broadcast.ts';
import { outboundCallbackFlow } from './outbound-callback.ts';
import { outboundProgressFlow } from './outbound-progress.ts';
import { outboundSurveyFlow } from './outbound-survey.ts';

export type { HoursName, QueueName } from './contact-center.ts';

/** Where a flow finds the resources it names; each answer may be a CDK token. */
export interface FlowContext {
  /** ARN of a catalog function (functions/catalog.ts id) the flow invokes. */
  lambdaArn(functionId: string): string;
  /** ARN (or id) of one of the contact centre's queues (infra/flows/contact-center.ts). */
  queueArn(queue: QueueName): string;
  /** ARN (or id) of hours of operation; flows that do not name hours check their queue's own. */
  hoursArn?(hours: HoursName): string;
}

export type ContactFlowFactory = (ctx: FlowContext) => FlowDocument;

export const contactFlows: Readonly<Record<string, ContactFlowFactory>> = {
  inbound: inboundFlow,
  'outbound-callback': outboundCallbackFlow,
  'outbound-survey': outboundSurveyFlow,
  'outbound-progress': outboundProgressFlow,
  'outbound-broadcast': outboundBroadcastFlow,
};

/** The flow that answers the hotline number. */
export const INBOUND_FLOW_NAME = 'inbound';
