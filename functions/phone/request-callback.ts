import * as z from 'zod';
import { callbackBookedMessage } from '#shared/domain/caller-speech';
import { requestCallback } from '#shared/use-cases/callbacks';
import { HOTLINE_ACTOR } from '#shared/use-cases/hotline';
import { contactFlowHandler } from './contact-flow';

const params = z.object({
  reason: z.enum(['caller_request', 'after_hours', 'emergency_overflow']),
  priority: z.enum(['emergency', 'callback']),
  // empty when the call has no complaint yet
  ticketNumber: z.string().regex(/^\d*$/).max(12).default(''),
});

/** Books a callback with the one outbound dialer (a call job) and tells the caller when to expect it. */
export const handler = contactFlowHandler(
  'PhoneRequestCallback',
  params,
  async ({ deps, caller, params }) => {
    const job = await requestCallback(deps, {
      phone: caller.phone,
      ...(params.ticketNumber ? { ticketId: params.ticketNumber, unknownTicket: 'book_without' } : {}),
      reason: params.reason,
      priority: params.priority,
      requestedBy: HOTLINE_ACTOR,
      // Never rings while the caller is still on this call: released when the call's end is heard of.
      onCall: caller.contactId,
    });
    return {
      outcome: 'booked',
      jobId: job.jobId,
      dueAt: job.dueAt,
      message: callbackBookedMessage({
        emergency: params.priority === 'emergency',
        phone: caller.phone,
        dueAt: job.dueAt,
        now: deps.clock.now().toISOString(),
        timeZone: deps.config.deskTimeZone,
      }),
    };
  },
);
