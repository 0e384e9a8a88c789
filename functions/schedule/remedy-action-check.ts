import * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import { runRemedyActionCheck } from '#shared/use-cases/remedies';
import { logger } from './logger';

const remedyActionTimerSchema = z.object({
  kind: z.literal('remedyActionCheck'),
  ticketId: z.string().regex(/^\d{5,12}$/),
  remedyId: z.string().regex(/^[\w-]{1,64}$/),
  actionId: z.string().regex(/^[\w-]{1,64}$/),
  due: z.iso.datetime(),
});

/** Target of a remedy action's one-time schedule: a late department action is escalated to the supervisor. */
export async function handler(event: unknown): Promise<{ result: string }> {
  const parsed = remedyActionTimerSchema.safeParse(event);
  if (!parsed.success) {
    // A malformed payload would fail forever: log it and let the delivery succeed.
    logger.error('Remedy action timer payload refused', {
      issues: parsed.error.issues.map((i) => i.path.join('.')),
    });
    return { result: 'invalid' };
  }
  const result = await runRemedyActionCheck(dependencies(), parsed.data);
  logger.info('Remedy action checked', { ticketId: parsed.data.ticketId, result });
  return { result };
}
