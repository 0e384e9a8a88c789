import { dependencies } from '#shared/adapters/dependencies';
import {
  type ApiRequest,
  type ApiResponse,
  actorFromClaims,
  parseBody,
  parseQuery,
  validate,
} from '#shared/http/api';
import {
  closeIncidentSchema,
  incidentIdParam,
  incidentUpdateSchema,
  linkComplaintSchema,
  listIncidentsQuerySchema,
  notifySchema,
} from '#shared/http/incident-schemas';
import { ticketIdParam } from '#shared/http/schemas';
import {
  closeIncidentAllClear,
  incidentDetail,
  linkComplaint,
  listIncidents,
  notifyComplainants,
  postIncidentUpdate,
  publicIncidentStatus,
  unlinkComplaint,
} from '#shared/use-cases/incidents';
import { routedHandler } from './routed';

const id = (request: ApiRequest) => validate(incidentIdParam, request.pathParameters.id, 'path');
const maxBody = () => dependencies().config.maxBodyBytes;
const actor = (request: ApiRequest) => actorFromClaims(request.event);

async function list(request: ApiRequest): Promise<ApiResponse> {
  const { limit } = parseQuery(request, listIncidentsQuerySchema);
  return { statusCode: 200, body: await listIncidents(dependencies(), actor(request), limit) };
}

async function read(request: ApiRequest): Promise<ApiResponse> {
  return { statusCode: 200, body: await incidentDetail(dependencies(), actor(request), id(request)) };
}

async function update(request: ApiRequest): Promise<ApiResponse> {
  const input = parseBody(request, incidentUpdateSchema, maxBody());
  return {
    statusCode: 201,
    body: await postIncidentUpdate(dependencies(), actor(request), id(request), input),
  };
}

async function notify(request: ApiRequest): Promise<ApiResponse> {
  const input = request.rawBody ? parseBody(request, notifySchema, maxBody()) : {};
  return {
    statusCode: 200,
    body: await notifyComplainants(dependencies(), actor(request), id(request), input.update),
  };
}

async function link(request: ApiRequest): Promise<ApiResponse> {
  const input = parseBody(request, linkComplaintSchema, maxBody());
  return { statusCode: 200, body: await linkComplaint(dependencies(), actor(request), id(request), input) };
}

async function unlink(request: ApiRequest): Promise<ApiResponse> {
  const ticketId = validate(ticketIdParam, request.pathParameters.ticketId, 'path');
  await unlinkComplaint(dependencies(), actor(request), id(request), ticketId);
  return { statusCode: 204 };
}

async function close(request: ApiRequest): Promise<ApiResponse> {
  const input = parseBody(request, closeIncidentSchema, maxBody());
  return {
    statusCode: 200,
    body: await closeIncidentAllClear(dependencies(), actor(request), id(request), input),
  };
}

async function publicStatus(request: ApiRequest): Promise<ApiResponse> {
  return {
    statusCode: 200,
    body: await publicIncidentStatus(dependencies(), id(request)),
    headers: { 'cache-control': 'public, max-age=30' },
  };
}

export const handler = routedHandler('IncidentsApi', {
  'GET /api/incidents': list,
  'GET /api/incidents/{id}': read,
  'POST /api/incidents/{id}/updates': update,
  'POST /api/incidents/{id}/notify': notify,
  'POST /api/incidents/{id}/complaints': link,
  'DELETE /api/incidents/{id}/complaints/{ticketId}': unlink,
  'POST /api/incidents/{id}/close': close,
  'GET /api/status/incidents/{id}': publicStatus,
});
