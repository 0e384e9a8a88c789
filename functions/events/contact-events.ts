import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import { handleContactEnd } from '#shared/use-cases/dialer';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

const contactEventSchema = z.object({
  'detail-type': z.literal('Amazon Connect Contact Event'),
  detail: z.object({
    eventType: z.string(),
    contactId: z.string().min(1),
    initiationMethod: z.string().optional(),
    connectedToSystemTimestamp: z.string().optional(),
    disconnectTimestamp: z.string().optional(),
    disconnectReason: z.string().optional(),
  }),
});

/** Connect contact events (EventBridge rule): an outbound call that ended frees its slot and ends its attempt. */
export async function handler(event: unknown): Promise<{ handled: boolean }> {
  const parsed = contactEventSchema.safeParse(event);
  if (!parsed.success) {
    logger.warn('Contact event refused', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return { handled: false };
  }
  const detail = parsed.data.detail;
  if (detail.eventType !== 'DISCONNECTED' || detail.initiationMethod !== 'API') return { handled: false };
  const deps = dependencies();
  const job = await handleContactEnd(deps, detail.contactId, {
    reason: detail.disconnectReason ?? 'OTHER',
    connected: detail.connectedToSystemTimestamp !== undefined,
    at: detail.disconnectTimestamp ?? deps.clock.now().toISOString(),
  });
  logger.info('Outbound call ended', {
    contactId: detail.contactId,
    reason: detail.disconnectReason,
    ...(job ? { jobId: job.id, jobState: job.state } : {}),
  });
  return { handled: true };
}
