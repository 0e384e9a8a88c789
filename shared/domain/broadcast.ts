import type { BroadcastEstimate } from './broadcast-estimate';
import { type incidentSeverities, recipientStates } from './broadcast-vocabulary';
import { type CsvCell, toCsv } from './csv';
import { type AreaSelection, type Customer, hasUsableContact } from './customer';
import { InvalidInputError, TransitionNotAllowedError } from './errors';

export { incidentSeverities, recipientStates } from './broadcast-vocabulary';

/**
 * An emergency broadcast: an incident recorded in detail, the customers it affects, and one outbound
 * emergency call per reachable customer until they confirm on the keypad. The utility's procedure:
 * record, select, list those without contact for field staff, call everyone, retry, e-mail, report.
 */
export type IncidentSeverity = (typeof incidentSeverities)[number];

export const broadcastStates = ['draft', 'sending', 'paused', 'cancelled', 'completed'] as const;
export type BroadcastState = (typeof broadcastStates)[number];

export interface Broadcast {
  readonly id: string;
  /** What happened, e.g. "Gas leak". */
  readonly what: string;
  /** Where, in words, e.g. "Elm Street between 1st and 5th". */
  readonly where: string;
  /** Since when (ISO). */
  readonly since: string;
  readonly severity: IncidentSeverity;
  /** What the call says to whoever answers (public safety information, no personal data). */
  readonly message: string;
  /** The message per BCP 47 language tag, played to customers whose registry language it is. */
  readonly translations?: Readonly<Record<string, string>>;
  readonly emailSubject: string;
  readonly emailText: string;
  readonly selection: AreaSelection;
  readonly state: BroadcastState;
  /** Cancelled with a "please disregard" follow-up to everyone already reached: its text. */
  readonly disregard?: {
    readonly message: string;
    readonly requestedBy: string;
    readonly requestedAt: string;
  };
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sentAt?: string;
  readonly sentBy?: string;
  readonly endedAt?: string;
  /** Recipients selected at send time, and how many of them had no usable contact. */
  readonly recipientCount?: number;
  readonly noContactCount?: number;
  /** When its calls are expected to have ended, estimated at the send (shared/domain/broadcast-estimate.ts). */
  readonly estimatedEndAt?: string;
  readonly version: number;
}

export type NewBroadcast = Pick<
  Broadcast,
  'what' | 'where' | 'since' | 'severity' | 'message' | 'emailSubject' | 'emailText' | 'selection'
> &
  Partial<Pick<Broadcast, 'translations'>>;

export function draftBroadcast(id: string, input: NewBroadcast, by: string, now: string): Broadcast {
  if (input.since > now) throw new InvalidInputError('An incident cannot start in the future', 'since');
  return { id, ...input, state: 'draft', createdBy: by, createdAt: now, updatedAt: now, version: 1 };
}

export type BroadcastAction = 'send' | 'pause' | 'resume' | 'cancel' | 'complete';

const allowedFrom: Record<BroadcastAction, readonly BroadcastState[]> = {
  send: ['draft'],
  pause: ['sending'],
  resume: ['paused'],
  cancel: ['draft', 'sending', 'paused'],
  complete: ['sending'],
};

const target: Record<BroadcastAction, BroadcastState> = {
  send: 'sending',
  pause: 'paused',
  resume: 'sending',
  cancel: 'cancelled',
  complete: 'completed',
};

export function canApply(broadcast: Pick<Broadcast, 'state'>, action: BroadcastAction): boolean {
  return allowedFrom[action].includes(broadcast.state);
}

/** What the send records: who was selected, and how long their calls are expected to take. */
export interface SendCounts {
  readonly recipientCount: number;
  readonly noContactCount: number;
  readonly estimatedSeconds?: number;
}

export function applyBroadcastAction(
  broadcast: Broadcast,
  action: BroadcastAction,
  by: string,
  now: string,
  counts?: SendCounts,
): Broadcast {
  if (!canApply(broadcast, action))
    throw new TransitionNotAllowedError(`A ${broadcast.state} broadcast cannot ${action}`);
  const ended = action === 'cancel' || action === 'complete';
  const { estimatedSeconds, ...sendCounts } = counts ?? {};
  const estimatedEndAt =
    estimatedSeconds === undefined
      ? undefined
      : new Date(Date.parse(now) + estimatedSeconds * 1000).toISOString();
  return {
    ...broadcast,
    state: target[action],
    ...(action === 'send'
      ? { sentAt: now, sentBy: by, ...sendCounts, ...(estimatedEndAt ? { estimatedEndAt } : {}) }
      : {}),
    ...(ended ? { endedAt: now } : {}),
    updatedAt: now,
    version: broadcast.version + 1,
  };
}

/** A cancelled broadcast asks everyone it already reached to disregard it (once; the first text stands). */
export function requestDisregard(broadcast: Broadcast, message: string, by: string, now: string): Broadcast {
  if (broadcast.state !== 'cancelled')
    throw new TransitionNotAllowedError('Only a cancelled broadcast can be followed by a "please disregard"');
  if (broadcast.disregard) return broadcast;
  return {
    ...broadcast,
    disregard: { message, requestedBy: by, requestedAt: now },
    updatedAt: now,
    version: broadcast.version + 1,
  };
}

export function defaultDisregardMessage(broadcast: Pick<Broadcast, 'what' | 'where'>): string {
  return `Please disregard our earlier emergency message about the ${broadcast.what.toLowerCase()} in ${broadcast.where}. It no longer applies. We are sorry for the trouble.`;
}

// --- recipients -------------------------------------------------------------------------------------

export type RecipientState = (typeof recipientStates)[number];

export const finalRecipientStates: readonly RecipientState[] = [
  'confirmed',
  'reached_not_confirmed',
  'not_reached',
  'no_contact',
  'cancelled',
];

export type AttemptResult = 'confirmed' | 'answered' | 'no_answer' | 'busy' | 'failed' | 'stopped';

export interface RecipientAttempt {
  readonly n: number;
  readonly at: string;
  readonly result: AttemptResult;
  /** The number this attempt rang (a customer may have several, or share one with their household). */
  readonly phone?: string;
}

/** A broadcast as the API answers it: with its live counts per recipient state. */
export interface BroadcastView extends Broadcast {
  /** Live counts per recipient state, kept in step with every recipient change. */
  readonly counts: Partial<Record<RecipientState, number>>;
}

/** Who a broadcast would reach, before it is sent (`GET /api/broadcasts/{id}/preview`). */
export interface RecipientPreview {
  readonly customers: number;
  readonly toCall: number;
  readonly emailOnly: number;
  readonly noContact: number;
  /** How long the calls will take at the configured Connect limits. */
  readonly estimate: BroadcastEstimate;
}

export interface Recipient {
  readonly broadcastId: string;
  readonly account: string;
  readonly name: string;
  /** The first of the customer's numbers. */
  readonly phone?: string;
  /** Every number of the customer, in the registry's order, when there are several. */
  readonly phones?: readonly string[];
  readonly email?: string;
  readonly address: string;
  readonly street: string;
  readonly state: RecipientState;
  readonly attempts: readonly RecipientAttempt[];
  readonly confirmedAt?: string;
  readonly confirmedVia?: 'outbound' | 'inbound';
  readonly emailedAt?: string;
  /** The call job that rings this recipient: one per household (accounts sharing a number share it). */
  readonly callJobId?: string;
  /** Messages sent after the broadcast to this recipient (a "please disregard", the all clear). */
  readonly followUps?: readonly RecipientFollowUp[];
  readonly updatedAt: string;
  /** Optimistic lock: every change adds one. */
  readonly version: number;
}

export type FollowUpKind = 'disregard' | 'all_clear';

export interface RecipientFollowUp {
  readonly kind: FollowUpKind;
  readonly channel: 'call' | 'email';
  readonly queuedAt: string;
  readonly callJobId?: string;
  /** When the call was answered, or the e-mail sent. */
  readonly deliveredAt?: string;
  /** The call was not answered after every attempt. */
  readonly notReachedAt?: string;
}

/** Whether the broadcast got through to this recipient: a call answered (confirmed or not), or its e-mail. */
export function wasReached(recipient: Recipient): boolean {
  return (
    recipient.state === 'confirmed' ||
    recipient.emailedAt !== undefined ||
    recipient.attempts.some((a) => a.result === 'answered' || a.result === 'confirmed')
  );
}

/** How a follow-up reaches a recipient: a call where the broadcast's call got through, else their e-mail. */
export function followUpChannel(recipient: Recipient): 'call' | 'email' | undefined {
  const answered =
    recipient.state === 'confirmed' ||
    recipient.attempts.some((a) => a.result === 'answered' || a.result === 'confirmed');
  if (answered && recipient.phone) return 'call';
  if (recipient.email && (answered || recipient.emailedAt)) return 'email';
  return undefined;
}

export function followUpJobId(broadcastId: string, kind: FollowUpKind, account: string): string {
  return `bf-${broadcastId}-${kind}-${account}`;
}

/** Records a follow-up once per kind (a retried cancel or close queues nothing twice). */
export function addFollowUp(recipient: Recipient, followUp: RecipientFollowUp): Recipient {
  if (recipient.followUps?.some((f) => f.kind === followUp.kind)) return recipient;
  return {
    ...recipient,
    followUps: [...(recipient.followUps ?? []), followUp],
    updatedAt: followUp.queuedAt,
    version: recipient.version + 1,
  };
}

/** The follow-up's call ended: answered (delivered) or not reached. */
export function endFollowUp(
  recipient: Recipient,
  kind: FollowUpKind,
  at: string,
  delivered: boolean,
): Recipient {
  const current = recipient.followUps?.find((f) => f.kind === kind);
  if (!current || current.deliveredAt || current.notReachedAt) return recipient;
  const ended = delivered ? { ...current, deliveredAt: at } : { ...current, notReachedAt: at };
  return {
    ...recipient,
    followUps: (recipient.followUps ?? []).map((f) => (f.kind === kind ? ended : f)),
    updatedAt: at,
    version: recipient.version + 1,
  };
}

/** The call job of a recipient: the same id for the same broadcast and customer, so sending twice is harmless. */
export function recipientJobId(broadcastId: string, account: string): string {
  return `bc-${broadcastId}-${account}`;
}

/** The numbers of a recipient, in order. */
export function recipientNumbers(recipient: Pick<Recipient, 'phone' | 'phones'>): readonly string[] {
  if (recipient.phones && recipient.phones.length > 0) return recipient.phones;
  return recipient.phone ? [recipient.phone] : [];
}

/**
 * Accounts reached through the same phone: recipients that share a number (directly, or through another
 * member) are one household, rung by one call job that rings each of their numbers once per round.
 */
export interface Household {
  /** Members in selection order; the first names the job. */
  readonly accounts: readonly string[];
  /** Every number of the members, each once: the first member's in order, then the next member's new ones. */
  readonly phones: readonly string[];
  /** Every member's address, each once, for the fallback e-mail. */
  readonly emails: readonly string[];
  /** Position (in the selection) of the last member: the job is written with that member's chunk. */
  readonly lastIndex: number;
  readonly callJobId: string;
}

/** The households of a broadcast's recipients with a phone, in the order of their first member. */
export function householdsOf(recipients: readonly Recipient[]): Household[] {
  const parent = new Map<number, number>();
  const root = (i: number): number => {
    let r = i;
    while (parent.get(r) !== r) r = parent.get(r) as number;
    parent.set(i, r);
    return r;
  };
  const byNumber = new Map<string, number>();
  recipients.forEach((r, i) => {
    if (recipientNumbers(r).length === 0) return;
    parent.set(i, i);
    for (const phone of recipientNumbers(r)) {
      const other = byNumber.get(phone);
      if (other === undefined) byNumber.set(phone, i);
      else {
        const [a, b] = [root(other), root(i)];
        // The earlier member stays the root, so the household is named by its first member.
        if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
      }
    }
  });
  const groups = new Map<number, number[]>();
  for (const i of parent.keys()) {
    const r = root(i);
    groups.set(r, [...(groups.get(r) ?? []), i]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, members]) => {
      const sorted = members.sort((a, b) => a - b).map((i) => recipients[i] as Recipient);
      const first = sorted[0] as Recipient;
      return {
        accounts: sorted.map((r) => r.account),
        phones: [...new Set(sorted.flatMap((r) => recipientNumbers(r)))],
        emails: [...new Set(sorted.flatMap((r) => (r.email ? [r.email] : [])))],
        lastIndex: Math.max(...members),
        callJobId: recipientJobId(first.broadcastId, first.account),
      };
    });
}

/**
 * The contact attributes of a household's broadcast call: the first member (whom the flow confirms with) and,
 * when the number serves several, every member, so a confirmation on the keypad counts for each of them.
 */
export function householdCallAttributes(
  broadcastId: string,
  household: Pick<Household, 'accounts'>,
  message: string,
): Record<string, string> {
  return {
    broadcastId,
    account: household.accounts[0] as string,
    ...(household.accounts.length > 1 ? { accounts: household.accounts.join(',') } : {}),
    message,
  };
}

/** The accounts a broadcast call rings for (see householdCallAttributes). */
export function accountsOfCall(attributes: Readonly<Record<string, string>> | undefined): readonly string[] {
  if (attributes?.accounts) return attributes.accounts.split(',');
  return attributes?.account ? [attributes.account] : [];
}

/** Every selected customer becomes a recipient; those without a usable contact are listed apart at once. */
export function recipientsFor(broadcastId: string, customers: readonly Customer[], now: string): Recipient[] {
  const recipients: Recipient[] = customers.map((c) => {
    const reachable = hasUsableContact(c);
    const phones = reachable ? c.phones : [];
    const phone = phones[0];
    return {
      broadcastId,
      account: c.account,
      name: c.name,
      ...(phone ? { phone } : {}),
      ...(phones.length > 1 ? { phones } : {}),
      ...(reachable && c.email ? { email: c.email } : {}),
      address: c.address,
      street: c.area.street,
      // `calling` until the delivery (calls, or the e-mail for those without a phone) is done.
      state: reachable ? 'calling' : 'no_contact',
      attempts: [],
      updatedAt: now,
      version: 1,
    };
  });
  // One call job per household: every member points at it.
  const jobOf = new Map<string, string>();
  for (const h of householdsOf(recipients)) for (const a of h.accounts) jobOf.set(a, h.callJobId);
  return recipients.map((r) => {
    const callJobId = jobOf.get(r.account);
    return callJobId ? { ...r, callJobId } : r;
  });
}

/** A reachable recipient without a phone is e-mailed at once; everyone else with a phone is called. */
export function needsEmailOnly(recipient: Recipient): boolean {
  return recipient.phone === undefined && recipient.email !== undefined && recipient.state !== 'no_contact';
}

/** Records an attempt's result once (a repeated or late report of the same attempt changes nothing). */
export function recordAttempt(recipient: Recipient, attempt: RecipientAttempt): Recipient {
  if (recipient.attempts.some((a) => a.n === attempt.n)) return recipient;
  const attempts = [...recipient.attempts, attempt].sort((a, b) => a.n - b.n);
  if (attempt.result === 'confirmed') return confirm(recipient, attempt.at, 'outbound', attempts);
  return { ...recipient, attempts, updatedAt: attempt.at, version: recipient.version + 1 };
}

function confirm(
  recipient: Recipient,
  at: string,
  via: 'outbound' | 'inbound',
  attempts = recipient.attempts,
): Recipient {
  if (recipient.state === 'confirmed') return recipient;
  return {
    ...recipient,
    attempts,
    state: 'confirmed',
    confirmedAt: at,
    confirmedVia: via,
    updatedAt: at,
    version: recipient.version + 1,
  };
}

/** The customer confirmed by calling the hotline: their outbound calls are no longer needed. */
export function confirmInbound(recipient: Recipient, at: string): Recipient {
  return confirm(recipient, at, 'inbound');
}

/** Calls are over without a confirmation: answered at least once, or never. */
export function finishUnconfirmed(recipient: Recipient, at: string, emailed: boolean): Recipient {
  if (finalRecipientStates.includes(recipient.state)) return recipient;
  const answered = recipient.attempts.some((a) => a.result === 'answered');
  return {
    ...recipient,
    state: answered ? 'reached_not_confirmed' : 'not_reached',
    ...(emailed ? { emailedAt: at } : {}),
    updatedAt: at,
    version: recipient.version + 1,
  };
}

export function cancelRecipient(recipient: Recipient, at: string): Recipient {
  if (finalRecipientStates.includes(recipient.state)) return recipient;
  return { ...recipient, state: 'cancelled', updatedAt: at, version: recipient.version + 1 };
}

// --- report -----------------------------------------------------------------------------------------

export type BroadcastCounts = Record<RecipientState, number> & {
  readonly total: number;
  readonly emailed: number;
  readonly attempts: number;
};

export function countRecipients(recipients: readonly Recipient[]): BroadcastCounts {
  const counts = Object.fromEntries(recipientStates.map((s) => [s, 0])) as Record<RecipientState, number>;
  let emailed = 0;
  let attempts = 0;
  for (const r of recipients) {
    counts[r.state]++;
    if (r.emailedAt) emailed++;
    attempts += r.attempts.length;
  }
  return { ...counts, total: recipients.length, emailed, attempts };
}

export function isBroadcastDone(recipients: readonly Recipient[]): boolean {
  return recipients.every((r) => finalRecipientStates.includes(r.state));
}

/** The final list for the incident file and field staff: one line per recipient with every attempt. */
export function broadcastReportCsv(recipients: readonly Recipient[]): string {
  const rows: CsvCell[][] = [
    [
      'account',
      'name',
      'phone',
      'email',
      'address',
      'state',
      'confirmed_at',
      'confirmed_via',
      'emailed_at',
      'attempts',
    ],
  ];
  const order: Record<RecipientState, number> = {
    no_contact: 0,
    not_reached: 1,
    reached_not_confirmed: 2,
    cancelled: 3,
    calling: 4,
    confirmed: 5,
  };
  const sorted = [...recipients].sort(
    (a, b) => order[a.state] - order[b.state] || a.account.localeCompare(b.account),
  );
  for (const r of sorted) {
    rows.push([
      r.account,
      r.name,
      r.phone ?? '',
      r.email ?? '',
      r.address,
      r.state,
      r.confirmedAt ?? '',
      r.confirmedVia ?? '',
      r.emailedAt ?? '',
      r.attempts.map((a) => `${a.n}:${a.at}:${a.result}${a.phone ? `:${a.phone}` : ''}`).join(' '),
    ]);
  }
  return toCsv(rows);
}
