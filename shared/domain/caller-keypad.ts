/**
 * What the keys of the hotline's menus mean. The inbound flow (infra/flows/inbound.ts) builds its
 * prompts and branches from these lists, and the phone Lambdas accept only what they name, so the
 * words a caller hears and the values stored cannot drift apart.
 */
import type { Severity } from './severity';

/** Keys of the main menu, fixed by the local contract (docs/local-contract.md and tests rely on them). */
export const MAIN_MENU_KEYS = {
  fileComplaint: '1',
  complaintStatus: '2',
  emergency: '3',
  agent: '4',
  repeatMenu: '9',
} as const;

export interface KeyChoice<T extends string> {
  readonly key: string;
  readonly value: T;
  /** How the prompt names the choice: "Press <key> for <spoken>." */
  readonly spoken: string;
}

/** Complaint categories a caller can choose by phone (a gas smell is an emergency, key 3 of the main menu). */
export const PHONE_CATEGORY_CHOICES: readonly KeyChoice<string>[] = [
  { key: '1', value: 'supply_interruption', spoken: 'an interruption of your supply' },
  { key: '2', value: 'water_quality', spoken: 'the quality of your water' },
  { key: '3', value: 'billing', spoken: 'your bill' },
  { key: '4', value: 'metering', spoken: 'your meter' },
  { key: '5', value: 'staff_conduct', spoken: 'the conduct of our staff' },
  { key: '6', value: 'damage', spoken: 'damage to your property' },
  { key: '7', value: 'other', spoken: 'anything else' },
];

/** Severity levels a caller can choose; a crisis is reported through the emergency key. */
export const PHONE_SEVERITY_CHOICES: readonly KeyChoice<Severity>[] = [
  { key: '1', value: 'dissatisfied', spoken: 'if you are dissatisfied' },
  { key: '2', value: 'very_dissatisfied', spoken: 'if you are very dissatisfied or have complained before' },
  { key: '3', value: 'major', spoken: 'for a major problem involving money, safety or many customers' },
];

/** Severity of a complaint reported through the emergency key (danger to life or property). */
export const EMERGENCY_SEVERITY: Severity = 'crisis';
/** Category of an emergency ticket until the emergency desk has taken the details. */
export const EMERGENCY_CATEGORY = 'other';

export function choicesPrompt(choices: readonly KeyChoice<string>[]): string {
  return choices.map((c) => `Press ${c.key} for ${c.spoken}.`).join(' ');
}

export function severityPrompt(choices: readonly KeyChoice<string>[]): string {
  return choices.map((c) => `Press ${c.key} ${c.spoken}.`).join(' ');
}
