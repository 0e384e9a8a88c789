/**
 * The phone simulator's HTTP surface (`/local/phone/...`, see docs/local-contract.md):
 * dial the hotline, read what happened on a call, press keys, hang up, and set how an
 * outbound destination behaves. Mounted by the local runtime's gateway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { type ConnectEmulator, PhoneSimulatorError } from '#local/connect/emulator';

export type PhoneRouter = (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean;

const E164 = /^\+[1-9]\d{1,14}$/;
const e164 = z.string().regex(E164, 'must be an E.164 phone number such as +15551230001');

const dialBody = z.strictObject({ from: e164, to: e164.optional() });
const keysBody = z.strictObject({
  digits: z.string().regex(/^[0-9*#]{1,64}$/, 'must be 1 to 64 keys of 0-9, * and #'),
});
const speechBody = z.strictObject({ text: z.string().trim().min(1).max(1024) });
const numberBody = z.strictObject({
  answer: z.enum(['answer', 'no-answer', 'busy', 'manual']),
  keys: z
    .string()
    .regex(/^[0-9*#]*$/, 'may only hold 0-9, * and #')
    .optional(),
  ringSeconds: z.number().int().min(0).max(60).optional(),
});
const agentBody = z.strictObject({
  status: z.enum(['Available', 'Offline']),
  /** How long the simulated agent talks before hanging up (default 120 s). */
  talkSeconds: z.number().int().min(1).max(3600).optional(),
});
const direction = z.enum(['inbound', 'outbound']).optional();
/** `?limit=`: the newest calls only (a city-wide broadcast leaves hundreds of thousands). */
const listLimit = z.coerce.number().int().min(1).max(10_000).optional();

const PREFIX = '/local/phone/';

class BadRequest extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, field?: string): void {
  sendJson(res, status, { error: { code, message, ...(field ? { field } : {}) } });
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new BadRequest('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const keys = issue && 'keys' in issue && Array.isArray(issue.keys) ? ` ${issue.keys.join(', ')}` : '';
  throw new BadRequest(`${field ?? 'body'}: ${issue?.message ?? 'invalid'}${keys}`, field);
}

/** A router for the `/local/phone/` paths; returns false for any other path. */
export function createPhoneRoutes(connect: ConnectEmulator): PhoneRouter {
  async function route(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? pathname, 'http://localhost');
    const parts = pathname.slice(PREFIX.length).split('/').map(decodeURIComponent);

    if (parts[0] === 'calls' && parts.length === 1) {
      if (method === 'POST') {
        const body = parse(dialBody, await readBody(req));
        const call = await connect.startInboundCall(body.from, body.to);
        sendJson(res, 201, call);
        return;
      }
      if (method === 'GET') {
        const filter = parse(direction, url.searchParams.get('direction') ?? undefined);
        const limit = parse(listLimit, url.searchParams.get('limit') ?? undefined);
        sendJson(res, 200, {
          calls: connect.listCalls({ ...(filter ? { direction: filter } : {}), ...(limit ? { limit } : {}) }),
        });
        return;
      }
    }

    if (parts[0] === 'calls' && parts[1] !== undefined) {
      const callId = parts[1];
      const action = parts[2];
      if (parts.length === 2 && method === 'GET') {
        const call = connect.getCall(callId);
        if (!call) throw new PhoneSimulatorError('NOT_FOUND', `no call ${callId}`, 'callId');
        sendJson(res, 200, call);
        return;
      }
      if (parts.length === 3 && method === 'POST') {
        if (action === 'keys') {
          const body = parse(keysBody, await readBody(req));
          sendJson(res, 200, await connect.pressKeys(callId, body.digits));
          return;
        }
        if (action === 'speech') {
          const body = parse(speechBody, await readBody(req));
          sendJson(res, 200, await connect.speak(callId, body.text));
          return;
        }
        if (action === 'hangup') {
          sendJson(res, 200, await connect.hangup(callId));
          return;
        }
        if (action === 'drop') {
          sendJson(res, 200, await connect.drop(callId));
          return;
        }
        if (action === 'answer') {
          sendJson(res, 200, await connect.answer(callId));
          return;
        }
        if (action === 'decline') {
          sendJson(res, 200, await connect.decline(callId));
          return;
        }
      }
    }

    if (parts[0] === 'numbers' && parts.length === 2 && parts[1] !== undefined) {
      const number = parts[1];
      if (!E164.test(number)) throw new BadRequest(`${number} is not an E.164 phone number`, 'number');
      if (method === 'PUT') {
        const body = parse(numberBody, await readBody(req));
        connect.setNumberBehaviour(number, body);
        sendJson(res, 200, { number, ...connect.getNumberBehaviour(number) });
        return;
      }
      if (method === 'GET') {
        sendJson(res, 200, { number, ...connect.getNumberBehaviour(number) });
        return;
      }
    }

    if (parts[0] === 'agents' && parts.length === 1 && method === 'GET') {
      sendJson(res, 200, { agents: connect.agents() });
      return;
    }
    if (parts[0] === 'agents' && parts.length === 2 && parts[1] !== undefined && method === 'PUT') {
      const body = parse(agentBody, await readBody(req));
      const known = connect.agents().some((a) => a.username === parts[1] || a.userId === parts[1]);
      if (!known)
        throw new PhoneSimulatorError('NOT_FOUND', `no agent ${parts[1]} (CreateUser makes one)`, 'agent');
      sendJson(res, 200, connect.setAgentStatus(parts[1], body.status, body.talkSeconds));
      return;
    }

    sendError(res, 404, 'NOT_FOUND', `no phone simulator route ${method} ${pathname}`);
  }

  return (req, res, pathname) => {
    if (!pathname.startsWith(PREFIX)) return false;
    route(req, res, pathname).catch((error: unknown) => {
      if (error instanceof BadRequest)
        return sendError(res, 400, 'INVALID_INPUT', error.message, error.field);
      if (error instanceof PhoneSimulatorError) {
        const status = error.code === 'NOT_FOUND' ? 404 : error.code === 'CONFLICT' ? 409 : 400;
        return sendError(res, status, error.code, error.message, error.field);
      }
      console.error('[phone-simulator]', error);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'phone simulator failed; see the runtime log');
    });
    return true;
  };
}
