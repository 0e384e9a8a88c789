import * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import { deadlineKinds } from '#shared/domain/severity';
import { runDeadlineCheck, runRetention } from '#shared/use-cases/deadlines';
import { runSurveyWindowEnd } from '#shared/use-cases/survey';
import { logger } from './logger';

const deadlineTimerSchema = z.object({
  kind: z.literal('deadlineCheck'),
  ticketId: z.string().regex(/^\d{5,12}$/),
  deadline: z.enum(deadlineKinds),
  due: z.iso.datetime(),
});

const retentionTimerSchema = z.object({
  kind: z.literal('retention'),
  ticketId: z.string().regex(/^\d{5,12}$/),
});

const surveyWindowTimerSchema = z.object({
  kind: z.literal('surveyWindow'),
  ticketId: z.string().regex(/^\d{5,12}$/),
  due: z.iso.datetime(),
});

const timerSchema = z.discriminatedUnion('kind', [
  deadlineTimerSchema,
  retentionTimerSchema,
  surveyWindowTimerSchema,
]);

/**
 * Target of a deadline's one-time schedule (breach + escalation, or the next progress notice) and of a closed
 * complaint's retention timer (archive, destroy personal data), and of a survey window's end (close unrated).
 */
export async function handler(event: unknown): Promise<{ result: string }> {
  const parsed = timerSchema.safeParse(event);
  if (!parsed.success) {
    // A malformed payload would fail forever: log it and let the delivery succeed.
    logger.error('Deadline timer payload refused', {
      issues: parsed.error.issues.map((i) => i.path.join('.')),
    });
    return { result: 'invalid' };
  }
  if (parsed.data.kind === 'retention') {
    const result = await runRetention(dependencies(), parsed.data.ticketId);
    logger.info('Retention applied', { ticketId: parsed.data.ticketId, result });
    return { result };
  }
  if (parsed.data.kind === 'surveyWindow') {
    const result = await runSurveyWindowEnd(dependencies(), parsed.data);
    logger.info('Survey window ended', { ticketId: parsed.data.ticketId, result });
    return { result };
  }
  const result = await runDeadlineCheck(dependencies(), parsed.data);
  logger.info('Deadline checked', { ticketId: parsed.data.ticketId, deadline: parsed.data.deadline, result });
  return { result };
}
