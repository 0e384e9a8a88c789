import * as z from 'zod';
import { confirmNoticeByCaller } from '#shared/use-cases/incidents';
import { contactFlowHandler } from './contact-flow';

const params = z.object({ incidentId: z.string().regex(/^[a-z0-9]{6,40}$/) });

/** The caller pressed 1 after the incident notice: confirmed as their broadcast call, which is not rung again. */
export const handler = contactFlowHandler(
  'PhoneIncidentConfirm',
  params,
  async ({ deps, caller, params }) => {
    return { outcome: await confirmNoticeByCaller(deps, caller.phone, params.incidentId) };
  },
);
