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
import { InvalidInputError } from '#shared/domain/errors';
import type { Severity } from '#shared/domain/severity';
import { type Actor, isOpen, type Ticket } from '#shared/domain/ticket';
import { isValidTicketNumber } from '#shared/domain/ticket-number';
import type { CallerRegistry } from '#shared/ports/caller-registry';
import type { Clock } from '#shared/ports/clock';
import type { TicketStore } from '#shared/ports/ticket-store';
import { registerComplaint } from './complaints';

export interface HotlineDeps {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly tickets: TicketStore;
  readonly callers: CallerRegistry;
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
  const page = await deps.tickets.list({ phone: caller.phone }, { limit: OPEN_COMPLAINTS_READ });
  const latest = page.items[0];
  if (!latest) {
    return {
      blocked: false,
      repeatCaller: screening.repeatCaller,
      known: false,
      openComplaints: 0,
      greeting: '',
    };
  }
  const open = page.items.filter(isOpen);
  const name = latest.customer.name === UNKNOWN_CALLER_NAME ? undefined : firstNameOf(latest.customer.name);
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

/** The caller's name from their latest complaint, if we have one. */
async function knownName(deps: HotlineDeps, phone: string): Promise<string> {
  const page = await deps.tickets.list({ phone }, { limit: 1 });
  return page.items[0]?.customer.name ?? UNKNOWN_CALLER_NAME;
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
    customer: { name: await knownName(deps, caller.phone), phone: caller.phone },
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
  | { readonly outcome: 'no_number' | 'bad_check_digit' | 'not_found'; readonly message: string };

/**
 * Status of a complaint by the number typed on the keypad. Only the status is said, nothing
 * personal, so a caller without a contact record can ask too (self-service status query).
 */
export async function complaintStatusByPhone(deps: HotlineDeps, typed: string): Promise<StatusByPhone> {
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
  if (!ticket) {
    return { outcome: 'not_found', message: `We have no complaint with the number ${digitByDigit(digits)}.` };
  }
  return { outcome: 'found', message: statusSentence(ticket.number, ticket.status) };
}
