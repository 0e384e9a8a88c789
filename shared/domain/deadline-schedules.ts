import { addMinutes, type DeadlineKind, type DeadlinePolicy, deadlineKinds } from './severity';
import { isOpen, type Ticket, type TicketEvent, type TicketEventType } from './ticket';

/** Events of a complaint's history (every kind is a TicketEventType). */
export type DeskEventType = TicketEventType;

export interface DeskEvent extends Omit<TicketEvent, 'type'> {
  readonly type: DeskEventType;
}

export function asTicketEvents(events: readonly DeskEvent[]): TicketEvent[] {
  return [...events];
}

/** Catalog id of the function deadline timers fire. */
export const DEADLINE_CHECK_FUNCTION_ID = 'DeadlineCheck';

/** What a deadline timer carries; the target re-reads the ticket and acts only if this is still due. */
export interface DeadlineTimerInput {
  readonly kind: 'deadlineCheck';
  readonly ticketId: string;
  readonly deadline: DeadlineKind;
  readonly due: string;
}

/**
 * Deterministic timer name from ticket, deadline kind and due time: creating it twice is harmless, an
 * extended deadline (new due) or the next progress notice (next occurrence) gets a timer of its own.
 */
export function deadlineTimerName(ticketId: string, deadline: DeadlineKind, due: string): string {
  return `deadline-${ticketId}-${deadline}-${Math.floor(Date.parse(due) / 1000)}`;
}

export interface DeadlineTimer {
  readonly name: string;
  readonly input: DeadlineTimerInput;
}

/** Timers that must exist for a ticket: one per deadline still running and not yet breached. */
export function deadlineTimers(ticket: Ticket): DeadlineTimer[] {
  if (!isOpen(ticket)) return [];
  const out: DeadlineTimer[] = [];
  for (const kind of deadlineKinds) {
    const d = ticket.deadlines[kind];
    if (!d || d.metAt || d.breachedAt) continue;
    out.push({
      name: deadlineTimerName(ticket.id, kind, d.due),
      input: { kind: 'deadlineCheck', ticketId: ticket.id, deadline: kind, due: d.due },
    });
  }
  return out;
}

/** Timers of `before` that `after` no longer needs (deadline met, extended, or the ticket closed). */
export function obsoleteDeadlineTimers(before: Ticket | undefined, after: Ticket): string[] {
  if (!before) return [];
  const keep = new Set(deadlineTimers(after).map((t) => t.name));
  return deadlineTimers(before)
    .map((t) => t.name)
    .filter((name) => !keep.has(name));
}

/** Whose step a missed deadline was: a department, a named staff member, or the desk as a whole. */
export type BreachOwnerKind = 'department' | 'staff' | 'desk';

export interface BreachOwner {
  readonly kind: BreachOwnerKind;
  /** Department or username; absent for the desk. */
  readonly name?: string;
}

/** The owner as one key: `department:<name>`, `staff:<username>` or `desk` (events, counters, CSV). */
export function ownerKey(owner: BreachOwner): string {
  return owner.kind === 'desk' || !owner.name ? 'desk' : `${owner.kind}:${owner.name}`;
}

/** The inverse of ownerKey; an older bare department name (legacy counters) reads as a department. */
export function parseOwnerKey(key: string): BreachOwner {
  if (key === 'desk') return { kind: 'desk' };
  const at = key.indexOf(':');
  const kind = key.slice(0, at);
  if (at > 0 && (kind === 'department' || kind === 'staff')) return { kind, name: key.slice(at + 1) };
  return { kind: 'department', name: key };
}

/**
 * Who owned the step whose deadline was missed, at that moment (accountability reports): the department
 * for its result; for contacts and progress notices the staff member the complaint is assigned to, where one
 * is recorded, else the desk; the desk for dispatching.
 */
export function breachOwnerOf(
  ticket: Pick<Ticket, 'department' | 'assignee'>,
  deadline: DeadlineKind,
): BreachOwner {
  if (deadline === 'departmentResult') {
    return ticket.department ? { kind: 'department', name: ticket.department } : { kind: 'desk' };
  }
  if (deadline !== 'dispatch' && ticket.assignee) return { kind: 'staff', name: ticket.assignee };
  return { kind: 'desk' };
}

/** The owner key of a missed deadline (see breachOwnerOf). */
export function breachOwner(ticket: Pick<Ticket, 'department' | 'assignee'>, deadline: DeadlineKind): string {
  return ownerKey(breachOwnerOf(ticket, deadline));
}

export type DeadlineCheck =
  /** Nothing to do: met, moved, already handled, or the ticket is no longer open (a late or duplicate delivery). */
  | { readonly kind: 'stale' }
  /** Fired early (clock skew): set the timer again. */
  | { readonly kind: 'early' }
  | { readonly kind: 'breach'; readonly ticket: Ticket; readonly event: DeskEvent; readonly points: number }
  /** A progress notice is owed now; the next one is due a period later. */
  | {
      readonly kind: 'progressNotice';
      readonly ticket: Ticket;
      readonly event: DeskEvent;
      readonly occurrence: number;
    };

/**
 * What a fired deadline timer means for the ticket now. Pure; at-least-once delivery is safe because a
 * handled deadline is either met, breached, or (progress notice) moved on to its next due time.
 */
export function checkDeadline(
  ticket: Ticket,
  timer: Pick<DeadlineTimerInput, 'deadline' | 'due'>,
  now: string,
  policy: DeadlinePolicy,
  actor = 'system:deadlines',
): DeadlineCheck {
  const d = ticket.deadlines[timer.deadline];
  if (!isOpen(ticket) || !d || d.metAt || d.breachedAt || d.due !== timer.due) return { kind: 'stale' };
  if (d.due > now) return { kind: 'early' };
  const version = ticket.version + 1;
  if (timer.deadline === 'progressNotice') {
    const occurrence =
      Math.round(
        (Date.parse(d.due) - Date.parse(ticket.createdAt)) / (policy.progressNoticeMinutes * 60_000),
      ) || 1;
    return {
      kind: 'progressNotice',
      occurrence,
      ticket: {
        ...ticket,
        version,
        updatedAt: now,
        deadlines: {
          ...ticket.deadlines,
          progressNotice: { due: addMinutes(d.due, policy.progressNoticeMinutes) },
        },
      },
      event: {
        ticketId: ticket.id,
        type: 'progress_notice_queued',
        at: now,
        actor,
        version,
        data: { occurrence, due: d.due },
      },
    };
  }
  const points = policy.severities[ticket.severity].breachPoints;
  const ownerOf = breachOwnerOf(ticket, timer.deadline);
  const owner = ownerKey(ownerOf);
  return {
    kind: 'breach',
    points,
    ticket: {
      ...ticket,
      version,
      updatedAt: now,
      deadlines: { ...ticket.deadlines, [timer.deadline]: { ...d, breachedAt: now } },
    },
    event: {
      ticketId: ticket.id,
      type: 'deadline_breached',
      at: now,
      actor,
      version,
      data: {
        deadline: timer.deadline,
        due: d.due,
        owner,
        ownerKind: ownerOf.kind,
        ...(ownerOf.name ? { ownerName: ownerOf.name } : {}),
        ...(ticket.department ? { department: ticket.department } : {}),
        points,
        severity: ticket.severity,
      },
    },
  };
}

/** Deadlines of a ticket that are past due, running and not breached (what the sweep repairs). */
export function overdueDeadlines(ticket: Ticket, now: string): DeadlineTimerInput[] {
  return deadlineTimers(ticket)
    .map((t) => t.input)
    .filter((t) => t.due <= now);
}

/** Breached deadlines the portal flags. */
export function breachedDeadlines(ticket: Ticket): DeadlineKind[] {
  return deadlineKinds.filter((k) => ticket.deadlines[k]?.breachedAt && !ticket.deadlines[k]?.metAt);
}
