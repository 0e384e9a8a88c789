/** The outbound callback flow: confirm the customer, then connect them to an agent queue. */
import type { FlowContext } from './index.ts';
import { FlowBuilder } from './lib/builder.ts';
import type { FlowDocument } from './lib/flow-language.ts';
import { confirmIdentity, OUTBOUND_FLOW_FUNCTIONS, OUTBOUND_PROMPTS } from './outbound-common.ts';

export const OUTBOUND_CALLBACK_FLOW_NAME = 'outbound-callback';

export const CALLBACK_PROMPTS = {
  connecting: 'You asked us to call you back. Please hold; we are connecting you to an agent.',
  agentsBusy: 'All our agents are busy right now. We will call you again shortly.',
} as const;

export function outboundCallbackFlow(ctx: FlowContext): FlowDocument {
  const flow = new FlowBuilder({
    name: OUTBOUND_CALLBACK_FLOW_NAME,
    description:
      'Complaint hotline: a promised callback, connected to an agent once the customer is confirmed',
  });
  const answer = ctx.lambdaArn(OUTBOUND_FLOW_FUNCTIONS.answer);
  confirmIdentity(flow, answer, { onConfirmed: 'reached' });
  flow.invokeLambda('reached', {
    functionArn: answer,
    params: { answer: 'reached' },
    timeoutSeconds: 8,
    next: 'connecting',
    onError: 'connecting',
  });
  flow.say('connecting', CALLBACK_PROMPTS.connecting).then('set-queue');
  flow.setQueue('set-queue', ctx.queueArn('general'), { next: 'transfer', onError: 'agents-busy' });
  flow.transferToQueue('transfer', { atCapacity: 'agents-busy', onError: 'agents-busy' });
  flow.say('agents-busy', CALLBACK_PROMPTS.agentsBusy).then('bye');
  flow.say('bye', OUTBOUND_PROMPTS.goodbye).then('hangup');
  return flow.render();
}
