import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  type AttemptOutcome,
  type CallJob,
  callPriorities,
  cancelCallJob,
  claimAttempt,
  clientTokenInput,
  currentNumber,
  endAttempt,
  extendLease,
  finishNotReached,
  isDialable,
  isFinalCallJob,
  recordAnswer,
  recordContactStarted,
  releaseThrottledAttempt,
  requestStop,
} from '#shared/domain/call-job';
import { callJobEvent } from '#shared/domain/call-job-events';
import { digitByDigit } from '#shared/domain/caller-speech';
import { NotFoundError } from '#shared/domain/errors';
import type { ContactEnd } from '#shared/ports/call-jobs';
import type { Dependencies } from '#shared/ports/dependencies';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

/** Catalog id of the function that rings due call jobs. */
export const DIALER_FUNCTION_ID = 'DialerTick';

/** Outbound contact flow (infra/flows/index.ts name) of each job kind. */
export const OUTBOUND_FLOWS = {
  callback: 'outbound-callback',
  emergency: 'outbound-callback',
  survey: 'outbound-survey',
  progress: 'outbound-progress',
  broadcast: 'outbound-broadcast',
} as const satisfies Record<CallJob['kind'], string>;

/** Seconds before a start refused by Connect's limits is tried again. */
const THROTTLE_RETRY_SECONDS = 1;

/** Timer name for a dialer wake-up at one second: jobs due at the same second share it. */
export function dialerTimerName(at: string): string {
  return `dialer-${Math.ceil(Date.parse(at) / 1000)}`;
}

/** Make sure the dialer runs at `at` (now or later); setting the same wake-up twice is harmless. */
export async function wakeDialer(deps: Dependencies, at: string): Promise<void> {
  const now = deps.clock.now().toISOString();
  const when = at < now ? now : at;
  await deps.timer.setTimer(dialerTimerName(when), when, {
    functionId: DIALER_FUNCTION_ID,
    input: { kind: 'dialerTick', at: when },
  });
}

/** Store a new job (harmless if it exists) and make sure the dialer wakes for it. */
export async function enqueueCallJob(deps: Dependencies, job: CallJob): Promise<CallJob> {
  return (await enqueue(deps, job)).job;
}

/** Enqueue a job under an id that stands for a decision (one per slot): false when the id was taken first. */
export async function enqueueNewCallJob(deps: Dependencies, job: CallJob): Promise<boolean> {
  return (await enqueue(deps, job)).created;
}

async function enqueue(deps: Dependencies, job: CallJob): Promise<{ created: boolean; job: CallJob }> {
  const { created, job: stored } = await deps.callJobs.create(job);
  try {
    await wakeDialer(deps, stored.nextAttemptAt);
  } catch (error) {
    // The job is stored: the sweep wakes the dialer for due jobs it finds.
    logger.warn('Dialer wake-up not scheduled', { jobId: stored.id, errorName: (error as Error)?.name });
  }
  return { created, job: stored };
}

export function clientToken(job: Pick<CallJob, 'id' | 'attempt'>): string {
  return createHash('sha256').update(clientTokenInput(job)).digest('hex');
}

export interface DialReport {
  readonly started: number;
  readonly throttled: number;
  readonly stoppedBy: 'idle' | 'rate' | 'slots';
}

/**
 * Due jobs, highest priority first, at most `limit`; when every priority was read (fewer due than the
 * limit), also the earliest attempt not yet due (`next`), where the dialer wakes next.
 */
async function dueJobs(
  deps: Dependencies,
  now: string,
  limit: number,
): Promise<{ jobs: CallJob[]; next?: string }> {
  const jobs: CallJob[] = [];
  let next: string | undefined;
  for (const priority of callPriorities) {
    if (jobs.length >= limit) return { jobs };
    const found = await deps.callJobs.due(priority, now, limit - jobs.length);
    jobs.push(...found.jobs);
    if (found.next && (!next || found.next < next)) next = found.next;
  }
  return next ? { jobs, next } : { jobs };
}

type DialOne = 'started' | 'ended' | 'stale' | 'no_slot' | 'rate_limited' | 'throttled';

/**
 * Starts are counted per clock second. A start claimed late in a second could reach Connect in the next one
 * and exceed that second's limit there (on a busy machine a request can take a few hundred milliseconds to
 * arrive), so the end of each second is left out: claims there wait for the next second.
 */
const RATE_GUARD_MS = 300;

/** The clock second a start claimed now counts against, or undefined inside the guard at a second's end. */
function countingSecond(deps: Dependencies): number | undefined {
  const ms = deps.clock.now().getTime();
  return ms % 1000 >= 1000 - RATE_GUARD_MS ? undefined : Math.floor(ms / 1000);
}

async function dialOne(deps: Dependencies, job: CallJob): Promise<DialOne> {
  const cfg = deps.config.dialer;
  const now = deps.clock.now().toISOString();
  if (!isDialable(job, now)) return 'stale';
  const atMs = deps.clock.now().getTime();
  const second = countingSecond(deps);
  if (second === undefined) return 'rate_limited';
  const claimed = claimAttempt(job, now, cfg.policy);
  const claim = await deps.callJobs.claim(claimed, job.version, {
    concurrent: cfg.concurrentCalls,
    perSecond: cfg.callsPerSecond,
    second,
    atMs,
  });
  if (claim !== 'claimed') return claim;
  if (countingSecond(deps) !== second) {
    // The start was counted against a second that has passed: give it back rather than exceed the next one.
    await deps.callJobs.release(releaseThrottledAttempt(claimed, now, 0), claimed.version);
    return 'rate_limited';
  }

  let result: Awaited<ReturnType<Dependencies['dialer']['startCall']>>;
  try {
    result = await deps.dialer.startCall({
      phone: currentNumber(claimed),
      flowName: OUTBOUND_FLOWS[claimed.kind],
      clientToken: clientToken(claimed),
      attributes: {
        jobId: claimed.id,
        attempt: String(claimed.attempt),
        jobKind: claimed.kind,
        ...(claimed.ticketId
          ? // said digit by digit ("1, 0, 0, ...") so the customer can type it back on the keypad
            { ticketNumber: claimed.ticketId, ticketNumberSpoken: digitByDigit(claimed.ticketId) }
          : {}),
        addressee: claimed.customerName ?? 'the person who asked us to call this number',
        // why a callback rings (e.g. bad_line): the flow's greeting follows it
        ...(claimed.reason ? { callbackReason: claimed.reason } : {}),
        ...claimed.attributes,
      },
    });
  } catch (error) {
    // Unknown failure (network, timeout): the same attempt is tried again with the same ClientToken,
    // which returns the live contact if the call did start.
    logger.warn('StartOutboundVoiceContact failed; retrying the attempt', {
      jobId: claimed.id,
      errorName: (error as Error)?.name,
    });
    result = { kind: 'throttled', reason: 'error' };
  }

  if (result.kind === 'throttled') {
    const back = releaseThrottledAttempt(claimed, now, THROTTLE_RETRY_SECONDS);
    if (!(await deps.callJobs.release(back, claimed.version))) {
      logger.error('Throttled attempt could not be given back', { jobId: claimed.id });
    }
    return 'throttled';
  }
  if (result.kind === 'rejected') {
    logger.warn('Connect refused the call', { jobId: claimed.id, reason: result.reason });
    await finishAttempt(deps, claimed, claimed.attempt, 'failed');
    return 'ended';
  }
  let started = recordContactStarted(claimed, result.contactId, now);
  if (!(await deps.callJobs.save(started, claimed.version))) {
    // Changed while the call started (an answer, or a cancel asking to stop it): keep the contact on the job.
    const fresh = await deps.callJobs.get(claimed.id);
    if (fresh?.state === 'dialing' && fresh.attempt === claimed.attempt) {
      started = recordContactStarted(fresh, result.contactId, now);
      if (!(await deps.callJobs.save(started, fresh.version))) {
        logger.warn('Job changed while its call started', { jobId: claimed.id });
      }
      if (fresh.stopRequestedAt) await stopContact(deps, claimed.id, result.contactId);
    }
  }
  const { ended } = await deps.callJobs.linkContact(result.contactId, claimed.id, claimed.attempt);
  // The call ended before we linked it: the contact event left its end for us.
  if (ended) await finishAttempt(deps, started, claimed.attempt, lineOutcome(ended));
  return 'started';
}

/** How long a run may hold the dialer's turn before another may take it (longer than any run's timeout). */
export const DIALER_TURN_MS = 180_000;
/** Rounds one run makes for runs that queued behind it before it hands the rest to a wake-up. */
const MAX_TURN_ROUNDS = 20;

/**
 * Ring every due job the limits allow now, highest priority first, then arrange the next run: the next
 * second while the rate limit holds work back, the next due time when idle. Ended calls free slots and
 * run this again from the contact event. One run dials at a time (the dialer's turn): a run that finds
 * the turn taken leaves word for its holder to go round again and returns at once (`queued`).
 */
export async function dialDueJobs(deps: Dependencies): Promise<DialReport & { queued?: true }> {
  const owner = randomUUID();
  const until = () => deps.clock.now().getTime() + DIALER_TURN_MS;
  const nowMs = deps.clock.now().getTime();
  if ((await deps.callJobs.takeDialerTurn(owner, nowMs, until())) === 'queued')
    return { started: 0, throttled: 0, stoppedBy: 'idle', queued: true };
  let total = { started: 0, throttled: 0 };
  let last: DialReport;
  let rounds = 0;
  try {
    for (;;) {
      last = await dialRound(deps);
      total = { started: total.started + last.started, throttled: total.throttled + last.throttled };
      rounds += 1;
      if (rounds >= MAX_TURN_ROUNDS) {
        await deps.callJobs.endDialerTurn(owner, until(), true);
        // Runs kept queueing behind this one: a wake-up now takes over (a fresh run with its own timeout).
        await wakeDialer(deps, deps.clock.now().toISOString());
        break;
      }
      if ((await deps.callJobs.endDialerTurn(owner, until())) === 'done') break;
    }
  } catch (error) {
    // The turn is given back so the next ended call or wake-up need not wait for it to lapse.
    await deps.callJobs.endDialerTurn(owner, until(), true).catch(() => undefined);
    throw error;
  }
  return { ...total, stoppedBy: last.stoppedBy };
}

async function dialRound(deps: Dependencies): Promise<DialReport> {
  const cfg = deps.config.dialer;
  let started = 0;
  let throttled = 0;
  let stoppedBy: DialReport['stoppedBy'] = 'idle';
  let idleNext: { at: string | undefined } | undefined;
  for (let round = 0; round < 50; round++) {
    const now = deps.clock.now();
    const second = Math.floor(now.getTime() / 1000);
    const [active, used] = await Promise.all([
      deps.callJobs.activeCalls(),
      deps.callJobs.startsInSecond(second),
    ]);
    if (active >= cfg.concurrentCalls) {
      stoppedBy = 'slots';
      break;
    }
    const room = Math.min(cfg.concurrentCalls - active, cfg.callsPerSecond - used);
    if (room <= 0) {
      stoppedBy = 'rate';
      break;
    }
    const found = await dueJobs(deps, now.toISOString(), room);
    const batch = found.jobs;
    if (batch.length === 0) {
      // Nothing due: every priority was read, so the next wake-up is known without another read.
      idleNext = { at: found.next };
      break;
    }
    let progressed = false;
    let stop: DialReport['stoppedBy'] | undefined;
    for (const job of batch) {
      const r = await dialOne(deps, job);
      if (r === 'started' || r === 'ended') {
        started += r === 'started' ? 1 : 0;
        progressed = true;
      } else if (r === 'no_slot') {
        stop = 'slots';
        break;
      } else if (r === 'rate_limited' || r === 'throttled') {
        throttled += r === 'throttled' ? 1 : 0;
        stop = 'rate';
        break;
      }
    }
    if (stop) {
      stoppedBy = stop;
      break;
    }
    if (!progressed) break;
  }
  const now = deps.clock.now();
  if (stoppedBy === 'rate') {
    await wakeDialer(deps, new Date(Math.floor(now.getTime() / 1000 + 1) * 1000).toISOString());
  } else if (stoppedBy === 'idle') {
    const next = idleNext ? idleNext.at : await deps.callJobs.nextDue();
    if (next) await wakeDialer(deps, next);
  }
  return { started, throttled, stoppedBy };
}

function lineOutcome(end: Pick<ContactEnd, 'reason' | 'connected'>): Exclude<AttemptOutcome, 'reached'> {
  if (end.reason === 'TELECOM_BUSY') return 'busy';
  if (!end.connected) return 'no_answer';
  return 'hung_up';
}

/**
 * End the current attempt of a job: release its Connect slot, then retry later, finish as reached, or
 * (attempts used up) finish as not reached with the e-mail fallback owed where there is an address. The
 * job is saved with its event (`attempt_ended` or `ended`): what that means for a broadcast, a survey or a
 * callback, and the fallback e-mail itself, are the job kind's reactions. A duplicate end changes nothing.
 */
export async function finishAttempt(
  deps: Dependencies,
  job: CallJob,
  attempt: number,
  outcome: Exclude<AttemptOutcome, 'reached'>,
): Promise<CallJob | undefined> {
  const now = deps.clock.now().toISOString();
  const policy = deps.config.dialer.policy;
  for (let tries = 0; tries < 3; tries++) {
    const current = tries === 0 ? job : await deps.callJobs.get(job.id);
    if (!current) return undefined;
    const decision = endAttempt(current, attempt, outcome, now, policy);
    if (decision.kind === 'ignored') return undefined;
    const next =
      decision.kind === 'exhausted'
        ? finishNotReached(decision.job, now, current.email !== undefined)
        : decision.job;
    const event = callJobEvent(decision.kind === 'retry' ? 'attempt_ended' : 'ended', next, now);
    if (!(await deps.callJobs.release(next, current.version, [event]))) continue;
    if (decision.kind === 'retry') await wakeDialer(deps, next.nextAttemptAt).catch(() => undefined);
    return next;
  }
  return undefined;
}

/** StopContact on a job's call; a call that ended meanwhile is fine (its contact event ends the attempt). */
async function stopContact(deps: Dependencies, jobId: string, contactId: string): Promise<void> {
  try {
    await deps.dialer.stopCall(contactId);
  } catch (error) {
    // The attempt still ends as stopped when the call ends; the sweep asks again while it is live.
    logger.warn('StopContact failed', { jobId, errorName: (error as Error)?.name });
  }
}

/**
 * Cancel a call job wherever it stands: a waiting job is cancelled at once; a job whose call rings now is
 * marked to stop and its call is stopped (StopContact), so its attempt ends as `stopped` and is not retried.
 * Returns the job as it stands after (undefined if there is none). Asking twice is harmless.
 */
export async function cancelOrStopCallJob(deps: Dependencies, jobId: string): Promise<CallJob | undefined> {
  let job: CallJob | undefined;
  for (let tries = 0; tries < 5; tries++) {
    job = await deps.callJobs.get(jobId);
    if (!job || isFinalCallJob(job)) return job;
    const now = deps.clock.now().toISOString();
    const next = job.state === 'dialing' ? requestStop(job, now) : cancelCallJob(job, now);
    if (next !== job && !(await deps.callJobs.save(next, job.version))) continue;
    const contactId =
      next.state === 'dialing' ? next.attempts.find((a) => a.n === next.attempt)?.contactId : undefined;
    // No contact yet: the dialer stops the call as soon as Connect names it.
    if (contactId) await stopContact(deps, jobId, contactId);
    return next;
  }
  return job;
}

/** A Connect contact event: only DISCONNECTED matters (the call is over, its slot is free). */
export async function handleContactEnd(
  deps: Dependencies,
  contactId: string,
  end: ContactEnd,
): Promise<CallJob | undefined> {
  const link = await deps.callJobs.recordContactEnd(contactId, end);
  // Not linked yet: the dialer finds the end when it links the contact (or not one of our calls).
  if (!link) return undefined;
  const job = await deps.callJobs.get(link.jobId);
  if (!job) return undefined;
  const result = await finishAttempt(deps, job, link.attempt, lineOutcome(end));
  // A slot is free again: ring the next due job now rather than at the next wake-up.
  await dialDueJobs(deps);
  return result;
}

/** The outbound flow heard the customer (or someone else). Returns the job for the flow's next step. */
export async function recordCallAnswer(
  deps: Dependencies,
  input: {
    jobId: string;
    attempt: number;
    reached: boolean;
    data?: Readonly<Record<string, string>>;
  },
): Promise<CallJob> {
  for (let tries = 0; tries < 3; tries++) {
    const job = await deps.callJobs.get(input.jobId);
    if (!job) throw new NotFoundError(`No call job ${input.jobId}`);
    const next = recordAnswer(
      job,
      input.attempt,
      { reached: input.reached, ...(input.data ? { data: input.data } : {}) },
      deps.clock.now().toISOString(),
    );
    if (!next) return job;
    if (await deps.callJobs.save(next, job.version)) return next;
  }
  throw new Error(`Call job ${input.jobId} kept changing`);
}

/**
 * Repairs for the sweep: attempts whose call end never arrived (lease passed) are ended as lost, and due
 * jobs whose wake-up was lost are rung now.
 */
export async function repairDialer(deps: Dependencies): Promise<{ lost: number; stillLive: number }> {
  const now = deps.clock.now().toISOString();
  let lost = 0;
  let stillLive = 0;
  for (const job of await deps.callJobs.dialing(100)) {
    if ((job.leaseUntil ?? job.updatedAt) >= now) break;
    const contactId = job.attempts.find((a) => a.n === job.attempt)?.contactId;
    const status = contactId ? await deps.dialer.contactStatus(contactId) : { kind: 'unknown' as const };
    if (status.kind === 'live') {
      // A long call (e.g. with an agent): its slot is really taken; look again after another lease.
      stillLive += 1;
      // Its job was cancelled but the stop did not get through: ask Connect again.
      if (job.stopRequestedAt && contactId) await stopContact(deps, job.id, contactId);
      await deps.callJobs.save(extendLease(job, now, deps.config.dialer.policy), job.version);
    } else if (status.kind === 'ended') {
      await finishAttempt(deps, job, job.attempt, lineOutcome(status));
    } else if (await finishAttempt(deps, job, job.attempt, 'lost')) {
      lost += 1;
    }
  }
  await dialDueJobs(deps);
  return { lost, stillLive };
}
