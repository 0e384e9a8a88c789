import { describe, expect, it } from 'vitest';
import {
  defaultCallingHours,
  isWithinCallingHours,
  nextCallableAt,
  parseCallingHours,
} from '#shared/domain/calling-hours';

const NY = 'America/New_York';
const at = (iso: string) => new Date(iso);

describe('calling hours (08:00-21:00 in the customer time zone by default)', () => {
  it('reads a window and refuses nonsense', () => {
    expect(parseCallingHours('08:00-21:00')).toEqual(defaultCallingHours);
    expect(parseCallingHours('09:30-17:15')).toEqual({ startMinute: 570, endMinute: 1035 });
    expect(() => parseCallingHours('21:00-08:00')).toThrow(/window/);
    expect(() => parseCallingHours('8-21')).toThrow(/08:00-21:00/);
  });

  it('a call due inside the window rings at once', () => {
    // 14:00 in New York (EST, UTC-5)
    const due = at('2026-01-15T19:00:00.000Z');
    expect(isWithinCallingHours(due, NY, defaultCallingHours)).toBe(true);
    expect(nextCallableAt(due, NY, defaultCallingHours)).toEqual(due);
  });

  it('a call due at 22:00 is deferred to 08:00 the next morning', () => {
    const due = at('2026-01-16T03:00:00.000Z'); // 22:00 on the 15th in New York
    expect(nextCallableAt(due, NY, defaultCallingHours).toISOString()).toBe('2026-01-16T13:00:00.000Z');
  });

  it('a call due before the opening waits for 08:00 the same day; 21:00 itself is closed', () => {
    expect(nextCallableAt(at('2026-01-15T11:30:00.000Z'), NY, defaultCallingHours).toISOString()).toBe(
      '2026-01-15T13:00:00.000Z',
    );
    expect(isWithinCallingHours(at('2026-01-16T02:00:00.000Z'), NY, defaultCallingHours)).toBe(false);
    expect(isWithinCallingHours(at('2026-01-16T01:59:00.000Z'), NY, defaultCallingHours)).toBe(true);
  });

  it('follows daylight saving time (08:00 EDT is 12:00 UTC)', () => {
    // 23:00 on 7 March 2026 EST; the clocks go forward on 8 March
    expect(nextCallableAt(at('2026-03-08T04:00:00.000Z'), NY, defaultCallingHours).toISOString()).toBe(
      '2026-03-08T12:00:00.000Z',
    );
  });

  it('crosses month and year ends', () => {
    expect(
      nextCallableAt(at('2026-12-31T23:00:00.000Z'), 'Europe/Berlin', defaultCallingHours).toISOString(),
    ).toBe('2027-01-01T07:00:00.000Z');
  });
});
