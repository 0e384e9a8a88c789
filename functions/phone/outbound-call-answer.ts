import * as z from 'zod';
import { recordCallAnswer } from '#shared/use-cases/dialer';
import { contactFlowHandler, logger } from './contact-flow';

const params = z.object({
  // 'reached': the customer confirmed who they are; 'wrong_person': someone else answered (2);
  // 'not_verified': nobody confirmed (silence or wrong keys after one repeat)
  answer: z.enum(['reached', 'wrong_person', 'not_verified']),
});

const attributesSchema = z.object({ jobId: z.string().min(1), attempt: z.coerce.number().int().min(1) });

/**
 * Outbound callback / survey / progress flows: who answered. Anything but `reached` is a not-reached
 * attempt (recorded as wrong_person: nothing was disclosed), retried by the dialer like no answer.
 * The call's end (contact event) finishes the attempt.
 */
export const handler = contactFlowHandler(
  'OutboundCallAnswer',
  params,
  async ({ deps, params, attributes }) => {
    const job = attributesSchema.safeParse(attributes);
    if (!job.success) return { outcome: 'invalid' };
    if (params.answer !== 'reached') {
      logger.info('Outbound call not verified; nothing disclosed', {
        jobId: job.data.jobId,
        attempt: job.data.attempt,
        answer: params.answer,
      });
    }
    await recordCallAnswer(deps, {
      jobId: job.data.jobId,
      attempt: job.data.attempt,
      reached: params.answer === 'reached',
    });
    return { outcome: 'ok' };
  },
);
