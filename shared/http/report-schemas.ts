import * as z from 'zod';
import { recipientRoles } from '#shared/domain/report-mail';
import { reportPeriods } from '#shared/domain/reports';
import { eventDate, eventDateTime, lineText } from './field-schemas';

/** `GET /api/reports` and `GET /api/reports/accountability`. */
export const managementReportQuerySchema = z.strictObject({
  period: z.enum(reportPeriods).default('month'),
  at: eventDateTime().or(eventDate()).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/** The `{email}` of `/api/report-recipients/{email}`. */
export const recipientPathSchema = z.strictObject({
  email: z.email('Not an e-mail address').max(254),
});

/** `PUT /api/report-recipients/{email}`: a department manager names their department. */
export const recipientBodySchema = z.strictObject({
  role: z.enum(recipientRoles),
  department: z.string().min(1).max(64).optional(),
  name: lineText(200).optional(),
});
