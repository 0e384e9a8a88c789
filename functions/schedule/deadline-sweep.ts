import { dependencies } from '#shared/adapters/dependencies';
import { resumeStalledFanOuts } from '#shared/use-cases/broadcasts';
import { sweepDeadlines } from '#shared/use-cases/deadlines';
import { logger } from './logger';

/**
 * Every 5 minutes (infra/constructs/scheduling.ts): repair lost deadline timers and stuck call attempts, and
 * start again any broadcast fan-out that stands still.
 */
export async function handler(): Promise<{ checked: number; breached: number; fanOutsResumed: number }> {
  const deps = dependencies();
  const result = { ...(await sweepDeadlines(deps)), fanOutsResumed: await resumeStalledFanOuts(deps) };
  logger.info('Deadline sweep done', result);
  return result;
}
