import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { createDependencies, setDependencies } from '#shared/adapters/dependencies';
import { DESK_EVENT_ENTITY } from '#shared/adapters/event-items';
import { loadConfig } from '#shared/config';
import { LocalClock } from './clock';
import type { ConnectEmulator, ConnectLimits } from './connect/emulator';
import { ensureTable, type LocalDynamo, startDynamoDbLocal } from './dynamodb';
import { startEmulators } from './emulators';
import { readBody, sendError, sendJson, serveApi } from './gateway';
import { type LocalEndpoints, localHandlerEnv } from './handler-env';
import { registryProfiles } from './hotline';
import { createDevIdentityProvider, type DevIdentityProvider } from './identity';
import { LambdaHost } from './lambda-host';
import { createPortalRoutes } from './portal';
import type { SchedulerEmulator } from './scheduler/emulator';
import { StreamReactor } from './stream-reactor';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface LocalRuntimeOptions {
  /** Gateway port; 0 picks free ports for everything (tests). Default 3000. */
  readonly port?: number;
  readonly host?: string;
  /** Folder that keeps data between restarts; omit to keep everything in memory. */
  readonly dataDir?: string;
  /** Extra environment for the handlers (configuration overrides). */
  readonly env?: Readonly<Record<string, string>>;
  /** Run the periodic deadline sweep as deployed (default true). */
  readonly periodicSweep?: boolean;
  /**
   * `real` (default): simulated time runs with the wall clock. `virtual`: it stands still while anything
   * runs and jumps to the next thing due (local/clock.ts); `autopilot` also makes those jumps by itself
   * whenever the desk is idle (`npm start -- --virtual`), instead of only on `POST /local/clock`.
   */
  readonly clock?: 'real' | 'virtual' | 'autopilot';
  /** Quotas of the emulated Connect instance (benchmarks, fault tests). */
  readonly connectLimits?: Partial<ConnectLimits>;
  readonly log?: (line: string) => void;
}

export interface ComponentHealth {
  readonly status: 'up' | 'down';
  readonly endpoint: string;
  readonly detail?: string;
}

export interface LocalRuntime {
  readonly url: string;
  readonly port: number;
  readonly clock: LocalClock;
  readonly identity: DevIdentityProvider;
  readonly lambdas: LambdaHost;
  readonly dynamo: LocalDynamo;
  readonly tableName: string;
  readonly scheduler: SchedulerEmulator;
  readonly connect: ConnectEmulator;
  /** The reactor's event source mapping: polls the table's stream, runs the Reactor function on it. */
  readonly reactor: StreamReactor;
  readonly endpoints: LocalEndpoints;
  /** Every reaction of every saved event done, and the work they started (tests, the clock). */
  settled(): Promise<void>;
  token(username: string, groups: readonly string[]): Promise<string>;
  health(): Promise<{ status: 'ok' | 'degraded'; components: Record<string, ComponentHealth> }>;
  stop(): Promise<void>;
}

/** DynamoDB commands that can write an item (reads never put anything on the stream). */
const WRITE_COMMANDS = /^(Put|Update|Delete|TransactWrite|BatchWrite)/;

/** The mapping's filter criteria: only event-log items invoke the reactor. */
function isDeskEventRecord(record: DynamoDBRecord): boolean {
  return record.dynamodb?.NewImage?.entity?.S === DESK_EVENT_ENTITY;
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Start the whole system on this machine: DynamoDB Local, the gateway and the local control surface. */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const host = options.host ?? '127.0.0.1';
  const basePort = options.port ?? 3000;
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const portFor = async (offset: number) => (basePort === 0 ? freePort(host) : basePort + offset);
  // Known before the handlers' environment is: links the desk sends out (the survey page) name this address.
  const gatewayPort = await portFor(0);
  const gatewayUrl = `http://${host}:${gatewayPort}`;

  const dynamo = await startDynamoDbLocal({
    port: await portFor(1),
    ...(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {}),
  });
  const stops: (() => Promise<void>)[] = [() => dynamo.stop()];
  try {
    const tableName = options.env?.TABLE_NAME ?? 'complaint-hotline';
    await ensureTable(dynamo.client, tableName);

    // LOCAL_CLOCK=virtual runs a whole test suite on virtual time without touching its code.
    const clockOption = options.clock ?? (process.env.LOCAL_CLOCK === 'virtual' ? 'virtual' : 'real');
    const clock = new LocalClock(dataDir ? join(dataDir, 'clock.json') : undefined, {
      mode: clockOption === 'real' ? 'real' : 'virtual',
    });
    const lambdas = new LambdaHost(REPO_ROOT);
    const emulators = await startEmulators({
      host,
      // Port 0 binds a free port at once (no gap between finding a free port and taking it).
      ports:
        basePort === 0
          ? { scheduler: 0, connect: 0, ses: 0, lex: 0 }
          : { scheduler: basePort + 2, connect: basePort + 3, ses: basePort + 4, lex: basePort + 5 },
      clock,
      lambdas,
      ...(dataDir ? { dataDir } : {}),
      ...(options.connectLimits ? { connectLimits: options.connectLimits } : {}),
      ...(options.periodicSweep === false ? { periodicSweep: false } : {}),
      ...(options.env?.DESK_TIME_ZONE ? { deskTimeZone: options.env.DESK_TIME_ZONE } : {}),
      ...(options.env?.MAIL_FROM ? { mailFrom: options.env.MAIL_FROM } : {}),
      log,
    });
    stops.unshift(() => emulators.stop());
    clock.addDueSource(() => emulators.scheduler.nextDueAt());
    clock.addDueSource(() => emulators.connect.nextDueAt());
    const endpoints = { dynamodb: dynamo.endpoint, ...emulators.endpoints };

    // The handlers read configuration from the environment exactly as on Lambda.
    const env: Record<string, string> = {
      ...localHandlerEnv(endpoints, tableName, gatewayUrl),
      ...options.env,
    };
    Object.assign(process.env, env);
    const deps = createDependencies(loadConfig(process.env), clock);
    setDependencies(deps);
    // GetCustomerProfile in a contact flow reads the desk's customer registry (and logs the read).
    emulators.connect.setCustomerProfiles(registryProfiles(deps));

    // The deployed event source mapping, locally: the same Reactor function on the same stream records.
    const reactor = new StreamReactor({
      endpoint: dynamo.endpoint,
      region: deps.config.region,
      tableName,
      dynamo: dynamo.client,
      ...(dataDir ? { dataDir } : {}),
      handler: (event) => lambdas.invoke<DynamoDBBatchResponse>('Reactor', event),
      filter: isDeskEventRecord,
      log,
    });
    // Every write of a handler may be an event: the next drain reads the stream (an idle one costs nothing).
    deps.documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } finally {
          if (WRITE_COMMANDS.test(context.commandName ?? '')) reactor.noteWrite();
        }
      },
      { step: 'initialize', name: 'noteWriteForReactor' },
    );
    stops.unshift(() => reactor.stop());
    /** Handlers idle and every saved event reacted to, repeated while reactions save further events. */
    const settled = async () => {
      for (let round = 0; round < 20; round++) {
        // Contact events go to their targets asynchronously, as EventBridge delivers them.
        await emulators.connect.whenIdle();
        await lambdas.whenIdle();
        const before = reactor.status().processed;
        await reactor.drain();
        await lambdas.whenIdle();
        if (reactor.status().processed === before) return;
      }
    };
    clock.beforeStep(settled);
    clock.onAdvance(async () => {
      // What a step fires (schedules, rings) saves events; their reactions may be due in the same step.
      for (let round = 0; round < 5; round++) {
        await emulators.settle();
        const before = reactor.status().processed;
        await settled();
        if (reactor.status().processed === before) return;
      }
    });
    await reactor.start();
    if (options.clock === 'autopilot') {
      clock.startAutopilot(settled);
      stops.unshift(() => clock.stopAutopilot());
    }

    // Requests that arrive before everything is ready get a 503, never a hanging connection.
    let ready: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
    const server = createServer((req, res) => {
      if (ready) ready(req, res);
      else sendError(res, 503, 'SERVICE_UNAVAILABLE', 'The desk is starting; try again shortly');
    });
    const port = await listen(server, gatewayPort, host);
    const url = `http://${host}:${port}`;
    stops.unshift(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );

    const identity = await createDevIdentityProvider({
      issuer: `${url}/local`,
      ...(dataDir ? { keyFile: join(dataDir, 'dev-signing-key.json') } : {}),
    });

    const health = async () => {
      const components: Record<string, ComponentHealth> = { gateway: { status: 'up', endpoint: url } };
      try {
        await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));
        components.dynamodb = { status: 'up', endpoint: dynamo.endpoint };
      } catch (error) {
        components.dynamodb = { status: 'down', endpoint: dynamo.endpoint, detail: (error as Error).name };
      }
      Object.assign(components, await emulators.health());
      const reactions = reactor.status();
      components.reactor = {
        status: reactions.status,
        endpoint: reactions.streamArn ?? dynamo.endpoint,
        detail:
          `${reactions.processed} records done, ${reactions.parked.length} parked` +
          (reactions.detail ? `; ${reactions.detail}` : ''),
      };
      const status = Object.values(components).every((c) => c.status === 'up') ? 'ok' : 'degraded';
      return { status, components } as const;
    };

    const portal = await createPortalRoutes({ repoRoot: REPO_ROOT, log });

    ready = (req: IncomingMessage, res: ServerResponse) => {
      handle(req, res).catch((error: unknown) => {
        log(`local runtime: request failed: ${(error as Error).message}`);
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Something went wrong on our side');
        else res.end();
      });
    };

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const reqUrl = new URL(req.url ?? '/', url);
      const path = reqUrl.pathname;
      const method = req.method ?? 'GET';
      if (path === '/health' && method === 'GET') {
        const report = await health();
        return sendJson(res, report.status === 'ok' ? 200 : 503, report);
      }
      // The API, and the public survey page the e-mailed links open (a route of the same HTTP API).
      if (path.startsWith('/api/') || path.startsWith('/survey/')) {
        return serveApi(req, res, reqUrl, {
          identity,
          now: () => clock.now(),
          invoke: (functionId, event) => lambdas.invoke(functionId, event),
        });
      }
      if (path === '/local/token' && method === 'POST') return issueToken(req, res);
      if (path === '/local/.well-known/jwks.json' && method === 'GET')
        return sendJson(res, 200, identity.jwks);
      if (path === '/local/.well-known/openid-configuration' && method === 'GET') {
        return sendJson(res, 200, {
          issuer: identity.issuer,
          jwks_uri: `${url}/local/.well-known/jwks.json`,
          token_endpoint: `${url}/local/token`,
          id_token_signing_alg_values_supported: ['RS256'],
        });
      }
      if (path === '/local/clock') return clockRoute(req, res, method);
      if (path === '/local/reactor' && method === 'GET') return sendJson(res, 200, reactor.status());
      if (path === '/local/reactor/drain' && method === 'POST') {
        await settled();
        return sendJson(res, 200, reactor.status());
      }
      if (path.startsWith('/local/phone/') && emulators.phoneRoutes(req, res, path)) return;
      if (portal(req, res, path)) return;
      sendError(res, 404, 'NOT_FOUND', `Nothing at ${method} ${path}`);
    }

    async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
      const raw = (await readBody(req, 64 * 1024)).toString('utf8');
      if (!raw) return {};
      try {
        const value: unknown = JSON.parse(raw);
        return value && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, unknown>)
          : undefined;
      } catch {
        return undefined;
      }
    }

    async function issueToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const body = await jsonBody(req);
      if (!body)
        return sendJson(res, 400, {
          error: { code: 'MALFORMED_JSON', message: 'The body is not a JSON object' },
        });
      const { username, groups } = body;
      if (typeof username !== 'string') {
        return sendJson(res, 400, {
          error: { code: 'INVALID_INPUT', message: 'username is required', field: 'username' },
        });
      }
      if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) {
        return sendJson(res, 400, {
          error: { code: 'INVALID_INPUT', message: 'groups must be a list of group names', field: 'groups' },
        });
      }
      try {
        return sendJson(res, 200, { token: await identity.issueToken(username, groups as string[]) });
      } catch (error) {
        const [field, message] = (error as Error).message.split(': ');
        return sendJson(res, 400, { error: { code: 'INVALID_INPUT', message: message ?? field, field } });
      }
    }

    async function clockRoute(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
      if (method === 'GET') return sendJson(res, 200, { now: clock.now().toISOString(), mode: clock.mode });
      if (method !== 'POST') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Use GET or POST');
      const body = await jsonBody(req);
      const seconds = body?.advanceSeconds;
      if (
        typeof seconds !== 'number' ||
        !Number.isFinite(seconds) ||
        seconds < 0 ||
        seconds > 10 * 366 * 86400
      ) {
        return sendJson(res, 400, {
          error: {
            code: 'INVALID_INPUT',
            message: 'advanceSeconds must be a number of seconds from 0 to ten years',
            field: 'advanceSeconds',
          },
        });
      }
      const now = await clock.advance(seconds);
      return sendJson(res, 200, { now: now.toISOString(), mode: clock.mode });
    }

    return {
      url,
      port,
      clock,
      identity,
      lambdas,
      dynamo,
      tableName,
      scheduler: emulators.scheduler,
      connect: emulators.connect,
      reactor,
      settled,
      endpoints,
      token: (username, groups) => identity.issueToken(username, groups),
      health,
      stop: async () => {
        for (const stop of stops) await stop();
        setDependencies(undefined);
      },
    };
  } catch (error) {
    for (const stop of stops) await stop().catch(() => undefined);
    throw error;
  }
}
