import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { deskMetrics } from '#shared/desk-metric-names';
import {
  accountsOfCall,
  addFollowUp,
  applyBroadcastAction,
  type Broadcast,
  type BroadcastAction,
  broadcastReportCsv,
  cancelRecipient,
  confirmInbound,
  countRecipients,
  defaultDisregardMessage,
  draftBroadcast,
  endFollowUp,
  type FollowUpKind,
  finalRecipientStates,
  finishUnconfirmed,
  followUpChannel,
  followUpJobId,
  type Household,
  householdCallAttributes,
  householdsOf,
  type NewBroadcast,
  needsEmailOnly,
  type Recipient,
  type RecipientAttempt,
  type RecipientPreview,
  type RecipientState,
  recipientsFor,
  recordAttempt,
  requestDisregard,
  type SendCounts,
} from '#shared/domain/broadcast';
import {
  type BroadcastEstimate,
  callProfileOf,
  defaultCallProfile,
  estimateBroadcast,
} from '#shared/domain/broadcast-estimate';
import {
  type BroadcastEvent,
  broadcastSent,
  FAN_OUT_STALLED_MS,
  type FollowUpRequestKind,
  fanOutProgressed,
  followUpProgressed,
  followUpRequested,
} from '#shared/domain/broadcast-events';
import {
  type CallAttempt,
  type CallJob,
  cancelCallJob,
  fallbackOwedTo,
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
import { closeIncident, openIncident } from '#shared/domain/incident';
import { type Actor, hasRole } from '#shared/domain/ticket';
import type { BroadcastView } from '#shared/ports/broadcast-store';
import type { Dependencies } from '#shared/ports/dependencies';
import type { Mail } from '#shared/ports/mailer';
import type { Page } from '#shared/ports/ticket-store';
import { cancelOrStopCallJob, enqueueCallJob, wakeDialer } from './dialer';
import { keyOrderedSlice, type SliceTimeLeft, sliceClock } from './slices';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

/** Catalog id of the function that continues a large broadcast's fan-out in the background. */
export const BROADCAST_WORKER_FUNCTION_ID = 'BroadcastWorker';
/** Recipients turned into call jobs per step of the fan-out. */
const FAN_OUT_CHUNK = 250;
const FIRST_CHUNK = 20;

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
): Promise<RecipientPreview> {
  requireSupervisor(actor, 'preview a broadcast');
  const broadcast = await requireBroadcast(deps, id);
  const recipients = recipientsFor(id, await deps.customers.select(broadcast.selection), broadcast.createdAt);
  return {
    customers: recipients.length,
    toCall: recipients.filter((r) => r.phone).length,
    emailOnly: recipients.filter((r) => !r.phone && r.state !== 'no_contact').length,
    noContact: recipients.filter((r) => r.state === 'no_contact').length,
    estimate: await estimateCalls(deps, recipients),
  };
}

/** Past broadcast calls the estimate learns from: the newest, at most this many. */
const PROFILE_SAMPLE = 300;

/**
 * How long these recipients' calls will take at the configured Connect limits: one call per household with a
 * number, like the newest finished broadcast calls (or a default mix when there are too few of them).
 */
async function estimateCalls(
  deps: Dependencies,
  recipients: readonly Pick<Recipient, 'account' | 'phone' | 'callJobId'>[],
): Promise<BroadcastEstimate> {
  const calls = new Set(recipients.filter((r) => r.phone).map((r) => r.callJobId ?? r.account)).size;
  const { policy, callsPerSecond, concurrentCalls } = deps.config.dialer;
  const past = await deps.callJobs.list({ kind: 'broadcast' }, { limit: PROFILE_SAMPLE });
  return estimateBroadcast({
    calls,
    profile: callProfileOf(past.items) ?? defaultCallProfile(policy.maxAttempts),
    callsPerSecond,
    concurrentCalls,
    rounds: policy.maxAttempts,
    backoffMinutes: policy.backoffMinutes,
  });
}

async function transition(
  deps: Dependencies,
  id: string,
  action: BroadcastAction,
  by: string,
  counts?: SendCounts,
  events: (at: string) => readonly BroadcastEvent[] = () => [],
): Promise<Broadcast> {
  for (let tries = 0; tries < 3; tries++) {
    const current = await requireBroadcast(deps, id);
    const { counts: _live, ...broadcast } = current;
    const at = deps.clock.now().toISOString();
    const next = applyBroadcastAction(broadcast, action, by, at, counts);
    if (await deps.broadcasts.save(next, broadcast.version, events(at))) return next;
  }
  throw new ConflictError(`Broadcast ${id} kept changing; try again`);
}

/**
 * Send: the broadcast is `sending` (its recipients counted, those without contact listed apart) and its
 * `sent` event saved in one transaction; the answer comes then. The incident and the fan-out into call
 * jobs follow as reactions (shared/reactions), resumable wherever they stop. A second click (or a retried
 * request) changes nothing.
 */
export async function sendBroadcast(deps: Dependencies, actor: Actor, id: string): Promise<BroadcastView> {
  requireSupervisor(actor, 'send a broadcast');
  const current = await requireBroadcast(deps, id);
  if (current.state !== 'draft') return current;
  const selected = await deps.customers.select(current.selection);
  const recipients = recipientsFor(id, selected, deps.clock.now().toISOString());
  const by = username(actor);
  const estimate = await estimateCalls(deps, recipients);
  await transition(
    deps,
    id,
    'send',
    by,
    {
      recipientCount: recipients.length,
      noContactCount: recipients.filter((r) => r.state === 'no_contact').length,
      estimatedSeconds: estimate.seconds,
    },
    (at) => [broadcastSent(id, by, at)],
  );
  return requireBroadcast(deps, id);
}

/** A sent broadcast announces an incident (same id): the hotline and the status page tell it from now on. */
export async function ensureIncident(deps: Dependencies, id: string): Promise<void> {
  if (await deps.incidents.get(id)) return;
  const broadcast = await requireBroadcast(deps, id);
  const now = deps.clock.now().toISOString();
  const incident = openIncident(broadcast, now);
  if (await deps.incidents.create(incident)) {
    await deps.incidents.appendEvent({
      incidentId: id,
      type: 'opened',
      at: now,
      actor: incident.openedBy,
      data: { broadcastId: id, selection: incident.selection },
    });
  }
}

/** A cancelled broadcast withdraws its incident: callers no longer hear its notice. */
async function withdrawIncident(deps: Dependencies, id: string, by: string): Promise<void> {
  for (let tries = 0; tries < 3; tries++) {
    const incident = await deps.incidents.get(id);
    if (incident?.state !== 'open') return;
    const now = deps.clock.now().toISOString();
    if (await deps.incidents.save(closeIncident(incident, by, now, 'withdrawn'), incident.version)) {
      await deps.incidents.appendEvent({
        incidentId: id,
        type: 'closed',
        at: now,
        actor: by,
        data: { reason: 'withdrawn' },
      });
      return;
    }
  }
}

/**
 * One slice of a sent broadcast's fan-out: from the stored mark (or `from`, if further), recipients and
 * their call jobs are written chunk by chunk, the mark saved after each, until the slice's time is up; then a
 * `fan_out_progressed` event hands the rest to the next slice. Whatever stops a slice (a crash, a timeout),
 * its retry starts from the mark, and every write is idempotent, so nobody is dropped or written twice.
 */
export async function fanOutSlice(
  deps: Dependencies,
  id: string,
  from: number,
  timeLeft: SliceTimeLeft = sliceClock(),
): Promise<'done' | 'continues'> {
  const broadcast = await requireBroadcast(deps, id);
  if (broadcast.state === 'draft') return 'done';
  const recipients = recipientsFor(
    id,
    await deps.customers.select(broadcast.selection),
    deps.clock.now().toISOString(),
  );
  let next = Math.max(from, (await deps.broadcasts.fanOutMark(id)).next);
  let woken = next > 0;
  while (next < recipients.length) {
    if (timeLeft() <= 0) {
      await deps.broadcasts.appendEvent(fanOutProgressed(id, next, deps.clock.now().toISOString()));
      return 'continues';
    }
    // A small first chunk: the dialer is woken as soon as the first calls can start.
    const end = Math.min(recipients.length, next + (next === 0 ? FIRST_CHUNK : FAN_OUT_CHUNK));
    const chunk = recipients.slice(next, end);
    const state = await writeChunk(deps, id, recipients, next, end);
    next += chunk.length;
    await deps.broadcasts.saveFanOutMark(id, next, deps.clock.now().toISOString());
    if (!woken && state === 'sending') {
      await wakeDialer(deps, deps.clock.now().toISOString());
      woken = true;
    }
  }
  await completeIfDone(deps, id);
  return 'done';
}

/**
 * The sweep's repair: a sent broadcast whose fan-out has not moved for five minutes and is not through
 * (its continuation parked after its retries, say) is started again from its mark. Returns how many.
 */
export async function resumeStalledFanOuts(deps: Dependencies): Promise<number> {
  const now = deps.clock.now();
  let resumed = 0;
  const { items } = await deps.broadcasts.list({ limit: 50 });
  for (const broadcast of items) {
    if (broadcast.state === 'draft' || broadcast.state === 'completed') continue;
    const mark = await deps.broadcasts.fanOutMark(broadcast.id);
    if (mark.next >= (broadcast.recipientCount ?? 0)) continue;
    const since = Date.parse(mark.at ?? broadcast.sentAt ?? broadcast.updatedAt);
    if (now.getTime() - since < FAN_OUT_STALLED_MS) continue;
    await deps.broadcasts.appendEvent(fanOutProgressed(broadcast.id, mark.next, now.toISOString(), true));
    await deps.broadcasts.saveFanOutMark(broadcast.id, mark.next, now.toISOString());
    resumed++;
  }
  return resumed;
}

/**
 * One chunk of recipients (positions from..to of the selection) as the broadcast is now: calls for a sending
 * one, held calls for a paused one, cancelled recipients (on the report, never called) for a cancelled one.
 * A pause or cancel that came while the chunk was written is applied to it at once.
 */
async function writeChunk(
  deps: Dependencies,
  id: string,
  all: readonly Recipient[],
  from: number,
  to: number,
): Promise<Broadcast['state']> {
  const chunk = all.slice(from, to);
  const { counts: _live, ...broadcast } = await requireBroadcast(deps, id);
  const now = deps.clock.now().toISOString();
  if (broadcast.state === 'cancelled' || broadcast.state === 'completed') {
    await deps.broadcasts.addRecipients(chunk.map((r) => cancelRecipient(r, now)));
    return broadcast.state;
  }
  await deps.broadcasts.addRecipients(chunk);
  await deliver(deps, broadcast, all, from, to);
  const after = await requireBroadcast(deps, id);
  if (after.state === broadcast.state) return broadcast.state;
  if (after.state === 'paused') await moveJobs(deps, chunk, PAUSED_UNTIL);
  // A chunk written as the cancel came: its waiting calls and its recipients are cancelled too.
  if (after.state === 'cancelled') await cancelOpenRecipients(deps, id, chunk);
  return after.state;
}

/** The jobs of these recipients still waiting move to `nextAttemptAt` (held by a pause, or brought back). */
async function moveJobs(
  deps: Dependencies,
  recipients: readonly Recipient[],
  nextAttemptAt: string,
): Promise<void> {
  const jobIds = [...new Set(recipients.flatMap((r) => (r.callJobId ? [r.callJobId] : [])))];
  await Promise.all(
    jobIds.map(async (jobId) => {
      for (let tries = 0; tries < 3; tries++) {
        const job = await deps.callJobs.get(jobId);
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

/**
 * Recipients not yet final are cancelled with their calls: waiting calls at once, calls ringing now are
 * stopped (StopContact) and their attempt is not retried. Attempts that already ended stay on the record:
 * they say who was reached before the cancel.
 */
async function cancelOpenRecipients(
  deps: Dependencies,
  id: string,
  recipients: readonly Recipient[],
): Promise<void> {
  const now = deps.clock.now().toISOString();
  const open = recipients.filter((r) => !finalRecipientStates.includes(r.state));
  // A household's members share one job: it is cancelled (or its call stopped) once.
  const jobIds = [...new Set(open.flatMap((r) => (r.callJobId ? [r.callJobId] : [])))];
  const jobs = new Map<string, CallJob | undefined>(
    await Promise.all(jobIds.map(async (jobId) => [jobId, await cancelOrStopCallJob(deps, jobId)] as const)),
  );
  await Promise.all(
    open.map(async (r) => {
      const job = r.callJobId ? jobs.get(r.callJobId) : undefined;
      await updateRecipient(deps, id, r.account, (current) =>
        cancelRecipient(withEndedAttempts(current, job), now),
      );
    }),
  );
}

/**
 * The background worker's retry (e-mail owed after SES refused): every recipient of the broadcast is
 * delivered again where something is still owed; what was done is left as it is.
 */
export async function fanOut(deps: Dependencies, id: string): Promise<'done'> {
  const broadcast = await requireBroadcast(deps, id);
  if (broadcast.state !== 'sending' && broadcast.state !== 'paused') return 'done';
  const { counts: _live, ...plain } = broadcast;
  const now = deps.clock.now().toISOString();
  const recipients = recipientsFor(id, await deps.customers.select(broadcast.selection), now);
  const { next } = await deps.broadcasts.fanOutMark(id);
  // Only those the fan-out has reached: the rest is the fan-out's own, still to come.
  const reached = Math.min(next, recipients.length);
  for (let i = 0; i < reached; i += FAN_OUT_CHUNK) {
    await deliver(deps, plain, recipients, i, Math.min(i + FAN_OUT_CHUNK, reached));
  }
  await completeIfDone(deps, id);
  return 'done';
}

/** The accounts a broadcast job calls for: its household (one account unless they share a number). */
export const jobAccounts = (job: Pick<CallJob, 'attributes'>): readonly string[] =>
  accountsOfCall(job.attributes);

/** One call job per household: each of its numbers once a round, its addresses once each for the e-mail. */
function broadcastJob(deps: Dependencies, broadcast: Broadcast, household: Household, now: string): CallJob {
  const [phone, ...morePhones] = household.phones;
  const [email, ...moreEmails] = household.emails;
  const job = newCallJob(
    {
      id: household.callJobId,
      kind: 'broadcast',
      priority: 'emergency',
      phone: phone as string,
      ...(morePhones.length ? { morePhones } : {}),
      ...(email ? { email } : {}),
      ...(moreEmails.length ? { moreEmails } : {}),
      timeZone: deps.config.dialer.customerTimeZone,
      dueAt: now,
      respectsCallingHours: false,
      requestedBy: broadcast.sentBy ?? broadcast.createdBy,
      attributes: householdCallAttributes(broadcast.id, household, broadcast.message),
    },
    now,
    deps.config.dialer.policy,
  );
  // A paused broadcast's jobs wait until it resumes.
  return broadcast.state === 'paused' ? { ...job, nextAttemptAt: PAUSED_UNTIL } : job;
}

/** A pending job of a paused broadcast waits here; resuming brings it back to now. */
const PAUSED_UNTIL = '9999-12-31T00:00:00.000Z';

/**
 * Delivery for the recipients at positions from..to of the selection: a call job per household whose last
 * member is among them (so every member is written before its call can confirm them; written together), the
 * e-mail for those reachable by e-mail only.
 */
async function deliver(
  deps: Dependencies,
  broadcast: Broadcast,
  all: readonly Recipient[],
  from: number,
  to: number,
): Promise<void> {
  const now = deps.clock.now().toISOString();
  const recipients = all.slice(from, to);
  const households = householdsOf(all).filter((h) => h.lastIndex >= from && h.lastIndex < to);
  const jobs = await deps.callJobs.createMany(households.map((h) => broadcastJob(deps, broadcast, h, now)));
  for (const { created, job } of jobs) {
    // Calls are over but the fallback e-mail failed earlier (SES down): send it now.
    if (!created && job.state === 'not_reached' && job.fallback && !job.fallback.sentAt)
      await sendOwedFallback(deps, broadcast, job);
  }
  await Promise.all(recipients.filter(needsEmailOnly).map((r) => emailOnly(deps, broadcast, r)));
}

/** Reachable by e-mail only: the e-mail is the delivery. */
async function emailOnly(deps: Dependencies, broadcast: Broadcast, recipient: Recipient): Promise<void> {
  const stored = await deps.broadcasts.recipient(broadcast.id, recipient.account);
  if (!stored || stored.emailedAt || stored.state !== 'calling' || !recipient.email) return;
  try {
    await deps.mailer.send({
      to: recipient.email,
      subject: broadcast.emailSubject,
      text: broadcast.emailText,
    });
  } catch (error) {
    // SES refused or is down: the recipient stays open and the fan-out runs again in a minute.
    deps.metrics.count(deskMetrics.broadcastFailures, deps.clock.now(), {
      broadcastId: broadcast.id,
      step: 'email',
    });
    logger.warn('Broadcast e-mail not sent; retrying', {
      broadcastId: broadcast.id,
      errorName: (error as Error)?.name,
    });
    await retryFanOutLater(deps, broadcast.id);
    return;
  }
  const now = deps.clock.now().toISOString();
  await updateRecipient(deps, broadcast.id, recipient.account, (r) => finishUnconfirmed(r, now, true));
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
  const waiting = (await deps.broadcasts.allRecipients(id)).filter((r) => r.state === 'calling');
  await moveJobs(deps, waiting, nextAttemptAt);
}

/**
 * Cancel stops every further call at once; calls ringing now are not retried. With `disregard`, everyone the
 * broadcast already reached (a call answered, or its e-mail) gets a "please disregard" follow-up, recorded
 * per recipient; someone whose call is ringing at the cancel gets it too if they answer.
 */
export async function cancelBroadcast(
  deps: Dependencies,
  actor: Actor,
  id: string,
  options: { disregard?: boolean; message?: string } = {},
): Promise<BroadcastView> {
  requireSupervisor(actor, 'cancel a broadcast');
  const before = await requireBroadcast(deps, id);
  if (before.state !== 'cancelled') await transition(deps, id, 'cancel', username(actor));
  const now = deps.clock.now().toISOString();
  await cancelOpenRecipients(deps, id, await deps.broadcasts.allRecipients(id));
  await withdrawIncident(deps, id, username(actor));
  if (options.disregard) {
    // The request and its follow-up job in one transaction: the follow-ups are the job's slices (reactions).
    for (let tries = 0; tries < 3; tries++) {
      const { counts: _live, ...current } = await requireBroadcast(deps, id);
      const message = options.message ?? defaultDisregardMessage(current);
      const next = requestDisregard(current, message, username(actor), now);
      if (next === current) break;
      const requested = followUpRequested(id, 'disregard', username(actor), now);
      if (await deps.broadcasts.save(next, current.version, [requested])) break;
    }
  }
  return requireBroadcast(deps, id);
}

/**
 * One slice of a broadcast's follow-up (disregard or all clear): the recipients after `after` (account order)
 * owed it get it, until the slice's time is up; then a progress event carries the rest to the next slice.
 * Each recipient's follow-up is queued at most once, so a slice run twice (a crash, a redelivery) adds nothing.
 */
export async function followUpSlice(
  deps: Dependencies,
  broadcastId: string,
  kind: FollowUpRequestKind,
  after?: string,
  timeLeft: SliceTimeLeft = sliceClock(),
): Promise<'done' | 'continues'> {
  const found = await deps.broadcasts.get(broadcastId);
  if (!found) return 'done';
  const { counts: _live, ...broadcast } = found;
  const owed = (await deps.broadcasts.allRecipients(broadcastId)).filter((r) =>
    kind === 'all_clear' ? r.state === 'confirmed' : true,
  );
  return keyOrderedSlice(owed, {
    keyOf: (r) => r.account,
    after,
    timeLeft,
    step: (recipient) => queueFollowUp(deps, broadcast, recipient, kind),
    handOver: (last) =>
      deps.broadcasts.appendEvent(
        followUpProgressed(broadcastId, kind, last, deps.clock.now().toISOString()),
      ),
  });
}

/** The text of a follow-up: the disregard note, or the incident's all clear. */
async function followUpText(
  deps: Dependencies,
  broadcast: Broadcast,
  kind: FollowUpKind,
): Promise<{ message: string; subject: string } | undefined> {
  if (kind === 'disregard') {
    if (!broadcast.disregard) return undefined;
    return { message: broadcast.disregard.message, subject: `Please disregard: ${broadcast.emailSubject}` };
  }
  const incident = await deps.incidents.get(broadcast.id);
  const last = incident?.updates[incident.updates.length - 1];
  if (!last?.allClear) return undefined;
  return { message: last.message, subject: `All clear: ${broadcast.emailSubject}` };
}

/**
 * Queues one follow-up (disregard or all clear) for a recipient the broadcast reached: a call where their
 * call was answered, else an e-mail where they were e-mailed. Once per recipient and kind; a follow-up left
 * half done by a crash (recorded, its mail not sent or its call job not stored) is finished, not skipped.
 */
export async function queueFollowUp(
  deps: Dependencies,
  broadcast: Broadcast,
  recipient: Recipient,
  kind: FollowUpKind,
): Promise<'queued' | 'already' | 'not_reached'> {
  const earlier = recipient.followUps?.find((f) => f.kind === kind);
  if (earlier?.deliveredAt || earlier?.notReachedAt) return 'already';
  if (earlier?.channel === 'call' && earlier.callJobId && (await deps.callJobs.get(earlier.callJobId)))
    return 'already';
  const channel = earlier?.channel ?? followUpChannel(recipient);
  if (!channel) return 'not_reached';
  const text = await followUpText(deps, broadcast, kind);
  if (!text) return 'not_reached';
  const now = deps.clock.now().toISOString();
  if (channel === 'email' && recipient.email) {
    // Recorded first, sent, then marked sent: a crash in between sends it again (at least once), never never.
    const recorded = await updateRecipient(deps, broadcast.id, recipient.account, (r) =>
      addFollowUp(r, { kind, channel, queuedAt: now }),
    );
    if (!recorded || (recorded === recipient && !earlier)) return 'already';
    try {
      await deps.mailer.send({ to: recipient.email, subject: text.subject, text: text.message });
    } catch (error) {
      logger.warn('Broadcast follow-up e-mail not sent', {
        broadcastId: broadcast.id,
        kind,
        errorName: (error as Error)?.name,
      });
      return 'queued';
    }
    await updateRecipient(deps, broadcast.id, recipient.account, (r) => endFollowUp(r, kind, now, true));
    return 'queued';
  }
  // One follow-up call per household, like its broadcast call: named after the household's first member.
  const household = recipient.callJobId ? await deps.callJobs.get(recipient.callJobId) : undefined;
  const members = household ? jobAccounts(household) : [];
  const accounts = members.includes(recipient.account) ? members : [recipient.account];
  const lead = accounts[0] as string;
  const jobId = followUpJobId(broadcast.id, kind, lead);
  const recorded = await updateRecipient(deps, broadcast.id, recipient.account, (r) =>
    addFollowUp(r, { kind, channel: 'call', queuedAt: now, callJobId: jobId }),
  );
  if (!recorded) return 'already';
  const job = newCallJob(
    {
      id: jobId,
      kind: 'broadcast',
      // A correction of an emergency message goes out as fast as the message did; an all clear can wait.
      priority: kind === 'disregard' ? 'emergency' : 'callback',
      phone: recipient.phone as string,
      timeZone: deps.config.dialer.customerTimeZone,
      dueAt: now,
      respectsCallingHours: kind !== 'disregard',
      maxAttempts: 2,
      requestedBy: broadcast.disregard?.requestedBy ?? 'system',
      attributes: {
        ...householdCallAttributes(broadcast.id, { accounts }, text.message),
        followUp: kind,
      },
    },
    now,
    deps.config.dialer.policy,
  );
  const stored = await enqueueCallJob(deps, job);
  // Another member queued the household's call and it has ended already: its outcome is this member's too.
  if (isFinalCallJob(stored)) await followUpEnded(deps, stored);
  return 'queued';
}

/** A follow-up call ended: delivered when answered, else not reached (no e-mail fallback for a follow-up). */
async function followUpEnded(deps: Dependencies, job: CallJob): Promise<void> {
  const kind = job.attributes?.followUp;
  const broadcastId = job.attributes?.broadcastId;
  if ((kind !== 'disregard' && kind !== 'all_clear') || !broadcastId) return;
  const at = job.finishedAt ?? deps.clock.now().toISOString();
  // Every member of the household the call rang for (a member not owed this follow-up is left as it is).
  for (const account of jobAccounts(job))
    await updateRecipient(deps, broadcastId, account, (r) =>
      endFollowUp(r, kind, at, job.state === 'reached'),
    );
}

/** Cancels a job that is not ringing; returns the job as it stands after (undefined if there is none). */
async function cancelJobIfWaiting(deps: Dependencies, jobId: string): Promise<CallJob | undefined> {
  let job: CallJob | undefined;
  for (let tries = 0; tries < 3; tries++) {
    job = await deps.callJobs.get(jobId);
    if (!job || isFinalCallJob(job) || job.state === 'dialing') return job;
    const cancelled = cancelCallJob(job, deps.clock.now().toISOString());
    if (await deps.callJobs.save(cancelled, job.version)) return cancelled;
  }
  return job;
}

/** A call attempt as the recipient's record shows it. */
function recipientAttempt(a: CallAttempt): RecipientAttempt {
  return {
    n: a.n,
    at: a.endedAt ?? a.claimedAt,
    result: attemptResult(a.outcome),
    ...(a.phone ? { phone: a.phone } : {}),
  };
}

/** The recipient with every attempt of their job that has ended (each recorded once). */
function withEndedAttempts(recipient: Recipient, job: CallJob | undefined): Recipient {
  let next = recipient;
  for (const a of job?.attempts ?? []) {
    if (!a.outcome) continue;
    next = recordAttempt(next, recipientAttempt(a));
  }
  return next;
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
    case 'stopped':
      return 'stopped';
    default:
      return 'failed';
  }
};

/**
 * The customer pressed 1 on our call: recorded at once, with the time, for every account behind the number
 * (the household the call rang for). Returns the recipient of `account`.
 */
export async function confirmFromCall(
  deps: Dependencies,
  input: { broadcastId: string; account: string; attempt: number; jobId?: string },
): Promise<Recipient | undefined> {
  const at = deps.clock.now().toISOString();
  const job = input.jobId ? await deps.callJobs.get(input.jobId) : undefined;
  const phone = job?.attempts.find((a) => a.n === input.attempt)?.phone;
  const accounts = job && jobAccounts(job).includes(input.account) ? jobAccounts(job) : [input.account];
  const confirmed = await Promise.all(
    accounts.map((account) =>
      updateRecipient(deps, input.broadcastId, account, (r) =>
        recordAttempt(r, { n: input.attempt, at, result: 'confirmed', ...(phone ? { phone } : {}) }),
      ),
    ),
  );
  return confirmed[accounts.indexOf(input.account)];
}

/** The other members of a recipient's household (those its call job rings for). */
async function householdOf(deps: Dependencies, recipient: Recipient): Promise<readonly string[]> {
  const job = recipient.callJobId ? await deps.callJobs.get(recipient.callJobId) : undefined;
  return job ? jobAccounts(job).filter((a) => a !== recipient.account) : [];
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
  // The household's call rings one number for all of them: the confirmation counts for every member.
  if (recipient?.state === 'confirmed') {
    for (const account of await householdOf(deps, recipient))
      await updateRecipient(deps, input.broadcastId, account, (r) => confirmInbound(r, at));
  }
  if (recipient?.callJobId) await cancelJobIfWaiting(deps, recipient.callJobId);
  // This confirmation may have been the last one the broadcast waited for.
  if (recipient?.state === 'confirmed') await completeIfDone(deps, input.broadcastId);
  return recipient;
}

/**
 * The dialer finished a broadcast job (confirmed, or attempts and e-mail done): the recipient gets its final
 * state with every attempt, and the broadcast completes when nobody is left.
 */
export async function broadcastJobEnded(deps: Dependencies, job: CallJob): Promise<void> {
  if (job.attributes?.followUp === 'update') return incidentUpdateCallEnded(deps, job);
  if (job.attributes?.followUp) return followUpEnded(deps, job);
  const broadcastId = job.attributes?.broadcastId;
  const accounts = jobAccounts(job);
  if (!broadcastId || accounts.length === 0) return;
  const at = job.finishedAt ?? deps.clock.now().toISOString();
  const emailed = Boolean(job.fallback?.sentAt);
  // Every account behind the job's numbers gets the same calls on its record, and its own outcome.
  for (const account of accounts) {
    await updateRecipient(deps, broadcastId, account, (r) => {
      let next = r;
      for (const a of job.attempts) next = recordAttempt(next, recipientAttempt(a));
      if (job.state === 'cancelled') return cancelRecipient(next, at);
      if (job.state === 'reached') return next;
      // The fallback e-mail is owed but SES failed: the recipient stays open until it is sent.
      if (job.fallback && !job.fallback.sentAt) return next;
      return finishUnconfirmed(next, at, emailed && r.email !== undefined);
    });
  }
  if (job.fallback && !job.fallback.sentAt) await retryFanOutLater(deps, broadcastId);
  // A call that was ringing when the broadcast was cancelled with a disregard: answered means reached.
  const broadcast = await deps.broadcasts.get(broadcastId);
  if (broadcast?.state === 'cancelled' && broadcast.disregard) {
    for (const account of accounts) {
      const recipient = await deps.broadcasts.recipient(broadcastId, account);
      if (recipient) await queueFollowUp(deps, broadcast, recipient, 'disregard');
    }
  }
  await completeIfDone(deps, broadcastId);
}

/** A complainant's incident-update call ended: recorded on their complaint. */
async function incidentUpdateCallEnded(deps: Dependencies, job: CallJob): Promise<void> {
  const ticketId = job.ticketId;
  const ticket = ticketId ? await deps.tickets.get(ticketId) : undefined;
  if (!ticket) return;
  await deps.tickets.appendEvent({
    ticketId: ticket.id,
    type: 'incident_update_call_ended',
    at: job.finishedAt ?? deps.clock.now().toISOString(),
    actor: 'dialer',
    version: ticket.version,
    data: {
      incidentId: job.attributes?.incidentId ?? null,
      update: Number(job.attributes?.update ?? 0),
      reached: job.state === 'reached',
      attempts: job.attempts.length,
    },
  });
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

/**
 * Sends a broadcast job's owed fallback e-mail to each address still owed (once per address, however many
 * accounts share it), marks each sent on the job and finishes the recipients.
 */
async function sendOwedFallback(deps: Dependencies, broadcast: Broadcast, owing: CallJob): Promise<void> {
  let job = owing;
  for (const to of fallbackOwedTo(owing)) {
    if (!(await sendFallbackTo(deps, broadcast, job, to))) return;
    const sent = fallbackSent(job, deps.clock.now().toISOString(), to);
    if (!(await deps.callJobs.save(sent, job.version))) return;
    job = sent;
  }
  if (job !== owing) await broadcastJobEnded(deps, job);
}

async function sendFallbackTo(
  deps: Dependencies,
  broadcast: Broadcast,
  job: CallJob,
  to: string,
): Promise<boolean> {
  try {
    await deps.mailer.send({ to, subject: broadcast.emailSubject, text: broadcast.emailText });
  } catch (error) {
    deps.metrics.count(deskMetrics.broadcastFailures, deps.clock.now(), {
      broadcastId: broadcast.id,
      step: 'fallback-email',
    });
    logger.warn('Broadcast fallback e-mail not sent; retrying', {
      jobId: job.id,
      errorName: (error as Error)?.name,
    });
    await retryFanOutLater(deps, broadcast.id);
    return false;
  }
  return true;
}

/** The e-mail for a recipient the calls did not get a confirmation from: the incident's own text. */
export async function broadcastFallbackMail(
  deps: Dependencies,
  job: CallJob,
  to: string,
): Promise<Mail | undefined> {
  // Follow-ups and incident updates carry no fallback: the update's e-mail went out when it was posted.
  if (job.attributes?.followUp) return undefined;
  const broadcastId = job.attributes?.broadcastId;
  const broadcast = broadcastId ? await deps.broadcasts.get(broadcastId) : undefined;
  if (!broadcast || broadcast.state === 'cancelled') return undefined;
  return { to, subject: broadcast.emailSubject, text: broadcast.emailText };
}

/** A broadcast job's attempt ended and a retry is due: stop here if the broadcast was cancelled meanwhile. */
export async function broadcastRetryDue(deps: Dependencies, job: CallJob): Promise<void> {
  if (job.attributes?.followUp) return;
  const broadcastId = job.attributes?.broadcastId;
  if (!broadcastId) return;
  const broadcast = await deps.broadcasts.get(broadcastId);
  if (broadcast?.state === 'cancelled') await cancelJobIfWaiting(deps, job.id);
  else if (broadcast?.state === 'paused') await moveWaitingJobs(deps, broadcastId, PAUSED_UNTIL);
  else {
    // Confirmed on the hotline while this attempt was ringing: never rung again.
    const accounts = jobAccounts(job);
    const recipients = await Promise.all(accounts.map((a) => deps.broadcasts.recipient(broadcastId, a)));
    if (accounts.length > 0 && recipients.every((r) => r?.state === 'confirmed')) {
      await cancelJobIfWaiting(deps, job.id);
      await completeIfDone(deps, broadcastId);
    }
  }
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

/** One page of a broadcast's recipients, optionally those in one state (supervisors). */
export async function broadcastRecipients(
  deps: Dependencies,
  actor: Actor,
  id: string,
  query: { state?: RecipientState; limit: number; cursor?: string },
): Promise<Page<Recipient>> {
  requireSupervisor(actor, 'read a broadcast report');
  await requireBroadcast(deps, id);
  return deps.broadcasts.recipients(
    id,
    { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
    query.state,
  );
}

export { broadcastReportCsv };
