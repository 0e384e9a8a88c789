import { describe, expect, it } from 'vitest';
import {
  checkDigit,
  FIRST_TICKET_SEQUENCE,
  isValidTicketNumber,
  ticketNumberFromSequence,
} from '#shared/domain/ticket-number';

describe('ticket numbers', () => {
  it('appends the Damm check digit (known vector 572 -> 4)', () => {
    expect(checkDigit('572')).toBe(4);
    expect(ticketNumberFromSequence(572)).toBe('5724');
  });

  it('starts at seven digits a caller can type', () => {
    const first = ticketNumberFromSequence(FIRST_TICKET_SEQUENCE);
    expect(first).toMatch(/^\d{7}$/);
    expect(isValidTicketNumber(first)).toBe(true);
  });

  it('accepts every number it issues', () => {
    for (let n = FIRST_TICKET_SEQUENCE; n < FIRST_TICKET_SEQUENCE + 500; n++) {
      expect(isValidTicketNumber(ticketNumberFromSequence(n))).toBe(true);
    }
  });

  it('catches every single mistyped digit', () => {
    const number = ticketNumberFromSequence(123456);
    for (let i = 0; i < number.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === number[i]) continue;
        const typo = `${number.slice(0, i)}${d}${number.slice(i + 1)}`;
        expect(isValidTicketNumber(typo), typo).toBe(false);
      }
    }
  });

  it('catches every swap of two adjacent different digits', () => {
    const number = ticketNumberFromSequence(192837);
    for (let i = 0; i < number.length - 1; i++) {
      if (number[i] === number[i + 1]) continue;
      const swapped = `${number.slice(0, i)}${number[i + 1]}${number[i]}${number.slice(i + 2)}`;
      expect(isValidTicketNumber(swapped), swapped).toBe(false);
    }
  });

  it('refuses what is not a number of keypad digits', () => {
    expect(isValidTicketNumber('')).toBe(false);
    expect(isValidTicketNumber('12a4567')).toBe(false);
    expect(isValidTicketNumber('1234')).toBe(false);
    expect(() => ticketNumberFromSequence(0)).toThrow();
  });
});
