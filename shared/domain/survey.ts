import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DeskEvent } from './deadline-schedules';
import { InvalidInputError } from './errors';
import type { Ticket } from './ticket';

/** The survey job of one resolution: resolving again after a reopen gets a survey of its own. */
export function surveyJobId(ticket: Pick<Ticket, 'id' | 'reopenCount'>): string {
  return `survey-${ticket.id}-${ticket.reopenCount}`;
}

export function parseRating(digits: string): 1 | 2 | 3 | 4 | 5 {
  const n = Number(digits);
  if (!/^[1-5]$/.test(digits)) throw new InvalidInputError('A rating is one key from 1 to 5', 'rating');
  return n as 1 | 2 | 3 | 4 | 5;
}

/** 1 or 2: not satisfied (reopen, escalate to the manager); 3 to 5: satisfied (close). */
export const isLowRating = (rating: number): boolean => rating <= 2;

export type SurveyOutcome =
  | { readonly kind: 'reopen'; readonly rating: number }
  | { readonly kind: 'close'; readonly ticket: Ticket; readonly event: DeskEvent; readonly rating: number }
  /** The complaint is no longer waiting for its survey (answered already, reopened by staff...). */
  | { readonly kind: 'stale' };

/**
 * What a rating does to the complaint. Reopening goes through the lifecycle (applyAction 'reopen');
 * closing is the survey's own transition: resolved -> closed.
 */
export function surveyOutcome(ticket: Ticket, rating: number, now: string, actor: string): SurveyOutcome {
  if (ticket.status !== 'resolved') return { kind: 'stale' };
  if (isLowRating(rating)) return { kind: 'reopen', rating };
  const version = ticket.version + 1;
  return {
    kind: 'close',
    rating,
    ticket: { ...ticket, status: 'closed', version, updatedAt: now },
    event: { ticketId: ticket.id, type: 'closed', at: now, actor, version, data: { rating, via: 'survey' } },
  };
}

// --- one-time survey links ---------------------------------------------------------------------------

export interface SurveyLinkClaims {
  /** ticket id */
  readonly t: string;
  /** survey job id */
  readonly j: string;
  /** expiry, epoch seconds */
  readonly exp: number;
}

const sign = (payload: string, secret: string) =>
  createHmac('sha256', secret).update(payload).digest('base64url');

export function signSurveyToken(claims: SurveyLinkClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** The claims of a genuine, unexpired token; anything else is refused the same way. */
export function verifySurveyToken(token: string, secret: string, nowSeconds: number): SurveyLinkClaims {
  const refuse = () => new InvalidInputError('This survey link is not valid or has expired', 'token');
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw refuse();
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refuse();
  let claims: SurveyLinkClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SurveyLinkClaims;
  } catch {
    throw refuse();
  }
  if (typeof claims.t !== 'string' || typeof claims.j !== 'string' || typeof claims.exp !== 'number') {
    throw refuse();
  }
  if (claims.exp < nowSeconds) throw refuse();
  return claims;
}
