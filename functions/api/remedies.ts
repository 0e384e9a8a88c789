import type * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import type { Ticket } from '#shared/domain/ticket';
import {
  type ApiRequest,
  type ApiResponse,
  actorFromClaims,
  expectedVersion,
  parseBody,
  validate,
} from '#shared/http/api';
import {
  proposeRemedySchema,
  remedyActionDoneSchema,
  remedyActionIdParam,
  remedyAnswerSchema,
  remedyDecisionSchema,
  remedyIdParam,
  remedyOfferSchema,
} from '#shared/http/remedy-schemas';
import { ticketIdParam } from '#shared/http/schemas';
import { ticketView } from '#shared/use-cases/complaints';
import { changeRemedy, proposeRemedy } from '#shared/use-cases/remedies';
import { routedHandler } from './routed';

const ticketId = (request: ApiRequest) => validate(ticketIdParam, request.pathParameters.id, 'path');
const remedyId = (request: ApiRequest) =>
  validate(remedyIdParam, request.pathParameters.remedyId, 'remedyId');
const maxBody = () => dependencies().config.maxBodyBytes;

/** Steps whose body has only optional fields may be sent without one. */
function optionalBody<S extends z.ZodType>(request: ApiRequest, schema: S): z.infer<S> {
  if (request.rawBody === undefined || request.rawBody.trim() === '') return validate(schema, {}, 'body');
  return parseBody(request, schema, maxBody());
}

/** Every remedy step: who, which version it is based on (If-Match), and the ticket view after it. */
function step(
  run: (request: ApiRequest, ticketId: string, version: number) => Promise<Ticket>,
  status = 200,
) {
  return async (request: ApiRequest): Promise<ApiResponse> => {
    const actor = actorFromClaims(request.event);
    const id = ticketId(request);
    const version = expectedVersion(request);
    const ticket = await run(request, id, version);
    const view = ticketView(ticket, actor, dependencies().clock.now().toISOString());
    return { statusCode: status, body: view, headers: { etag: `"${view.version}"` } };
  };
}

const actor = (request: ApiRequest) => actorFromClaims(request.event);

export const handler = routedHandler('RemediesApi', {
  'POST /api/tickets/{id}/remedies': step((r, id, version) => {
    const body = parseBody(r, proposeRemedySchema, maxBody());
    return proposeRemedy(dependencies(), actor(r), id, version, body);
  }, 201),
  'POST /api/tickets/{id}/remedies/{remedyId}/decision': step((r, id, version) => {
    const body = parseBody(r, remedyDecisionSchema, maxBody());
    return changeRemedy(dependencies(), actor(r), id, version, {
      type: 'decideRemedy',
      remedyId: remedyId(r),
      approve: body.approve,
      ...(body.reason ? { reason: body.reason } : {}),
    });
  }),
  'POST /api/tickets/{id}/remedies/{remedyId}/offer': step((r, id, version) => {
    const body = optionalBody(r, remedyOfferSchema);
    return changeRemedy(dependencies(), actor(r), id, version, {
      type: 'offerRemedy',
      remedyId: remedyId(r),
      ...(body.note ? { note: body.note } : {}),
    });
  }),
  'POST /api/tickets/{id}/remedies/{remedyId}/answer': step((r, id, version) => {
    const body = parseBody(r, remedyAnswerSchema, maxBody());
    return changeRemedy(dependencies(), actor(r), id, version, {
      type: 'recordRemedyAnswer',
      remedyId: remedyId(r),
      answer: body.answer,
      how: body.how,
      ...(body.answeredAt ? { answeredAt: body.answeredAt } : {}),
      ...(body.note ? { note: body.note } : {}),
    });
  }),
  'POST /api/tickets/{id}/remedies/{remedyId}/actions/{actionId}/done': step((r, id, version) => {
    const actionId = validate(remedyActionIdParam, r.pathParameters.actionId, 'actionId');
    const body = optionalBody(r, remedyActionDoneSchema);
    return changeRemedy(dependencies(), actor(r), id, version, {
      type: 'completeRemedyAction',
      remedyId: remedyId(r),
      actionId,
      ...(body.note ? { note: body.note } : {}),
    });
  }),
});
