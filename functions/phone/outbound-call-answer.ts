import * as z from 'zod';
import { recordCallAnswer } from '#shared/use-cases/dialer';
import { contactFlowHandler } from './contact-flow';

const params = z.object({
  // 'reached': the customer confirmed who they are; 'wrong_person': someone else answered
  answer: z.enum(['reached', 'wrong_person']),
});

const attributesSchema = z.object({ jobId: z.string().min(1), attempt: z.coerce.number().int().min(1) });

/** Outbound callback / progress flows: who answered. The call's end (contact event) finishes the attempt. */
export const handler = contactFlowHandler(
  'OutboundCallAnswer',
  params,
  async ({ deps, params, attributes }) => {
    const job = attributesSchema.safeParse(attributes);
    if (!job.success) return { outcome: 'invalid' };
    await recordCallAnswer(deps, {
      jobId: job.data.jobId,
      attempt: job.data.attempt,
      reached: params.answer === 'reached',
    });
    return { outcome: 'ok' };
  },
);
