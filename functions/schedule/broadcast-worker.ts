import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { dependencies } from '#shared/adapters/dependencies';
import { broadcastWorkerEventSchema } from '#shared/http/broadcast-schemas';
import { fanOut } from '#shared/use-cases/broadcasts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

/** Scheduler target: continues a large broadcast's fan-out (recipients and call jobs) where it stopped. */
export async function handler(event: unknown, context?: Context): Promise<{ result: string }> {
  const parsed = broadcastWorkerEventSchema.safeParse(event);
  if (!parsed.success) {
    // A malformed schedule input cannot become valid by retrying: log it and drop it.
    logger.error('Broadcast worker event refused', { issues: parsed.error.issues.map((i) => i.message) });
    return { result: 'invalid' };
  }
  const remaining = () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
  return { result: await fanOut(dependencies(), parsed.data.broadcastId, remaining) };
}
