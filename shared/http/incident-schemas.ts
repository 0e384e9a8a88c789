import * as z from 'zod';
import { broadcastIdParam } from './broadcast-schemas';
import { eventDateTime, freeText } from './field-schemas';
import { ticketIdParam } from './schemas';

const text = freeText;

/** Incidents share their broadcast's id. */
export const incidentIdParam = broadcastIdParam;

/** BCP 47 language tag -> the same public text in that language. */
export const translationsSchema = z
  .record(
    z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as es or zh-Hant'),
    text(1000),
  )
  .refine((t) => Object.keys(t).length <= 20, 'At most 20 translations');

export const incidentUpdateSchema = z.strictObject({
  message: text(1000).describe('Public text callers hear and the status page shows; no personal data'),
  translations: translationsSchema.optional(),
  estimate: eventDateTime()
    .transform((v) => new Date(v).toISOString())
    .optional(),
  notifyComplainants: z.boolean().optional(),
});

export const notifySchema = z.strictObject({ update: z.number().int().min(1).max(10_000).optional() });

export const linkComplaintSchema = z.strictObject({
  ticketId: ticketIdParam,
  cause: z.boolean().optional(),
});

export const closeIncidentSchema = z.strictObject({
  message: text(1000).describe('The all clear, as callers and the status page will read it'),
  translations: translationsSchema.optional(),
  allClearBroadcast: z
    .boolean()
    .default(false)
    .describe('Call everyone who confirmed the broadcast with the all clear'),
  notifyComplainants: z.boolean().default(true),
  resolveLinked: z.boolean().default(true).describe('Resolve linked complaints the incident caused'),
});

export const listIncidentsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Optional body of POST /api/broadcasts/{id}/cancel. */
export const cancelBroadcastSchema = z.strictObject({
  disregard: z.boolean().default(false),
  message: text(1000).optional(),
});
