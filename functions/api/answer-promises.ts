import { dependencies } from '#shared/adapters/dependencies';
import { answerPromiseSchema } from '#shared/http/answer-promise-schemas';
import { type ApiRequest, type ApiResponse, actorFromClaims, parseBody, validate } from '#shared/http/api';
import { ticketIdParam } from '#shared/http/schemas';
import { promiseAnswer } from '#shared/use-cases/callbacks';
import { routedHandler } from './routed';

/** Staff promise an answer "within half an hour": a callback due then, cancelled by a result before it. */
async function promise(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const id = validate(ticketIdParam, request.pathParameters.id, 'path');
  const deps = dependencies();
  if (request.rawBody !== undefined && request.rawBody !== '') {
    parseBody(request, answerPromiseSchema, deps.config.maxBodyBytes);
  }
  return { statusCode: 201, body: await promiseAnswer(deps, actor, id) };
}

export const handler = routedHandler('AnswerPromisesApi', {
  'POST /api/tickets/{id}/promise': promise,
});
