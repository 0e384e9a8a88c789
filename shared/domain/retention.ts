import type { CallJob } from './call-job';
import type { CallJobEvent } from './call-job-events';
import type { DeskEvent } from './deadline-schedules';
import type { Customer, Ticket, TicketEvent } from './ticket';

/** What stays of a customer once their data has expired: nothing that identifies them. */
export const ERASED = '[erased]';

/**
 * Fields that hold personal data or free text written about the customer (a description, a note, a reason,
 * the customer's words, a name, a number, an address), wherever they sit in a record or an event's data.
 * Everything else (category, severity, status, dates, counts, amounts, staff usernames) stays for the reports.
 */
const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'description',
  'note',
  'notes',
  'reason',
  'resolution',
  'customerAgreement',
  'result',
  'text',
  'comment',
  'transcript',
  'words',
  'name',
  'customerName',
  'phone',
  'phones',
  'email',
  'address',
  'customer',
  'attributes',
]);

/** Erased as a whole, whatever they hold. */
const WHOLE_FIELDS: ReadonlySet<string> = new Set(['customer', 'attributes', 'address']);

/** A code such as `caller_request` or `water_quality` is not free text: it is kept. */
const CODE = /^[a-z][a-z0-9_]*$/;

function erasedValue(value: unknown): unknown {
  if (value === undefined || value === null || value === ERASED) return value;
  if (typeof value === 'string' && CODE.test(value)) return value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return ERASED;
}

/** The value with every personal field (at any depth) replaced by the ERASED marker. */
export function eraseFreeText<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => eraseFreeText(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!PERSONAL_FIELDS.has(key)) out[key] = eraseFreeText(v);
    // A record named like free text (a resolution: its text, when, by whom) keeps its non-personal parts.
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && !WHOLE_FIELDS.has(key))
      out[key] = eraseFreeText(v);
    else out[key] = erasedValue(v);
  }
  return out as T;
}

/** A complaint's event with its free text erased, or undefined when there is nothing left to erase. */
export function erasedTicketEvent(event: TicketEvent): TicketEvent | undefined {
  const erased: TicketEvent = {
    ...event,
    data: eraseFreeText(event.data),
    ...(event.reason !== undefined ? { reason: String(erasedValue(event.reason)) } : {}),
  };
  return JSON.stringify(erased) === JSON.stringify(event) ? undefined : erased;
}

/**
 * A call job without anything that reaches its customer: every number (its own, a household's, the one each
 * attempt rang), every e-mail (the fallback's addresses too), the name, the flow's attributes, free text.
 */
function withoutContactData(job: CallJob): CallJob {
  const { email: _email, emails: _emails, customerName: _name, attributes: _attributes, ...kept } = job;
  return {
    ...kept,
    phone: ERASED,
    ...(job.phones ? { phones: job.phones.map(() => ERASED) } : {}),
    attempts: job.attempts.map((a) => (a.phone ? { ...a, phone: ERASED } : a)),
    ...(job.fallback?.sentTo
      ? { fallback: { ...job.fallback, sentTo: job.fallback.sentTo.map(() => ERASED) } }
      : {}),
    ...(job.result ? { result: eraseFreeText(job.result) } : {}),
  };
}

/**
 * A call job of an archived complaint with the customer's number, e-mail, name, the flow's attributes and any
 * free text erased; undefined when already erased. One still waiting to ring is cancelled: nobody to call.
 */
export function erasedCallJob(job: CallJob, now: string): CallJob | undefined {
  if (job.phone === ERASED) return undefined;
  const cancel = job.state === 'pending';
  return {
    ...withoutContactData(job),
    ...(cancel ? { state: 'cancelled' as const, finishedAt: now } : {}),
    updatedAt: now,
    version: job.version + 1,
  };
}

/** A call job's event with its copy of the job erased, or undefined when already erased. */
export function erasedCallJobEvent(event: CallJobEvent): CallJobEvent | undefined {
  if (event.job.phone === ERASED) return undefined;
  return { ...event, job: withoutContactData(event.job) };
}

/** One retention timer per complaint, set when it closes. */
export function retentionTimerName(ticketId: string): string {
  return `retention-${ticketId}`;
}

export interface RetentionTimerInput {
  readonly kind: 'retention';
  readonly ticketId: string;
}

/** When a closed complaint is archived and its personal data destroyed. */
export function archiveDue(closedAt: string, archiveAfterDays: number): string {
  return new Date(Date.parse(closedAt) + archiveAfterDays * 86_400_000).toISOString();
}

/**
 * A closed complaint past its retention period: archived, with the customer's personal data and the free text
 * about them (description, notes, resolution, the customer's agreement) destroyed; its category, dates and
 * numbers stay for the reports. Its copies elsewhere (history, call jobs) are erased by the reaction to
 * `archived` (shared/reactions/ticket-reactions.ts). Anything else: nothing to do.
 */
export function archiveClosedComplaint(
  ticket: Ticket,
  now: string,
  actor: string,
): { ticket: Ticket; event: DeskEvent } | undefined {
  if (ticket.status !== 'closed') return undefined;
  const version = ticket.version + 1;
  const erased: Customer = { name: ERASED, phone: ERASED };
  const fields = Object.keys(ticket.customer).filter(
    (k) => ticket.customer[k as keyof Customer] !== undefined,
  );
  return {
    ticket: { ...eraseFreeText(ticket), status: 'archived', customer: erased, version, updatedAt: now },
    event: {
      ticketId: ticket.id,
      type: 'archived',
      at: now,
      actor,
      version,
      data: { personalDataErased: fields },
    },
  };
}
