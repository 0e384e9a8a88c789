import * as z from 'zod';
import { confirmNoticeByCaller } from '#shared/use-cases/incidents';
import { contactFlowHandler } from './contact-flow';

const params = z.object({
  incidentId: z.string().regex(/^[a-z0-9]{6,40}$/),
  /** The recipient the notice step found for this number (empty when it found none). */
  account: z
    .string()
    .max(64)
    .optional()
    .transform((a) => a || undefined),
});

/** The caller pressed 1 after the incident notice: confirmed as their broadcast call, which is not rung again. */
export const handler = contactFlowHandler(
  'PhoneIncidentConfirm',
  params,
  async ({ deps, caller, params }) => {
    return { outcome: await confirmNoticeByCaller(deps, caller.phone, params.incidentId, params.account) };
  },
);
