/**
 * The edge of every phone Lambda: a zod-checked ContactFlowEvent in, a flat map of strings out
 * (what Connect's STRING_MAP response needs), and never an exception. Every answer carries
 * `outcome`; anything but the expected one sends the flow to its polite fallback, and a thrown
 * error would do the same through the action's error branch, but with less to go on.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import { DomainError } from '#shared/domain/errors';
import { toE164 } from '#shared/domain/phone';
import type { Dependencies } from '#shared/ports/dependencies';
import type { CallerOnLine, HotlineDeps } from '#shared/use-cases/hotline';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

const endpoint = z.object({ Address: z.string(), Type: z.string() });

/** Connect sends an attribute or parameter that refers to an unset attribute as null: that is "absent". */
const stringMap = z
  .record(z.string(), z.string().nullable())
  .default({})
  .transform(
    (map): Record<string, string> =>
      Object.fromEntries(Object.entries(map).filter((entry): entry is [string, string] => entry[1] !== null)),
  );

/** The parts of Connect's ContactFlowEvent the phone Lambdas read; other fields pass unread. */
export const contactFlowEventSchema = z.object({
  Name: z.literal('ContactFlowEvent'),
  Details: z.object({
    ContactData: z.object({
      ContactId: z.string().min(1).max(256),
      InitialContactId: z.string().optional(),
      Channel: z.string(),
      InstanceARN: z.string(),
      InitiationMethod: z.string(),
      CustomerEndpoint: endpoint.nullable(),
      SystemEndpoint: endpoint.nullable().optional(),
      Attributes: stringMap,
    }),
    Parameters: stringMap,
  }),
});

export type ContactFlowEvent = z.infer<typeof contactFlowEventSchema>;

/** What Connect reads back as `$.External.<key>`. */
export type FlowAnswer = Record<string, string>;

export interface PhoneRequest<P> {
  readonly caller: CallerOnLine;
  readonly params: P;
  readonly attributes: Readonly<Record<string, string>>;
  readonly deps: Dependencies;
  readonly hotline: HotlineDeps;
}

/** `outcome` values every phone Lambda may answer besides its own. */
export const FAILED: FlowAnswer = { outcome: 'failed' };
export const INVALID: FlowAnswer = { outcome: 'invalid' };

/**
 * Builds a phone Lambda handler. `params` validates `Details.Parameters`; a bad event is answered
 * `invalid`, a failure (store down, timeout of a dependency) `failed`, both logged without the number.
 */
export function contactFlowHandler<S extends z.ZodType>(
  name: string,
  params: S,
  answer: (request: PhoneRequest<z.infer<S>>) => Promise<FlowAnswer>,
): (event: unknown, context?: Context) => Promise<FlowAnswer> {
  return async (event, context) => {
    const contactId = (event as { Details?: { ContactData?: { ContactId?: unknown } } } | undefined)?.Details
      ?.ContactData?.ContactId;
    logger.appendKeys({
      phoneFunction: name,
      contactId: typeof contactId === 'string' ? contactId : undefined,
      ...(context ? { awsRequestId: context.awsRequestId } : {}),
    });
    try {
      const parsed = contactFlowEventSchema.safeParse(event);
      if (!parsed.success) {
        logger.warn('Contact flow event refused', { issues: describeIssues(parsed.error) });
        return INVALID;
      }
      const data = parsed.data.Details.ContactData;
      const deps = dependencies();
      const phone = data.CustomerEndpoint
        ? toE164(data.CustomerEndpoint.Address, deps.config.defaultPhoneRegion)
        : undefined;
      if (!phone) {
        logger.warn('Contact flow event without a usable customer number');
        return INVALID;
      }
      const checkedParams = params.safeParse(parsed.data.Details.Parameters);
      if (!checkedParams.success) {
        logger.warn('Contact flow parameters refused', { issues: describeIssues(checkedParams.error) });
        return INVALID;
      }
      return await answer({
        caller: {
          phone,
          contactId: data.ContactId,
          // set by the caller lookup at the start of this call (infra/flows/inbound.ts)
          repeatCaller: data.Attributes.repeatCaller === 'true',
        },
        params: checkedParams.data,
        attributes: data.Attributes,
        deps,
        hotline: deps,
      });
    } catch (error) {
      if (error instanceof DomainError) {
        logger.warn('Phone request refused', { code: error.code, field: error.field });
        return { ...INVALID, code: error.code };
      }
      logger.error('Phone request failed', {
        errorName: (error as Error)?.name,
        errorMessage: (error as Error)?.message,
      });
      return FAILED;
    } finally {
      logger.removeKeys(['phoneFunction', 'contactId', 'awsRequestId']);
    }
  };
}

/** Paths and messages only: a zod issue can echo input, and input here may hold a phone number. */
function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.code}`);
}
