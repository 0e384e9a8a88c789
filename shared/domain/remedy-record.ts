/**
 * What a ticket stores of a remedy: its kinds, states and shape. The rules that change it live in remedy.ts,
 * which imports ticket.ts; ticket.ts needs only this shape, so the two don't import each other.
 */
export const remedyKinds = ['apology', 'repair', 'refund', 'compensation', 'gift'] as const;
export type RemedyKind = (typeof remedyKinds)[number];

/** How the customer gave their answer (the procedure has the customer sign an agreement). */
export const answerChannels = ['phone', 'in_person', 'letter', 'email', 'signed_form'] as const;
export type AnswerChannel = (typeof answerChannels)[number];

export const remedyAnswers = ['agreed', 'refused'] as const;
export type RemedyAnswer = (typeof remedyAnswers)[number];

export type RemedyStatus = 'proposed' | 'approved' | 'rejected' | 'offered' | 'agreed' | 'refused';

/**
 * A department's part: `pending` until the customer agrees, then `open` (a task with a due time, escalated
 * when late) until the department reports it `done`; `cancelled` when the remedy is rejected or refused.
 */
export type RemedyActionStatus = 'pending' | 'open' | 'done' | 'cancelled';

export interface RemedyAction {
  readonly id: string;
  readonly department: string;
  readonly task: string;
  readonly dueAt: string;
  readonly status: RemedyActionStatus;
  readonly openedAt?: string;
  readonly doneAt?: string;
  readonly doneBy?: string;
  readonly note?: string;
  /** When the late action was escalated to the supervisor (once). */
  readonly escalatedAt?: string;
}

export interface Remedy {
  readonly id: string;
  readonly kind: RemedyKind;
  readonly amount?: number;
  readonly currency?: string;
  readonly description: string;
  readonly needsApproval: boolean;
  readonly status: RemedyStatus;
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly decision?: {
    readonly approved: boolean;
    readonly by: string;
    readonly at: string;
    readonly reason?: string;
  };
  readonly offer?: { readonly by: string; readonly at: string; readonly note?: string };
  readonly answer?: {
    readonly answer: RemedyAnswer;
    readonly how: AnswerChannel;
    /** When the customer answered (may be earlier than when it was recorded, e.g. a letter). */
    readonly answeredAt: string;
    readonly recordedBy: string;
    readonly recordedAt: string;
    readonly note?: string;
  };
  readonly actions: readonly RemedyAction[];
}
