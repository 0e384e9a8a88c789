import { en, type Messages } from './en';

/** The active language. Add a language by adding a file with the same shape and choosing it here. */
const languages: Record<string, Messages> = { en };

export const t: Messages = languages[navigator.language.split('-')[0] ?? 'en'] ?? en;
