import * as z from 'zod';
import { promisedCallStatus } from '#shared/use-cases/callbacks';
import { contactFlowHandler } from './contact-flow';

const attributesSchema = z.object({ jobId: z.string().min(1), attempt: z.coerce.number().int().min(1) });

/**
 * Outbound callback flow, a promised answer ("within half an hour"): what to tell the customer who has
 * just confirmed who they are. Answers `ok` with `message` (the status) and `news` ('true' when a
 * result came since the promise); anything else and the flow says nothing about the complaint.
 */
export const handler = contactFlowHandler(
  'OutboundPromiseStatus',
  z.object({}),
  async ({ deps, attributes }): Promise<Record<string, string>> => {
    const job = attributesSchema.safeParse(attributes);
    if (!job.success) return { outcome: 'invalid' };
    const answer = await promisedCallStatus(deps, { jobId: job.data.jobId, attempt: job.data.attempt });
    if (answer.outcome !== 'ok') return { outcome: answer.outcome };
    return { outcome: 'ok', message: answer.message, news: String(answer.news) };
  },
);
