import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { createPortalRoutes } from '#local/portal';
import { type LocalRuntime, REPO_ROOT, startLocalRuntime } from '#local/runtime';
import { findChromium } from '#test/support/browser';

export const SCREENSHOTS = join(REPO_ROOT, 'test-results/screenshots');

/** The local runtime with the portal in front: the runtime's own mount when it has one. */
export interface PortalSystem {
  readonly url: string;
  readonly runtime: LocalRuntime;
  stop(): Promise<void>;
}

/** Options of the desk behind the portal: configuration overrides for its handlers. */
export interface PortalSystemOptions {
  readonly env?: Readonly<Record<string, string>>;
}

export async function startPortalSystem(options: PortalSystemOptions = {}): Promise<PortalSystem> {
  const runtime = await startLocalRuntime({ port: 0, ...(options.env ? { env: options.env } : {}) });
  try {
    const mounted = await fetch(`${runtime.url}/config.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (mounted) return { url: runtime.url, runtime, stop: () => runtime.stop() };
    // Not mounted in local/runtime.ts yet: serve the portal here and pass the rest to the runtime.
    const portal = await createPortalRoutes({ repoRoot: REPO_ROOT, log: () => undefined });
    const target = new URL(runtime.url);
    const server: Server = createServer((req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      if (portal(req, res, pathname)) return;
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      url,
      runtime,
      stop: async () => {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        await runtime.stop();
      },
    };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

/** Wait until the portal bundle is served (it may be building in the background on first start). */
export async function waitForPortal(url: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await fetch(url).catch(() => undefined);
    const html = (await res?.text()) ?? '';
    if (res?.ok && html.includes('/assets/') && !html.includes('portal-status')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('The portal was not built in time');
}

/** What every browser test starts with: the system with its portal built, Chromium and one page. */
export interface PortalInBrowser {
  readonly system: PortalSystem;
  readonly browser: Browser;
  readonly page: Page;
}

export async function openPortalInBrowser(options: PortalSystemOptions = {}): Promise<PortalInBrowser> {
  const system = await startPortalSystem(options);
  try {
    await waitForPortal(system.url);
    const browser = await launchChromium();
    return { system, browser, page: await browser.newPage() };
  } catch (error) {
    await system.stop();
    throw error;
  }
}

/** Closes what `openPortalInBrowser` opened (whatever of it a failed start left). */
export async function closePortalInBrowser(opened: {
  readonly system?: PortalSystem;
  readonly browser?: Browser;
}): Promise<void> {
  await opened.browser?.close();
  await opened.system?.stop();
}

export interface Browser {
  readonly context: BrowserContext;
  newPage(width?: number, height?: number): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Chromium through playwright-core, with a fresh profile each run: CHROMIUM_PATH, else a system Chromium or
 * Chrome, else the one bundled in @sparticuz/chromium (test/support/browser.ts). Never skips: no browser fails.
 */
export async function launchChromium(): Promise<Browser> {
  const found = await findChromium();
  const profile = mkdtempSync(join(tmpdir(), 'portal-e2e-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: found.executablePath,
      headless: true,
      args: [...found.args],
      env: { ...process.env, ...found.env },
      viewport: { width: 1366, height: 900 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `Chromium (${found.source}: ${found.executablePath}) did not start. Set CHROMIUM_PATH to another ` +
        'browser, or HOTLINE_BROWSER=bundled to use the one in @sparticuz/chromium.',
      { cause: error },
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    newPage: async (width = 1366, height = 900) => {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      return page;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Sign in through the portal's local sign-in form. */
export async function signIn(page: Page, url: string, username: string, role: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${username}`).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Username').waitFor();
}
