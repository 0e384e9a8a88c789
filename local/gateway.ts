import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type RouteSpec, routes } from '#functions/catalog';
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
): { spec: RouteSpec; pathParameters: Record<string, string> } | 'method-not-allowed' | undefined {
  let pathMatched = false;
  for (const route of compiled) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.spec.method !== method) continue;
    const pathParameters: Record<string, string> = {};
    route.params.forEach((name, i) => {
      pathParameters[name] = decodeURIComponent(m[i + 1] ?? '');
    });
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
  if (match === undefined) return sendJson(res, 404, { message: 'Not Found' });
  if (match === 'method-not-allowed') return sendJson(res, 404, { message: 'Not Found' });

  let claims: Record<string, string> | undefined;
  if (match.spec.auth === 'jwt') {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (!token) return sendJson(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
    try {
      claims = claimsAsApiGatewayPassesThem(await deps.identity.verify(token));
    } catch {
      return sendJson(
        res,
        401,
        { message: 'Unauthorized' },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
    }
  }

  let body: Buffer;
  try {
    body = await readBody(req);
  } catch {
    return sendJson(res, 413, { message: 'Request Entity Too Large' });
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
    if (error instanceof LambdaTimeoutError) return sendJson(res, 503, { message: 'Service Unavailable' });
    return sendJson(res, 500, { message: 'Internal Server Error' });
  }
  const responseHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) responseHeaders[k] = String(v);
  res.writeHead(result.statusCode ?? 200, responseHeaders);
  res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}
