import * as z from 'zod';
import { incidentSeverities, recipientStates } from '#shared/domain/broadcast-vocabulary';
import { areaSelectionSchema } from './customer-schemas';
import { eventDateTime, freeText, lineText } from './field-schemas';

const text = freeText;

export const broadcastIdParam = z
  .string()
  .regex(/^[a-z0-9]{6,40}$/, 'A broadcast id is lower-case letters and digits');

export const newBroadcastSchema = z.strictObject({
  what: lineText(200),
  where: lineText(400),
  since: eventDateTime().transform((v) => new Date(v).toISOString()),
  severity: z.enum(incidentSeverities),
  message: text(1000).describe('What the call says to whoever answers; no personal data'),
  translations: z
    .record(
      z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as es or zh-Hant'),
      text(1000),
    )
    .refine((t) => Object.keys(t).length <= 20, 'At most 20 translations')
    .optional()
    .describe('The message per language tag, played to customers whose registry language it is'),
  emailSubject: lineText(200),
  emailText: text(5000),
  selection: areaSelectionSchema,
});

export const recipientsQuerySchema = z.strictObject({
  state: z.enum(recipientStates).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2048).optional(),
});

export const reportQuerySchema = z.strictObject({ format: z.enum(['json', 'csv']).optional() });

export const broadcastWorkerEventSchema = z.strictObject({
  kind: z.literal('broadcastFanOut'),
  broadcastId: broadcastIdParam,
});
