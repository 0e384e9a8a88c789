/**
 * The Scheduler REST-JSON wire protocol (scheduler-2021-06-30) in front of a SchedulerEmulator,
 * so `aws scheduler ... --endpoint-url` and `new SchedulerClient({ endpoint })` work against it.
 * SigV4 Authorization headers are accepted without being checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchedulerEmulator, type SchedulerEmulatorOptions } from './emulator';
import { SchedulerApiError } from './errors';

type JsonObject = Record<string, unknown>;

/** Wire input goes in as it came: the emulator validates every input with the model's constraints. */
const unchecked = <T>(value: unknown): T => value as T;

/** rest-json timestamps are epoch seconds; undefined members are left out. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(toWire(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: SchedulerApiError): void {
  send(res, error.status, { __type: error.type, Message: error.message }, { 'x-amzn-errortype': error.type });
}

async function readJsonBody(req: IncomingMessage): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SchedulerApiError('SerializationException', 'The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SchedulerApiError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as JsonObject;
}

/** Query string members: absent ones stay undefined; MaxResults becomes a number for validation. */
function queryOf(url: URL, names: Record<string, string>): JsonObject {
  const out: JsonObject = {};
  for (const [wireName, member] of Object.entries(names)) {
    const value = url.searchParams.get(wireName);
    if (value === null) continue;
    out[member] = member === 'MaxResults' ? Number(value) : value;
  }
  return out;
}

const unknownOperation = (method: string, path: string) =>
  new SchedulerApiError('UnknownOperationException', `No operation for ${method} ${path}.`);

async function route(emulator: SchedulerEmulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://localhost');
  // Split before decoding: ARNs in /tags/{ResourceArn} arrive with their slashes percent-encoded.
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  const [collection, label, ...rest] = segments;
  if (rest.length > 0) throw unknownOperation(method, url.pathname);

  if (collection === 'schedules' && label === undefined && method === 'GET') {
    const query = queryOf(url, {
      ScheduleGroup: 'GroupName',
      NamePrefix: 'NamePrefix',
      State: 'State',
      MaxResults: 'MaxResults',
      NextToken: 'NextToken',
    });
    return send(res, 200, emulator.listSchedules(unchecked(query)));
  }
  if (collection === 'schedules' && label !== undefined) {
    const ref = { Name: label, ...queryOf(url, { groupName: 'GroupName', clientToken: 'ClientToken' }) };
    switch (method) {
      case 'POST':
        return send(
          res,
          200,
          emulator.createSchedule(unchecked({ ...(await readJsonBody(req)), Name: label })),
        );
      case 'PUT':
        return send(
          res,
          200,
          emulator.updateSchedule(unchecked({ ...(await readJsonBody(req)), Name: label })),
        );
      case 'GET':
        return send(res, 200, emulator.getSchedule(unchecked(ref)));
      case 'DELETE':
        emulator.deleteSchedule(unchecked(ref));
        return send(res, 200, {});
    }
  }
  if (collection === 'schedule-groups' && label === undefined && method === 'GET') {
    const query = queryOf(url, {
      NamePrefix: 'NamePrefix',
      MaxResults: 'MaxResults',
      NextToken: 'NextToken',
    });
    return send(res, 200, emulator.listScheduleGroups(unchecked(query)));
  }
  if (collection === 'schedule-groups' && label !== undefined) {
    switch (method) {
      case 'POST':
        return send(
          res,
          200,
          emulator.createScheduleGroup(unchecked({ ...(await readJsonBody(req)), Name: label })),
        );
      case 'GET':
        return send(res, 200, emulator.getScheduleGroup({ Name: label }));
      case 'DELETE':
        emulator.deleteScheduleGroup({ Name: label });
        return send(res, 200, {});
    }
  }
  if (collection === 'tags' && label !== undefined) {
    switch (method) {
      case 'GET':
        return send(res, 200, emulator.listTagsForResource({ ResourceArn: label }));
      case 'POST': {
        const body = await readJsonBody(req);
        emulator.tagResource({ ResourceArn: label, Tags: unchecked(body.Tags) });
        return send(res, 200, {});
      }
      case 'DELETE':
        emulator.untagResource({ ResourceArn: label, TagKeys: url.searchParams.getAll('TagKeys') });
        return send(res, 200, {});
    }
  }
  throw unknownOperation(method, url.pathname);
}

export type SchedulerHttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createSchedulerHttpHandler(emulator: SchedulerEmulator): SchedulerHttpHandler {
  return (req, res) => {
    route(emulator, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof SchedulerApiError) return sendError(res, error);
      console.error('[scheduler] unexpected error', error);
      sendError(res, new SchedulerApiError('InternalServerException', 'An internal error occurred.'));
    });
  };
}

export interface SchedulerServerOptions extends SchedulerEmulatorOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Also call runDue every runIntervalMs of real time (emulator.start()). */
  autoRun?: boolean;
}

export interface SchedulerServer {
  url: string;
  emulator: SchedulerEmulator;
  close(): Promise<void>;
}

export async function startSchedulerServer({
  port,
  host = '127.0.0.1',
  autoRun = false,
  ...options
}: SchedulerServerOptions): Promise<SchedulerServer> {
  const emulator = new SchedulerEmulator(options);
  const server = createServer(createSchedulerHttpHandler(emulator));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (autoRun) emulator.start();
  const { port: boundPort } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}`,
    emulator,
    close: async () => {
      emulator.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
