import { dependencies } from '#shared/adapters/dependencies';
import {
  type ApiRequest,
  type ApiResponse,
  actorFromClaims,
  parseBody,
  parseQuery,
  validate,
} from '#shared/http/api';
import { blockBodySchema, blockListPathSchema, blockListQuerySchema } from '#shared/http/block-list-schemas';
import { blockNumber, listBlockedNumbers, unblockNumber } from '#shared/use-cases/block-list';
import { routedHandler } from './routed';

/** The number in the path; a client may have percent-encoded the leading "+" (%2B). */
function phone(request: ApiRequest): string {
  const raw = request.pathParameters.phone ?? '';
  let decoded = raw;
  try {
    decoded = /%[0-9a-f]{2}/i.test(raw) ? decodeURIComponent(raw) : raw;
  } catch {
    // left as sent: the phone check below refuses it naming the field
  }
  return validate(blockListPathSchema, { phone: decoded }, 'path').phone;
}

async function list(request: ApiRequest): Promise<ApiResponse> {
  const query = parseQuery(request, blockListQuerySchema);
  const page = await listBlockedNumbers(dependencies(), actorFromClaims(request.event), {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  return { statusCode: 200, body: page };
}

async function block(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const number = phone(request);
  const { reason } = parseBody(request, blockBodySchema, dependencies().config.maxBodyBytes);
  const { entry, outcome } = await blockNumber(dependencies(), actor, number, reason);
  return { statusCode: outcome === 'created' ? 201 : 200, body: entry };
}

async function unblock(request: ApiRequest): Promise<ApiResponse> {
  await unblockNumber(dependencies(), actorFromClaims(request.event), phone(request));
  return { statusCode: 204 };
}

export const handler = routedHandler('BlockListApi', {
  'GET /api/block-list': list,
  'PUT /api/block-list/{phone}': block,
  'DELETE /api/block-list/{phone}': unblock,
});
