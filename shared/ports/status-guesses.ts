import type { GuessWindow } from '#shared/domain/status-guesses';

/**
 * Wrong guesses of a complaint's phone digits, counted in the table so that every instance of every
 * Lambda (web lookup and phone) sees one count.
 */
export interface StatusGuesses {
  /** The complaint's current window, if a wrong guess opened one that has not ended. */
  current(ticketId: string, now: string): Promise<GuessWindow | undefined>;
  /** Count one wrong guess atomically: in the open window, or in a new one of `windowMinutes` from now. */
  recordWrong(ticketId: string, now: string, windowMinutes: number): Promise<GuessWindow>;
}
