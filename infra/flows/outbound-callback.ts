/**
 * The outbound callback flow: confirm the customer, then connect them to an agent queue. A promised
 * answer ("within half an hour", job attribute callbackPurpose=answer_promise) first tells the confirmed
 * customer the status of their complaint, then offers an agent.
 */
import type { FlowContext } from './flow-context.ts';
import { FlowBuilder } from './lib/builder.ts';
import type { FlowDocument } from './lib/flow-language.ts';
import { confirmIdentity, OUTBOUND_FLOW_FUNCTIONS, OUTBOUND_PROMPTS } from './outbound-common.ts';

export const OUTBOUND_CALLBACK_FLOW_NAME = 'outbound-callback';

export const CALLBACK_PROMPTS = {
  connecting: 'You asked us to call you back. Please hold; we are connecting you to an agent.',
  agentsBusy: 'All our agents are busy right now. We will call you again shortly.',
  promiseAgentOffer: 'To speak to an agent now, press 1. Otherwise, thank you for your patience.',
  promiseConnecting: 'Please hold; we are connecting you to an agent.',
  promiseTrouble:
    'We are calling back as promised, but cannot read your complaint just now. Please hold for an agent.',
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
    next: 'purpose',
    onError: 'purpose',
  });
  flow.compare('purpose', '$.Attributes.callbackPurpose', { answer_promise: 'promise-status' }, 'connecting');
  flow.say('connecting', CALLBACK_PROMPTS.connecting).then('set-queue');
  flow.setQueue('set-queue', ctx.queueArn('general'), { next: 'transfer', onError: 'agents-busy' });
  flow.transferToQueue('transfer', { atCapacity: 'agents-busy', onError: 'agents-busy' });
  flow.say('agents-busy', CALLBACK_PROMPTS.agentsBusy).then('bye');
  flow.say('bye', OUTBOUND_PROMPTS.goodbye).then('hangup');

  // --- a promised answer: the status (said only after the identity check), then an agent on request ---
  flow.invokeLambda('promise-status', {
    functionArn: ctx.lambdaArn(OUTBOUND_FLOW_FUNCTIONS.promiseStatus),
    timeoutSeconds: 8,
    next: 'promise-status-check',
    onError: 'promise-trouble',
  });
  flow.compare('promise-status-check', '$.External.outcome', { ok: 'promise-tell' }, 'promise-trouble');
  flow.say('promise-tell', '$.External.message').then('promise-offer');
  flow.menu('promise-offer', {
    prompt: CALLBACK_PROMPTS.promiseAgentOffer,
    keys: { '1': 'promise-connecting' },
    timeoutSeconds: 5,
    onTimeout: 'bye',
    onWrongKey: 'bye',
  });
  flow.say('promise-connecting', CALLBACK_PROMPTS.promiseConnecting).then('set-queue');
  flow.say('promise-trouble', CALLBACK_PROMPTS.promiseTrouble).then('set-queue');
  return flow.render();
}
