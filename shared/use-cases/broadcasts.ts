import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Dependencies } from '#shared/adapters/dependencies';
import { emitDeskMetric } from '#shared/adapters/desk-metrics';
import {
  applyBroadcastAction,
  type Broadcast,
  type BroadcastAction,
  broadcastReportCsv,
  cancelRecipient,
  confirmInbound,
  countRecipients,
  draftBroadcast,
  finalRecipientStates,
  finishUnconfirmed,
  type NewBroadcast,
  type Recipient,
  type RecipientAttempt,
  recipientJobId,
  recipientsFor,
  recordAttempt,
} from '#shared/domain/broadcast';
import {
  type CallJob,
  cancelCallJob,
  fallbackSent,
  isFinalCallJob,
  newCallJob,
} from '#shared/domain/call-job';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TransitionNotAllowedError,
} from '#shared/domain/errors';
import { type Actor, hasRole } from '#shared/domain/ticket';
import type { BroadcastView } from '#shared/ports/broadcast-store';
import type { Mail } from '#shared/ports/mailer';
import type { Page } from '#shared/ports/ticket-store';
import { wakeDialer } from './dialer';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

/** Catalog id of the function that continues a large broadcast's fan-out in the background. */
export const BROADCAST_WORKER_FUNCTION_ID = 'BroadcastWorker';
/** Recipients turned into call jobs per step of the fan-out. */
const FAN_OUT_CHUNK = 250;

const username = (actor: Actor) => (actor.kind === 'staff' ? actor.username : 'system');

function requireSupervisor(actor: Actor, what: string): void {
  if (!hasRole(actor, 'supervisor')) throw new ForbiddenError(`Only a supervisor or above may ${what}`);
}

/** Short, time-ordered, keypad- and URL-safe ids without a hyphen (recipient job ids are built from them). */
function newBroadcastId(now: Date): string {
  return `${now.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
}

async function requireBroadcast(deps: Dependencies, id: string): Promise<BroadcastView> {
  const broadcast = await deps.broadcasts.get(id);
  if (!broadcast) throw new NotFoundError(`No broadcast ${id}`, 'id');
  return broadcast;
}

export async function createBroadcast(
  deps: Dependencies,
  actor: Actor,
  input: NewBroadcast,
): Promise<Broadcast> {
  requireSupervisor(actor, 'record an incident');
  const now = deps.clock.now();
  const broadcast = draftBroadcast(newBroadcastId(now), input, username(actor), now.toISOString());
  await deps.broadcasts.create(broadcast);
  return broadcast;
}

export async function getBroadcast(deps: Dependencies, actor: Actor, id: string): Promise<BroadcastView> {
  if (!hasRole(actor, 'agent')) throw new ForbiddenError('Only staff may read broadcasts');
  return requireBroadcast(deps, id);
}

export function listBroadcasts(
  deps: Dependencies,
  actor: Actor,
  page: { limit: number; cursor?: string },
): Promise<Page<BroadcastView>> {
  if (!hasRole(actor, 'agent')) throw new ForbiddenError('Only staff may read broadcasts');
  return deps.broadcasts.list(page);
}

/** Who the broadcast would reach before anything is sent: the count, and those only field staff can reach. */
export async function previewRecipients(
  deps: Dependencies,
  actor: Actor,
  id: string,
): Promise<{ customers: number; toCall: number; emailOnly: number; noContact: number }> {
  requireSupervisor(actor, 'preview a broadcast');
  const broadcast = await requireBroadcast(deps, id);
  const recipients = recipientsFor(id, await deps.customers.select(broadcast.selection), broadcast.createdAt);
  return {
    customers: recipients.length,
    toCall: recipients.filter((r) => r.phone).length,
    emailOnly: recipients.filter((r) => !r.phone && r.state !== 'no_contact').length,
    noContact: recipients.filter((r) => r.state === 'no_contact').length,
  };
}

async function transition(
  deps: Dependencies,
  id: string,
  action: BroadcastAction,
  by: string,
  counts?: { recipientCount: number; noContactCount: number },
): Promise<Broadcast> {
  for (let tries = 0; tries < 3; tries++) {
    const current = await requireBroadcast(deps, id);
    const { counts: _live, ...broadcast } = current;
    const next = applyBroadcastAction(broadcast, action, by, deps.clock.now().toISOString(), counts);
    if (await deps.broadcasts.save(next, broadcast.version)) return next;
  }
  throw new ConflictError(`Broadcast ${id} kept changing; try again`);
}

/**
 * Send: select the recipients, list those without contact apart, and give every reachable one an
 * emergency call job. A second click (or a retried request) creates nothing twice.
 */
export async function sendBroadcast(
  deps: Dependencies,
  actor: Actor,
  id: string,
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<BroadcastView> {
  requireSupervisor(actor, 'send a broadcast');
  const current = await requireBroadcast(deps, id);
  if (current.state === 'draft') {
    const customers = await deps.customers.select(current.selection);
    const recipients = recipientsFor(id, customers, deps.clock.now().toISOString());
    await transition(deps, id, 'send', username(actor), {
      recipientCount: recipients.length,
      noContactCount: recipients.filter((r) => r.state === 'no_contact').length,
    });
  } else if (current.state !== 'sending' && current.state !== 'paused') {
    return current;
  }
  await fanOut(deps, id, remainingMs);
  return requireBroadcast(deps, id);
}

/**
 * Writes missing recipients and their call jobs in chunks, waking the dialer after the first chunk so the
 * first call starts at once. When time runs short the rest continues in the background worker.
 */
export async function fanOut(
  deps: Dependencies,
  id: string,
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<'done' | 'continues'> {
  const broadcast = await requireBroadcast(deps, id);
  if (broadcast.state !== 'sending' && broadcast.state !== 'paused') return 'done';
  const customers = await deps.customers.select(broadcast.selection);
  const now = deps.clock.now().toISOString();
  const recipients = recipientsFor(id, customers, now);
  let woken = false;
  for (let i = 0; i < recipients.length; i += FAN_OUT_CHUNK) {
    if (remainingMs() < 8000) {
      await deps.timer.setTimer(`broadcast-${id}-fanout-${i}`, deps.clock.now().toISOString(), {
        functionId: BROADCAST_WORKER_FUNCTION_ID,
        input: { kind: 'broadcastFanOut', broadcastId: id },
      });
      return 'continues';
    }
    const chunk = recipients.slice(i, i + FAN_OUT_CHUNK);
    await deps.broadcasts.addRecipients(chunk);
    await Promise.all(chunk.map((r) => ensureDelivery(deps, broadcast, r)));
    if (!woken && broadcast.state === 'sending') {
      await wakeDialer(deps, deps.clock.now().toISOString());
      woken = true;
    }
  }
  await completeIfDone(deps, id);
  return 'done';
}

function broadcastJob(deps: Dependencies, broadcast: Broadcast, recipient: Recipient, now: string): CallJob {
  const job = newCallJob(
    {
      id: recipientJobId(broadcast.id, recipient.account),
      kind: 'broadcast',
      priority: 'emergency',
      phone: recipient.phone as string,
      ...(recipient.email ? { email: recipient.email } : {}),
      timeZone: deps.config.dialer.customerTimeZone,
      dueAt: now,
      respectsCallingHours: false,
      requestedBy: broadcast.sentBy ?? broadcast.createdBy,
      attributes: { broadcastId: broadcast.id, account: recipient.account, message: broadcast.message },
    },
    now,
    deps.config.dialer.policy,
  );
  // A paused broadcast's jobs wait until it resumes.
  return broadcast.state === 'paused' ? { ...job, nextAttemptAt: PAUSED_UNTIL } : job;
}

/** A pending job of a paused broadcast waits here; resuming brings it back to now. */
const PAUSED_UNTIL = '9999-12-31T00:00:00.000Z';

async function ensureDelivery(deps: Dependencies, broadcast: Broadcast, recipient: Recipient): Promise<void> {
  const now = deps.clock.now().toISOString();
  if (recipient.phone) {
    const { job } = await deps.callJobs.create(broadcastJob(deps, broadcast, recipient, now));
    // Calls are over but the fallback e-mail failed earlier (SES down): send it now.
    if (job.state === 'not_reached' && job.fallback && !job.fallback.sentAt)
      await sendOwedFallback(deps, broadcast, job);
    return;
  }
  // Reachable by e-mail only: the e-mail is the delivery.
  if (recipient.email && recipient.state !== 'no_contact') {
    const stored = await deps.broadcasts.recipient(broadcast.id, recipient.account);
    if (!stored || stored.emailedAt || stored.state !== 'calling') return;
    try {
      await deps.mailer.send({
        to: recipient.email,
        subject: broadcast.emailSubject,
        text: broadcast.emailText,
      });
    } catch (error) {
      // SES refused or is down: the recipient stays open and the fan-out runs again in a minute.
      emitDeskMetric('BroadcastFailures', deps.clock.now(), { broadcastId: broadcast.id, step: 'email' });
      logger.warn('Broadcast e-mail not sent; retrying', {
        broadcastId: broadcast.id,
        errorName: (error as Error)?.name,
      });
      await retryFanOutLater(deps, broadcast.id);
      return;
    }
    await updateRecipient(deps, broadcast.id, recipient.account, (r) => finishUnconfirmed(r, now, true));
  }
}

async function completeIfDone(deps: Dependencies, id: string): Promise<void> {
  const broadcast = await requireBroadcast(deps, id);
  if (broadcast.state !== 'sending') return;
  // The live counters move with every recipient change, so "nobody left" is one read, not a scan.
  const counted = Object.values(broadcast.counts).reduce((sum, n) => sum + (n ?? 0), 0);
  if (counted < (broadcast.recipientCount ?? 0) || (broadcast.counts.calling ?? 0) > 0) return;
  await transition(deps, id, 'complete', 'system').catch((error: unknown) => {
    // Another call's end completed it a moment earlier.
    if (error instanceof TransitionNotAllowedError) return;
    logger.warn('Broadcast not marked complete', { broadcastId: id, errorName: (error as Error)?.name });
  });
}

/** Pause holds every waiting call; resume brings them back. Calls ringing now finish. */
export async function pauseBroadcast(deps: Dependencies, actor: Actor, id: string): Promise<BroadcastView> {
  requireSupervisor(actor, 'pause a broadcast');
  await transition(deps, id, 'pause', username(actor));
  await moveWaitingJobs(deps, id, PAUSED_UNTIL);
  return requireBroadcast(deps, id);
}

export async function resumeBroadcast(deps: Dependencies, actor: Actor, id: string): Promise<BroadcastView> {
  requireSupervisor(actor, 'resume a broadcast');
  await transition(deps, id, 'resume', username(actor));
  const now = deps.clock.now().toISOString();
  await moveWaitingJobs(deps, id, now);
  await wakeDialer(deps, now);
  return requireBroadcast(deps, id);
}

async function moveWaitingJobs(deps: Dependencies, id: string, nextAttemptAt: string): Promise<void> {
  const recipients = (await deps.broadcasts.allRecipients(id)).filter(
    (r) => r.state === 'calling' && r.callJobId,
  );
  await Promise.all(
    recipients.map(async (r) => {
      for (let tries = 0; tries < 3; tries++) {
        const job = await deps.callJobs.get(r.callJobId as string);
        if (job?.state !== 'pending') return;
        const moved = {
          ...job,
          nextAttemptAt,
          updatedAt: deps.clock.now().toISOString(),
          version: job.version + 1,
        };
        if (await deps.callJobs.save(moved, job.version)) return;
      }
    }),
  );
}

/** Cancel stops every further call at once; calls ringing now are not retried. */
export async function cancelBroadcast(deps: Dependencies, actor: Actor, id: string): Promise<BroadcastView> {
  requireSupervisor(actor, 'cancel a broadcast');
  await transition(deps, id, 'cancel', username(actor));
  const now = deps.clock.now().toISOString();
  const recipients = await deps.broadcasts.allRecipients(id);
  await Promise.all(
    recipients
      .filter((r) => !finalRecipientStates.includes(r.state))
      .map(async (r) => {
        if (r.callJobId) await cancelJobIfWaiting(deps, r.callJobId);
        await updateRecipient(deps, id, r.account, (current) => cancelRecipient(current, now));
      }),
  );
  return requireBroadcast(deps, id);
}

async function cancelJobIfWaiting(deps: Dependencies, jobId: string): Promise<void> {
  for (let tries = 0; tries < 3; tries++) {
    const job = await deps.callJobs.get(jobId);
    if (!job || isFinalCallJob(job) || job.state === 'dialing') return;
    if (await deps.callJobs.save(cancelCallJob(job, deps.clock.now().toISOString()), job.version)) return;
  }
}

async function updateRecipient(
  deps: Dependencies,
  broadcastId: string,
  account: string,
  change: (current: Recipient) => Recipient,
): Promise<Recipient | undefined> {
  for (let tries = 0; tries < 5; tries++) {
    const current = await deps.broadcasts.recipient(broadcastId, account);
    if (!current) return undefined;
    const next = change(current);
    if (next === current) return current;
    if (await deps.broadcasts.updateRecipient(current, next)) return next;
  }
  throw new ConflictError(`Recipient ${account} of broadcast ${broadcastId} kept changing`);
}

const attemptResult = (outcome: string | undefined): RecipientAttempt['result'] => {
  switch (outcome) {
    case 'reached':
      return 'confirmed';
    case 'hung_up':
    case 'wrong_person':
      return 'answered';
    case 'busy':
      return 'busy';
    case 'no_answer':
      return 'no_answer';
    default:
      return 'failed';
  }
};

/** The customer pressed 1 on our call: recorded at once, with the time. */
export async function confirmFromCall(
  deps: Dependencies,
  input: { broadcastId: string; account: string; attempt: number },
): Promise<Recipient | undefined> {
  const at = deps.clock.now().toISOString();
  return updateRecipient(deps, input.broadcastId, input.account, (r) =>
    recordAttempt(r, { n: input.attempt, at, result: 'confirmed' }),
  );
}

/** The caller confirmed the notice on the hotline: recorded as inbound; their waiting call is cancelled. */
export async function confirmFromInboundCall(
  deps: Dependencies,
  input: { broadcastId: string; account: string },
): Promise<Recipient | undefined> {
  const at = deps.clock.now().toISOString();
  const recipient = await updateRecipient(deps, input.broadcastId, input.account, (r) =>
    confirmInbound(r, at),
  );
  if (recipient?.callJobId) await cancelJobIfWaiting(deps, recipient.callJobId);
  return recipient;
}

/**
 * The dialer finished a broadcast job (confirmed, or attempts and e-mail done): the recipient gets its final
 * state with every attempt, and the broadcast completes when nobody is left.
 */
export async function broadcastJobEnded(deps: Dependencies, job: CallJob): Promise<void> {
  const broadcastId = job.attributes?.broadcastId;
  const account = job.attributes?.account;
  if (!broadcastId || !account) return;
  const at = job.finishedAt ?? deps.clock.now().toISOString();
  await updateRecipient(deps, broadcastId, account, (r) => {
    let next = r;
    for (const a of job.attempts)
      next = recordAttempt(next, { n: a.n, at: a.endedAt ?? a.claimedAt, result: attemptResult(a.outcome) });
    if (job.state === 'cancelled') return cancelRecipient(next, at);
    if (job.state === 'reached') return next;
    // The fallback e-mail is owed but SES failed: the recipient stays open until it is sent.
    if (job.fallback && !job.fallback.sentAt) return next;
    return finishUnconfirmed(next, at, Boolean(job.fallback?.sentAt));
  });
  if (job.fallback && !job.fallback.sentAt) await retryFanOutLater(deps, broadcastId);
  await completeIfDone(deps, broadcastId);
}

async function retryFanOutLater(deps: Dependencies, broadcastId: string): Promise<void> {
  const at = new Date(deps.clock.now().getTime() + 60_000);
  await deps.timer.setTimer(
    `broadcast-${broadcastId}-retry-${Math.floor(at.getTime() / 60_000)}`,
    at.toISOString(),
    {
      functionId: BROADCAST_WORKER_FUNCTION_ID,
      input: { kind: 'broadcastFanOut', broadcastId },
    },
  );
}

/** Sends a broadcast job's owed fallback e-mail, marks it sent on the job and finishes the recipient. */
async function sendOwedFallback(deps: Dependencies, broadcast: Broadcast, job: CallJob): Promise<void> {
  if (!job.email) return;
  try {
    await deps.mailer.send({ to: job.email, subject: broadcast.emailSubject, text: broadcast.emailText });
  } catch (error) {
    emitDeskMetric('BroadcastFailures', deps.clock.now(), {
      broadcastId: broadcast.id,
      step: 'fallback-email',
    });
    logger.warn('Broadcast fallback e-mail not sent; retrying', {
      jobId: job.id,
      errorName: (error as Error)?.name,
    });
    await retryFanOutLater(deps, broadcast.id);
    return;
  }
  const now = deps.clock.now().toISOString();
  const sent = fallbackSent(job, now);
  await deps.callJobs.save(sent, job.version);
  await broadcastJobEnded(deps, sent);
}

/** The e-mail for a recipient the calls did not get a confirmation from: the incident's own text. */
export async function broadcastFallbackMail(
  deps: Dependencies,
  job: CallJob,
  to: string,
): Promise<Mail | undefined> {
  const broadcastId = job.attributes?.broadcastId;
  const broadcast = broadcastId ? await deps.broadcasts.get(broadcastId) : undefined;
  if (!broadcast || broadcast.state === 'cancelled') return undefined;
  return { to, subject: broadcast.emailSubject, text: broadcast.emailText };
}

/** A broadcast job's attempt ended and a retry is due: stop here if the broadcast was cancelled meanwhile. */
export async function broadcastRetryDue(deps: Dependencies, job: CallJob): Promise<void> {
  const broadcastId = job.attributes?.broadcastId;
  if (!broadcastId) return;
  const broadcast = await deps.broadcasts.get(broadcastId);
  if (broadcast?.state === 'cancelled') await cancelJobIfWaiting(deps, job.id);
  else if (broadcast?.state === 'paused') await moveWaitingJobs(deps, broadcastId, PAUSED_UNTIL);
}

export async function broadcastReport(
  deps: Dependencies,
  actor: Actor,
  id: string,
): Promise<{
  broadcast: BroadcastView;
  counts: ReturnType<typeof countRecipients>;
  recipients: Recipient[];
}> {
  requireSupervisor(actor, 'read a broadcast report');
  const broadcast = await requireBroadcast(deps, id);
  const recipients = await deps.broadcasts.allRecipients(id);
  return { broadcast, counts: countRecipients(recipients), recipients };
}

export { broadcastReportCsv };
