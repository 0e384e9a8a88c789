/**
 * Use case: read the access log of personal data reads (admin).
 * Input: the admin, a page. Output: the reads, newest first, with a cursor.
 * Primary course: an admin asks; the page is returned. (The edge logs this read like any other.)
 */
import { ForbiddenError } from '#shared/domain/errors';
import { type Actor, hasRole } from '#shared/domain/ticket';
import type { AccessLog, PersonalDataRead } from '#shared/ports/access-log';
import type { Page } from '#shared/ports/ticket-store';

export async function personalDataReads(
  deps: { readonly accessLog: AccessLog },
  actor: Actor,
  page: { limit: number; cursor?: string },
): Promise<Page<PersonalDataRead>> {
  if (!hasRole(actor, 'admin')) throw new ForbiddenError('Only an admin may read the access log');
  return deps.accessLog.reads(page);
}
