import * as z from 'zod';
import { recordSurveyAnswer } from '#shared/use-cases/survey';
import { contactFlowHandler } from './contact-flow';

const params = z.object({ rating: z.string().regex(/^[1-5]$/) });
const attributesSchema = z.object({ jobId: z.string().min(1), attempt: z.coerce.number().int().min(1) });

/** Outbound survey flow: the keypad rating. 1-2 reopens and escalates, 3-5 closes the complaint. */
export const handler = contactFlowHandler(
  'OutboundSurveyAnswer',
  params,
  async ({ deps, params, attributes }): Promise<Record<string, string>> => {
    const job = attributesSchema.safeParse(attributes);
    if (!job.success) return { outcome: 'invalid' };
    const effect = await recordSurveyAnswer(deps, {
      jobId: job.data.jobId,
      attempt: job.data.attempt,
      digits: params.rating,
    });
    return { outcome: 'ok', effect };
  },
);
