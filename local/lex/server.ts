/**
 * Serves the local Lex V2 runtime on its own port with the runtime's REST wire protocol, so the AWS SDK's
 * LexRuntimeV2Client and the CLI (`aws lexv2-runtime ... --endpoint-url http://127.0.0.1:<port>`) reach it:
 *   POST   /bots/{botId}/botAliases/{botAliasId}/botLocales/{localeId}/sessions/{sessionId}/text  RecognizeText
 *   GET    /bots/{botId}/botAliases/{botAliasId}/botLocales/{localeId}/sessions/{sessionId}       GetSession
 *   POST   (same)                                                                                 PutSession
 *   DELETE (same)                                                                                 DeleteSession
 * Errors answer `{ "message" }` with the type in `x-amzn-ErrorType`. Any SigV4 signature is accepted unverified.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { LexApiError, validationError } from './api-error.ts';
import type { LexRuntime } from './runtime.ts';

const SESSION_PATH =
  /^\/bots\/([^/]+)\/botAliases\/([^/]+)\/botLocales\/([^/]+)\/sessions\/([^/]+?)(\/text)?$/;
const MAX_BODY_BYTES = 256 * 1024;

export interface LexServerOptions {
  readonly runtime: LexRuntime;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

export interface LexServer {
  readonly url: string;
  readonly port: number;
  readonly runtime: LexRuntime;
  readonly server: Server;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw validationError('Request body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw validationError('Request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError('Request body must be a JSON object');
  }
  return body as Record<string, unknown>;
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

function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw validationError(`Malformed path segment: ${part}`);
  }
}

/** PutSession answers in headers, each JSON value gzipped and base64-encoded as Lex does. */
const packed = (value: unknown) => gzipSync(Buffer.from(JSON.stringify(value))).toString('base64');

async function handle(runtime: LexRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://lex.local');
  const method = req.method ?? 'GET';
  const path = SESSION_PATH.exec(url.pathname);
  if (!path) {
    throw new LexApiError(
      'UnknownOperationException',
      404,
      `The emulator does not implement ${method} ${url.pathname}`,
    );
  }
  const [, botId = '', botAliasId = '', localeId = '', sessionId = '', text] = path.map((part, index) =>
    index > 0 && index < 5 && part !== undefined ? decodePathPart(part) : part,
  );
  const address = { botId, botAliasId, localeId, sessionId };
  if (text && method === 'POST') {
    const body = await readJson(req);
    const { text: said, sessionState, requestAttributes } = body;
    send(res, 200, runtime.recognizeText({ ...address, text: said, sessionState, requestAttributes }));
    return;
  }
  if (!text && method === 'GET') {
    send(res, 200, runtime.getSession(address));
    return;
  }
  if (!text && method === 'DELETE') {
    send(res, 200, runtime.deleteSession(address));
    return;
  }
  if (!text && method === 'POST') {
    const body = await readJson(req);
    if (body.sessionState === undefined) {
      throw validationError(
        "1 validation error detected: Value null at 'sessionState' failed to satisfy constraint: Member must not be null",
      );
    }
    const { sessionState, messages, requestAttributes } = body;
    const result = runtime.putSession({ ...address, sessionState, messages, requestAttributes });
    const contentType = req.headers.responsecontenttype;
    res.writeHead(200, {
      'content-type': typeof contentType === 'string' ? contentType : 'text/plain; charset=utf-8',
      'content-length': 0,
      'x-amzn-requestid': randomUUID(),
      'x-amz-lex-session-id': result.sessionId,
      'x-amz-lex-session-state': packed(result.sessionState),
      ...(result.messages.length > 0 ? { 'x-amz-lex-messages': packed(result.messages) } : {}),
      ...(result.requestAttributes
        ? { 'x-amz-lex-request-attributes': packed(result.requestAttributes) }
        : {}),
    });
    res.end();
    return;
  }
  throw new LexApiError(
    'UnknownOperationException',
    404,
    `The emulator does not implement ${method} ${url.pathname}`,
  );
}

/** Node HTTP handler for the Lex runtime API, to serve alone or beside other routes. */
export function createLexHttpHandler(
  runtime: LexRuntime,
  log: (line: string) => void = (line) => console.error(`[lex] ${line}`),
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(runtime, req, res).catch((error: unknown) => {
      if (error instanceof LexApiError) {
        send(res, error.statusCode, { message: error.message }, error.errorType);
        return;
      }
      log(
        `internal error on ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}`,
      );
      send(res, 500, { message: 'Internal error in the Lex emulator' }, 'InternalServerException');
    });
  };
}

export async function startLexServer(options: LexServerOptions): Promise<LexServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(createLexHttpHandler(options.runtime));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    runtime: options.runtime,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
