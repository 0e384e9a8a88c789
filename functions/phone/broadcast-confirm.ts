import * as z from 'zod';
import { confirmFromCall } from '#shared/use-cases/broadcasts';
import { recordCallAnswer } from '#shared/use-cases/dialer';
import { contactFlowHandler } from './contact-flow';

const params = z.object({
  jobId: z.string().min(1).max(200),
  attempt: z.coerce.number().int().min(1).max(100),
  broadcastId: z.string().regex(/^[a-z0-9]{6,40}$/),
  account: z.string().regex(/^[\w-]{1,40}$/),
});

/** The person who answered an emergency broadcast call pressed 1: recorded at once, with the time. */
export const handler = contactFlowHandler('BroadcastConfirm', params, async ({ deps, params }) => {
  await recordCallAnswer(deps, {
    jobId: params.jobId,
    attempt: params.attempt,
    reached: true,
    data: { confirmed: 'yes' },
  });
  // Every account behind the number the call rang (a household) counts as confirmed.
  const recipient = await confirmFromCall(deps, params);
  return { outcome: recipient?.state === 'confirmed' ? 'confirmed' : 'failed' };
});
