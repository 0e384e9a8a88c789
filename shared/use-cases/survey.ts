import { type CallJob, cancelCallJob, newCallJob } from '#shared/domain/call-job';
import { asTicketEvents, type DeskEvent } from '#shared/domain/deadline-schedules';
import { ConflictError, NotFoundError } from '#shared/domain/errors';
import {
  parseRating,
  signSurveyToken,
  surveyJobId,
  surveyOutcome,
  verifySurveyToken,
} from '#shared/domain/survey';
import { surveyWindowEnd, surveyWindowEnded } from '#shared/domain/survey-window';
import { applyAction, type Ticket } from '#shared/domain/ticket';
import type { Dependencies } from '#shared/ports/dependencies';
import type { Mail } from '#shared/ports/mailer';
import { changeTicketAsSystem } from './deadlines';
import { enqueueCallJob, recordCallAnswer } from './dialer';

const SURVEY_ACTOR = { kind: 'system', username: 'system:survey' } as const;

/** On resolution: the satisfaction call of this resolution (queueing it twice is harmless). */
export async function queueSurvey(deps: Dependencies, ticket: Ticket): Promise<CallJob> {
  const now = deps.clock.now().toISOString();
  const job = await enqueueCallJob(
    deps,
    newCallJob(
      {
        id: surveyJobId(ticket),
        kind: 'survey',
        phone: ticket.customer.phone,
        ...(ticket.customer.email ? { email: ticket.customer.email } : {}),
        customerName: ticket.customer.name,
        ticketId: ticket.id,
        timeZone: deps.config.dialer.customerTimeZone,
        dueAt: now,
        requestedBy: SURVEY_ACTOR.username,
      },
      now,
      deps.config.dialer.policy,
    ),
  );
  await appendDeskEvent(deps, {
    ticketId: ticket.id,
    type: 'survey_queued',
    at: now,
    actor: SURVEY_ACTOR.username,
    version: ticket.version,
    data: { jobId: job.id, dueAt: job.nextAttemptAt },
  }).catch(() => undefined);
  return job;
}

async function appendDeskEvent(deps: Dependencies, event: DeskEvent): Promise<void> {
  const [stored] = asTicketEvents([event]);
  if (stored) await deps.tickets.appendEvent(stored);
}

export type RatingEffect = 'reopened' | 'closed' | 'stale';

/**
 * A rating from the phone or the link: 1-2 reopens the complaint and escalates it to the manager,
 * 3-5 closes it. Only a complaint still resolved changes, so a repeated answer has one effect.
 */
export async function applySurveyRating(
  deps: Dependencies,
  ticketId: string,
  rating: number,
  via: 'phone' | 'link',
): Promise<RatingEffect> {
  let effect = 'stale' as RatingEffect;
  const changed = await changeTicketAsSystem(deps, ticketId, (ticket, now) => {
    const outcome = surveyOutcome(ticket, rating, now, SURVEY_ACTOR.username);
    const answered = (version: number): DeskEvent => ({
      ticketId,
      type: 'survey_answered',
      at: now,
      actor: SURVEY_ACTOR.username,
      version,
      data: { rating, via },
    });
    if (outcome.kind === 'stale') return undefined;
    if (outcome.kind === 'close') {
      effect = 'closed';
      return { ticket: outcome.ticket, events: [answered(outcome.ticket.version), outcome.event] };
    }
    effect = 'reopened';
    const reopened = applyAction(
      ticket,
      { type: 'reopen', reason: `Satisfaction survey rating ${rating}` },
      { actor: SURVEY_ACTOR, now, policy: deps.config.deadlinePolicy },
    );
    const escalated: DeskEvent = {
      ticketId,
      type: 'escalated',
      at: now,
      actor: SURVEY_ACTOR.username,
      version: reopened.ticket.version,
      data: { to: 'manager', reason: 'low satisfaction rating', rating },
    };
    return {
      ticket: reopened.ticket,
      events: [answered(reopened.ticket.version), reopened.event, escalated],
    };
  });
  // The manager's mail, the new deadlines' timers and the retention timer follow the saved events.
  return changed ? effect : 'stale';
}

/** Reaction to a low rating's escalation: the manager is e-mailed to review the reopened complaint. */
export async function mailLowRating(deps: Dependencies, ticket: Ticket, rating: number): Promise<void> {
  await deps.mailer.send({
    to: deps.config.deadlines.managerEmail,
    subject: `Complaint ${ticket.number} reopened: satisfaction rating ${rating}`,
    text:
      `The customer rated the handling of complaint ${ticket.number} ${rating} of 5. ` +
      'The complaint is reopened for your review.',
  });
}

/** The outbound survey flow's answer: the keypad rating of one attempt. */
export async function recordSurveyAnswer(
  deps: Dependencies,
  input: { jobId: string; attempt: number; digits: string },
): Promise<RatingEffect> {
  const rating = parseRating(input.digits);
  const job = await recordCallAnswer(deps, {
    jobId: input.jobId,
    attempt: input.attempt,
    reached: true,
    data: { rating: String(rating), via: 'phone' },
  });
  if (!job.ticketId) return 'stale';
  return applySurveyRating(deps, job.ticketId, rating, 'phone');
}

/** Why a complaint is closed when its survey window ends without an answer. */
export const SURVEY_WINDOW_CLOSE_REASON = 'The satisfaction survey was not answered before its window ended';

/** The complaint closes because its survey window ended unanswered. */
function closeUnanswered(deps: Dependencies, ticket: Ticket, now: string) {
  return applyAction(
    ticket,
    { type: 'close', reason: SURVEY_WINDOW_CLOSE_REASON },
    { actor: SURVEY_ACTOR, now, policy: deps.config.deadlinePolicy },
  );
}

/**
 * A survey job that ended without a rating (nobody reached, or nobody pressed a key): recorded on the
 * complaint. Its window stays open until the e-mailed link expires (a timer then closes the complaint);
 * with no link mailed, the window is over now and the complaint closes at once.
 */
export async function surveyEnded(deps: Dependencies, job: CallJob): Promise<void> {
  if (!job.ticketId || job.state === 'cancelled' || job.result?.rating) return;
  if (job.state !== 'not_reached' && job.state !== 'reached') return;
  const emailed = job.fallback?.channel === 'email' && job.fallback.sentAt !== undefined;
  await changeTicketAsSystem(deps, job.ticketId, (ticket, now) => {
    // Only the survey of the current resolution, of a complaint still waiting for it.
    if (ticket.status !== 'resolved' || surveyJobId(ticket) !== job.id || ticket.surveyWindowEndsAt) {
      return undefined;
    }
    const windowEndsAt = surveyWindowEnd(
      emailed ? job.fallback?.sentAt : undefined,
      now,
      deps.config.deadlines.surveyLinkDays,
    );
    const version = ticket.version + 1;
    const notReached: DeskEvent = {
      ticketId: ticket.id,
      type: 'survey_not_reached',
      at: now,
      actor: SURVEY_ACTOR.username,
      version,
      data: { jobId: job.id, attempts: job.attempt, emailed, windowEndsAt, callState: job.state },
    };
    const waiting: Ticket = { ...ticket, version, updatedAt: now, surveyWindowEndsAt: windowEndsAt };
    if (windowEndsAt > now) return { ticket: waiting, events: [notReached] };
    const closed = closeUnanswered(deps, waiting, now);
    return { ticket: { ...closed.ticket, version }, events: [notReached, { ...closed.event, version }] };
  });
}

/** A complaint closed by staff no longer asks for a rating: its survey call, if still waiting, is cancelled. */
export async function cancelPendingSurvey(deps: Dependencies, ticket: Ticket): Promise<void> {
  const job = await deps.callJobs.get(surveyJobId(ticket));
  if (job?.state !== 'pending') return;
  await deps.callJobs.save(cancelCallJob(job, deps.clock.now().toISOString()), job.version);
}

/** Target of the survey window's timer: a complaint still resolved and unrated is closed. */
export async function runSurveyWindowEnd(
  deps: Dependencies,
  input: { ticketId: string; due: string },
): Promise<'closed' | 'stale'> {
  const changed = await changeTicketAsSystem(deps, input.ticketId, (ticket, now) => {
    if (!surveyWindowEnded(ticket, input.due, now)) return undefined;
    return closeUnanswered(deps, ticket, now);
  });
  return changed ? 'closed' : 'stale';
}

/**
 * The key signing and verifying survey links: deployed, the Secrets Manager secret SURVEY_LINK_SECRET_ARN
 * names (read once per instance); locally SURVEY_LINK_SECRET. Never a default when an ARN is configured.
 */
export function surveyLinkSecret(deps: Pick<Dependencies, 'config' | 'secrets'>): Promise<string> {
  const { surveyLinkSecretArn, surveyLinkSecret: fromEnv } = deps.config.deadlines;
  if (!surveyLinkSecretArn) return Promise.resolve(fromEnv);
  if (!deps.secrets) {
    return Promise.reject(new Error('SURVEY_LINK_SECRET_ARN is set but no secret store is configured'));
  }
  return deps.secrets.secretString(surveyLinkSecretArn);
}

export async function surveyLink(deps: Dependencies, job: CallJob): Promise<string> {
  const cfg = deps.config.deadlines;
  const exp = Math.floor(deps.clock.now().getTime() / 1000 + cfg.surveyLinkDays * 86400);
  const token = signSurveyToken({ t: job.ticketId ?? '', j: job.id, exp }, await surveyLinkSecret(deps));
  return `${cfg.surveyLinkBaseUrl}/${token}`;
}

export async function surveyFallbackMail(deps: Dependencies, job: CallJob, to: string): Promise<Mail> {
  return {
    to,
    subject: `How did we handle your complaint ${job.ticketId ?? ''}?`.trim(),
    text:
      'We tried to call you to ask how satisfied you are with the handling of your complaint. ' +
      `Please rate it from 1 to 5 here (the link works once): ${await surveyLink(deps, job)}`,
  };
}

/** What the public survey page shows: the complaint's number and category, nothing personal. */
export interface SurveyPageView {
  readonly number: string;
  readonly category: string;
}

const ALREADY_ANSWERED = 'This survey has already been answered. Thank you.';

/** The survey of a genuine, unexpired link that can still be answered; else the typed refusal. */
async function openSurvey(
  deps: Dependencies,
  token: string,
): Promise<{ job: CallJob; ticket: Ticket; claims: { t: string; j: string } }> {
  const claims = verifySurveyToken(
    token,
    await surveyLinkSecret(deps),
    Math.floor(deps.clock.now().getTime() / 1000),
  );
  const job = await deps.callJobs.get(claims.j);
  const ticket = await deps.tickets.get(claims.t);
  if (!job || job.ticketId !== claims.t || !ticket) throw new NotFoundError('This survey no longer exists');
  if (job.result?.rating) throw new ConflictError(ALREADY_ANSWERED);
  // Closed meanwhile (by staff, or the survey window ended) or reopened: the survey no longer asks.
  if (ticket.status !== 'resolved' || surveyJobId(ticket) !== job.id) {
    throw new ConflictError('This survey is closed: the complaint has moved on since the link was sent');
  }
  return { job, ticket, claims };
}

/** The public survey page (`GET /survey/{token}`): which complaint the link asks about. */
export async function surveyByLink(deps: Dependencies, token: string): Promise<SurveyPageView> {
  const { ticket } = await openSurvey(deps, token);
  return { number: ticket.number, category: ticket.category };
}

/** The public survey page: a signed one-time link and a rating. */
export async function answerSurveyByLink(
  deps: Dependencies,
  token: string,
  digits: string,
): Promise<RatingEffect> {
  const rating = parseRating(digits);
  const { job, claims } = await openSurvey(deps, token);
  const answered: CallJob = {
    ...job,
    result: { ...job.result, rating: String(rating), via: 'link' },
    updatedAt: deps.clock.now().toISOString(),
    version: job.version + 1,
  };
  if (!(await deps.callJobs.save(answered, job.version))) {
    throw new ConflictError(ALREADY_ANSWERED);
  }
  return applySurveyRating(deps, claims.t, rating, 'link');
}
