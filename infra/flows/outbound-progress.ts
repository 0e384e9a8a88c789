/** The outbound progress notice: a complaint open another 24 hours, told to the confirmed customer. */
import type { FlowContext } from './flow-context.ts';
import { FlowBuilder } from './lib/builder.ts';
import type { FlowDocument } from './lib/flow-language.ts';
import { confirmIdentity, OUTBOUND_FLOW_FUNCTIONS, OUTBOUND_PROMPTS } from './outbound-common.ts';

export const OUTBOUND_PROGRESS_FLOW_NAME = 'outbound-progress';

export const PROGRESS_PROMPTS = {
  // The number digit by digit (the dialer's ticketNumberSpoken), like the callback and survey calls.
  notice:
    'Your complaint $.Attributes.ticketNumberSpoken is still being handled. We are sorry it is taking this long; ' +
    'we will tell you again if it is not resolved within a day. To speak to an agent, call the hotline.',
} as const;

export function outboundProgressFlow(ctx: FlowContext): FlowDocument {
  const flow = new FlowBuilder({
    name: OUTBOUND_PROGRESS_FLOW_NAME,
    description: 'Complaint hotline: progress notice for a complaint open another 24 hours',
  });
  const answer = ctx.lambdaArn(OUTBOUND_FLOW_FUNCTIONS.answer);
  confirmIdentity(flow, answer, { onConfirmed: 'reached' });
  flow.invokeLambda('reached', {
    functionArn: answer,
    params: { answer: 'reached' },
    timeoutSeconds: 8,
    next: 'notice',
    onError: 'notice',
  });
  flow.say('notice', PROGRESS_PROMPTS.notice).then('bye');
  flow.say('bye', OUTBOUND_PROMPTS.goodbye).then('hangup');
  return flow.render();
}
