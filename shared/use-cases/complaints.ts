import { randomUUID } from 'node:crypto';
import type { AppConfig } from '#shared/config';
import { ConflictError, InvalidInputError, NotFoundError } from '#shared/domain/errors';
import { toE164 } from '#shared/domain/phone';
import {
  type Actor,
  applyAction,
  type RegisterComplaint,
  registerTicket,
  type Ticket,
  type TicketAction,
  type TicketEvent,
} from '#shared/domain/ticket';
import type { Clock } from '#shared/ports/clock';
import type { Page, TicketFilter, TicketStore } from '#shared/ports/ticket-store';
import { checkStatusDigits, type StatusGuardDeps } from './status-guard';

export { ticketSummary, ticketView } from '#shared/domain/ticket-views';

/** What the complaint use cases need; handlers pass their instance dependencies. */
export interface ComplaintDeps {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly tickets: TicketStore;
}

const nowIso = (deps: ComplaintDeps) => deps.clock.now().toISOString();

export function normalisePhone(raw: string, config: AppConfig, field: string): string {
  const e164 = toE164(raw, config.defaultPhoneRegion);
  if (!e164) throw new InvalidInputError(`${field}: "${maskForMessage(raw)}" is not a phone number`, field);
  return e164;
}

/** Echo only the shape of a bad phone number in an error, never the number. */
function maskForMessage(raw: string): string {
  return raw.length > 4 ? `${'•'.repeat(Math.min(raw.length - 2, 12))}${raw.slice(-2)}` : raw;
}

export async function registerComplaint(
  deps: ComplaintDeps,
  actor: Actor,
  input: RegisterComplaint,
  idempotency?: { key: string; fingerprint: string },
): Promise<{ ticket: Ticket; replayed: boolean }> {
  if (!deps.config.categories.includes(input.category)) {
    throw new InvalidInputError(
      `Unknown category "${input.category}"; use one of ${deps.config.categories.join(', ')}`,
      'category',
    );
  }
  const customer = {
    ...input.customer,
    phone: normalisePhone(input.customer.phone, deps.config, 'customer.phone'),
  };
  const number = await deps.tickets.nextTicketNumber();
  const { ticket, event } = registerTicket(
    { ...input, customer },
    { number, actor, now: nowIso(deps), policy: deps.config.deadlinePolicy },
  );
  const result = await deps.tickets.create(ticket, event, idempotency);
  // Saved with its `registered` event: timers and incident linking follow as reactions (shared/reactions).
  if (result.kind === 'created') return { ticket: result.ticket, replayed: false };
  if (idempotency && result.fingerprint !== idempotency.fingerprint) {
    throw new ConflictError(
      'This Idempotency-Key was already used for a different complaint',
      'Idempotency-Key',
    );
  }
  const first = await deps.tickets.get(result.ticketId);
  if (!first) throw new NotFoundError(`Complaint ${result.ticketId} not found`);
  return { ticket: first, replayed: true };
}

export async function changeComplaint(
  deps: ComplaintDeps,
  actor: Actor,
  id: string,
  expectedVersion: number,
  action: TicketAction,
): Promise<Ticket> {
  const ticket = await deps.tickets.get(id);
  if (!ticket) throw new NotFoundError(`Complaint ${id} not found`);
  if (ticket.version !== expectedVersion) {
    throw new ConflictError(
      `Complaint ${id} is at version ${ticket.version}, not ${expectedVersion}; reload it and try again`,
      'If-Match',
    );
  }
  const { ticket: next, event } = applyAction(ticket, action, {
    actor,
    now: nowIso(deps),
    policy: deps.config.deadlinePolicy,
    departments: deps.config.departments,
  });
  // What follows (timers, the survey, promises kept) reacts to the saved event (shared/reactions).
  await deps.tickets.update(next, expectedVersion, [event], ticket);
  return next;
}

export function newExtensionId(): string {
  return randomUUID().slice(0, 8);
}

/** Read one complaint in full; the read of personal data is itself recorded. */
export async function readComplaint(deps: ComplaintDeps, actor: Actor, id: string): Promise<Ticket> {
  const ticket = await deps.tickets.get(id);
  if (!ticket) throw new NotFoundError(`Complaint ${id} not found`);
  const audit: TicketEvent = {
    ticketId: id,
    type: 'personal_data_read',
    at: nowIso(deps),
    actor: actor.username,
    version: ticket.version,
    data: {},
  };
  await deps.tickets.appendEvent(audit);
  return ticket;
}

export async function listComplaints(
  deps: ComplaintDeps,
  filter: Omit<TicketFilter, 'overdueAt' | 'phone'> & { phone?: string; overdue?: boolean },
  page: { limit: number; cursor?: string },
): Promise<Page<Ticket>> {
  const { overdue, phone, ...rest } = filter;
  if (rest.department && !deps.config.departments.includes(rest.department)) {
    throw new InvalidInputError(`Unknown department: ${rest.department}`, 'department');
  }
  return deps.tickets.list(
    {
      ...rest,
      ...(phone ? { phone: normalisePhone(phone, deps.config, 'phone') } : {}),
      ...(overdue ? { overdueAt: nowIso(deps) } : {}),
    },
    page,
  );
}

export async function complaintEvents(
  deps: ComplaintDeps,
  id: string,
  page: { limit: number; cursor?: string },
): Promise<Page<TicketEvent>> {
  const ticket = await deps.tickets.get(id);
  if (!ticket) throw new NotFoundError(`Complaint ${id} not found`);
  return deps.tickets.events(id, page);
}

/** The public view of a complaint: no name, number, address or description. */
export interface PublicStatus {
  readonly number: string;
  readonly status: Ticket['status'];
  readonly category: string;
  readonly registeredAt: string;
  readonly lastUpdatedAt: string;
  readonly withDepartment: boolean;
  readonly resolved: boolean;
}

export async function publicStatus(
  deps: ComplaintDeps & StatusGuardDeps,
  number: string,
  phoneLast4: string,
): Promise<PublicStatus> {
  const ticket = await deps.tickets.get(number);
  // Same answer for "no such complaint" and "wrong digits": the lookup reveals nothing; wrong digits are
  // counted per complaint, and too many lock it (429) on the web and the phone alike.
  if (!ticket || !(await checkStatusDigits(deps, ticket, phoneLast4))) {
    throw new NotFoundError('No complaint with that number and phone digits');
  }
  return {
    number: ticket.number,
    status: ticket.status,
    category: ticket.category,
    registeredAt: ticket.createdAt,
    lastUpdatedAt: ticket.updatedAt,
    withDepartment: ticket.department !== undefined,
    resolved: ['resolved', 'closed', 'archived'].includes(ticket.status),
  };
}
