import * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import {
  type ApiRequest,
  type ApiResponse,
  actorFromClaims,
  fingerprint,
  idempotencyKeyOf,
  parseBody,
  parseQuery,
  validate,
} from '#shared/http/api';
import { callbackRequestSchema, callJobListQuerySchema } from '#shared/http/callback-schemas';
import { HttpError, toErrorResponse } from '#shared/http/errors';
import { cancelCallJobAsStaff, getCallJob, listCallJobs, requestCallback } from '#shared/use-cases/callbacks';
import { answerSurveyByLink, surveyByLink } from '#shared/use-cases/survey';
import { routedHandler } from './routed';
import { surveyFormPage, surveyRefusedPage, surveyThanksPage } from './survey-page';

const maxBody = () => dependencies().config.maxBodyBytes;

const jobIdParam = z.string().regex(/^[a-z]+-[\w-]{1,80}$/, 'Not a call job id');
const surveyAnswerSchema = z.strictObject({ rating: z.number().int().min(1).max(5) });

async function list(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const { limit, cursor, ...filter } = parseQuery(request, callJobListQuerySchema);
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

/**
 * `POST /api/callbacks`: 201 for a new job; 200 when the number's open callback was joined (nothing new
 * rings); with an Idempotency-Key used before, 200 with the first answer (`idempotent-replayed: true`), or
 * 409 when the key came with a different request.
 */
async function book(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const input = parseBody(request, callbackRequestSchema, maxBody());
  const key = idempotencyKeyOf(request);
  const booked = await requestCallback(dependencies(), {
    phone: input.phone,
    ...(input.ticketId ? { ticketId: input.ticketId } : {}),
    reason: input.reason,
    ...(input.priority ? { priority: input.priority } : {}),
    requestedBy: actor,
    ...(key
      ? { idempotency: { key: `callbacks:${actor.username}:${key}`, fingerprint: fingerprint(input) } }
      : {}),
  });
  return {
    statusCode: booked.joined || booked.replayed ? 200 : 201,
    body: { jobId: booked.jobId, dueAt: booked.dueAt, joined: booked.joined },
    ...(booked.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
}

async function answerSurvey(request: ApiRequest): Promise<ApiResponse> {
  const token = validate(z.string().min(10).max(2048), request.pathParameters.token, 'path');
  const { rating } = parseBody(request, surveyAnswerSchema, 1024);
  const effect = await answerSurveyByLink(dependencies(), token, String(rating));
  return { statusCode: 200, body: { recorded: true, effect } };
}

const surveyToken = (request: ApiRequest) =>
  validate(z.string().min(10).max(2048), request.pathParameters.token, 'path');

/** Errors of the survey page are pages too (a customer's phone shows them), with the status they map to. */
async function asPage(run: () => Promise<ApiResponse>): Promise<ApiResponse> {
  try {
    return await run();
  } catch (error) {
    const mapped = toErrorResponse(error, '');
    if (!mapped.expected) throw error;
    const message =
      mapped.statusCode === 409
        ? mapped.body.error.message
        : mapped.body.error.field === 'rating'
          ? 'Please choose a rating from 1 to 5.'
          : 'This survey link is not valid or has expired.';
    return surveyRefusedPage(mapped.statusCode, message);
  }
}

/** `GET /survey/{token}`: the page the e-mailed link opens. */
async function surveyPage(request: ApiRequest): Promise<ApiResponse> {
  return asPage(async () => {
    const token = surveyToken(request);
    return surveyFormPage(await surveyByLink(dependencies(), token), request.event.rawPath);
  });
}

/** `POST /survey/{token}`: the page's form, `rating=1..5` form-encoded. */
async function surveyPageAnswer(request: ApiRequest): Promise<ApiResponse> {
  return asPage(async () => {
    const token = surveyToken(request);
    const contentType = request.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the form as a web form', 'content-type');
    }
    const rating = new URLSearchParams((request.rawBody ?? '').slice(0, 1024)).get('rating') ?? '';
    await answerSurveyByLink(dependencies(), token, rating);
    return surveyThanksPage(Number(rating));
  });
}

export const handler = routedHandler('CallbacksApi', {
  'GET /survey/{token}': surveyPage,
  'POST /survey/{token}': surveyPageAnswer,
  'GET /api/call-jobs': list,
  'GET /api/call-jobs/{id}': read,
  'POST /api/call-jobs/{id}/cancel': cancel,
  'POST /api/callbacks': book,
  'POST /api/surveys/{token}': answerSurvey,
});
