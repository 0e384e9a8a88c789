/**
 * Every contact flow of the hotline, by name. The CDK app renders each with a FlowContext
 * whose ARNs are CloudFormation tokens; the local runtime (local/hotline.ts) renders them with
 * local ARNs and registers them in the Connect emulator under the same names.
 */

import type { FlowContext } from './flow-context.ts';
import { inboundFlow } from './inbound.ts';
import type { FlowDocument } from './lib/flow-language.ts';
import { outboundBroadcastFlow } from './outbound-broadcast.ts';
import { outboundCallbackFlow } from './outbound-callback.ts';
import { outboundProgressFlow } from './outbound-progress.ts';
import { outboundSurveyFlow } from './outbound-survey.ts';

export type { HoursName, QueueName } from './contact-center.ts';
export type { FlowContext } from './flow-context.ts';

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
