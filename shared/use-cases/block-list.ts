import type { BlockEntry } from '#shared/domain/caller-screening';
import { ForbiddenError, InvalidInputError, NotFoundError } from '#shared/domain/errors';
import { toE164 } from '#shared/domain/phone';
import { type Actor, hasRole } from '#shared/domain/ticket';
import type { CustomerAccess } from '#shared/ports/customer-store';
import type { Dependencies } from '#shared/ports/dependencies';
import type { Page } from '#shared/ports/ticket-store';

/**
 * The hotline's block list as staff keep it: agents may read it, supervisors put numbers on it and
 * take them off. Every read and change is kept in the customer-data access log, like customer records.
 */

const username = (actor: Actor) => (actor.kind === 'staff' ? actor.username : 'system');

function audit(
  deps: Dependencies,
  actor: Actor,
  action: CustomerAccess['action'],
  detail: { phone?: string; count?: number },
): Promise<void> {
  return deps.customers.recordAccess({
    at: deps.clock.now().toISOString(),
    username: username(actor),
    action,
    ...detail,
  });
}

function requireSupervisor(actor: Actor, what: string): void {
  if (!hasRole(actor, 'supervisor')) throw new ForbiddenError(`Only a supervisor or above may ${what}`);
}

/** A number as staff type it, in E.164; anything that cannot be a phone number is refused naming `phone`. */
export function blockedNumber(raw: string, defaultRegion: string): string {
  const e164 = toE164(raw, defaultRegion);
  if (!e164) throw new InvalidInputError(`"${raw}" is not a phone number`, 'phone');
  return e164;
}

export async function listBlockedNumbers(
  deps: Dependencies,
  actor: Actor,
  page: { limit: number; cursor?: string },
): Promise<Page<BlockEntry>> {
  if (!hasRole(actor, 'agent')) throw new ForbiddenError('Only staff may read the block list');
  const result = await deps.callers.listBlocked(page);
  await audit(deps, actor, 'block-list', { count: result.items.length });
  return result;
}

/** Put a number on the block list (or change its reason); the same reason again writes nothing. */
export async function blockNumber(
  deps: Dependencies,
  actor: Actor,
  rawPhone: string,
  reason: string,
): Promise<{ entry: BlockEntry; outcome: 'created' | 'updated' | 'unchanged' }> {
  requireSupervisor(actor, 'block a number');
  const phone = blockedNumber(rawPhone, deps.config.defaultPhoneRegion);
  const registry = deps.callers;
  const existing = await registry.blockEntry(phone);
  if (existing?.reason === reason) return { entry: existing, outcome: 'unchanged' };
  const entry: BlockEntry = {
    phone,
    reason,
    blockedBy: username(actor),
    blockedAt: deps.clock.now().toISOString(),
  };
  await registry.block(entry);
  await audit(deps, actor, 'block', { phone });
  return { entry, outcome: existing ? 'updated' : 'created' };
}

export async function unblockNumber(deps: Dependencies, actor: Actor, rawPhone: string): Promise<BlockEntry> {
  requireSupervisor(actor, 'unblock a number');
  const phone = blockedNumber(rawPhone, deps.config.defaultPhoneRegion);
  const registry = deps.callers;
  const existing = await registry.blockEntry(phone);
  if (!existing) throw new NotFoundError(`${phone} is not on the block list`, 'phone');
  await registry.unblock(phone);
  await audit(deps, actor, 'unblock', { phone });
  return existing;
}
