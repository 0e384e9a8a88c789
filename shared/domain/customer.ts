import { InvalidInputError } from './errors';
import { toE164 } from './phone';

/** Where a customer is served: what an incident's selection of affected customers is made by. */
export interface ServiceArea {
  readonly district: string;
  readonly street: string;
  /** Network segment (a pipe or cable section), which may cross districts. */
  readonly segment: string;
}

/** A customer of the utility, keyed by account number (one account, one customer record). */
export interface Customer {
  readonly account: string;
  readonly name: string;
  /** E.164, the first is the one called first. */
  readonly phones: readonly string[];
  readonly email?: string;
  readonly address: string;
  readonly area: ServiceArea;
  /** BCP 47 language tag of the customer's preferred language, e.g. `en`, `zh`. */
  readonly language: string;
  /** The customer asked not to be called or mailed except in an emergency handled by field staff. */
  readonly noContact: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type CustomerInput = Omit<Customer, 'createdAt' | 'updatedAt'>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether the customer can be reached by us at all (else field staff must go). */
export function hasUsableContact(customer: Pick<Customer, 'phones' | 'email' | 'noContact'>): boolean {
  return !customer.noContact && (customer.phones.length > 0 || customer.email !== undefined);
}

/** Keys compared case- and space-insensitively, so "Elm  Street" and "elm street" are one street. */
export function areaKey(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}

export function isEmail(value: string): boolean {
  return EMAIL.test(value) && value.length <= 254;
}

/** Phone numbers as people write them, normalised; the first unusable one is named in the error. */
export function normalisePhones(raw: readonly string[], region: string): string[] {
  const phones: string[] = [];
  for (const value of raw) {
    const e164 = toE164(value, region);
    if (!e164) throw new InvalidInputError(`"${value}" is not a phone number`, 'phones');
    if (!phones.includes(e164)) phones.push(e164);
  }
  return phones;
}

/**
 * Two records of one account become one: the newer values win, phone numbers are united (newest first),
 * and a no-contact request is never lost by a merge.
 */
export function mergeCustomer(existing: CustomerInput, incoming: CustomerInput): CustomerInput {
  const phones = [...incoming.phones, ...existing.phones.filter((p) => !incoming.phones.includes(p))];
  const email = incoming.email ?? existing.email;
  return {
    ...existing,
    ...incoming,
    phones,
    ...(email ? { email } : {}),
    noContact: existing.noContact || incoming.noContact,
  };
}

/** Whether saving `next` over `previous` changes anything. */
export function sameCustomer(previous: CustomerInput, next: CustomerInput): boolean {
  const pick = (c: CustomerInput) =>
    JSON.stringify([
      c.account,
      c.name,
      c.phones,
      c.email ?? null,
      c.address,
      c.area.district,
      c.area.street,
      c.area.segment,
      c.language,
      c.noContact,
    ]);
  return pick(previous) === pick(next);
}

/** How an incident selects the affected customers; every given criterion must match. */
export interface AreaSelection {
  readonly districts?: readonly string[];
  readonly streets?: readonly string[];
  readonly segments?: readonly string[];
}

export function matchesSelection(area: ServiceArea, selection: AreaSelection): boolean {
  const within = (list: readonly string[] | undefined, value: string) =>
    list === undefined || list.length === 0 || list.some((v) => areaKey(v) === areaKey(value));
  return (
    within(selection.districts, area.district) &&
    within(selection.streets, area.street) &&
    within(selection.segments, area.segment)
  );
}
