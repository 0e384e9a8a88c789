import { ConflictError, ForbiddenError, InvalidInputError, TransitionNotAllowedError } from './errors';
import type { AnswerChannel, Remedy, RemedyAction, RemedyAnswer, RemedyKind } from './remedy-record';
import type { DeadlinePolicy } from './severity';
import {
  type Actor,
  hasRole,
  isOpen,
  type StaffRole,
  type Ticket,
  type TicketEvent,
  transitionRules,
} from './ticket';

/**
 * The remedy of a complaint (business rules, "The remedy and who approves it"): the handler proposes it,
 * a supervisor approves it when it costs money or exceeds the handler's authority, it is offered, the
 * customer's answer is recorded, and each department carries out its part. Pure: no storage, no clock.
 */

// The stored shape (remedy-record.ts) is part of this module's vocabulary for its users.
export {
  type AnswerChannel,
  answerChannels,
  type Remedy,
  type RemedyAction,
  type RemedyActionStatus,
  type RemedyAnswer,
  type RemedyKind,
  type RemedyStatus,
  remedyAnswers,
  remedyKinds,
} from './remedy-record';

/** Kinds that pay the customer: they always need a supervisor (a gift only when it has an amount). */
const moneyKinds: readonly RemedyKind[] = ['refund', 'compensation', 'gift'];
/** Kinds that must carry an amount, and the one that may not. */
const amountRequired: readonly RemedyKind[] = ['refund', 'compensation'];
const amountForbidden: readonly RemedyKind[] = ['apology'];

export interface RemedyPolicy {
  /** The largest amount a handler may offer without a supervisor, in `currency`. */
  readonly authorityAmount: number;
  /** The desk's currency: the default of a remedy's amount and the currency of the authority. */
  readonly currency: string;
  readonly departments: readonly string[];
}

export interface ProposeRemedy {
  readonly kind: RemedyKind;
  readonly amount?: number;
  readonly currency?: string;
  readonly description: string;
  readonly actions: readonly { readonly department: string; readonly task: string; readonly dueAt: string }[];
}

export type RemedyCommand =
  | {
      readonly type: 'proposeRemedy';
      readonly remedyId: string;
      /** One id per action of the proposal, in order. */
      readonly actionIds: readonly string[];
      readonly remedy: ProposeRemedy;
    }
  | {
      readonly type: 'decideRemedy';
      readonly remedyId: string;
      readonly approve: boolean;
      readonly reason?: string;
    }
  | { readonly type: 'offerRemedy'; readonly remedyId: string; readonly note?: string }
  | {
      readonly type: 'recordRemedyAnswer';
      readonly remedyId: string;
      readonly answer: RemedyAnswer;
      readonly how: AnswerChannel;
      readonly answeredAt?: string;
      readonly note?: string;
    }
  | {
      readonly type: 'completeRemedyAction';
      readonly remedyId: string;
      readonly actionId: string;
      readonly note?: string;
    };

export type RemedyCommandType = RemedyCommand['type'];

/** Who may take each step; self-approval is refused separately. */
const minimumRole: Readonly<Record<RemedyCommandType, StaffRole>> = {
  proposeRemedy: 'agent',
  decideRemedy: 'supervisor',
  offerRemedy: 'agent',
  recordRemedyAnswer: 'agent',
  completeRemedyAction: 'agent',
};

const words: Readonly<Record<RemedyCommandType, string>> = {
  proposeRemedy: 'propose a remedy',
  decideRemedy: 'approve or reject a remedy',
  offerRemedy: 'offer a remedy',
  recordRemedyAnswer: "record the customer's answer to a remedy",
  completeRemedyAction: 'report a remedy action done',
};

export function remediesOf(ticket: Ticket): readonly Remedy[] {
  return ticket.remedies ?? [];
}

/** An amount of money: finite, above zero, whole cents at most. */
/** The largest amount a remedy may have (ten million): far above any refund, and exact to the cent in JSON. */
export const MAX_REMEDY_AMOUNT = 10_000_000;

export function isValidAmount(amount: number): boolean {
  return (
    Number.isFinite(amount) &&
    amount > 0 &&
    amount <= MAX_REMEDY_AMOUNT &&
    Math.abs(Math.round(amount * 100) - amount * 100) < 1e-6
  );
}

/** A remedy costs money (a refund, compensation, a gift with an amount) or exceeds the handler's authority. */
export function needsApproval(
  remedy: Pick<ProposeRemedy, 'kind' | 'amount' | 'currency'>,
  policy: Pick<RemedyPolicy, 'authorityAmount' | 'currency'>,
): boolean {
  if (remedy.amount === undefined) return amountRequired.includes(remedy.kind);
  if (moneyKinds.includes(remedy.kind)) return true;
  // An amount in another currency cannot be compared with the authority: a supervisor decides.
  if ((remedy.currency ?? policy.currency) !== policy.currency) return true;
  return remedy.amount > policy.authorityAmount;
}

/** Remedy actions a department still owes: they block resolving the complaint. */
export function openRemedyActions(ticket: Ticket): { remedy: Remedy; action: RemedyAction }[] {
  return remediesOf(ticket).flatMap((remedy) =>
    remedy.actions.filter((a) => a.status === 'open').map((action) => ({ remedy, action })),
  );
}

/** A remedy may be offered once a supervisor approved it, or at once when it needs no approval. */
export function isOfferable(remedy: Remedy): boolean {
  return remedy.status === 'approved' || (remedy.status === 'proposed' && !remedy.needsApproval);
}

function requireRole(actor: Actor, type: RemedyCommandType): void {
  const role = minimumRole[type];
  if (!hasRole(actor, role)) throw new ForbiddenError(`Only a ${role} or above may ${words[type]}`);
}

function findRemedy(ticket: Ticket, remedyId: string): Remedy {
  const remedy = remediesOf(ticket).find((r) => r.id === remedyId);
  if (!remedy) throw new InvalidInputError(`No remedy ${remedyId} on this complaint`, 'remedyId');
  return remedy;
}

function validateProposal(
  input: ProposeRemedy,
  actionIds: readonly string[],
  now: string,
  policy: RemedyPolicy,
): void {
  if (input.amount !== undefined) {
    if (amountForbidden.includes(input.kind)) {
      throw new InvalidInputError(`An ${input.kind} has no amount`, 'amount');
    }
    if (!isValidAmount(input.amount)) {
      throw new InvalidInputError(
        `amount must be a number above 0, at most ${MAX_REMEDY_AMOUNT}, with at most 2 decimals`,
        'amount',
      );
    }
  } else if (amountRequired.includes(input.kind)) {
    throw new InvalidInputError(`A ${input.kind} needs an amount`, 'amount');
  }
  if (input.currency !== undefined) {
    if (input.amount === undefined) throw new InvalidInputError('A currency goes with an amount', 'currency');
    if (!/^[A-Z]{3}$/.test(input.currency)) {
      throw new InvalidInputError('currency must be a three-letter ISO 4217 code, e.g. USD', 'currency');
    }
  }
  if (!input.description.trim()) throw new InvalidInputError('Describe the remedy', 'description');
  if (actionIds.length !== input.actions.length) throw new Error('One action id per remedy action');
  input.actions.forEach((action, i) => {
    if (!policy.departments.includes(action.department)) {
      throw new InvalidInputError(
        `Unknown department: ${action.department}; use one of ${policy.departments.join(', ')}`,
        `actions.${i}.department`,
      );
    }
    if (Number.isNaN(Date.parse(action.dueAt))) {
      throw new InvalidInputError('dueAt must be a date and time', `actions.${i}.dueAt`);
    }
    if (Date.parse(action.dueAt) <= Date.parse(now)) {
      throw new InvalidInputError('An action must be due in the future', `actions.${i}.dueAt`);
    }
  });
}

/**
 * Apply one remedy step to a ticket. Pure: returns the ticket one version on, with its events, or throws a
 * typed error (forbidden role or self-approval 403, impossible step 409, bad input 400).
 */
export function applyRemedyCommand(
  ticket: Ticket,
  command: RemedyCommand,
  context: { actor: Actor; now: string; policy: RemedyPolicy },
): { ticket: Ticket; events: TicketEvent[] } {
  const { actor, now, policy } = context;
  requireRole(actor, command.type);
  if (command.type === 'completeRemedyAction' ? ticket.status === 'archived' : !isOpen(ticket)) {
    throw new TransitionNotAllowedError(`Cannot ${words[command.type]}: the complaint is ${ticket.status}`);
  }
  const version = ticket.version + 1;
  const event = (type: TicketEvent['type'], data: Record<string, unknown>, reason?: string): TicketEvent => ({
    ticketId: ticket.id,
    type,
    at: now,
    actor: actor.username,
    version,
    data,
    ...(reason ? { reason } : {}),
  });
  const withRemedy = (remedy: Remedy, events: TicketEvent[]) => {
    const existing = remediesOf(ticket);
    const remedies = existing.some((r) => r.id === remedy.id)
      ? existing.map((r) => (r.id === remedy.id ? remedy : r))
      : [...existing, remedy];
    return { ticket: { ...ticket, version, updatedAt: now, remedies }, events };
  };

  switch (command.type) {
    case 'proposeRemedy': {
      const input = command.remedy;
      if (remediesOf(ticket).some((r) => r.id === command.remedyId)) {
        throw new ConflictError(`Remedy ${command.remedyId} already exists`, 'remedyId');
      }
      validateProposal(input, command.actionIds, now, policy);
      const currency = input.amount === undefined ? undefined : (input.currency ?? policy.currency);
      const remedy: Remedy = {
        id: command.remedyId,
        kind: input.kind,
        ...(input.amount !== undefined ? { amount: input.amount, currency } : {}),
        description: input.description,
        needsApproval: needsApproval({ ...input, ...(currency ? { currency } : {}) }, policy),
        status: 'proposed',
        proposedBy: actor.username,
        proposedAt: now,
        actions: input.actions.map((a, i) => ({
          id: command.actionIds[i] ?? String(i + 1),
          department: a.department,
          task: a.task,
          dueAt: new Date(Date.parse(a.dueAt)).toISOString(),
          status: 'pending',
        })),
      };
      return withRemedy(remedy, [
        event('remedy_proposed', {
          remedyId: remedy.id,
          kind: remedy.kind,
          amount: remedy.amount ?? null,
          currency: remedy.currency ?? null,
          needsApproval: remedy.needsApproval,
          actions: remedy.actions.map((a) => ({ id: a.id, department: a.department, dueAt: a.dueAt })),
        }),
      ]);
    }
    case 'decideRemedy': {
      const remedy = findRemedy(ticket, command.remedyId);
      if (remedy.decision) {
        throw new ConflictError(
          `The remedy was already ${remedy.decision.approved ? 'approved' : 'rejected'} by ${remedy.decision.by}`,
          'remedyId',
        );
      }
      if (!remedy.needsApproval || remedy.status !== 'proposed') {
        throw new TransitionNotAllowedError('This remedy is not waiting for approval');
      }
      if (remedy.proposedBy === actor.username) {
        throw new ForbiddenError('Nobody may approve or reject their own remedy proposal');
      }
      if (!command.approve && !command.reason?.trim()) {
        throw new InvalidInputError('A rejection needs a reason', 'reason');
      }
      const decided: Remedy = {
        ...remedy,
        status: command.approve ? 'approved' : 'rejected',
        decision: {
          approved: command.approve,
          by: actor.username,
          at: now,
          ...(command.reason ? { reason: command.reason } : {}),
        },
        actions: command.approve ? remedy.actions : cancel(remedy.actions),
      };
      return withRemedy(decided, [
        event('remedy_decided', { remedyId: remedy.id, approved: command.approve }, command.reason),
      ]);
    }
    case 'offerRemedy': {
      const remedy = findRemedy(ticket, command.remedyId);
      if (!isOfferable(remedy)) {
        throw new TransitionNotAllowedError(
          remedy.status === 'proposed'
            ? 'This remedy must be approved by a supervisor before it is offered'
            : `This remedy cannot be offered: it is ${remedy.status}`,
        );
      }
      const offered: Remedy = {
        ...remedy,
        status: 'offered',
        offer: { by: actor.username, at: now, ...(command.note ? { note: command.note } : {}) },
      };
      return withRemedy(offered, [event('remedy_offered', { remedyId: remedy.id }, command.note)]);
    }
    case 'recordRemedyAnswer': {
      const remedy = findRemedy(ticket, command.remedyId);
      if (remedy.status !== 'offered') {
        throw new TransitionNotAllowedError(
          remedy.answer
            ? `The customer's answer is already recorded: ${remedy.answer.answer}`
            : `Offer the remedy before recording the customer's answer (it is ${remedy.status})`,
        );
      }
      const answeredMs = command.answeredAt === undefined ? Date.parse(now) : Date.parse(command.answeredAt);
      if (Number.isNaN(answeredMs))
        throw new InvalidInputError('answeredAt must be a date and time', 'answeredAt');
      const answeredAt = new Date(answeredMs).toISOString();
      if (answeredAt > now) throw new InvalidInputError('answeredAt must not be in the future', 'answeredAt');
      if (answeredAt < ticket.createdAt)
        throw new InvalidInputError(
          `answeredAt must not be before the complaint was registered (${ticket.createdAt})`,
          'answeredAt',
        );
      const agreed = command.answer === 'agreed';
      const answered: Remedy = {
        ...remedy,
        status: agreed ? 'agreed' : 'refused',
        answer: {
          answer: command.answer,
          how: command.how,
          answeredAt,
          recordedBy: actor.username,
          recordedAt: now,
          ...(command.note ? { note: command.note } : {}),
        },
        actions: agreed
          ? remedy.actions.map((a) => (a.status === 'pending' ? { ...a, status: 'open', openedAt: now } : a))
          : cancel(remedy.actions),
      };
      return withRemedy(answered, [
        event(
          'remedy_answered',
          {
            remedyId: remedy.id,
            answer: command.answer,
            how: command.how,
            answeredAt,
            openedActions: agreed ? remedy.actions.map((a) => a.id) : [],
          },
          command.note,
        ),
      ]);
    }
    case 'completeRemedyAction': {
      const remedy = findRemedy(ticket, command.remedyId);
      const action = remedy.actions.find((a) => a.id === command.actionId);
      if (!action) throw new InvalidInputError(`No action ${command.actionId} in this remedy`, 'actionId');
      if (action.status !== 'open') {
        throw new TransitionNotAllowedError(
          action.status === 'pending'
            ? 'This action starts when the customer agrees to the remedy'
            : `This action is already ${action.status}`,
        );
      }
      const done: RemedyAction = {
        ...action,
        status: 'done',
        doneAt: now,
        doneBy: actor.username,
        ...(command.note ? { note: command.note } : {}),
      };
      return withRemedy({ ...remedy, actions: remedy.actions.map((a) => (a.id === action.id ? done : a)) }, [
        event(
          'remedy_action_done',
          {
            remedyId: remedy.id,
            actionId: action.id,
            department: action.department,
            dueAt: action.dueAt,
            late: now > action.dueAt,
          },
          command.note,
        ),
      ]);
    }
  }
}

function cancel(actions: readonly RemedyAction[]): RemedyAction[] {
  return actions.map((a) =>
    a.status === 'pending' || a.status === 'open' ? { ...a, status: 'cancelled' } : a,
  );
}

/**
 * A remedy step, or `resolveOverride`: a supervisor may resolve although remedy actions are open, by sending
 * `overrideOpenRemedyActions` (the reason) with `POST /api/tickets/{id}/resolve`; the portal then shows that field.
 */
export type RemedyStepType = RemedyCommandType | 'resolveOverride';

/** The remedy steps this actor may take on this ticket now (added to the ticket view's allowedActions). */
export function allowedRemedyActions(ticket: Ticket, actor: Actor): RemedyStepType[] {
  const remedies = remediesOf(ticket);
  const open = isOpen(ticket);
  const agent = hasRole(actor, 'agent');
  const actionsOpen = openRemedyActions(ticket).length > 0;
  const steps: [RemedyStepType, boolean][] = [
    ['proposeRemedy', open && agent],
    ['decideRemedy', open && remedies.some((r) => canDecide(r, actor))],
    ['offerRemedy', open && agent && remedies.some(isOfferable)],
    ['recordRemedyAnswer', open && agent && remedies.some((r) => r.status === 'offered')],
    ['completeRemedyAction', ticket.status !== 'archived' && agent && actionsOpen],
    [
      'resolveOverride',
      actionsOpen && hasRole(actor, 'supervisor') && transitionRules.resolve.from.includes(ticket.status),
    ],
  ];
  return steps.filter(([, allowed]) => allowed).map(([step]) => step);
}

function canDecide(remedy: Remedy, actor: Actor): boolean {
  return (
    remedy.status === 'proposed' &&
    remedy.needsApproval &&
    !remedy.decision &&
    hasRole(actor, 'supervisor') &&
    remedy.proposedBy !== actor.username
  );
}

/** Each remedy as the portal shows it, with the steps this actor may take on it. */
export function remedyViews(ticket: Ticket, actor: Actor) {
  const open = isOpen(ticket);
  const agent = hasRole(actor, 'agent');
  return remediesOf(ticket).map((remedy) => ({
    ...remedy,
    awaitingApproval: remedy.needsApproval && remedy.status === 'proposed',
    allowedActions: [
      ...(open && canDecide(remedy, actor) ? (['decideRemedy'] as const) : []),
      ...(open && agent && isOfferable(remedy) ? (['offerRemedy'] as const) : []),
      ...(open && agent && remedy.status === 'offered' ? (['recordRemedyAnswer'] as const) : []),
      ...(ticket.status !== 'archived' && agent && remedy.actions.some((a) => a.status === 'open')
        ? (['completeRemedyAction'] as const)
        : []),
    ],
  }));
}

// --- a late remedy action: escalated like a missed deadline ---

/** Catalog id of the function remedy-action timers fire. */
export const REMEDY_ACTION_CHECK_FUNCTION_ID = 'RemedyActionCheck';

export interface RemedyActionTimerInput {
  readonly kind: 'remedyActionCheck';
  readonly ticketId: string;
  readonly remedyId: string;
  readonly actionId: string;
  readonly due: string;
}

/** Deterministic, so setting it twice is harmless; a different due time is another timer. */
export function remedyActionTimerName(ticketId: string, actionId: string, due: string): string {
  return `remedy-${ticketId}-${actionId}-${Math.floor(Date.parse(due) / 1000)}`;
}

export interface RemedyActionTimer {
  readonly name: string;
  readonly input: RemedyActionTimerInput;
}

/** Timers that must exist: one per open action not yet escalated. */
export function remedyActionTimers(ticket: Ticket): RemedyActionTimer[] {
  if (ticket.status === 'archived') return [];
  return openRemedyActions(ticket)
    .filter(({ action }) => !action.escalatedAt)
    .map(({ remedy, action }) => ({
      name: remedyActionTimerName(ticket.id, action.id, action.dueAt),
      input: {
        kind: 'remedyActionCheck',
        ticketId: ticket.id,
        remedyId: remedy.id,
        actionId: action.id,
        due: action.dueAt,
      },
    }));
}

/** Timers of `before` that `after` no longer needs (the action done or cancelled). */
export function obsoleteRemedyActionTimers(before: Ticket | undefined, after: Ticket): string[] {
  if (!before) return [];
  const keep = new Set(remedyActionTimers(after).map((t) => t.name));
  return remedyActionTimers(before)
    .map((t) => t.name)
    .filter((name) => !keep.has(name));
}

export type RemedyActionCheck =
  | { readonly kind: 'stale' }
  | { readonly kind: 'early' }
  | {
      readonly kind: 'overdue';
      readonly ticket: Ticket;
      readonly events: TicketEvent[];
      readonly action: RemedyAction;
      readonly points: number;
    };

/**
 * What a fired remedy-action timer means now: a late open action is escalated once (the department is the
 * owner, with the breach points of the complaint's severity); anything else is a stale or early delivery.
 */
export function checkRemedyAction(
  ticket: Ticket,
  timer: Pick<RemedyActionTimerInput, 'remedyId' | 'actionId' | 'due'>,
  now: string,
  policy: DeadlinePolicy,
  actor = 'system:deadlines',
): RemedyActionCheck {
  const remedy = remediesOf(ticket).find((r) => r.id === timer.remedyId);
  const action = remedy?.actions.find((a) => a.id === timer.actionId);
  if (!remedy || !action || ticket.status === 'archived') return { kind: 'stale' };
  if (action.status !== 'open' || action.escalatedAt || action.dueAt !== timer.due) return { kind: 'stale' };
  if (action.dueAt > now) return { kind: 'early' };
  const version = ticket.version + 1;
  const points = policy.severities[ticket.severity].breachPoints;
  const escalated: RemedyAction = { ...action, escalatedAt: now };
  const owner = `department:${action.department}`;
  const base = { ticketId: ticket.id, at: now, actor, version };
  return {
    kind: 'overdue',
    action: escalated,
    points,
    ticket: {
      ...ticket,
      version,
      updatedAt: now,
      remedies: remediesOf(ticket).map((r) =>
        r.id === remedy.id
          ? { ...r, actions: r.actions.map((a) => (a.id === action.id ? escalated : a)) }
          : r,
      ),
    },
    events: [
      {
        ...base,
        type: 'remedy_action_overdue',
        data: {
          remedyId: remedy.id,
          actionId: action.id,
          department: action.department,
          due: action.dueAt,
          owner,
          points,
          severity: ticket.severity,
        },
      },
      {
        ...base,
        type: 'escalated',
        data: { to: 'supervisor', remedyId: remedy.id, actionId: action.id, owner, channel: 'email' },
      },
    ],
  };
}
