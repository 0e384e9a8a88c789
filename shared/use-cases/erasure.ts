/**
 * Use case: erase the copies of an archived complaint's personal data (retention, issue 17 line 4).
 * Input: the id of a complaint that was archived (its own record is erased in the same change).
 * Output: how many call jobs and events were erased.
 * Primary course: every call job of the complaint loses the customer's number, e-mail, name and the flow's
 * attributes (a job still waiting is cancelled), with its events' copies of the job; every event of the
 * complaint loses its free text (notes, reasons, the customer's words). Category, dates and numbers stay.
 * Idempotent: what is already erased is left alone, so a retry after a crash finishes the rest.
 * Not copied elsewhere: mails are not stored by the desk (only sent), incident links and broadcast
 * recipients hold no complaint's customer (recipients come from the customer registry, not complaints).
 */

import { ConflictError } from '#shared/domain/errors';
import { ERASED, erasedCallJob, erasedCallJobEvent, erasedTicketEvent } from '#shared/domain/retention';
import type { Dependencies } from '#shared/ports/dependencies';

export async function eraseArchivedComplaintCopies(
  deps: Pick<Dependencies, 'tickets' | 'callJobs' | 'clock'>,
  ticketId: string,
): Promise<{ callJobs: number; events: number }> {
  const ticket = await deps.tickets.get(ticketId);
  // Only an archived complaint's copies go; one erased by hand or missing has nothing here to erase.
  if (ticket?.status !== 'archived' || ticket.customer.phone !== ERASED) return { callJobs: 0, events: 0 };
  const now = deps.clock.now().toISOString();
  let callJobs = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.callJobs.list({ ticketId }, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) {
      const erased = erasedCallJob(job, now);
      if (!erased) continue;
      // A job that changed meanwhile (an attempt ended): thrown, so the reaction is retried on the new version.
      if (!(await deps.callJobs.eraseJob(erased, job.version, erasedCallJobEvent))) {
        throw new ConflictError(`Call job ${job.id} changed while it was erased`);
      }
      callJobs++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  const events = await deps.tickets.rewriteEvents(ticketId, erasedTicketEvent);
  return { callJobs, events };
}
