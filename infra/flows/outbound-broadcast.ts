import type { FlowContext } from './flow-context.ts';
import { FlowBuilder } from './lib/builder.ts';
import type { FlowDocument } from './lib/flow-language.ts';

/** Catalog id of the Lambda that records a keypad confirmation of the emergency message. */
export const BROADCAST_CONFIRM_FUNCTION_ID = 'BroadcastConfirm';
/** Catalog id of the Lambda that records a follow-up (disregard, all clear, incident update) as heard. */
export const FOLLOW_UP_HEARD_FUNCTION_ID = 'IncidentCallHeard';

export const FOLLOW_UP_PROMPTS = {
  followUp:
    'This is your gas and water utility with a follow-up to our earlier emergency message. $.Attributes.message',
  update:
    'This is the complaint desk of your gas and water utility with news about the incident you told us about. $.Attributes.message',
  bye: 'Thank you for listening. Goodbye.',
} as const;

/**
 * The emergency broadcast call. The message is public safety information, so it is played to whoever
 * answers (no identity check): press 1 to confirm, 2 to hear it again. Without a confirmation the call
 * ends politely and the dialer retries it; the confirmation is recorded with its time by a Lambda.
 */
export function outboundBroadcastFlow(ctx: FlowContext): FlowDocument {
  const flow = new FlowBuilder({
    name: 'Emergency broadcast',
    description: 'Plays an incident message to whoever answers and records a keypad confirmation',
  });
  // Job attribute followUp: a "please disregard", an all clear, or an incident update to a complainant.
  flow.start('kind');
  flow.compare(
    'kind',
    '$.Attributes.followUp',
    { disregard: 'follow-up', all_clear: 'follow-up', update: 'update' },
    'message',
  );
  flow.say('follow-up', FOLLOW_UP_PROMPTS.followUp).then('follow-up-heard');
  // Public incident information only: nothing about the complaint is said, so no identity check is needed.
  flow.say('update', FOLLOW_UP_PROMPTS.update).then('follow-up-heard');
  flow.invokeLambda('follow-up-heard', {
    functionArn: ctx.lambdaArn(FOLLOW_UP_HEARD_FUNCTION_ID),
    params: { jobId: '$.Attributes.jobId', attempt: '$.Attributes.attempt' },
    timeoutSeconds: 5,
    next: 'follow-up-bye',
    onError: 'follow-up-bye',
  });
  flow.say('follow-up-bye', FOLLOW_UP_PROMPTS.bye).then('hangup');
  flow
    .say('message', 'This is an emergency message from your gas and water utility. $.Attributes.message')
    .then('ask');
  flow.menu('ask', {
    prompt: 'Press 1 to confirm that you heard this message. Press 2 to hear it again.',
    timeoutSeconds: 5,
    keys: { '1': 'confirm', '2': 'repeat' },
    onTimeout: 'ask-again',
    onWrongKey: 'ask-again',
  });
  flow.say('repeat', 'Here is the message again.').then('message-again');
  flow.say('message-again', '$.Attributes.message').then('ask-last');
  flow.menu('ask-again', {
    prompt: 'Please press 1 to confirm that you heard this message, or 2 to hear it again.',
    timeoutSeconds: 5,
    keys: { '1': 'confirm', '2': 'repeat' },
    onTimeout: 'unconfirmed',
    onWrongKey: 'unconfirmed',
  });
  flow.menu('ask-last', {
    prompt: 'Press 1 to confirm that you heard this message.',
    timeoutSeconds: 5,
    keys: { '1': 'confirm' },
    onTimeout: 'unconfirmed',
    onWrongKey: 'unconfirmed',
  });
  flow.invokeLambda('confirm', {
    functionArn: ctx.lambdaArn(BROADCAST_CONFIRM_FUNCTION_ID),
    params: {
      jobId: '$.Attributes.jobId',
      attempt: '$.Attributes.attempt',
      broadcastId: '$.Attributes.broadcastId',
      account: '$.Attributes.account',
    },
    timeoutSeconds: 5,
    next: 'was-recorded',
    onError: 'heard',
  });
  flow.compare('was-recorded', '$.External.outcome', { confirmed: 'thanks' }, 'heard');
  flow
    .say(
      'thanks',
      'Thank you, your confirmation is recorded. Please follow the advice in this message. Goodbye.',
    )
    .then('hangup');
  // The confirmation could not be stored: say nothing untrue; the dialer will call again.
  flow
    .say('heard', 'Thank you for listening. Please follow the advice in this message. Goodbye.')
    .then('hangup');
  flow
    .say('unconfirmed', 'We will call you again. You can also call our hotline at any time. Goodbye.')
    .then('hangup');
  flow.disconnect('hangup');
  return flow.render();
}
