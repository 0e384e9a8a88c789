import { Logger } from '@aws-lambda-powertools/logger';
import { type CallJob, fallbackOwedTo, fallbackSent } from '#shared/domain/call-job';
import type { Dependencies } from '#shared/ports/dependencies';
import type { Mail } from '#shared/ports/mailer';
import { broadcastFallbackMail, broadcastJobEnded, broadcastRetryDue } from '#shared/use-cases/broadcasts';
import { callbackEnded, callbackFallbackMail } from '#shared/use-cases/callbacks';
import { progressFallbackMail } from '#shared/use-cases/deadlines';
import { surveyEnded, surveyFallbackMail } from '#shared/use-cases/survey';
import type { Reaction } from './reaction';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

/** Each job kind's e-mail for a customer the calls did not reach. */
function fallbackMailFor(deps: Dependencies, job: CallJob, to: string): Promise<Mail | undefined> | Mail {
  switch (job.kind) {
    case 'survey':
      return surveyFallbackMail(deps, job, to);
    case 'progress':
      return progressFallbackMail(deps, job, to);
    case 'callback':
    case 'emergency':
      return callbackFallbackMail(deps, job, to);
    case 'broadcast':
      return broadcastFallbackMail(deps, job, to);
  }
}

/**
 * The fallback e-mail once per address (a household's shared address gets one); SES refusing it leaves the
 * rest owed (a broadcast retries it in the background).
 */
async function sendOwedFallback(deps: Dependencies, owing: CallJob): Promise<CallJob> {
  let job = owing;
  for (const to of fallbackOwedTo(owing)) {
    const mail = await fallbackMailFor(deps, job, to);
    if (!mail) return job;
    try {
      await deps.mailer.send(mail);
    } catch (error) {
      logger.error('Fallback e-mail not sent', { jobId: job.id, errorName: (error as Error)?.name });
      return job;
    }
    const sent = fallbackSent(job, deps.clock.now().toISOString(), to);
    if (!(await deps.callJobs.save(sent, job.version))) return job;
    job = sent;
  }
  return job;
}

/** A job is over: its fallback e-mail, then what its end means for its kind (recipient, complaint). */
export const jobEnded: Reaction<'callJob.ended'> = {
  name: 'call-job-ended',
  run: async (deps, { event }) => {
    const job = await sendOwedFallback(deps, (await deps.callJobs.get(event.jobId)) ?? event.job);
    if (job.kind === 'broadcast') await broadcastJobEnded(deps, job);
    else if (job.kind === 'survey') await surveyEnded(deps, job);
    else if (job.kind === 'callback' || job.kind === 'emergency') await callbackEnded(deps, job);
  },
};

/** An attempt of a broadcast call ended and it rings again: the recipient's record gets the attempt. */
export const broadcastAttemptEnded: Reaction<'callJob.attempt_ended'> = {
  name: 'broadcast-attempt-ended',
  when: ({ event }) => event.job.kind === 'broadcast',
  run: async (deps, { event }) => {
    await broadcastRetryDue(deps, event.job);
  },
};
