import { ForbiddenError, InvalidInputError, TransitionNotAllowedError } from './errors';
import type { Remedy } from './remedy-record';
import { addMinutes, type DeadlineKind, type DeadlinePolicy, deadlineKinds, type Severity } from './severity';

export const channels = ['phone', 'web_form', 'email', 'walk_in', 'letter'] as const;
export type Channel = (typeof channels)[number];

export const ticketStatuses = [
  'received',
  'dispatched',
  'contacted',
  'in_progress',
  'resolved',
  'closed',
  'reopened',
  'archived',
] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** Statuses in which the desk still owes the customer something. */
export const openStatuses: readonly TicketStatus[] = [
  'received',
  'dispatched',
  'contacted',
  'in_progress',
  'reopened',
];

export const staffRoles = ['agent', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** Who acts: a signed-in staff member, or the system itself (schedules, phone flows). */
export type Actor =
  | { readonly kind: 'staff'; readonly username: string; readonly roles: readonly StaffRole[] }
  | { readonly kind: 'system'; readonly username: string };

export interface Customer {
  readonly name: string;
  /** E.164 */
  readonly phone: string;
  readonly email?: string;
  readonly address?: string;
  readonly account?: string;
}

export interface Deadline {
  readonly due: string;
  readonly metAt?: string;
  readonly breachedAt?: string;
}

export type ExtensionStatus = 'pending' | 'approved' | 'rejected';

export interface Extension {
  readonly id: string;
  readonly deadline: DeadlineKind;
  readonly requestedUntil: string;
  readonly reason: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly status: ExtensionStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly decisionReason?: string;
}

export interface Ticket {
  readonly id: string;
  /** Short keypad-friendly number with a check digit; equal to id. */
  readonly number: string;
  readonly version: number;
  readonly status: TicketStatus;
  readonly severity: Severity;
  readonly channel: Channel;
  readonly category: string;
  readonly description: string;
  readonly customer: Customer;
  /** Who recorded the complaint (the recorder's signature). */
  readonly recordedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly department?: string;
  readonly dispatchedAt?: string;
  readonly firstContactAt?: string;
  readonly lastContactAt?: string;
  readonly contactAttempts: number;
  /** Attempts that did not reach the customer (no answer, busy): what an extension request rests on. */
  readonly failedContactAttempts?: number;
  readonly lastFailedContactAt?: string;
  readonly departmentResult?: { readonly result: string; readonly at: string; readonly by: string };
  readonly resolution?: {
    readonly resolution: string;
    readonly customerAgreement: string;
    readonly at: string;
    readonly by: string;
  };
  readonly deadlines: Partial<Record<DeadlineKind, Deadline>>;
  readonly extensions: readonly Extension[];
  readonly reopenCount: number;
  /**
   * The customer-service manager's review of a reopened complaint, for the reopen it belongs to: until the
   * review of the current reopen is recorded, handling does not start again (awaitingReview).
   */
  readonly review?: {
    readonly reopenCount: number;
    readonly by: string;
    readonly at: string;
    readonly note: string;
  };
  /**
   * When the survey of the current resolution stops waiting for an answer (the e-mailed link's expiry): the
   * complaint is closed then if nobody rated it (survey-window.ts).
   */
  readonly surveyWindowEndsAt?: string;
  /** Why and by whom a complaint was closed without the customer's rating (staff close, survey window over). */
  readonly closure?: {
    readonly via: 'survey' | 'staff' | 'survey_window';
    readonly at: string;
    readonly by: string;
  };
  /** Remedies proposed for the complaint, with approval, offer, answer and department actions (remedy.ts). */
  readonly remedies?: readonly Remedy[];
  /** Staff member the complaint is assigned to, where one is recorded: owner of its contact deadlines. */
  readonly assignee?: string;
  /** Filed on a call from a number the hotline had flagged as a repeat caller (a supervisor's look). */
  readonly repeatCaller?: boolean;
}

export type TicketEventType =
  | 'registered'
  | 'dispatched'
  | 'contact_attempted'
  | 'progress_recorded'
  | 'department_result_recorded'
  | 'resolved'
  | 'reopened'
  /** The customer-service manager reviewed a reopened complaint: handling may start again. */
  | 'reviewed'
  | 'extension_requested'
  | 'extension_decided'
  | 'personal_data_read'
  | 'deadline_breached'
  | 'escalated'
  | 'progress_notice_queued'
  | 'callback_requested'
  /** Staff promised an answer within half an hour: a callback is due then (answer-promise.ts). */
  | 'answer_promised'
  /** A result came before the promised call, which keeps the promise: the call is cancelled. */
  | 'answer_promise_kept'
  | 'survey_queued'
  | 'survey_answered'
  | 'survey_not_reached'
  | 'closed'
  | 'archived'
  /** Issue 11: the complaint and an incident (outage, leak) it belongs to. */
  | 'incident_linked'
  | 'incident_unlinked'
  | 'incident_update_sent'
  | 'incident_update_call_ended'
  | 'incident_cleared'
  | 'remedy_proposed'
  | 'remedy_decided'
  | 'remedy_offered'
  | 'remedy_answered'
  | 'remedy_action_done'
  | 'remedy_action_overdue'
  /** The complaint was assigned to a staff member (from/to): owner of its contact deadlines. */
  | 'assigned';

/** One append-only record of something that happened to a ticket: who, when, what, why. */
export interface TicketEvent {
  readonly ticketId: string;
  readonly type: TicketEventType;
  readonly at: string;
  readonly actor: string;
  /** Version of the ticket after the change; reads keep the version they saw. */
  readonly version: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly reason?: string;
}

export interface RegisterComplaint {
  readonly severity: Severity;
  readonly channel: Channel;
  readonly category: string;
  readonly description: string;
  readonly customer: Customer;
  /** Set by the hotline only: the call came from a flagged repeat caller. */
  readonly repeatCaller?: boolean;
}

export type TicketAction =
  | { readonly type: 'dispatch'; readonly department: string; readonly note?: string }
  | { readonly type: 'recordContact'; readonly outcome: 'reached' | 'not_reached'; readonly note?: string }
  | { readonly type: 'recordProgress'; readonly note: string }
  | { readonly type: 'recordDepartmentResult'; readonly result: string }
  | {
      readonly type: 'resolve';
      readonly resolution: string;
      readonly customerAgreement: string;
      /** A supervisor's reason to resolve while remedy actions are still open. */
      readonly overrideOpenRemedyActions?: string;
    }
  | { readonly type: 'reopen'; readonly reason: string }
  /** The manager's review of a reopened complaint, before it is handled again. */
  | { readonly type: 'review'; readonly note: string }
  /** Close a resolved complaint without the customer's rating (survey not possible), with the reason. */
  | { readonly type: 'close'; readonly reason: string }
  | {
      readonly type: 'requestExtension';
      readonly extensionId: string;
      readonly deadline: DeadlineKind;
      readonly until: string;
      readonly reason: string;
    }
  | {
      readonly type: 'decideExtension';
      readonly extensionId: string;
      readonly approve: boolean;
      readonly reason?: string;
    }
  /** Assign the complaint to a staff member (a supervisor, or an agent taking it for themselves). */
  | { readonly type: 'assign'; readonly assignee: string; readonly note?: string };

export type TicketActionType = TicketAction['type'];

interface TransitionRule {
  /** Statuses the action may start from. */
  readonly from: readonly TicketStatus[];
  /** Least role that may take the action; the system actor may take every action. */
  readonly minimumRole: StaffRole;
}

const ALL_OPEN = openStatuses;

/** The lifecycle as data: which action is allowed from which status, and by whom. */
export const transitionRules: Readonly<Record<TicketActionType, TransitionRule>> = {
  dispatch: {
    from: ['received', 'contacted', 'reopened', 'dispatched', 'in_progress'],
    minimumRole: 'agent',
  },
  recordContact: { from: ALL_OPEN, minimumRole: 'agent' },
  recordProgress: { from: ['dispatched', 'contacted', 'in_progress', 'reopened'], minimumRole: 'agent' },
  recordDepartmentResult: { from: ['dispatched', 'contacted', 'in_progress'], minimumRole: 'agent' },
  resolve: { from: ['contacted', 'in_progress'], minimumRole: 'agent' },
  reopen: { from: ['resolved', 'closed'], minimumRole: 'supervisor' },
  // The customer-service manager's review (a supervisor here: staff roles have no separate manager).
  review: { from: ['reopened'], minimumRole: 'supervisor' },
  // Closing without the customer's verdict is a supervisor's call; a reopened complaint is handled, not closed.
  close: { from: ['resolved'], minimumRole: 'supervisor' },
  requestExtension: { from: ALL_OPEN, minimumRole: 'agent' },
  decideExtension: { from: ALL_OPEN, minimumRole: 'supervisor' },
  // An agent may take a complaint for themselves; assigning anyone else is a supervisor's call (applyAction).
  assign: { from: ALL_OPEN, minimumRole: 'agent' },
};

/** Handling steps that wait for the manager's review of a reopened complaint. */
const AFTER_REVIEW: readonly TicketActionType[] = [
  'dispatch',
  'recordContact',
  'recordProgress',
  'recordDepartmentResult',
  'resolve',
  'requestExtension',
];

/** Reopened, and the customer-service manager has not yet reviewed this reopen. */
export function awaitingReview(ticket: Pick<Ticket, 'status' | 'review' | 'reopenCount'>): boolean {
  return ticket.status === 'reopened' && ticket.review?.reopenCount !== ticket.reopenCount;
}

/** Assigning a complaint to someone other than oneself is a supervisor's call. */
const ASSIGN_OTHERS_ROLE: StaffRole = 'supervisor';

/** Moving a complaint already with a department to another one is a supervisor's call. */
const REDISPATCH_ROLE: StaffRole = 'supervisor';

const roleRank: Record<StaffRole, number> = { agent: 1, supervisor: 2, admin: 3 };

export function highestRole(roles: readonly StaffRole[]): StaffRole | undefined {
  return [...roles].sort((a, b) => roleRank[b] - roleRank[a])[0];
}

export function hasRole(actor: Actor, minimum: StaffRole): boolean {
  if (actor.kind === 'system') return true;
  const top = highestRole(actor.roles);
  return top !== undefined && roleRank[top] >= roleRank[minimum];
}

function requireRole(actor: Actor, minimum: StaffRole, what: string): void {
  if (!hasRole(actor, minimum)) throw new ForbiddenError(`Only a ${minimum} or above may ${what}`);
}

export function registerTicket(
  input: RegisterComplaint,
  context: { number: string; actor: Actor; now: string; policy: DeadlinePolicy },
): { ticket: Ticket; event: TicketEvent } {
  requireRole(context.actor, 'agent', 'register a complaint');
  const { now, policy } = context;
  const levels = policy.severities[input.severity];
  const ticket: Ticket = {
    id: context.number,
    number: context.number,
    version: 1,
    status: 'received',
    severity: input.severity,
    channel: input.channel,
    category: input.category,
    description: input.description,
    customer: input.customer,
    recordedBy: context.actor.username,
    createdAt: now,
    updatedAt: now,
    contactAttempts: 0,
    deadlines: {
      dispatch: { due: addMinutes(now, policy.dispatchMinutes) },
      firstContact: { due: addMinutes(now, levels.firstContactMinutes) },
      progressNotice: { due: addMinutes(now, policy.progressNoticeMinutes) },
    },
    extensions: [],
    reopenCount: 0,
    ...(input.repeatCaller ? { repeatCaller: true } : {}),
  };
  const event: TicketEvent = {
    ticketId: ticket.id,
    type: 'registered',
    at: now,
    actor: context.actor.username,
    version: 1,
    data: { severity: input.severity, channel: input.channel, category: input.category },
  };
  return { ticket, event };
}

/** The actions this actor may take on this ticket now (for the portal's buttons). */
export function allowedActions(ticket: Ticket, actor: Actor): TicketActionType[] {
  return (Object.keys(transitionRules) as TicketActionType[]).filter((type) => {
    const rule = transitionRules[type];
    if (type === 'review' && !awaitingReview(ticket)) return false;
    if (AFTER_REVIEW.includes(type) && awaitingReview(ticket)) return false;
    return rule.from.includes(ticket.status) && hasRole(actor, rule.minimumRole);
  });
}

function meet(deadline: Deadline | undefined, now: string): Deadline | undefined {
  if (!deadline || deadline.metAt) return deadline;
  return { ...deadline, metAt: now };
}

/** Close every deadline still running, e.g. when the complaint is resolved. */
function meetAll(deadlines: Ticket['deadlines'], now: string): Ticket['deadlines'] {
  const out: Partial<Record<DeadlineKind, Deadline>> = {};
  for (const kind of deadlineKinds) {
    const d = deadlines[kind];
    if (d) out[kind] = meet(d, now) as Deadline;
  }
  return out;
}

/**
 * Apply one lifecycle action. Pure: returns the new ticket and its event, or throws a
 * typed error (forbidden role, impossible transition, invalid input). Knows nothing of storage.
 */
export function applyAction(
  ticket: Ticket,
  action: TicketAction,
  context: { actor: Actor; now: string; policy: DeadlinePolicy; departments?: readonly string[] },
): { ticket: Ticket; event: TicketEvent } {
  const { actor, now, policy } = context;
  const rule = transitionRules[action.type];
  requireRole(actor, rule.minimumRole, describe(action.type));
  if (!rule.from.includes(ticket.status)) {
    throw new TransitionNotAllowedError(`Cannot ${describe(action.type)}: the complaint is ${ticket.status}`);
  }
  if (AFTER_REVIEW.includes(action.type) && awaitingReview(ticket)) {
    throw new TransitionNotAllowedError(
      `Cannot ${describe(action.type)}: the reopened complaint awaits the customer-service manager's review`,
    );
  }
  const version = ticket.version + 1;
  const base = { ...ticket, version, updatedAt: now };
  const event = (type: TicketEventType, data: Record<string, unknown>, reason?: string): TicketEvent => ({
    ticketId: ticket.id,
    type,
    at: now,
    actor: actor.username,
    version,
    data,
    ...(reason ? { reason } : {}),
  });

  switch (action.type) {
    case 'dispatch': {
      if (context.departments && !context.departments.includes(action.department)) {
        throw new InvalidInputError(`Unknown department: ${action.department}`, 'department');
      }
      if (ticket.department === action.department) {
        throw new TransitionNotAllowedError(`The complaint is already with ${action.department}`);
      }
      if (ticket.department && ticket.status !== 'reopened')
        requireRole(actor, REDISPATCH_ROLE, 'redispatch');
      const status: TicketStatus =
        ticket.status === 'received' || ticket.status === 'reopened' ? 'dispatched' : ticket.status;
      return {
        ticket: {
          ...base,
          status,
          department: action.department,
          dispatchedAt: now,
          deadlines: {
            ...ticket.deadlines,
            dispatch: meet(ticket.deadlines.dispatch, now),
            departmentResult: { due: addMinutes(now, policy.departmentResultMinutes) },
          },
        },
        event: event(
          'dispatched',
          { from: ticket.department ?? null, department: action.department },
          action.note,
        ),
      };
    }
    case 'recordContact': {
      const attempts = ticket.contactAttempts + 1;
      if (action.outcome === 'not_reached') {
        return {
          ticket: {
            ...base,
            contactAttempts: attempts,
            failedContactAttempts: (ticket.failedContactAttempts ?? 0) + 1,
            lastFailedContactAt: now,
          },
          event: event('contact_attempted', { outcome: 'not_reached', attempt: attempts }, action.note),
        };
      }
      const first = !ticket.firstContactAt;
      // After a reopen the first-contact deadline runs again: the next contact meets it.
      const firstDeadlineRunning = ticket.deadlines.firstContact && !ticket.deadlines.firstContact.metAt;
      const deadlines = { ...ticket.deadlines };
      if (first || firstDeadlineRunning) {
        deadlines.firstContact = meet(ticket.deadlines.firstContact, now);
        deadlines.secondContact = {
          due: addMinutes(now, policy.severities[ticket.severity].secondContactMinutes),
        };
      } else {
        deadlines.secondContact = meet(ticket.deadlines.secondContact, now);
      }
      const status: TicketStatus = ['received', 'dispatched', 'reopened'].includes(ticket.status)
        ? 'contacted'
        : ticket.status;
      return {
        ticket: {
          ...base,
          status,
          contactAttempts: attempts,
          firstContactAt: ticket.firstContactAt ?? now,
          lastContactAt: now,
          deadlines,
        },
        event: event('contact_attempted', { outcome: 'reached', attempt: attempts, first }, action.note),
      };
    }
    case 'recordProgress':
      return {
        ticket: { ...base, status: 'in_progress' },
        event: event('progress_recorded', { note: action.note }),
      };
    case 'recordDepartmentResult':
      return {
        ticket: {
          ...base,
          status: 'in_progress',
          departmentResult: { result: action.result, at: now, by: actor.username },
          deadlines: { ...ticket.deadlines, departmentResult: meet(ticket.deadlines.departmentResult, now) },
        },
        event: event('department_result_recorded', {
          department: ticket.department ?? null,
          result: action.result,
        }),
      };
    case 'resolve': {
      const override = openRemedyActionsOverride(ticket, actor, action.overrideOpenRemedyActions);
      return {
        ticket: {
          ...base,
          status: 'resolved',
          resolution: {
            resolution: action.resolution,
            customerAgreement: action.customerAgreement,
            at: now,
            by: actor.username,
          },
          deadlines: meetAll(ticket.deadlines, now),
        },
        event: event(
          'resolved',
          {
            resolution: action.resolution,
            customerAgreement: action.customerAgreement,
            ...(override ? { openRemedyActionsOverridden: override.actions } : {}),
          },
          override?.reason,
        ),
      };
    }
    case 'reopen': {
      const levels = policy.severities[ticket.severity];
      return {
        ticket: {
          ...base,
          status: 'reopened',
          reopenCount: ticket.reopenCount + 1,
          resolution: undefined,
          deadlines: {
            ...ticket.deadlines,
            firstContact: { due: addMinutes(now, levels.firstContactMinutes) },
            progressNotice: { due: addMinutes(now, policy.progressNoticeMinutes) },
            secondContact: undefined,
            departmentResult: undefined,
          },
        },
        event: event('reopened', { from: ticket.status, reopenCount: ticket.reopenCount + 1 }, action.reason),
      };
    }
    case 'review':
      if (!awaitingReview(ticket)) throw new TransitionNotAllowedError('This reopen was already reviewed');
      return {
        ticket: {
          ...base,
          review: { reopenCount: ticket.reopenCount, by: actor.username, at: now, note: action.note },
        },
        event: event('reviewed', { reopenCount: ticket.reopenCount, note: action.note }),
      };
    case 'close':
      return {
        ticket: {
          ...base,
          status: 'closed',
          closure: { via: actor.kind === 'system' ? 'survey_window' : 'staff', at: now, by: actor.username },
        },
        event: event(
          'closed',
          { via: actor.kind === 'system' ? 'survey_window' : 'staff', from: ticket.status },
          action.reason,
        ),
      };
    case 'requestExtension': {
      // An extension is for a customer who cannot be reached: a failed attempt must be on record.
      if (!ticket.failedContactAttempts) {
        throw new TransitionNotAllowedError(
          'An extension needs a failed contact attempt (no answer, line busy) on record first',
        );
      }
      const deadline = ticket.deadlines[action.deadline];
      if (!deadline || deadline.metAt) {
        throw new InvalidInputError(`There is no running ${action.deadline} deadline to extend`, 'deadline');
      }
      if (Date.parse(action.until) <= Date.parse(deadline.due)) {
        throw new InvalidInputError('An extension must move the deadline later than it is now', 'until');
      }
      if (ticket.extensions.some((e) => e.status === 'pending' && e.deadline === action.deadline)) {
        throw new TransitionNotAllowedError(
          `An extension of ${action.deadline} is already waiting for a decision`,
        );
      }
      const extension: Extension = {
        id: action.extensionId,
        deadline: action.deadline,
        requestedUntil: action.until,
        reason: action.reason,
        requestedBy: actor.username,
        requestedAt: now,
        status: 'pending',
      };
      return {
        ticket: { ...base, extensions: [...ticket.extensions, extension] },
        event: event(
          'extension_requested',
          { extensionId: extension.id, deadline: action.deadline, until: action.until },
          action.reason,
        ),
      };
    }
    case 'decideExtension': {
      const extension = ticket.extensions.find((e) => e.id === action.extensionId);
      if (!extension)
        throw new InvalidInputError(`No extension ${action.extensionId} on this complaint`, 'extensionId');
      if (extension.status !== 'pending') {
        throw new TransitionNotAllowedError(`The extension was already ${extension.status}`);
      }
      if (extension.requestedBy === actor.username) {
        throw new ForbiddenError('Nobody may decide on their own extension request');
      }
      if (!action.approve && !action.reason) {
        throw new InvalidInputError('A rejection needs a reason', 'reason');
      }
      const decided: Extension = {
        ...extension,
        status: action.approve ? 'approved' : 'rejected',
        decidedBy: actor.username,
        decidedAt: now,
        ...(action.reason ? { decisionReason: action.reason } : {}),
      };
      const deadlines = { ...ticket.deadlines };
      const current = deadlines[extension.deadline];
      if (action.approve && current) {
        deadlines[extension.deadline] = {
          due: extension.requestedUntil,
          ...(current.metAt ? { metAt: current.metAt } : {}),
        };
      }
      return {
        ticket: {
          ...base,
          deadlines,
          extensions: ticket.extensions.map((e) => (e.id === extension.id ? decided : e)),
        },
        event: event(
          'extension_decided',
          {
            extensionId: extension.id,
            deadline: extension.deadline,
            approved: action.approve,
            until: extension.requestedUntil,
          },
          action.reason,
        ),
      };
    }
    case 'assign': {
      if (action.assignee !== actor.username)
        requireRole(actor, ASSIGN_OTHERS_ROLE, 'assign a complaint to others');
      if (ticket.assignee === action.assignee) {
        throw new TransitionNotAllowedError(`The complaint is already assigned to ${action.assignee}`);
      }
      return {
        ticket: { ...base, assignee: action.assignee },
        event: event('assigned', { from: ticket.assignee ?? null, to: action.assignee }, action.note),
      };
    }
  }
}

/**
 * A complaint is not resolved while a department still owes a remedy action (409 naming them), unless a
 * supervisor overrides with a reason; returns the overridden actions for the event. Only a supervisor may
 * send an override reason at all (403), open actions or not.
 */
function openRemedyActionsOverride(
  ticket: Ticket,
  actor: Actor,
  reason: string | undefined,
): { actions: string[]; reason: string } | undefined {
  if (reason !== undefined) requireRole(actor, 'supervisor', 'override open remedy actions');
  const open = (ticket.remedies ?? []).flatMap((r) =>
    r.actions.filter((a) => a.status === 'open').map((a) => `${a.id} (${a.department}: ${a.task})`),
  );
  if (open.length === 0) return undefined;
  if (!reason?.trim()) {
    throw new TransitionNotAllowedError(
      `Cannot resolve: remedy actions are still open: ${open.join('; ')}. A supervisor may override with a reason`,
    );
  }
  return { actions: open, reason };
}

function describe(type: TicketActionType): string {
  const words: Record<TicketActionType, string> = {
    dispatch: 'dispatch',
    recordContact: 'record a contact',
    recordProgress: 'record progress',
    recordDepartmentResult: 'record a department result',
    resolve: 'resolve',
    reopen: 'reopen',
    review: 'review a reopened complaint',
    close: 'close',
    requestExtension: 'request an extension',
    decideExtension: 'decide an extension',
    assign: 'assign a complaint',
  };
  return words[type];
}

/** The earliest deadline still running, or undefined when the desk owes nothing timed. */
export function nextDeadline(ticket: Ticket): { kind: DeadlineKind; due: string } | undefined {
  let best: { kind: DeadlineKind; due: string } | undefined;
  for (const kind of deadlineKinds) {
    const d = ticket.deadlines[kind];
    if (!d || d.metAt) continue;
    if (!best || d.due < best.due) best = { kind, due: d.due };
  }
  return best;
}

export function isOpen(ticket: Pick<Ticket, 'status'>): boolean {
  return openStatuses.includes(ticket.status);
}

export function isOverdue(ticket: Ticket, now: string): boolean {
  const next = nextDeadline(ticket);
  return isOpen(ticket) && next !== undefined && next.due < now;
}
