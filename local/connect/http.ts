/**
 * The Connect emulator's HTTP surface in REST-JSON, as the AWS SDK and CLI speak it: a table of contact
 * operations by method and path, then the handlers of whole API areas (the control plane, test cases), and
 * Connect's error shape (`x-amzn-ErrorType`, `{ message }`) for whatever they throw. Any SigV4 Authorization
 * is accepted unverified.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConnectApiError } from './api-error.ts';

export type ContactRoute = readonly [
  method: string,
  path: RegExp,
  run: (params: readonly string[], body: unknown, query: URLSearchParams) => unknown,
];

/** An API area: its answer, or undefined when the path is not one of its operations. */
export type ApiArea = (
  method: string,
  pathname: string,
  query: URLSearchParams,
  body: unknown,
) => { result: unknown } | undefined;

const MAX_BODY_BYTES = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new ConnectApiError('InvalidRequestException', 400, 'Request body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ConnectApiError('InvalidRequestException', 400, 'Request body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(payload);
}

export function createConnectHttp(options: {
  readonly routes: readonly ContactRoute[];
  readonly areas: readonly ApiArea[];
  readonly log: (message: string) => void;
}) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://connect.local');
    const method = req.method ?? 'GET';
    try {
      const body = method === 'PUT' || method === 'POST' ? await readJson(req) : undefined;
      for (const [m, pattern, run] of options.routes) {
        const match = m === method ? pattern.exec(url.pathname) : null;
        if (!match) continue;
        const params = match.slice(1).map((p) => decodeURIComponent(p));
        send(res, 200, await run(params, body, url.searchParams));
        return;
      }
      for (const area of options.areas) {
        const answered = area(method, url.pathname, url.searchParams, body);
        if (!answered) continue;
        send(res, 200, answered.result);
        return;
      }
      throw new ConnectApiError(
        'UnknownOperationException',
        404,
        `The emulator does not implement ${method} ${url.pathname}`,
      );
    } catch (error) {
      if (error instanceof ConnectApiError) {
        const payload = { message: error.message, Message: error.message, ...error.extra };
        send(res, error.statusCode, payload, error.errorType);
        return;
      }
      const detail = error instanceof Error ? error.stack : String(error);
      options.log(`internal error on ${method} ${url.pathname}: ${detail}`);
      send(res, 500, { message: 'Internal error in the Connect emulator' }, 'InternalServiceException');
    }
  };
}
