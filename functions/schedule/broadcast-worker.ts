import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { dependencies } from '#shared/adapters/dependencies';
import { broadcastWorkerEventSchema } from '#shared/http/broadcast-schemas';
import { fanOut } from '#shared/use-cases/broadcasts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

/** Scheduler target: delivers again what a broadcast still owes its recipients (an e-mail SES refused). */
export async function handler(event: unknown, _context?: Context): Promise<{ result: string }> {
  const parsed = broadcastWorkerEventSchema.safeParse(event);
  if (!parsed.success) {
    // A malformed schedule input cannot become valid by retrying: log it and drop it.
    logger.error('Broadcast worker event refused', { issues: parsed.error.issues.map((i) => i.message) });
    return { result: 'invalid' };
  }
  return { result: await fanOut(dependencies(), parsed.data.broadcastId) };
}
