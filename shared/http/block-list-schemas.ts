import * as z from 'zod';
import { freeText } from './field-schemas';

/** The number in the path: E.164 or a national format of the desk's region (normalised by the use case). */
export const blockListPathSchema = z.strictObject({
  phone: z.string().trim().min(3, 'Give a phone number').max(32, 'A phone number has at most 32 characters'),
});

/** Why a number is blocked (harassment, abuse): required, shown to agents answering the hotline's reports. */
export const blockBodySchema = z.strictObject({
  reason: freeText(500),
});

export const blockListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional(),
});
