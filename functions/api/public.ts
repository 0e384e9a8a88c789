import { dependencies } from '#shared/adapters/dependencies';
import { type ApiRequest, type ApiResponse, parseQuery, validate } from '#shared/http/api';
import { publicStatusQuerySchema, ticketIdParam } from '#shared/http/schemas';
import { publicStatus } from '#shared/use-cases/complaints';
import { openApiDocument } from './openapi';
import { routedHandler } from './routed';

async function status(request: ApiRequest): Promise<ApiResponse> {
  const number = validate(ticketIdParam, request.pathParameters.number, 'path');
  const { phoneLast4 } = parseQuery(request, publicStatusQuerySchema);
  const deps = dependencies();
  return {
    statusCode: 200,
    body: await publicStatus(deps, number, phoneLast4),
  };
}

let document: unknown;

async function openApi(): Promise<ApiResponse> {
  document ??= openApiDocument();
  return { statusCode: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
}

export const handler = routedHandler('PublicApi', {
  'GET /api/status/{number}': status,
  'GET /api/openapi.json': openApi,
});
