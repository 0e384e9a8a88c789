/**
 * Short complaint numbers a caller can read out and type on a keypad: a sequence number
 * followed by one Damm check digit. Damm catches every single-digit error and every
 * swap of two adjacent digits, the two mistakes people make on a keypad.
 */
const DAMM_TABLE: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

function dammInterim(digits: string): number {
  let interim = 0;
  for (const ch of digits) {
    const row = DAMM_TABLE[interim];
    const next = row?.[Number(ch)];
    if (next === undefined) throw new Error(`Not a digit: ${ch}`);
    interim = next;
  }
  return interim;
}

export function checkDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new Error('Check digits are computed over digits only');
  return dammInterim(digits);
}

/** The first sequence number; numbers start at 7 digits (6 + check digit). */
export const FIRST_TICKET_SEQUENCE = 100_000;

export function ticketNumberFromSequence(sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new Error(`Bad ticket sequence: ${sequence}`);
  const body = String(sequence);
  return `${body}${checkDigit(body)}`;
}

/** True when the keyed-in number is well formed and its check digit is right. */
export function isValidTicketNumber(candidate: string): boolean {
  return /^\d{5,12}$/.test(candidate) && dammInterim(candidate) === 0;
}
