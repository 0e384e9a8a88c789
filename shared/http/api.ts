import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import { isWellFormedText } from '#shared/domain/text';
import type { Actor, StaffRole } from '#shared/domain/ticket';
import { staffRoles } from '#shared/domain/ticket';
import type { PersonalDataRead } from '#shared/ports/access-log';
import { HttpError, toErrorResponse } from './errors';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

export interface ApiRequest {
  readonly event: ApiEvent;
  readonly correlationId: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Raw body text (decoded from base64 when needed). */
  readonly rawBody: string | undefined;
  /** The body's bytes as sent (for uploads whose encoding is not UTF-8). */
  readonly rawBytes: Buffer | undefined;
  /** The Lambda context (remaining time for long work), when invoked by Lambda. */
  readonly context?: Context;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly body?: unknown;
  /** A body sent as is instead of JSON (e.g. CSV); set its content-type in `headers`. */
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse>;

/** Parse the JSON body and validate it; problems are 4xx naming the field. */
export function parseBody<S extends z.ZodType>(request: ApiRequest, schema: S, maxBytes: number): z.infer<S> {
  const raw = request.rawBody;
  if (raw === undefined || raw === '') throw new HttpError(400, 'INVALID_INPUT', 'A JSON body is required');
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxBytes} bytes`);
  }
  const contentType = request.headers['content-type'];
  if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', 'content-type');
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'MALFORMED_JSON', 'The body is not valid JSON');
  }
  return validate(schema, value, 'body');
}

export function parseQuery<S extends z.ZodType>(request: ApiRequest, schema: S): z.infer<S> {
  return validate(schema, { ...request.query }, 'query');
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  let message = issue?.message ?? `Invalid ${where}`;
  if (issue?.code === 'unrecognized_keys') {
    message = `Unknown field(s): ${issue.keys.join(', ')}`;
    throw new HttpError(400, 'INVALID_INPUT', message, [field, issue.keys[0]].filter(Boolean).join('.'));
  }
  throw new HttpError(400, 'INVALID_INPUT', field ? `${field}: ${message}` : message, field);
}

/** The expected version from `If-Match` (a plain number or a quoted ETag). */
export function expectedVersion(request: ApiRequest): number {
  const header = request.headers['if-match'];
  if (!header) {
    throw new HttpError(
      428,
      'PRECONDITION_REQUIRED',
      'Send the version you based this change on in If-Match',
      'If-Match',
    );
  }
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new HttpError(400, 'INVALID_INPUT', 'If-Match must be a version number', 'If-Match');
  return Number(match[1]);
}

/**
 * The signed-in staff member, from the claims the HTTP API JWT authorizer passed on.
 * API Gateway renders list claims as "[a b]" strings; a local token may carry a real array.
 */
export function actorFromClaims(event: ApiEvent): Actor {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims) throw new HttpError(401, 'UNAUTHENTICATED', 'Sign in first');
  const rawGroups = claims['cognito:groups'] as unknown;
  const groups = Array.isArray(rawGroups)
    ? rawGroups.map(String)
    : String(rawGroups ?? '')
        .replace(/^\[|\]$/g, '')
        .split(/[\s,]+/)
        .filter(Boolean);
  const roles = groups.filter((g): g is StaffRole => (staffRoles as readonly string[]).includes(g));
  const username = String(claims.username ?? claims['cognito:username'] ?? claims.sub ?? '');
  if (!username) throw new HttpError(401, 'UNAUTHENTICATED', 'The token names no user');
  if (roles.length === 0) throw new HttpError(403, 'FORBIDDEN', 'Your account is in no staff group');
  return { kind: 'staff', username, roles };
}

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

/** The `Idempotency-Key` header (8-128 letters, digits, - or _), or undefined when not sent; 400 otherwise. */
export function idempotencyKeyOf(request: ApiRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key !== undefined && !/^[\w-]{8,128}$/.test(key)) {
    throw new HttpError(
      400,
      'INVALID_INPUT',
      'Idempotency-Key must be 8-128 letters, digits, - or _',
      'Idempotency-Key',
    );
  }
  return key;
}

function lowerCaseKeys(
  headers: Record<string, string | undefined> | undefined,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/**
 * The path parameters API Gateway decoded, refused (400 naming the parameter) when one is not text:
 * malformed percent-encoding left as is, a lone surrogate or a control character.
 */
export function safePathParameters(
  parameters: Readonly<Record<string, string | undefined>> | undefined,
): Readonly<Record<string, string | undefined>> {
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (value === undefined) continue;
    const garbled =
      /%(?![0-9A-Fa-f]{2})/.test(value) || !isWellFormedText(value) || CONTROL_CHARACTER.test(value);
    if (garbled)
      throw new HttpError(400, 'INVALID_PATH', `The path's ${name} is not valid percent-encoded text`, name);
  }
  return parameters ?? {};
}

const CONTROL_CHARACTER = /\p{Cc}/u;

function toResult(response: ApiResponse, correlationId: string): ApiResult {
  return {
    statusCode: response.statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-correlation-id': correlationId,
      'cache-control': 'no-store',
      ...response.headers,
    },
    body: response.text ?? (response.body === undefined ? '' : JSON.stringify(response.body)),
  };
}

/** What a route's successful answer shows of personal data (the route catalog's `personalData`). */
export type PersonalDataUse = 'none' | { readonly reads: string };

/** The access log at the edge: every successful answer of a route that reads personal data is recorded. */
export interface AccessLogging {
  /** Per route key. A route missing here is taken to read personal data (logged rather than forgotten). */
  readonly personalData: Readonly<Record<string, PersonalDataUse>>;
  /** Durably records one read; when it throws, the request is a 500 and the data is not sent. */
  readonly recordRead: (read: PersonalDataRead) => Promise<void>;
  readonly now: () => Date;
}

/** The access log entry of a successful answer, or undefined for a route that shows no personal data. */
export function personalDataRead(
  event: ApiEvent,
  use: PersonalDataUse | undefined,
  at: Date,
): PersonalDataRead | undefined {
  if (use === 'none') return undefined;
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const actor = claims ? actorFromClaims(event) : undefined;
  const ids: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {}))
    if (value !== undefined) ids[name] = value;
  return {
    at: at.toISOString(),
    username: actor?.username ?? 'anonymous',
    roles: actor?.kind === 'staff' ? actor.roles : [],
    route: event.routeKey,
    ids,
    purpose: use?.reads ?? 'not declared in the route catalog',
  };
}

/**
 * A Lambda handler serving the routes of one function: it dispatches on the HTTP API
 * route key, adds a correlation id, records reads of personal data in the access log,
 * and maps every error through one place.
 */
export function apiHandler(routes: Readonly<Record<string, RouteHandler>>, logging: AccessLogging) {
  const core = async (event: ApiEvent, context?: Context): Promise<ApiResult> => {
    const headers = lowerCaseKeys(event.headers);
    const correlationId = headers['x-correlation-id'] ?? event.requestContext?.requestId ?? randomUUID();
    logger.appendKeys({ correlationId, routeKey: event.routeKey });
    try {
      const route = routes[event.routeKey];
      if (!route) throw new HttpError(404, 'NOT_FOUND', `No route ${event.routeKey}`);
      const rawBytes =
        event.body === undefined
          ? undefined
          : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
      const rawBody = rawBytes?.toString('utf8');
      const response = await route({
        event,
        correlationId,
        headers,
        pathParameters: safePathParameters(event.pathParameters),
        query: event.queryStringParameters ?? {},
        rawBody,
        rawBytes,
        ...(context ? { context } : {}),
      });
      if (response.statusCode < 300) {
        // Written before the answer leaves: an entry that cannot be written fails the request (500).
        const read = personalDataRead(event, logging.personalData[event.routeKey], logging.now());
        if (read) await logging.recordRead(read);
      }
      return toResult(response, correlationId);
    } catch (error) {
      const mapped = toErrorResponse(error, correlationId);
      if (mapped.expected) {
        logger.info('Request refused', { statusCode: mapped.statusCode, code: mapped.body.error.code });
      } else {
        // Error names and messages only: SDK errors carry no customer data.
        logger.error('Request failed', {
          error: { name: (error as Error)?.name, message: (error as Error)?.message },
        });
      }
      return toResult(
        {
          statusCode: mapped.statusCode,
          body: mapped.body,
          ...(mapped.headers ? { headers: mapped.headers } : {}),
        },
        correlationId,
      );
    } finally {
      logger.removeKeys(['correlationId', 'routeKey']);
    }
  };
  return middy<ApiEvent, ApiResult>().handler(core);
}
