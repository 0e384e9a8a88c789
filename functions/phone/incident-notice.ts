import * as z from 'zod';
import { incidentNoticeFor } from '#shared/use-cases/incidents';
import { contactFlowHandler, type FlowAnswer } from './contact-flow';

const params = z.object({
  /** The key an unknown caller pressed when offered the open incidents (1-3); absent on the first look. */
  choice: z.coerce.number().int().min(1).max(3).optional().catch(undefined),
});

/**
 * Before the menu: is the caller inside an open incident's area? `notice` (with the latest update in their
 * language and whether they may confirm it), `offer` (unknown caller, open incidents to choose from), `none`.
 */
export const handler = contactFlowHandler(
  'PhoneIncidentNotice',
  params,
  async ({ deps, caller, params }): Promise<FlowAnswer> => {
    const answer = await incidentNoticeFor(deps, caller.phone, params.choice);
    switch (answer.outcome) {
      case 'notice':
        return {
          outcome: 'notice',
          incidentId: answer.incidentId,
          message: answer.message,
          canConfirm: String(answer.account !== undefined),
          account: answer.account ?? '',
        };
      case 'offer':
        return { outcome: 'offer', prompt: answer.prompt, choices: String(answer.choices) };
      default:
        return { outcome: 'none' };
    }
  },
);
