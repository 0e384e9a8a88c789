import { dependencies } from '#shared/adapters/dependencies';
import { dialDueJobs } from '#shared/use-cases/dialer';
import { logger } from './logger';

/** Target of the dialer's one-time wake-ups: ring the due call jobs the limits allow. */
export async function handler(): Promise<{ started: number; throttled: number; stoppedBy: string }> {
  const report = await dialDueJobs(dependencies());
  logger.info('Dialer ran', { ...report });
  return report;
}
