import { dependencies } from '#shared/adapters/dependencies';
import { InvalidInputError } from '#shared/domain/errors';
import type { TicketAction } from '#shared/domain/ticket';
import {
  type ApiRequest,
  type ApiResponse,
  actorFromClaims,
  expectedVersion,
  fingerprint,
  idempotencyKeyOf,
  parseBody,
  parseQuery,
  validate,
} from '#shared/http/api';
import {
  assignSchema,
  closeSchema,
  contactSchema,
  departmentResultSchema,
  dispatchSchema,
  extensionDecisionSchema,
  extensionRequestSchema,
  listTicketsQuerySchema,
  pageQuerySchema,
  progressSchema,
  registerComplaintSchema,
  reopenSchema,
  resolveSchema,
  reviewSchema,
  ticketIdParam,
} from '#shared/http/schemas';
import {
  changeComplaint,
  complaintEvents,
  listComplaints,
  newExtensionId,
  readComplaint,
  registerComplaint,
  ticketSummary,
  ticketView,
} from '#shared/use-cases/complaints';
import { routedHandler } from './routed';

const ticketId = (request: ApiRequest) => validate(ticketIdParam, request.pathParameters.id, 'path');
const now = () => dependencies().clock.now().toISOString();
const maxBody = () => dependencies().config.maxBodyBytes;

function withVersion(view: { version: number }, statusCode = 200): ApiResponse {
  return { statusCode, body: view, headers: { etag: `"${view.version}"` } };
}

async function register(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const input = parseBody(request, registerComplaintSchema, maxBody());
  const key = idempotencyKeyOf(request);
  const { ticket, replayed } = await registerComplaint(
    dependencies(),
    actor,
    input,
    key ? { key: `${actor.username}:${key}`, fingerprint: fingerprint(input) } : undefined,
  );
  const response = withVersion(ticketView(ticket, actor, now()), replayed ? 200 : 201);
  return {
    ...response,
    headers: {
      ...response.headers,
      location: `/api/tickets/${ticket.id}`,
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    },
  };
}

async function list(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const query = parseQuery(request, listTicketsQuerySchema);
  const { limit, cursor, overdue, assignee, repeatCaller, ...filter } = query;
  const page = await listComplaints(
    dependencies(),
    {
      ...filter,
      overdue: overdue === 'true',
      // "me": the signed-in staff member's own queue.
      ...(assignee ? { assignee: assignee === 'me' ? actor.username : assignee } : {}),
      ...(repeatCaller ? { repeatCaller: repeatCaller === 'true' } : {}),
    },
    { limit, ...(cursor ? { cursor } : {}) },
  );
  const at = now();
  return {
    statusCode: 200,
    body: { items: page.items.map((t) => ticketSummary(t, at)), nextCursor: page.nextCursor ?? null },
  };
}

async function read(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const ticket = await readComplaint(dependencies(), actor, ticketId(request));
  return withVersion(ticketView(ticket, actor, now()));
}

async function events(request: ApiRequest): Promise<ApiResponse> {
  actorFromClaims(request.event);
  const { limit, cursor } = parseQuery(request, pageQuerySchema);
  const page = await complaintEvents(dependencies(), ticketId(request), {
    limit,
    ...(cursor ? { cursor } : {}),
  });
  return { statusCode: 200, body: { items: page.items, nextCursor: page.nextCursor ?? null } };
}

/** Every state change: who, which version it is based on, which action. */
function change(toAction: (request: ApiRequest) => TicketAction) {
  return async (request: ApiRequest): Promise<ApiResponse> => {
    const actor = actorFromClaims(request.event);
    const id = ticketId(request);
    const action = toAction(request);
    const version = expectedVersion(request);
    const ticket = await changeComplaint(dependencies(), actor, id, version, action);
    return withVersion(ticketView(ticket, actor, now()));
  };
}

export const handler = routedHandler('TicketsApi', {
  'POST /api/tickets': register,
  'GET /api/tickets': list,
  'GET /api/tickets/{id}': read,
  'GET /api/tickets/{id}/events': events,
  'POST /api/tickets/{id}/dispatch': change((r) => ({
    type: 'dispatch',
    ...parseBody(r, dispatchSchema, maxBody()),
  })),
  'POST /api/tickets/{id}/contacts': change((r) => ({
    type: 'recordContact',
    ...parseBody(r, contactSchema, maxBody()),
  })),
  'POST /api/tickets/{id}/progress': change((r) => ({
    type: 'recordProgress',
    ...parseBody(r, progressSchema, maxBody()),
  })),
  'POST /api/tickets/{id}/department-result': change((r) => ({
    type: 'recordDepartmentResult',
    ...parseBody(r, departmentResultSchema, maxBody()),
  })),
  'POST /api/tickets/{id}/resolve': change((r) => ({
    type: 'resolve',
    ...parseBody(r, resolveSchema, maxBody()),
  })),
  'POST /api/tickets/{id}/reopen': change((r) => ({
    type: 'reopen',
    ...parseBody(r, reopenSchema, maxBody()),
  })),
  'POST /api/tickets/{id}/review': change((r) => ({
    type: 'review',
    ...parseBody(r, reviewSchema, maxBody()),
  })),
  'POST /api/tickets/{id}/close': change((r) => ({
    type: 'close',
    ...parseBody(r, closeSchema, maxBody()),
  })),
  'POST /api/tickets/{id}/assign': change((r) => ({
    type: 'assign',
    ...parseBody(r, assignSchema, maxBody()),
  })),
  'POST /api/tickets/{id}/extensions': change((r) => {
    const body = parseBody(r, extensionRequestSchema, maxBody());
    return { type: 'requestExtension', extensionId: newExtensionId(), ...body };
  }),
  'POST /api/tickets/{id}/extensions/{extensionId}/decision': change((r) => {
    const extensionId = r.pathParameters.extensionId;
    if (!extensionId || !/^[\w-]{1,64}$/.test(extensionId)) {
      throw new InvalidInputError('Bad extension id', 'extensionId');
    }
    const body = parseBody(r, extensionDecisionSchema, maxBody());
    return {
      type: 'decideExtension',
      extensionId,
      approve: body.approve,
      ...(body.reason ? { reason: body.reason } : {}),
    };
  }),
});
