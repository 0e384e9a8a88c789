import { dependencies } from '#shared/adapters/dependencies';
import { sweepDeadlines } from '#shared/use-cases/deadlines';
import { logger } from './logger';

/** Every 5 minutes (infra/constructs/scheduling.ts): repair lost deadline timers and stuck call attempts. */
export async function handler(): Promise<{ checked: number; breached: number }> {
  const result = await sweepDeadlines(dependencies());
  logger.info('Deadline sweep done', result);
  return result;
}
