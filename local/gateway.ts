import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type RouteSpec, routes } from '#functions/catalog';
import { isWellFormedText } from '#shared/domain/text';
import { claimsAsApiGatewayPassesThem, type DevIdentityProvider } from './identity';
import { LambdaTimeoutError } from './lambda-host';

/** API Gateway's own payload limit; our handlers enforce a smaller one with a clear error. */
const MAX_GATEWAY_PAYLOAD = 10 * 1024 * 1024;

interface CompiledRoute {
  readonly spec: RouteSpec;
  readonly pattern: RegExp;
  readonly params: string[];
}

const compiled: CompiledRoute[] = routes
  .map((spec) => {
    const params: string[] = [];
    const pattern = new RegExp(
      `^${spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        params.push(name);
        return '([^/]+)';
      })}$`,
    );
    return { spec, pattern, params };
  })
  // As API Gateway does: a route with a fixed segment wins over one with a path variable there.
  .sort((a, b) => a.params.length - b.params.length);

export function matchRoute(
  method: string,
  path: string,
):
  | { spec: RouteSpec; pathParameters: Record<string, string> }
  | { malformed: string }
  | 'method-not-allowed'
  | undefined {
  let pathMatched = false;
  for (const route of compiled) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.spec.method !== method) continue;
    const pathParameters: Record<string, string> = {};
    for (const [i, name] of route.params.entries()) {
      const value = decodePathSegment(m[i + 1] ?? '');
      if (value === undefined) return { malformed: name };
      pathParameters[name] = value;
    }
    return { spec: route.spec, pathParameters };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

export async function readBody(req: IncomingMessage, limit = MAX_GATEWAY_PAYLOAD): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error('Request Entity Too Large'), { statusCode: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

/** The desk's one error body (`{"error":{code,message,field?}}`), for the gateway's own refusals too. */
export function sendError(
  res: ServerResponse,
  statusCode: number,
  code: string,
  message: string,
  options: { field?: string; headers?: Record<string, string> } = {},
) {
  sendJson(
    res,
    statusCode,
    { error: { code, message, ...(options.field ? { field: options.field } : {}) } },
    options.headers,
  );
}

/** A path segment's text, or undefined when its percent-encoding is malformed (`%E0%A4%A`, `%zz`). */
export function decodePathSegment(raw: string): string | undefined {
  try {
    const text = decodeURIComponent(raw);
    return isWellFormedText(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

export type Invoke = (functionId: string, event: unknown) => Promise<unknown>;

/**
 * The local HTTP API: the same routes, the same JWT check and the same payload format
 * version 2.0 events as API Gateway, invoking the same handlers.
 */
export async function serveApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: { identity: DevIdentityProvider; invoke: Invoke; now: () => Date },
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const match = matchRoute(method, url.pathname);
  if (match === undefined || match === 'method-not-allowed')
    return sendError(res, 404, 'NOT_FOUND', `No route ${method} ${url.pathname}`);
  // Decoded before the token is checked, as API Gateway does: a garbled path is the caller's error.
  if ('malformed' in match)
    return sendError(
      res,
      400,
      'INVALID_PATH',
      `The path's ${match.malformed} is not valid percent-encoding`,
      {
        field: match.malformed,
      },
    );

  let claims: Record<string, string> | undefined;
  if (match.spec.auth === 'jwt') {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (!token)
      return sendError(res, 401, 'UNAUTHENTICATED', 'Sign in first: send a bearer token', {
        headers: { 'www-authenticate': 'Bearer' },
      });
    try {
      claims = claimsAsApiGatewayPassesThem(await deps.identity.verify(token));
    } catch {
      return sendError(res, 401, 'UNAUTHENTICATED', 'The token is invalid or has expired', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
  }

  let body: Buffer;
  try {
    body = await readBody(req);
  } catch {
    return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_GATEWAY_PAYLOAD} bytes`);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = deps.now();
  const contentType = headers['content-type'] ?? '';
  const isText =
    body.length === 0 || /json|text|xml|x-www-form-urlencoded/i.test(contentType) || !contentType;
  const routeKey = `${match.spec.method} ${match.spec.path}`;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
    },
    ...(body.length
      ? { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText }
      : { isBase64Encoded: false }),
  };

  let result: APIGatewayProxyStructuredResultV2;
  try {
    result = (await deps.invoke(match.spec.functionId, event)) as APIGatewayProxyStructuredResultV2;
  } catch (error) {
    if (error instanceof LambdaTimeoutError)
      return sendError(res, 503, 'SERVICE_UNAVAILABLE', 'The request took too long; try again shortly');
    return sendError(res, 500, 'INTERNAL', 'Something went wrong on our side');
  }
  const responseHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) responseHeaders[k] = String(v);
  res.writeHead(result.statusCode ?? 200, responseHeaders);
  res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}
