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
  broadcastIdParam,
  newBroadcastSchema,
  recipientsQuerySchema,
  reportQuerySchema,
} from '#shared/http/broadcast-schemas';
import { cancelBroadcastSchema } from '#shared/http/incident-schemas';
import { pageQuerySchema } from '#shared/http/schemas';
import {
  broadcastRecipients,
  broadcastReport,
  broadcastReportCsv,
  cancelBroadcast,
  createBroadcast,
  getBroadcast,
  listBroadcasts,
  pauseBroadcast,
  previewRecipients,
  resumeBroadcast,
  sendBroadcast,
} from '#shared/use-cases/broadcasts';
import { routedHandler } from './routed';

const id = (request: ApiRequest) => validate(broadcastIdParam, request.pathParameters.id, 'path');
const maxBody = () => dependencies().config.maxBodyBytes;
const actor = (request: ApiRequest) => actorFromClaims(request.event);

async function create(request: ApiRequest): Promise<ApiResponse> {
  const input = parseBody(request, newBroadcastSchema, maxBody());
  return { statusCode: 201, body: await createBroadcast(dependencies(), actor(request), input) };
}

async function list(request: ApiRequest): Promise<ApiResponse> {
  const query = parseQuery(request, pageQuerySchema);
  const page = await listBroadcasts(dependencies(), actor(request), {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  return { statusCode: 200, body: page };
}

async function read(request: ApiRequest): Promise<ApiResponse> {
  return { statusCode: 200, body: await getBroadcast(dependencies(), actor(request), id(request)) };
}

async function preview(request: ApiRequest): Promise<ApiResponse> {
  return { statusCode: 200, body: await previewRecipients(dependencies(), actor(request), id(request)) };
}

async function send(request: ApiRequest): Promise<ApiResponse> {
  // Accepted: saved as sending; the fan-out into calls follows (shared/reactions).
  const broadcast = await sendBroadcast(dependencies(), actor(request), id(request));
  return { statusCode: 202, body: broadcast };
}

async function pause(request: ApiRequest): Promise<ApiResponse> {
  return { statusCode: 200, body: await pauseBroadcast(dependencies(), actor(request), id(request)) };
}

async function resume(request: ApiRequest): Promise<ApiResponse> {
  return { statusCode: 200, body: await resumeBroadcast(dependencies(), actor(request), id(request)) };
}

/** Optional body `{ "disregard": true, "message"? }`: a "please disregard" to everyone already reached. */
async function cancel(request: ApiRequest): Promise<ApiResponse> {
  const options = request.rawBody
    ? parseBody(request, cancelBroadcastSchema, maxBody())
    : { disregard: false };
  return {
    statusCode: 200,
    body: await cancelBroadcast(dependencies(), actor(request), id(request), {
      disregard: options.disregard,
      ...(options.message ? { message: options.message } : {}),
    }),
  };
}

async function recipients(request: ApiRequest): Promise<ApiResponse> {
  const query = parseQuery(request, recipientsQuerySchema);
  return {
    statusCode: 200,
    body: await broadcastRecipients(dependencies(), actor(request), id(request), {
      limit: query.limit,
      ...(query.state ? { state: query.state } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    }),
  };
}

async function report(request: ApiRequest): Promise<ApiResponse> {
  const query = parseQuery(request, reportQuerySchema);
  const result = await broadcastReport(dependencies(), actor(request), id(request));
  if (query.format === 'csv') {
    return {
      statusCode: 200,
      text: broadcastReportCsv(result.recipients),
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="broadcast-${result.broadcast.id}.csv"`,
      },
    };
  }
  return { statusCode: 200, body: result };
}

export const handler = routedHandler('BroadcastsApi', {
  'POST /api/broadcasts': create,
  'GET /api/broadcasts': list,
  'GET /api/broadcasts/{id}': read,
  'GET /api/broadcasts/{id}/preview': preview,
  'POST /api/broadcasts/{id}/send': send,
  'POST /api/broadcasts/{id}/pause': pause,
  'POST /api/broadcasts/{id}/resume': resume,
  'POST /api/broadcasts/{id}/cancel': cancel,
  'GET /api/broadcasts/{id}/recipients': recipients,
  'GET /api/broadcasts/{id}/report': report,
});
