import * as z from 'zod';
import { lineText } from './field-schemas';

const text = lineText;
const areaList = z.array(text(100)).max(200).optional();

/** The id of an import saved as a job (the 202's Location names it). */
export const importIdParam = z.uuid('An import id is the UUID the import answered with');

export const accountParam = z.string().regex(/^[\w-]{1,40}$/, 'An account is 1-40 letters, digits, - or _');

/** A customer as staff enter it; phone numbers in any format the desk's region understands. */
export const customerBodySchema = z.strictObject({
  name: text(200),
  phones: z.array(text(32)).max(5).default([]),
  email: z.email().max(254).optional(),
  address: text(400),
  area: z.strictObject({ district: text(100), street: text(100), segment: text(100) }),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/, 'A language code such as en or zh')
    .default('en'),
  noContact: z.boolean().default(false),
});

/** GET /api/customers: page through the registry, or search it (every given criterion must match). */
export const customerListQuerySchema = z.strictObject({
  q: text(100).describe('Prefix of the account or of the name, case-insensitive').optional(),
  district: text(100).describe('District, compared case- and space-insensitively').optional(),
  street: text(100).describe('Street, compared case- and space-insensitively').optional(),
  segment: text(100).describe('Network segment, compared case- and space-insensitively').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const importQuerySchema = z.strictObject({
  dryRun: z.enum(['true', 'false']).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

export const areaSelectionSchema = z
  .strictObject({ districts: areaList, streets: areaList, segments: areaList })
  .refine((s) => Boolean(s.districts?.length || s.streets?.length || s.segments?.length), {
    message: 'Select at least one district, street or segment',
  });
