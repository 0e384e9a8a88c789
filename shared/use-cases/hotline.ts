/**
 * What the hotline phone does for a caller, behind the phone Lambdas (functions/phone/): screen and
 * recognise the caller, file a complaint or an emergency from the keypad, and read a complaint's
 * status by its number. Answers carry the text the flow speaks, composed by shared/domain/caller-speech.
 */
import { createHash } from 'node:crypto';
import type { AppConfig } from '#shared/config';
import {
  EMERGENCY_CATEGORY,
  EMERGENCY_SEVERITY,
  PHONE_CATEGORY_CHOICES,
  PHONE_SEVERITY_CHOICES,
} from '#shared/domain/caller-keypad';
import { type RepeatCallPolicy, screenCall, windowStart } from '#shared/domain/caller-screening';
import {
  digitByDigit,
  emergencyFiledMessage,
  filedMessage,
  firstNameOf,
  knownCallerGreeting,
  statusSentence,
} from '#shared/domain/caller-speech';
import type { Customer as RegistryCustomer } from '#shared/domain/customer';
import { InvalidInputError, TooManyAttemptsError } from '#shared/domain/errors';
import type { Severity } from '#shared/domain/severity';
import { type Actor, isOpen, type Ticket } from '#shared/domain/ticket';
import { isValidTicketNumber } from '#shared/domain/ticket-number';
import type { CallerRegistry } from '#shared/ports/caller-registry';
import type { Clock } from '#shared/ports/clock';
import type { CustomerStore } from '#shared/ports/customer-store';
import type { StatusGuesses } from '#shared/ports/status-guesses';
import type { TicketStore } from '#shared/ports/ticket-store';
import { registerComplaint } from './complaints';
import { checkStatusDigits } from './status-guard';

export interface HotlineDeps {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly tickets: TicketStore;
  readonly callers: CallerRegistry;
  /** The customer registry: a caller's number (any of a customer's numbers) finds their record. */
  readonly customers: Pick<CustomerStore, 'findByPhone'>;
  readonly statusGuesses: StatusGuesses;
}

/** The phone flow acts as the system, signed as the hotline. */
export const HOTLINE_ACTOR: Actor = { kind: 'system', username: 'phone-hotline' };

/** Name on a ticket filed by a caller we do not know yet; staff complete it at the first contact. */
export const UNKNOWN_CALLER_NAME = 'Unknown phone caller';

const OPEN_COMPLAINTS_READ = 20;

export interface CallerOnLine {
  /** E.164 number the call comes from. */
  readonly phone: string;
  readonly contactId: string;
  /** The screening at the start of this call flagged the number as a repeat caller. */
  readonly repeatCaller?: boolean;
}

export interface ScreenedCaller {
  readonly blocked: boolean;
  readonly repeatCaller: boolean;
  readonly known: boolean;
  readonly openComplaints: number;
  /** What the flow says to a known caller (greeting and open complaints); empty for others. */
  readonly greeting: string;
}

/** Block list, repeat-call log and flag, then who the caller is and what they have open. */
export async function screenAndRecogniseCaller(
  deps: HotlineDeps,
  caller: CallerOnLine,
  policy: RepeatCallPolicy,
): Promise<ScreenedCaller> {
  const now = deps.clock.now().toISOString();
  const [entry, logged] = await Promise.all([
    deps.callers.blockEntry(caller.phone),
    deps.callers.logCall(
      { phone: caller.phone, contactId: caller.contactId, at: now },
      windowStart(now, policy),
    ),
  ]);
  const screening = screenCall({
    blocked: entry !== undefined,
    recentCalls: logged.recentCalls,
    lastFlaggedAt: logged.lastFlaggedAt,
    now,
    policy,
  });
  if (screening.raiseFlag) {
    await deps.callers.flagRepeatCaller({
      phone: caller.phone,
      flaggedAt: now,
      recentCalls: screening.recentCalls,
      contactId: caller.contactId,
    });
  }
  if (screening.blocked) {
    return {
      blocked: true,
      repeatCaller: screening.repeatCaller,
      known: false,
      openComplaints: 0,
      greeting: '',
    };
  }
  const [page, registered] = await Promise.all([
    deps.tickets.list({ phone: caller.phone }, { limit: OPEN_COMPLAINTS_READ }),
    deps.customers.findByPhone(caller.phone),
  ]);
  const latest = page.items[0];
  if (!latest && !registered) {
    return {
      blocked: false,
      repeatCaller: screening.repeatCaller,
      known: false,
      openComplaints: 0,
      greeting: '',
    };
  }
  const open = page.items.filter(isOpen);
  const fullName =
    registered?.name ?? (latest?.customer.name === UNKNOWN_CALLER_NAME ? undefined : latest?.customer.name);
  const name = fullName ? firstNameOf(fullName) : undefined;
  return {
    blocked: false,
    repeatCaller: screening.repeatCaller,
    known: true,
    openComplaints: open.length,
    greeting: knownCallerGreeting(name, open),
  };
}

function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * Who the caller is, for their complaint: the registry customer with this number (name, account, address,
 * e-mail, so later updates can be mailed too), else the name on their latest complaint, else unknown.
 */
async function callerAsCustomer(deps: HotlineDeps, phone: string): Promise<Ticket['customer']> {
  const registered: RegistryCustomer | undefined = await deps.customers.findByPhone(phone);
  if (registered) {
    return {
      name: registered.name,
      phone,
      account: registered.account,
      address: registered.address,
      ...(registered.email ? { email: registered.email } : {}),
    };
  }
  const page = await deps.tickets.list({ phone }, { limit: 1 });
  return { name: page.items[0]?.customer.name ?? UNKNOWN_CALLER_NAME, phone };
}

async function fileByPhone(
  deps: HotlineDeps,
  caller: CallerOnLine,
  input: { category: string; severity: Severity; description: string; kind: 'complaint' | 'emergency' },
): Promise<Ticket> {
  const request = {
    severity: input.severity,
    channel: 'phone' as const,
    category: input.category,
    description: input.description,
    customer: await callerAsCustomer(deps, caller.phone),
    ...(caller.repeatCaller ? { repeatCaller: true } : {}),
  };
  // One ticket per call and purpose, however often Connect or the caller retries the step.
  const idempotency = {
    key: `phone-${input.kind}:${caller.contactId}`,
    fingerprint: fingerprint({ category: input.category, severity: input.severity }),
  };
  const { ticket } = await registerComplaint(deps, HOTLINE_ACTOR, request, idempotency);
  return ticket;
}

export interface FiledByPhone {
  readonly ticketNumber: string;
  /** Said to the caller: the number digit by digit, twice, and when we will be in touch. */
  readonly message: string;
}

export async function fileComplaintByPhone(
  deps: HotlineDeps,
  caller: CallerOnLine,
  input: { category: string; severity: string },
): Promise<FiledByPhone> {
  const category = PHONE_CATEGORY_CHOICES.find((c) => c.value === input.category)?.value;
  if (!category)
    throw new InvalidInputError(`Category ${input.category} is not offered by phone`, 'category');
  const severity = PHONE_SEVERITY_CHOICES.find((c) => c.value === input.severity)?.value;
  if (!severity)
    throw new InvalidInputError(`Severity ${input.severity} is not offered by phone`, 'severity');
  const ticket = await fileByPhone(deps, caller, {
    category,
    severity,
    description: `Complaint filed on the hotline by keypad: ${category.replace(/_/g, ' ')}.`,
    kind: 'complaint',
  });
  const minutes = deps.config.deadlinePolicy.severities[ticket.severity].firstContactMinutes;
  return { ticketNumber: ticket.number, message: filedMessage(ticket.number, minutes) };
}

export async function reportEmergencyByPhone(deps: HotlineDeps, caller: CallerOnLine): Promise<FiledByPhone> {
  const ticket = await fileByPhone(deps, caller, {
    category: deps.config.categories.includes(EMERGENCY_CATEGORY)
      ? EMERGENCY_CATEGORY
      : (deps.config.categories[0] ?? EMERGENCY_CATEGORY),
    severity: EMERGENCY_SEVERITY,
    description: 'Emergency reported on the hotline; the emergency desk takes the details on the call.',
    kind: 'emergency',
  });
  return { ticketNumber: ticket.number, message: emergencyFiledMessage(ticket.number) };
}

export type StatusByPhone =
  | { readonly outcome: 'found'; readonly message: string }
  | {
      readonly outcome: 'no_number' | 'bad_check_digit' | 'not_found' | 'ask_digits' | 'locked';
      readonly message: string;
    };

/** Asked before anything is said about a complaint the caller's own number is not on. */
export const ASK_PHONE_DIGITS =
  'For your protection, please type the last four digits of the phone number on the complaint, then press the hash key.';

/** The caller's number is on the complaint, or on the registry record of the complaint's customer. */
async function callerOwns(deps: HotlineDeps, ticket: Ticket, phone: string): Promise<boolean> {
  if (ticket.customer.phone === phone) return true;
  if (!ticket.customer.account) return false;
  return (await deps.customers.findByPhone(phone))?.account === ticket.customer.account;
}

/**
 * Status of a complaint by the number typed on the keypad. Only the status is said, nothing personal, so
 * a caller without a contact record can ask too (self-service status query); but like the web lookup it
 * asks for the last four digits of the complaint's phone number unless the call comes from that customer,
 * and wrong digits are counted per complaint (a locked complaint cannot be looked up for a while).
 */
export async function complaintStatusByPhone(
  deps: HotlineDeps,
  caller: CallerOnLine,
  typed: string,
  typedDigits?: string,
): Promise<StatusByPhone> {
  const digits = typed.replace(/\D/g, '');
  if (digits.length === 0 || typed === 'Timeout') {
    return { outcome: 'no_number', message: 'We did not receive a complaint number.' };
  }
  if (!isValidTicketNumber(digits)) {
    return {
      outcome: 'bad_check_digit',
      message: `The number ${digitByDigit(digits)} is not a valid complaint number. Please check it; the last digit is a check digit.`,
    };
  }
  const ticket = await deps.tickets.get(digits);
  if (ticket && (await callerOwns(deps, ticket, caller.phone))) {
    return { outcome: 'found', message: statusSentence(ticket.number, ticket.status) };
  }
  const given = typedDigits === undefined || typedDigits === 'Timeout' ? '' : typedDigits.replace(/\D/g, '');
  // Asked whether or not the complaint exists: the question reveals nothing.
  if (given.length === 0) return { outcome: 'ask_digits', message: ASK_PHONE_DIGITS };
  const notFound = {
    outcome: 'not_found',
    message: `We have no complaint with the number ${digitByDigit(digits)} and those phone digits.`,
  } as const;
  if (!ticket) return notFound;
  try {
    if (!(await checkStatusDigits(deps, ticket, given))) return notFound;
  } catch (error) {
    if (!(error instanceof TooManyAttemptsError)) throw error;
    return {
      outcome: 'locked',
      message:
        'We cannot look up that complaint now, after too many wrong phone digits. Please try again later, or press 4 at the menu for an agent.',
    };
  }
  return { outcome: 'found', message: statusSentence(ticket.number, ticket.status) };
}
