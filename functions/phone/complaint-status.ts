import * as z from 'zod';
import { complaintStatusByPhone } from '#shared/use-cases/hotline';
import { contactFlowHandler } from './contact-flow';

// `Timeout` is what Connect stores when nothing was typed
const params = z.object({ number: z.string().max(20) });

/** The status of a complaint by the number typed on the keypad (check digit verified). */
export const handler = contactFlowHandler('PhoneComplaintStatus', params, async ({ hotline, params }) => {
  const status = await complaintStatusByPhone(hotline, params.number);
  return { outcome: status.outcome, message: status.message };
});
