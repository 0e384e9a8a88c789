/**
 * A local Amazon SES (API v2) for the desk: what the AWS SDK v3 (`@aws-sdk/client-sesv2`) and the aws CLI
 * send over REST JSON (SendEmail, email identities, GetAccount), the checks SES makes before it accepts a
 * mail (an address for a sender, recipients, a subject and a body, a verified sender, the sandbox's
 * verified recipients), its error shapes, and a mail store that tests read at `GET /store`. Time comes from
 * the given clock, never the wall; mail lives in SQLite, not in memory.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { identitiesCovering } from './addresses.ts';
import { badRequest, notFound, SesApiError } from './errors.ts';
import {
  checkCreateEmailIdentity,
  createEmailIdentityResponse,
  getEmailIdentityResponse,
  type IdentityFilter,
  identityInfo,
  identityType,
  matchesFilter,
} from './identities.ts';
import type { StoredMail } from './mail.ts';
import { MailStore } from './mail-store.ts';
import { checkSendEmail } from './send-email.ts';

export interface SesEmulatorOptions {
  /** The simulated time: every mail's `at`, message id and identity timestamps come from it. */
  readonly clock: { now(): Date };
  /** A SQLite file that keeps mail and identities across restarts; without it, SQLite in memory. */
  readonly storeFile?: string;
  /**
   * SES's sandbox: recipients must be verified identities too, and GetAccount shows no production access.
   * Default false (the desk's account has production access).
   */
  readonly sandbox?: boolean;
  /** Default eu-west-1, the local runtime's region (local/lambda-host.ts LOCAL_REGION). */
  readonly region?: string;
  /** Default 000000000000, the local runtime's account. */
  readonly accountId?: string;
  /** Email addresses or domains verified at start (created if missing; a domain covers its subdomains). */
  readonly verifiedIdentities?: readonly string[];
  /** Where an internal error's stack goes (default stderr). */
  readonly log?: (line: string) => void;
}

export interface MailPage {
  /** Mails after this sequence number (default 0: from the first). */
  readonly since?: number;
  /** At most this many (default all). */
  readonly limit?: number;
}

export interface SesEmulator {
  readonly region: string;
  readonly accountId: string;
  readonly sandbox: boolean;
  /** Node HTTP handler: the SES v2 API (any SigV4 Authorization accepted unverified) and the mail store. */
  httpHandler(req: IncomingMessage, res: ServerResponse): void;
  /** Sent mail in sending order (what `GET /store` answers). */
  mails(page?: MailPage): StoredMail[];
  mailCount(): number;
  /** Forgets every mail (identities stay); returns how many there were. */
  clearMails(): number;
  /** Creates a verified identity unless it exists (an email address or a domain). */
  verifyIdentity(name: string): void;
  /** Closes the store. */
  close(): void;
}

/** SES's send quotas for a new account: not enforced here, shown by GetAccount. */
const SANDBOX_QUOTA = { Max24HourSend: 200, MaxSendRate: 1 } as const;
const PRODUCTION_QUOTA = { Max24HourSend: 50_000, MaxSendRate: 14 } as const;
/** SES's mailbox simulator: its addresses receive mail even in the sandbox. */
const SIMULATOR_DOMAIN = '@simulator.amazonses.com';
const IDENTITY_PAGE_SIZE = 100;
const MAX_IDENTITY_PAGE_SIZE = 1000;
/** Over SES v2's 40 MB message limit once base64 has grown it by a third. */
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
/** Rows read from SQLite per chunk of a `GET /store` answer. */
const STORE_CHUNK = 500;

interface ApiRequest {
  readonly method: string;
  readonly url: URL;
  readonly params: readonly string[];
  readonly body: Buffer;
}

type Reply =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly bytes: Uint8Array; readonly contentType: string }
  | { readonly status: number; readonly stream: (res: ServerResponse) => Promise<void> };

interface Route {
  readonly method: string;
  readonly path: RegExp;
  /** The SES API wants a signed request; the store and the health check do not. */
  readonly signed: boolean;
  readonly handle: (request: ApiRequest) => Reply | Promise<Reply>;
}

export function createSesEmulator(options: SesEmulatorOptions): SesEmulator {
  const clock = options.clock;
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '000000000000';
  const sandbox = options.sandbox ?? false;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const store = new MailStore(options.storeFile);

  function verifyIdentity(name: string): void {
    const trimmed = name.trim();
    if (store.identity(trimmed)) return;
    let type: ReturnType<typeof identityType>;
    try {
      type = identityType(trimmed);
    } catch (error) {
      throw new Error(`SES emulator: cannot verify '${name}': ${(error as Error).message}`);
    }
    store.addIdentity({ name: trimmed, type, createdAt: clock.now(), tags: [] });
  }
  for (const name of options.verifiedIdentities ?? []) verifyIdentity(name);

  const isVerified = (address: string) => identitiesCovering(address).some((name) => store.identity(name));

  // --- the SES v2 API ------------------------------------------------------------------

  function sendEmail(request: ApiRequest): Reply {
    const mail = checkSendEmail(json(request));
    const checked = [
      mail.sender,
      ...(sandbox ? mail.recipients.filter((r) => !r.toLowerCase().endsWith(SIMULATOR_DOMAIN)) : []),
    ];
    const failed = [...new Map(checked.map((a) => [a.toLowerCase(), a])).values()].filter(
      (a) => !isVerified(a),
    );
    if (failed.length > 0) {
      throw new SesApiError(
        'MessageRejected',
        400,
        `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${failed.join(', ')}`,
      );
    }
    const at = clock.now();
    const stored = store.addMail(mail.draft, { messageId: messageIdAt(at), at }, mail.raw);
    return { status: 200, json: { MessageId: stored.messageId } };
  }

  function createEmailIdentity(request: ApiRequest): Reply {
    const wanted = checkCreateEmailIdentity(json(request));
    if (store.identity(wanted.name)) {
      throw new SesApiError('AlreadyExistsException', 400, `Email identity ${wanted.name} already exists.`);
    }
    const identity = store.addIdentity({ ...wanted, createdAt: clock.now() });
    return { status: 200, json: createEmailIdentityResponse(identity) };
  }

  function existingIdentity(request: ApiRequest) {
    const name = decodeURIComponent(request.params[0] ?? '');
    const identity = store.identity(name);
    if (!identity) throw notFound(`Email identity ${name} does not exist.`);
    return identity;
  }

  function listEmailIdentities(page: { NextToken?: unknown; PageSize?: unknown; Filter?: unknown }): Reply {
    const size = pageSize(page.PageSize);
    const after = page.NextToken === undefined || page.NextToken === '' ? 0 : identitySeqOf(page.NextToken);
    const filter = (page.Filter ?? {}) as IdentityFilter;
    const matching = store.identitiesAfter(after).filter((identity) => matchesFilter(identity, filter));
    const shown = matching.slice(0, size);
    const last = shown[shown.length - 1];
    return {
      status: 200,
      json: {
        EmailIdentities: shown.map(identityInfo),
        ...(matching.length > size && last ? { NextToken: identityToken(last.seq) } : {}),
      },
    };
  }

  function getAccount(): Reply {
    const quota = sandbox ? SANDBOX_QUOTA : PRODUCTION_QUOTA;
    const dayAgo = new Date(clock.now().getTime() - 24 * 60 * 60 * 1000);
    return {
      status: 200,
      json: {
        DedicatedIpAutoWarmupEnabled: false,
        EnforcementStatus: 'HEALTHY',
        ProductionAccessEnabled: !sandbox,
        SendQuota: { ...quota, SentLast24Hours: store.countSince(dayAgo) },
        SendingEnabled: true,
        SuppressionAttributes: { SuppressedReasons: [] },
      },
    };
  }

  // --- the mail store --------------------------------------------------------------------

  function storeListing(request: ApiRequest): Reply {
    const since = counter(request.url.searchParams.get('since'), 'since') ?? 0;
    const limit = counter(request.url.searchParams.get('limit'), 'limit');
    // The listing is of the mail stored when it was asked for, however long the answer takes to write.
    const upTo = store.latestSeq();
    return { status: 200, stream: (res) => writeMails(res, since, limit ?? Number.POSITIVE_INFINITY, upTo) };
  }

  async function writeMails(res: ServerResponse, since: number, limit: number, upTo: number): Promise<void> {
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-RequestId': randomUUID() });
    res.write('{"emails":[');
    let after = since;
    let written = 0;
    while (written < limit && !res.destroyed) {
      const rows = store.mailsAfter(after, Math.min(STORE_CHUNK, limit - written), upTo);
      const last = rows[rows.length - 1];
      if (!last) break;
      const flushed = res.write(`${written > 0 ? ',' : ''}${rows.map((row) => row.json).join(',')}`);
      written += rows.length;
      after = last.seq;
      if (!flushed) await drained(res);
    }
    const more = written >= limit && store.mailsAfter(after, 1, upTo).length > 0;
    res.end(`]${more ? `,"next":${after}` : ''}}`);
  }

  function storedMail(request: ApiRequest): Reply {
    const id = decodeURIComponent(request.params[0] ?? '');
    const mail = store.mail(id);
    if (!mail) throw notFound(`No mail ${id} in the store`);
    return { status: 200, json: mail };
  }

  function storedRaw(request: ApiRequest): Reply {
    const id = decodeURIComponent(request.params[0] ?? '');
    const raw = store.raw(id);
    if (!raw) throw notFound(`No raw mail ${id} in the store`);
    return { status: 200, bytes: raw, contentType: 'message/rfc822' };
  }

  const routes: readonly Route[] = [
    { method: 'POST', path: /^\/v2\/email\/outbound-emails$/, signed: true, handle: sendEmail },
    { method: 'POST', path: /^\/v2\/email\/identities$/, signed: true, handle: createEmailIdentity },
    {
      // The aws CLI's form (botocore's model): GET with NextToken and PageSize in the query.
      method: 'GET',
      path: /^\/v2\/email\/identities$/,
      signed: true,
      handle: (request) =>
        listEmailIdentities({
          NextToken: request.url.searchParams.get('NextToken') ?? undefined,
          PageSize: request.url.searchParams.get('PageSize') ?? undefined,
        }),
    },
    {
      // The AWS SDK v3's form since it gained Filter: POST with a JSON body.
      method: 'POST',
      path: /^\/v2\/email\/list-identities$/,
      signed: true,
      handle: (request) => {
        const body = json(request);
        return listEmailIdentities(typeof body === 'object' && body !== null ? body : {});
      },
    },
    {
      method: 'GET',
      path: /^\/v2\/email\/identities\/([^/]+)$/,
      signed: true,
      handle: (request) => ({ status: 200, json: getEmailIdentityResponse(existingIdentity(request)) }),
    },
    {
      method: 'DELETE',
      path: /^\/v2\/email\/identities\/([^/]+)$/,
      signed: true,
      handle: (request) => {
        store.deleteIdentity(existingIdentity(request).name);
        return { status: 200, json: {} };
      },
    },
    { method: 'GET', path: /^\/v2\/email\/account$/, signed: true, handle: getAccount },
    { method: 'GET', path: /^\/store$/, signed: false, handle: storeListing },
    {
      method: 'GET',
      path: /^\/store\/count$/,
      signed: false,
      handle: () => ({ status: 200, json: { count: store.count(), latestSeq: store.latestSeq() } }),
    },
    { method: 'GET', path: /^\/store\/messages\/([^/]+)$/, signed: false, handle: storedMail },
    { method: 'GET', path: /^\/store\/messages\/([^/]+)\/raw$/, signed: false, handle: storedRaw },
    {
      method: 'DELETE',
      path: /^\/store$/,
      signed: false,
      handle: () => ({ status: 200, json: { cleared: store.clearMails() } }),
    },
    {
      // aws-ses-v2-local's way of clearing its store, kept for scripts that know it.
      method: 'POST',
      path: /^\/clear-store$/,
      signed: false,
      handle: () => {
        store.clearMails();
        return { status: 200, json: { message: 'Store cleared' } };
      },
    },
    {
      method: 'GET',
      path: /^\/health-check$/,
      signed: false,
      handle: () => ({ status: 200, json: { status: 'up' } }),
    },
  ];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://ses.local');
    try {
      const found = routes
        .filter((route) => route.method === method)
        .map((route) => ({ route, match: route.path.exec(url.pathname) }))
        .find((candidate) => candidate.match !== null);
      if (!found?.match) {
        throw new SesApiError(
          'UnknownOperationException',
          404,
          `The local SES emulator does not implement ${method} ${url.pathname}`,
        );
      }
      if (found.route.signed && !req.headers.authorization?.startsWith('AWS4-HMAC-SHA256')) {
        throw new SesApiError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
      }
      const body = await readBody(req);
      await send(res, await found.route.handle({ method, url, params: found.match.slice(1), body }));
    } catch (error) {
      if (error instanceof SesApiError) {
        sendError(res, error);
        return;
      }
      log(
        `SES emulator: internal error on ${method} ${url.pathname}: ${(error as Error)?.stack ?? String(error)}`,
      );
      sendError(res, new SesApiError('InternalFailure', 500, 'Internal error in the local SES emulator'));
    }
  }

  return {
    region,
    accountId,
    sandbox,
    httpHandler: (req, res) => {
      void handle(req, res);
    },
    mails: (page = {}) =>
      store.mailsAfter(page.since ?? 0, page.limit ?? -1).map((row) => JSON.parse(row.json) as StoredMail),
    mailCount: () => store.count(),
    clearMails: () => store.clearMails(),
    verifyIdentity,
    close: () => store.close(),
  };
}

/** SES-like message ids (`<16 hex digits of time>-<uuid>-000000`); the time is the simulated one. */
function messageIdAt(at: Date): string {
  return `${at.getTime().toString(16).padStart(16, '0')}-${randomUUID()}-000000`;
}

function json(request: ApiRequest): unknown {
  if (request.body.length === 0) return {};
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}

function pageSize(value: unknown): number {
  if (value === undefined) return IDENTITY_PAGE_SIZE;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 0 || size > MAX_IDENTITY_PAGE_SIZE) {
    throw badRequest(`PageSize: must be an integer from 0 to ${MAX_IDENTITY_PAGE_SIZE}`);
  }
  return size === 0 ? IDENTITY_PAGE_SIZE : size;
}

function identityToken(seq: number): string {
  return Buffer.from(`identities:${seq}`).toString('base64url');
}

function identitySeqOf(token: unknown): number {
  const match = /^identities:(\d+)$/.exec(Buffer.from(String(token), 'base64url').toString('utf8'));
  if (!match) throw badRequest('NextToken: not a token from a previous ListEmailIdentities answer');
  return Number(match[1]);
}

/** A `?since=` / `?limit=` value: a whole number, or undefined when absent. */
function counter(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value))
    throw badRequest(`${name}: must be a whole number (a mail sequence number or a count)`);
  return Number(value);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw badRequest(`The request is larger than ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function send(res: ServerResponse, reply: Reply): void | Promise<void> {
  if ('stream' in reply) return reply.stream(res);
  const payload = 'json' in reply ? Buffer.from(JSON.stringify(reply.json)) : reply.bytes;
  res.writeHead(reply.status, {
    'content-type': 'json' in reply ? 'application/json' : reply.contentType,
    'content-length': payload.byteLength,
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: SesApiError): void {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  const payload = JSON.stringify({ message: error.message });
  res.writeHead(error.statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': error.errorType,
  });
  res.end(payload);
}
