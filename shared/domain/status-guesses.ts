/**
 * The second factor of a status lookup by complaint number (the last four digits of the phone number on
 * the complaint) may be guessed only a few times: wrong guesses are counted per complaint in a window, and
 * once there are too many the complaint cannot be looked up (web or phone) until the window ends.
 */

export interface StatusGuessPolicy {
  /** Wrong guesses within one window that lock the complaint's lookup. */
  readonly maxWrong: number;
  /** Minutes from the first wrong guess until the count starts again (and a lock ends). */
  readonly windowMinutes: number;
}

/** Defaults: five wrong guesses in 15 minutes lock the lookup until the 15 minutes are over. */
export const defaultStatusGuessPolicy: StatusGuessPolicy = { maxWrong: 5, windowMinutes: 15 };

/** Wrong guesses counted for one complaint, and when their window ends. */
export interface GuessWindow {
  readonly wrong: number;
  readonly windowEndsAt: string;
}

export type GuessLock =
  | { readonly locked: false }
  | { readonly locked: true; readonly retryAfterSeconds: number };

/** Whether the window locks the lookup now, and for how long (whole seconds, at least 1). */
export function guessLock(
  window: GuessWindow | undefined,
  now: string,
  policy: StatusGuessPolicy,
): GuessLock {
  if (!window) return { locked: false };
  const left = Date.parse(window.windowEndsAt) - Date.parse(now);
  if (left <= 0 || window.wrong < policy.maxWrong) return { locked: false };
  return { locked: true, retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) };
}

/** The last four digits a person gives, compared with the complaint's number; digits only. */
export function digitsMatch(phoneE164: string, given: string): boolean {
  const digits = phoneE164.replace(/\D/g, '');
  return given.length === 4 && digits.slice(-4) === given;
}
