import * as z from 'zod';
import { deadlineKinds, severities } from '#shared/domain/severity';
import { channels, ticketStatuses } from '#shared/domain/ticket';
import { eventDateTime, freeText, lineText } from './field-schemas';

/** Request schemas: the API validates with them, the OpenAPI document is generated from them. */
const text = freeText;

export const customerSchema = z.strictObject({
  name: lineText(200).describe('Customer name'),
  phone: z.string().min(3).max(32).describe('Phone number, E.164 or national format of the desk region'),
  email: z.email().max(254).optional(),
  address: lineText(500).optional(),
  account: lineText(64).optional(),
});

export const registerComplaintSchema = z.strictObject({
  severity: z.enum(severities),
  channel: z.enum(channels),
  category: z.string().min(1).max(64).describe('One of the configured categories'),
  description: text(4000),
  customer: customerSchema,
});

export const dispatchSchema = z.strictObject({
  department: z.string().min(1).max(64).describe('One of the configured departments'),
  note: text(2000).optional(),
});

export const contactSchema = z.strictObject({
  outcome: z.enum(['reached', 'not_reached']),
  note: text(2000).optional(),
});

export const progressSchema = z.strictObject({ note: text(4000) });
export const departmentResultSchema = z.strictObject({ result: text(4000) });
export const resolveSchema = z.strictObject({
  resolution: text(4000),
  customerAgreement: text(2000).describe('What the customer agreed to'),
  overrideOpenRemedyActions: text(2000)
    .optional()
    .describe(
      'Supervisor only (403 otherwise): why the complaint is resolved while remedy actions are still open; ' +
        'without it open actions block resolving (409 naming them)',
    ),
});
export const reopenSchema = z.strictObject({ reason: text(2000) });
export const reviewSchema = z.strictObject({ note: text(2000) });
export const closeSchema = z.strictObject({ reason: text(2000) });
export const extensionRequestSchema = z.strictObject({
  deadline: z.enum(deadlineKinds),
  until: eventDateTime(),
  reason: text(2000),
});
export const extensionDecisionSchema = z.strictObject({
  approve: z.boolean(),
  reason: text(2000).optional(),
});

const limit = z.coerce.number().int().min(1).max(100).default(25);

export const listTicketsQuerySchema = z.strictObject({
  status: z.enum(ticketStatuses).optional(),
  severity: z.enum(severities).optional(),
  department: z.string().min(1).max(64).optional(),
  phone: z.string().min(3).max(32).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  assignee: z
    .string()
    .regex(/^[\w.@+-]{1,128}$/, 'A username, or "me"')
    .optional()
    .describe('"me" (the signed-in staff member) or a username: only complaints assigned to them'),
  repeatCaller: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: only complaints filed on a call from a flagged repeat caller; false: only the others'),
  limit,
  cursor: z.string().max(2048).optional(),
});

/** A staff username: Cognito usernames (letters, digits, . _ @ + -). */
export const assignSchema = z.strictObject({
  assignee: z
    .string()
    .trim()
    .regex(/^[\w.@+-]{1,128}$/, 'A staff username: letters, digits, . _ @ + -')
    .describe('Username of the staff member; an agent may only assign themselves'),
  note: text(2000).optional(),
});

export const pageQuerySchema = z.strictObject({ limit, cursor: z.string().max(2048).optional() });

export const publicStatusQuerySchema = z.strictObject({
  phoneLast4: z.string().regex(/^\d{4}$/, 'Give the last four digits of the phone number'),
});

export const ticketIdParam = z.string().regex(/^\d{5,12}$/, 'A complaint number is digits only');
