import * as z from 'zod';
import { callbackReasons, callJobKinds, callJobStates } from '#shared/domain/call-job';

/** `GET /api/call-jobs` query. */
export const callJobListQuerySchema = z.strictObject({
  state: z.enum(callJobStates).optional(),
  kind: z.enum(callJobKinds).optional(),
  ticketId: z
    .string()
    .regex(/^\d{5,12}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

/** `POST /api/callbacks` body (the Idempotency-Key header is read beside it). */
export const callbackRequestSchema = z.strictObject({
  phone: z.string().min(3).max(32),
  ticketId: z
    .string()
    .regex(/^\d{5,12}$/)
    .optional(),
  reason: z.enum(callbackReasons).default('caller_request'),
  priority: z.enum(['emergency', 'callback']).optional(),
});
