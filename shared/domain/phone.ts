import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Normalise a phone number as people write it to E.164, or return undefined when it
 * cannot be a phone number. National formats are read in the desk's default region.
 */
export function toE164(raw: string, defaultRegion: string): string | undefined {
  const trimmed = raw.trim();
  if (!/^[+(\d][\d\s().-]{3,24}$/.test(trimmed)) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, defaultRegion as CountryCode);
  if (!parsed?.isPossible()) return undefined;
  return parsed.number;
}

/** The last four digits of a number, the only part the public status lookup compares. */
export function lastFourDigits(e164: string): string {
  return e164.replace(/\D/g, '').slice(-4);
}
