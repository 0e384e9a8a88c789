import * as z from 'zod';
import { incidentCallHeard } from '#shared/use-cases/incidents';
import { contactFlowHandler } from './contact-flow';

const params = z.object({
  jobId: z.string().min(1).max(200),
  attempt: z.coerce.number().int().min(1).max(100),
});

/** A follow-up call (please disregard, all clear, incident update) was answered and its message played. */
export const handler = contactFlowHandler('IncidentCallHeard', params, async ({ deps, params }) => {
  await incidentCallHeard(deps, params);
  return { outcome: 'heard' };
});
