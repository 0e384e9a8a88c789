/**
 * The outbound callback flow: confirm the customer, then connect them to an agent queue while agents are
 * on duty (else say so, instead of queuing them to nobody). A bad-line callback says why we call. A promised
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
  badLineConnecting:
    'We are calling you back because your call to us was cut off. Please hold; we are connecting you to an agent.',
  noAgent:
    'We are calling you back, but no agent is on duty right now, so we cannot put you through. ' +
    'To file a complaint or hear its status, call the hotline at any time and use the keypad. ' +
    'If you smell gas, call us at once and press 3.',
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
  flow.compare('purpose', '$.Attributes.callbackPurpose', { answer_promise: 'promise-status' }, 'why');
  // A bad line on our side is called back without being asked: the greeting must not say otherwise.
  flow.compare('why', '$.Attributes.callbackReason', { bad_line: 'intro-bad-line' }, 'intro-asked');
  flow.setAttributes('intro-asked', { agentIntro: CALLBACK_PROMPTS.connecting }, { next: 'set-queue' });
  flow.setAttributes(
    'intro-bad-line',
    { agentIntro: CALLBACK_PROMPTS.badLineConnecting },
    { next: 'set-queue' },
  );
  // Connected to an agent only while agents are on duty (the queue's hours); otherwise said honestly.
  flow.setQueue('set-queue', ctx.queueArn('general'), { next: 'agent-hours', onError: 'agents-busy' });
  flow.checkHours('agent-hours', { open: 'connecting', closed: 'no-agent', onError: 'no-agent' });
  flow.say('connecting', '$.Attributes.agentIntro').then('transfer');
  flow.transferToQueue('transfer', { atCapacity: 'agents-busy', onError: 'agents-busy' });
  flow.say('no-agent', CALLBACK_PROMPTS.noAgent).then('bye');
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
  flow.setAttributes(
    'promise-connecting',
    { agentIntro: CALLBACK_PROMPTS.promiseConnecting },
    { next: 'set-queue' },
  );
  flow.setAttributes(
    'promise-trouble',
    { agentIntro: CALLBACK_PROMPTS.promiseTrouble },
    { next: 'set-queue' },
  );
  return flow.render();
}
