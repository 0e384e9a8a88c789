import * as z from 'zod';
import { humanTextProblem } from '#shared/domain/text';

/**
 * The zod fields every request schema shares for what people type: human text (names, addresses, notes),
 * dates of things that happen, currencies. One place, so a name made of a lone surrogate, NUL or only
 * zero-width characters, a date in year 0000 or 9999, or currency `ZZZ` is refused on every route.
 */

const checked = (max: number, multiline: boolean) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = humanTextProblem(value, { multiline });
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** One line of human text: a name, an address, a subject. */
export const lineText = (max: number) => checked(max, false);
/** Free text that may have lines: a description, a note, a message. */
export const freeText = (max: number) => checked(max, true);

/** The years a desk date (an incident's start, a deadline, an answer) may fall in. */
export const MIN_EVENT_YEAR = 1970;
export const MAX_EVENT_YEAR = 2100;

const yearOf = (value: string) => new Date(value).getUTCFullYear();
const inRange = (value: string) => {
  const year = yearOf(value);
  return Number.isFinite(year) && year >= MIN_EVENT_YEAR && year <= MAX_EVENT_YEAR;
};
const rangeMessage = `must be a date between ${MIN_EVENT_YEAR} and ${MAX_EVENT_YEAR}`;

/** An ISO 8601 date-time with offset in the desk's range of years. */
export const eventDateTime = () =>
  z.iso.datetime({ offset: true }).refine(inRange, { message: rangeMessage });

/** An ISO 8601 date (`2026-12-02`) in the desk's range of years. */
export const eventDate = () => z.iso.date().refine(inRange, { message: rangeMessage });

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 currency code that exists (`USD`, `EUR`), not merely three capitals. */
export const currencyCode = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, 'currency must be a three-letter ISO 4217 code, e.g. USD')
    .refine((code) => currencies.has(code), { message: 'currency is not an ISO 4217 currency code' });
