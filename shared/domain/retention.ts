import type { DeskEvent } from './deadline-schedules';
import type { Customer, Ticket } from './ticket';

/** What stays of a customer once their data has expired: nothing that identifies them. */
export const ERASED = '[erased]';

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
 * A closed complaint past its retention period: archived, with the customer's personal data destroyed
 * (the complaint itself, its history and its numbers stay for the reports). Anything else: nothing to do.
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
    ticket: { ...ticket, status: 'archived', customer: erased, version, updatedAt: now },
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
