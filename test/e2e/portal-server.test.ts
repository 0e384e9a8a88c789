import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortalRoutes, portalIsStale } from '#local/portal';
import { REPO_ROOT } from '#local/runtime';
import { waitForPortal } from './support';

describe('local/portal.ts serving the built portal', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const portal = await createPortalRoutes({ repoRoot: REPO_ROOT, log: () => undefined });
    server = createServer((req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      if (!portal(req, res, pathname)) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not the portal');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await waitForPortal(url);
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  it('serves the local sign-in settings in /config.json', async () => {
    const res = await fetch(`${url}/config.json`);
    const body = (await res.json()) as Record<string, any>;
    expect(body.auth).toEqual({
      mode: 'local',
      tokenUrl: '/local/token',
      issuer: `${url}/local`,
      clientId: 'portal-local',
    });
    expect(body.clockUrl).toBe('/local/clock');
  });

  it('falls back to index.html for the portal pages, but not for the API, local control or assets', async () => {
    const page = await fetch(`${url}/complaints/1000002`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    for (const path of ['/api/tickets', '/local/clock', '/health', '/assets/nope.js']) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(404);
    }
  });

  it('serves hashed assets compressed and cacheable', async () => {
    const html = await (await fetch(url)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const res = await fetch(`${url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
  });

  it('knows when the bundle is older than its sources', () => {
    const root = mkdtempSync(join(tmpdir(), 'portal-stale-'));
    try {
      expect(portalIsStale(root)).toBe(true);
      mkdirSync(join(root, 'web/src'), { recursive: true });
      mkdirSync(join(root, 'web/dist'), { recursive: true });
      writeFileSync(join(root, 'web/src/main.tsx'), '');
      writeFileSync(join(root, 'web/dist/index.html'), '');
      const past = new Date(Date.now() - 60_000);
      utimesSync(join(root, 'web/src/main.tsx'), past, past);
      expect(portalIsStale(root)).toBe(false);
      const older = new Date(past.getTime() - 60_000);
      utimesSync(join(root, 'web/dist/index.html'), older, older);
      expect(portalIsStale(root)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
