import * as z from 'zod';
import { fileComplaintByPhone } from '#shared/use-cases/hotline';
import { contactFlowHandler } from './contact-flow';

const params = z.object({ category: z.string().min(1).max(40), severity: z.string().min(1).max(40) });

/** Files the caller's complaint from the keys pressed (channel phone) and reads the number back twice. */
export const handler = contactFlowHandler(
  'PhoneFileComplaint',
  params,
  async ({ hotline, caller, params }) => {
    const filed = await fileComplaintByPhone(hotline, caller, params);
    return { outcome: 'created', ticketNumber: filed.ticketNumber, message: filed.message };
  },
);
