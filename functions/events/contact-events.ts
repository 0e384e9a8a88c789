import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import { callBackAfterBadLine } from '#shared/use-cases/bad-line';
import { callbackCallEnded } from '#shared/use-cases/callbacks';
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

/**
 * Connect contact events (EventBridge rule): an outbound call that ended frees its slot and ends its attempt;
 * an inbound call lost to a telecom problem while the caller was on it books a callback within 3 minutes.
 */
export async function handler(event: unknown): Promise<{ handled: boolean }> {
  const parsed = contactEventSchema.safeParse(event);
  if (!parsed.success) {
    logger.warn('Contact event refused', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return { handled: false };
  }
  const detail = parsed.data.detail;
  if (detail.eventType === 'DISCONNECTED' && detail.initiationMethod === 'INBOUND') {
    const deps = dependencies();
    // A callback the caller asked for on this call may ring now (and a bad-line callback joins it).
    const released = await callbackCallEnded(
      deps,
      detail.contactId,
      detail.disconnectTimestamp ?? deps.clock.now().toISOString(),
    );
    if (released) logger.info('Callback released by the end of its call', { jobId: released.id });
    const booked = await callBackAfterBadLine(deps, {
      contactId: detail.contactId,
      eventType: detail.eventType,
      initiationMethod: detail.initiationMethod,
      ...(detail.disconnectReason ? { disconnectReason: detail.disconnectReason } : {}),
      connected: detail.connectedToSystemTimestamp !== undefined,
    });
    if (booked.outcome === 'booked') {
      logger.info('Bad line on our side: callback booked', {
        contactId: detail.contactId,
        jobId: booked.jobId,
      });
    }
    return { handled: booked.outcome === 'booked' };
  }
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
