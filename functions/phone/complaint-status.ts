import * as z from 'zod';
import { complaintStatusByPhone } from '#shared/use-cases/hotline';
import { contactFlowHandler } from './contact-flow';

// `Timeout` is what Connect stores when nothing was typed
const params = z.object({ number: z.string().max(20), phoneLast4: z.string().max(20).optional() });

/**
 * The status of a complaint by the number typed on the keypad (check digit verified), after the last four
 * digits of the complaint's phone number unless the caller's own number is on it.
 */
export const handler = contactFlowHandler(
  'PhoneComplaintStatus',
  params,
  async ({ hotline, caller, params }) => {
    const status = await complaintStatusByPhone(hotline, caller, params.number, params.phoneLast4);
    return { outcome: status.outcome, message: status.message };
  },
);
