import * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import { callbackReasons, callJobKinds, callJobStates } from '#shared/domain/call-job';
import {
  type ApiRequest,
  type ApiResponse,
  actorFromClaims,
  parseBody,
  parseQuery,
  validate,
} from '#shared/http/api';
import { cancelCallJobAsStaff, getCallJob, listCallJobs, requestCallback } from '#shared/use-cases/callbacks';
import { answerSurveyByLink } from '#shared/use-cases/survey';
import { routedHandler } from './routed';

const maxBody = () => dependencies().config.maxBodyBytes;

const listQuery = z.strictObject({
  state: z.enum(callJobStates).optional(),
  kind: z.enum(callJobKinds).optional(),
  ticketId: z
    .string()
    .regex(/^\d{5,12}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

const callbackRequestSchema = z.strictObject({
  phone: z.string().min(3).max(32),
  ticketId: z
    .string()
    .regex(/^\d{5,12}$/)
    .optional(),
  reason: z.enum(callbackReasons).default('caller_request'),
  priority: z.enum(['emergency', 'callback']).optional(),
});

const jobIdParam = z.string().regex(/^[a-z]+-[\w-]{1,80}$/, 'Not a call job id');
const surveyAnswerSchema = z.strictObject({ rating: z.number().int().min(1).max(5) });

async function list(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const { limit, cursor, ...filter } = parseQuery(request, listQuery);
  const page = await listCallJobs(dependencies(), actor, filter, { limit, ...(cursor ? { cursor } : {}) });
  return { statusCode: 200, body: { items: page.items, nextCursor: page.nextCursor ?? null } };
}

async function read(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const id = validate(jobIdParam, request.pathParameters.id, 'path');
  return { statusCode: 200, body: await getCallJob(dependencies(), actor, id) };
}

async function cancel(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const id = validate(jobIdParam, request.pathParameters.id, 'path');
  return { statusCode: 200, body: await cancelCallJobAsStaff(dependencies(), actor, id) };
}

async function book(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const input = parseBody(request, callbackRequestSchema, maxBody());
  const deps = dependencies();
  const booked = await requestCallback(deps, {
    phone: input.phone,
    ...(input.ticketId ? { ticketId: input.ticketId } : {}),
    reason: input.reason,
    ...(input.priority ? { priority: input.priority } : {}),
    requestedBy: actor,
  });
  return { statusCode: 201, body: booked };
}

async function answerSurvey(request: ApiRequest): Promise<ApiResponse> {
  const token = validate(z.string().min(10).max(2048), request.pathParameters.token, 'path');
  const { rating } = parseBody(request, surveyAnswerSchema, 1024);
  const effect = await answerSurveyByLink(dependencies(), token, String(rating));
  return { statusCode: 200, body: { recorded: true, effect } };
}

export const handler = routedHandler('CallbacksApi', {
  'GET /api/call-jobs': list,
  'GET /api/call-jobs/{id}': read,
  'POST /api/call-jobs/{id}/cancel': cancel,
  'POST /api/callbacks': book,
  'POST /api/surveys/{token}': answerSurvey,
});
