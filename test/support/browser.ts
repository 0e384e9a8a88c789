/**
 * Which Chromium the browser tests (test/e2e/support.ts `launchChromium`) start, so that `npm ci && npm test`
 * finds or provides one by itself: the e2e tests always run, never skip.
 *
 * In order of preference:
 * 1. CHROMIUM_PATH, when set (used as given: a wrong path fails the launch, it does not fall back).
 * 2. A system Chromium or Chrome: `chromium`, `chromium-browser`, `google-chrome-stable`, `google-chrome` on the
 *    PATH, then their usual locations (/usr/bin, /snap/bin, /opt/google/chrome).
 * 3. The Chromium shipped inside the npm package @sparticuz/chromium (a devDependency, so `npm ci` brings it
 *    from the registry; nothing is downloaded from anywhere else). It is unpacked once per package version
 *    into node_modules/.cache/hotline-chromium/<version>/ with the NSS libraries it needs (its al2023 folder,
 *    put first on LD_LIBRARY_PATH) and its fonts (FONTCONFIG_PATH). The binary itself needs only glibc and
 *    libgcc from the system, which every Debian/Ubuntu has, so no apt package is needed.
 *
 * HOTLINE_BROWSER=bundled skips step 2 (to test the fallback on a machine that has a system Chromium);
 * HOTLINE_BROWSER=system fails instead of falling back to the bundled one.
 */
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, delimiter, dirname, isAbsolute, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { x as extractTar } from 'tar';

export type ChromiumSource = 'CHROMIUM_PATH' | 'system' | 'bundled';

export interface FoundChromium {
  readonly executablePath: string;
  /** Command-line flags for this machine and this binary (the profile folder is the launcher's). */
  readonly args: readonly string[];
  /** Variables to add to the browser's environment (the bundled one needs its libraries and fonts). */
  readonly env: Readonly<Record<string, string>>;
  readonly source: ChromiumSource;
}

/** Where the bundled Chromium was unpacked. */
export interface BundledChromium {
  readonly executablePath: string;
  readonly libraryDir: string;
  readonly fontConfigDir: string;
}

/** What findChromium looks at, injectable for tests. */
export interface BrowserLookup {
  readonly env: Readonly<Record<string, string | undefined>>;
  isExecutableFile(path: string): boolean;
  unpackBundled(): Promise<BundledChromium>;
}

/** Executable names in order of preference, looked up on the PATH. */
export const SYSTEM_CHROMIUM_NAMES = [
  'chromium',
  'chromium-browser',
  'google-chrome-stable',
  'google-chrome',
];

/** Usual install locations, tried after the PATH. */
export const SYSTEM_CHROMIUM_LOCATIONS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
];

/**
 * Flags for any of them on a CI machine or a container: headless, no sandbox (root, no user namespaces), no GPU,
 * /tmp instead of a small /dev/shm, and no traffic of its own (only the npm registry and apt are reachable).
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MODES = ['auto', 'bundled', 'system'] as const;

export async function findChromium(lookup: BrowserLookup = defaultLookup()): Promise<FoundChromium> {
  const fromEnv = lookup.env.CHROMIUM_PATH?.trim();
  if (fromEnv) return { executablePath: fromEnv, args: CHROMIUM_FLAGS, env: {}, source: 'CHROMIUM_PATH' };

  const mode = lookup.env.HOTLINE_BROWSER?.trim() || 'auto';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new Error(`HOTLINE_BROWSER must be one of ${MODES.join(', ')} (or unset), not "${mode}"`);
  }
  if (mode !== 'bundled') {
    const system = systemCandidates(lookup.env.PATH).find((path) => lookup.isExecutableFile(path));
    if (system) return { executablePath: system, args: CHROMIUM_FLAGS, env: {}, source: 'system' };
    if (mode === 'system') {
      throw new Error(
        `HOTLINE_BROWSER=system but no Chromium or Chrome was found (tried ${SYSTEM_CHROMIUM_NAMES.join(', ')} ` +
          `on the PATH and ${SYSTEM_CHROMIUM_LOCATIONS.join(', ')})`,
      );
    }
  }

  const bundled = await lookup.unpackBundled();
  const inherited = lookup.env.LD_LIBRARY_PATH;
  return {
    executablePath: bundled.executablePath,
    args: CHROMIUM_FLAGS,
    env: {
      LD_LIBRARY_PATH: inherited ? `${bundled.libraryDir}${delimiter}${inherited}` : bundled.libraryDir,
      FONTCONFIG_PATH: bundled.fontConfigDir,
    },
    source: 'bundled',
  };
}

/** Every path tried for a system browser, in order: each name on the PATH, then the usual locations. */
export function systemCandidates(pathVariable: string | undefined): string[] {
  const dirs = (pathVariable ?? '').split(delimiter).filter((dir) => isAbsolute(dir));
  const onPath = SYSTEM_CHROMIUM_NAMES.flatMap((name) => dirs.map((dir) => join(dir, name)));
  return [...new Set([...onPath, ...SYSTEM_CHROMIUM_LOCATIONS])];
}

export function defaultLookup(): BrowserLookup {
  return { env: process.env, isExecutableFile, unpackBundled: unpackSparticuzChromium };
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Unpacks @sparticuz/chromium's brotli files (the binary, its NSS libraries, fonts, SwiftShader) once per
 * version. Not through the package's own `executablePath()`: that one unpacks to a fixed /tmp/chromium, skips
 * the libraries (al2023.tar.br) unless it thinks it runs on AWS Lambda, and takes a half-written file from an
 * interrupted run for a finished one. Here everything goes to a private folder that is renamed into place
 * only when complete, so parallel or interrupted runs never see a partial browser.
 */
export async function unpackSparticuzChromium(): Promise<BundledChromium> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `No system Chromium was found and the bundled one (@sparticuz/chromium) is for Linux x64 only, ` +
        `not ${process.platform} ${process.arch}: install Chromium or set CHROMIUM_PATH`,
    );
  }
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  } catch {
    throw new Error(
      'No system Chromium was found and @sparticuz/chromium is not installed (run npm ci): ' +
        'install Chromium or set CHROMIUM_PATH',
    );
  }
  const packageDir = join(dirname(entry), '..', '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = join(packageDir, '..', '..', '.cache', 'hotline-chromium', version);
  const layout = (dir: string): BundledChromium => ({
    executablePath: join(dir, 'chromium'),
    libraryDir: join(dir, 'al2023', 'lib'),
    fontConfigDir: join(dir, 'fonts'),
  });
  if (existsSync(join(target, 'chromium'))) return layout(target);

  const bin = join(packageDir, 'bin');
  mkdirSync(dirname(target), { recursive: true });
  removeAbandonedUnpacks(target);
  const work = `${target}.partial-${process.pid}-${Date.now()}`;
  try {
    await mkdir(work, { recursive: true });
    await Promise.all([
      pipeline(
        createReadStream(join(bin, 'chromium.br')),
        createBrotliDecompress({ chunkSize: 2 ** 21 }),
        createWriteStream(join(work, 'chromium')),
      ).then(() => chmod(join(work, 'chromium'), 0o755)),
      // Chromium looks for libEGL/libGLESv2 next to its binary, as @sparticuz/chromium unpacks them.
      unpackTarBrotli(join(bin, 'swiftshader.tar.br'), work),
      unpackTarBrotli(join(bin, 'al2023.tar.br'), join(work, 'al2023')),
      unpackTarBrotli(join(bin, 'fonts.tar.br'), join(work, 'fonts')),
    ]);
    // The package's fonts.conf names /tmp/fonts; point it at this folder (and the system's fonts, if any).
    const fonts = join(work, 'fonts');
    await writeFile(join(fonts, 'fonts.conf'), fontsConf(join(target, 'fonts')));
    try {
      renameSync(work, target);
    } catch (error) {
      // Another process finished first: use its copy.
      if (!existsSync(join(target, 'chromium'))) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return layout(target);
}

/** Deletes the partial folders of killed runs (a whole browser each); those of live processes stay. */
function removeAbandonedUnpacks(target: string): void {
  const prefix = `${basename(target)}.partial-`;
  for (const name of readdirSync(dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
        rmSync(join(dirname(target), name), { recursive: true, force: true });
      }
    }
  }
}

function fontsConf(dir: string): string {
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <dir>${xml(join(dir, 'fonts'))}</dir>`,
    '  <dir>/usr/share/fonts</dir>',
    `  <cachedir>${xml(join(dir, 'cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

/** Unpacks a brotli-compressed tar (@sparticuz/chromium's format) with node-tar, which refuses paths outside `into`. */
async function unpackTarBrotli(archive: string, into: string): Promise<void> {
  await mkdir(into, { recursive: true });
  await pipeline(
    createReadStream(archive),
    createBrotliDecompress(),
    extractTar({ cwd: into, strict: true }),
  );
}
