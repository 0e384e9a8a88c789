/** The four complaint levels and the response deadlines they carry (business rules). */
export const severities = ['dissatisfied', 'very_dissatisfied', 'major', 'crisis'] as const;
export type Severity = (typeof severities)[number];

export const deadlineKinds = [
  'dispatch',
  'firstContact',
  'departmentResult',
  'secondContact',
  'progressNotice',
] as const;
export type DeadlineKind = (typeof deadlineKinds)[number];

export interface SeverityDeadlines {
  /** Minutes from registration to the first contact with the customer. */
  readonly firstContactMinutes: number;
  /** Minutes from the first contact to the second contact. */
  readonly secondContactMinutes: number;
  /** Breach points this level carries (accountability reports). */
  readonly breachPoints: number;
}

export interface DeadlinePolicy {
  readonly severities: Readonly<Record<Severity, SeverityDeadlines>>;
  /** Minutes from registration to the work order reaching the department. */
  readonly dispatchMinutes: number;
  /** Minutes from dispatch to the department's handling result. */
  readonly departmentResultMinutes: number;
  /** Minutes an unresolved complaint may stay open before (and between) progress notices. */
  readonly progressNoticeMinutes: number;
}

export const defaultDeadlinePolicy: DeadlinePolicy = {
  severities: {
    dissatisfied: { firstContactMinutes: 30, secondContactMinutes: 24 * 60, breachPoints: 20 },
    very_dissatisfied: { firstContactMinutes: 20, secondContactMinutes: 24 * 60, breachPoints: 30 },
    major: { firstContactMinutes: 10, secondContactMinutes: 24 * 60, breachPoints: 50 },
    crisis: { firstContactMinutes: 10, secondContactMinutes: 24 * 60, breachPoints: 80 },
  },
  dispatchMinutes: 10,
  departmentResultMinutes: 12 * 60,
  progressNoticeMinutes: 24 * 60,
};

export function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

export function isSeverity(value: string): value is Severity {
  return (severities as readonly string[]).includes(value);
}
