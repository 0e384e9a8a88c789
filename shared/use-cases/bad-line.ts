/**
 * Calling back a caller whose line dropped on our side.
 *   Input: an ended inbound contact (from a Connect contact event).
 *   Output: whether a callback was booked.
 *   Primary course: a telecom-problem disconnect of a contact the hotline logged claims the contact's one
 *   bad-line callback (so a redelivered event books nothing more) and books it with the dialer, due within
 *   the configured minutes (at most 3) and regardless of calling hours (requestCallback's bad_line rule).
 */

import { type EndedContact, isBadLineOnOurSide } from '#shared/domain/bad-line';
import type { CallerRegistry } from '#shared/ports/caller-registry';
import type { Dependencies } from '#shared/ports/dependencies';
import { requestCallback } from './callbacks';
import { HOTLINE_ACTOR } from './hotline';

export type BadLineOutcome = 'booked' | 'not_a_bad_line' | 'already_booked_or_unknown';

export async function callBackAfterBadLine(
  deps: Dependencies & { readonly callers: CallerRegistry },
  contact: EndedContact & { readonly contactId: string },
): Promise<{ outcome: BadLineOutcome; jobId?: string }> {
  if (!isBadLineOnOurSide(contact)) return { outcome: 'not_a_bad_line' };
  const phone = await deps.callers.claimBadLineCallback(contact.contactId, deps.clock.now().toISOString());
  if (!phone) return { outcome: 'already_booked_or_unknown' };
  try {
    const job = await requestCallback(deps, { phone, reason: 'bad_line', requestedBy: HOTLINE_ACTOR });
    return { outcome: 'booked', jobId: job.jobId };
  } catch (error) {
    await deps.callers.releaseBadLineCallback(contact.contactId).catch(() => undefined);
    throw error;
  }
}
