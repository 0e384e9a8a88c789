import * as z from 'zod';
import { reportEmergencyByPhone } from '#shared/use-cases/hotline';
import { contactFlowHandler } from './contact-flow';

/** Records an emergency as a crisis complaint before the caller goes to the emergency queue. */
export const handler = contactFlowHandler('PhoneEmergency', z.object({}), async ({ hotline, caller }) => {
  const filed = await reportEmergencyByPhone(hotline, caller);
  return { outcome: 'created', ticketNumber: filed.ticketNumber, message: filed.message };
});
