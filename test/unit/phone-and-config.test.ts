import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config';
import { lastFourDigits, toE164 } from '#shared/domain/phone';

describe('phone numbers', () => {
  it('normalises national and international formats to E.164', () => {
    expect(toE164('(202) 555-0143', 'US')).toBe('+12025550143');
    expect(toE164('+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
  });

  it('refuses what cannot be a phone number', () => {
    for (const bad of ['hello', '12', '+1 555', '555-CALL-NOW', '+123456789012345678901', '']) {
      expect(toE164(bad, 'US'), bad).toBeUndefined();
    }
  });

  it('keeps only the last four digits for the public lookup', () => {
    expect(lastFourDigits('+15551230001')).toBe('0001');
  });
});

describe('configuration', () => {
  it('fails at start with the name of a missing variable', () => {
    expect(() => loadConfig({})).toThrow(/TABLE_NAME/);
  });

  it('reads lists and a deadline policy override', () => {
    const config = loadConfig({
      TABLE_NAME: 'desk',
      DEPARTMENTS: 'network, billing',
      DEADLINE_POLICY: JSON.stringify({
        severities: {
          dissatisfied: { firstContactMinutes: 60, secondContactMinutes: 1440, breachPoints: 1 },
          very_dissatisfied: { firstContactMinutes: 40, secondContactMinutes: 1440, breachPoints: 2 },
          major: { firstContactMinutes: 15, secondContactMinutes: 1440, breachPoints: 3 },
          crisis: { firstContactMinutes: 5, secondContactMinutes: 1440, breachPoints: 4 },
        },
        dispatchMinutes: 10,
        departmentResultMinutes: 720,
        progressNoticeMinutes: 1440,
      }),
    });
    expect(config.departments).toEqual(['network', 'billing']);
    expect(config.deadlinePolicy.severities.crisis.firstContactMinutes).toBe(5);
  });

  it('refuses a deadline policy that is not one', () => {
    expect(() => loadConfig({ TABLE_NAME: 'desk', DEADLINE_POLICY: '{"dispatchMinutes":-1}' })).toThrow(
      /DEADLINE_POLICY/,
    );
  });
});
