/**
 * The second factor of a status lookup by complaint number, the same on the web and on the phone:
 *   Input: the complaint (or none), the last four digits given, the guess counter.
 *   Output: whether the digits match; TooManyAttemptsError while the complaint is locked.
 *   Primary course: a locked complaint is refused before the digits are compared (so a lock cannot be
 *   probed for the right answer); a wrong guess on an existing complaint is counted in the table.
 */
import { TooManyAttemptsError } from '#shared/domain/errors';
import {
  defaultStatusGuessPolicy,
  digitsMatch,
  guessLock,
  type StatusGuessPolicy,
} from '#shared/domain/status-guesses';
import type { Ticket } from '#shared/domain/ticket';
import type { Clock } from '#shared/ports/clock';
import type { StatusGuesses } from '#shared/ports/status-guesses';

export interface StatusGuardDeps {
  readonly clock: Clock;
  readonly statusGuesses: StatusGuesses;
}

export async function checkStatusDigits(
  deps: StatusGuardDeps,
  ticket: Pick<Ticket, 'id' | 'customer'>,
  given: string,
  policy: StatusGuessPolicy = defaultStatusGuessPolicy,
): Promise<boolean> {
  const now = deps.clock.now().toISOString();
  const lock = guessLock(await deps.statusGuesses.current(ticket.id, now), now, policy);
  if (lock.locked) {
    throw new TooManyAttemptsError(
      'Too many wrong phone digits for this complaint; try again later',
      lock.retryAfterSeconds,
      'phoneLast4',
    );
  }
  if (digitsMatch(ticket.customer.phone, given)) return true;
  await deps.statusGuesses.recordWrong(ticket.id, now, policy.windowMinutes);
  return false;
}
