import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '#shared/config';

/**
 * The staff portal in the local runtime: serves the built bundle (web/dist) at `/`, falls back to
 * index.html for the portal's own routes, and answers `/config.json` for the local sign-in.
 * A missing or stale bundle is built in the background with Vite, so `npm start` stays fast and a
 * fresh clone shows the portal without an extra command.
 */
export type PortalRoutes = (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean;

export interface PortalOptions {
  readonly repoRoot: string;
  log(line: string): void;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Paths that belong to the runtime, never to the portal. */
const RESERVED = /^\/(api|local|health|survey)(\/|$)/;

/** Sources the bundle is built from (the portal imports shared schemas and domain lists). */
function newestSourceMtime(repoRoot: string): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const p of [
    'web/src',
    'web/index.html',
    'web/vite.config.ts',
    'web/public',
    'shared/domain',
    'shared/http',
  ])
    visit(join(repoRoot, p));
  return newest;
}

export function portalIsStale(repoRoot: string): boolean {
  const built = join(repoRoot, 'web/dist/index.html');
  if (!existsSync(built)) return true;
  return statSync(built).mtimeMs < newestSourceMtime(repoRoot);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Build web/ into web/dist. One build at a time across processes (a lock file), written to a
 * temporary folder and swapped in, so a runtime never serves a half-written bundle.
 */
export async function buildPortal(repoRoot: string, log: (line: string) => void): Promise<void> {
  const lock = join(repoRoot, 'web/.build.lock');
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // Another process builds; a lock older than two minutes is left over from a crash.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { force: true });
      await sleep(200);
      if (!existsSync(lock) && !portalIsStale(repoRoot)) return;
    }
  }
  try {
    if (!portalIsStale(repoRoot)) return;
    const started = Date.now();
    log('portal: building web/ with Vite...');
    const tmp = join(repoRoot, `web/.dist-${process.pid}-${Date.now()}`);
    const { build } = await import('vite');
    // Always the production bundle, also when a test runner has set NODE_ENV=test: Vite and the React
    // plugin both read it (development JSX runtime, React's development build).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        configFile: join(repoRoot, 'web/vite.config.ts'),
        build: { outDir: tmp, emptyOutDir: true },
        mode: 'production',
        logLevel: 'warn',
      });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    const dist = join(repoRoot, 'web/dist');
    rmSync(dist, { recursive: true, force: true });
    renameSync(tmp, dist);
    log(`portal: built in ${Date.now() - started} ms`);
  } finally {
    rmSync(lock, { force: true });
  }
}

function buildingPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="portal-status" content="building"><meta http-equiv="refresh" content="2">
<title>Complaint desk</title></head><body style="font-family:system-ui,sans-serif;margin:3rem">
<h1>The staff portal is being built</h1><p>This page reloads by itself in a moment.</p></body></html>`;
}

function localConfig(req: IncomingMessage): Record<string, unknown> {
  const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
  let lists: { departments: readonly string[]; categories: readonly string[] } = {
    departments: [],
    categories: [],
  };
  try {
    lists = loadConfig(process.env);
  } catch {
    // The runtime validates configuration at start; the portal still loads without the lists.
  }
  return {
    apiBase: '',
    auth: { mode: 'local', tokenUrl: '/local/token', issuer: `${origin}/local`, clientId: 'portal-local' },
    clockUrl: '/local/clock',
    departments: lists.departments,
    categories: lists.categories,
  };
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Buffer | string,
  headers: Record<string, string>,
): void {
  let data = typeof body === 'string' ? Buffer.from(body) : body;
  const out: Record<string, string> = { ...headers };
  if (data.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    data = gzipSync(data);
    out['content-encoding'] = 'gzip';
    out.vary = 'accept-encoding';
  }
  out['content-length'] = String(data.length);
  res.writeHead(status, out);
  res.end(req.method === 'HEAD' ? undefined : data);
}

export async function createPortalRoutes(options: PortalOptions): Promise<PortalRoutes> {
  const dist = resolve(options.repoRoot, 'web/dist');
  let building: Promise<void> | undefined;
  if (portalIsStale(options.repoRoot)) {
    building = buildPortal(options.repoRoot, options.log)
      .catch((error: unknown) => options.log(`portal: build failed: ${(error as Error).message}`))
      .finally(() => {
        building = undefined;
      });
  }

  return (req, res, pathname) => {
    const method = req.method ?? 'GET';
    if ((method !== 'GET' && method !== 'HEAD') || RESERVED.test(pathname)) return false;
    if (pathname === '/config.json') {
      send(req, res, 200, JSON.stringify(localConfig(req)), {
        'content-type': types['.json'] as string,
        'cache-control': 'no-store',
      });
      return true;
    }
    const index = join(dist, 'index.html');
    if (building || !existsSync(index)) {
      send(req, res, 503, buildingPage(), {
        'content-type': types['.html'] as string,
        'cache-control': 'no-store',
        'retry-after': '2',
      });
      return true;
    }
    let file: string;
    try {
      file = resolve(dist, `.${decodeURIComponent(pathname)}`);
    } catch {
      return false;
    }
    const inside = file.startsWith(dist + sep);
    if (inside && existsSync(file) && statSync(file).isFile()) {
      const immutable = pathname.startsWith('/assets/');
      send(req, res, 200, readFileSync(file), {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      return true;
    }
    // A missing asset is a 404; every other path is one of the portal's own pages.
    if (pathname.startsWith('/assets/') || extname(pathname) !== '') return false;
    send(req, res, 200, readFileSync(index), {
      'content-type': types['.html'] as string,
      'cache-control': 'no-cache',
    });
    return true;
  };
}
