import type { ApiEvent } from '#shared/http/api';

/** An API Gateway HTTP API (payload 2.0) event as the JWT authorizer passes it on. */
export function anApiEvent(
  routeKey: string,
  options: {
    body?: unknown;
    pathParameters?: Record<string, string>;
    headers?: Record<string, string>;
    groups?: string[];
    username?: string;
  } = {},
): ApiEvent {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    isBase64Encoded: false,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: {
            username: options.username ?? 'alice',
            'cognito:groups': `[${(options.groups ?? ['agent']).join(' ')}]`,
          },
          scopes: [],
        },
      },
    },
  } as ApiEvent;
}
