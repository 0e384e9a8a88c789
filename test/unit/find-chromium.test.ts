import { describe, expect, it } from 'vitest';
import {
  type BrowserLookup,
  type BundledChromium,
  CHROMIUM_FLAGS,
  findChromium,
  systemCandidates,
} from '#test/support/browser';

const BUNDLED: BundledChromium = {
  executablePath: '/repo/node_modules/.cache/hotline-chromium/147.0.0/chromium',
  libraryDir: '/repo/node_modules/.cache/hotline-chromium/147.0.0/al2023/lib',
  fontConfigDir: '/repo/node_modules/.cache/hotline-chromium/147.0.0/fonts',
};

/** A machine with these executables and environment; records what was looked at and unpacked. */
function machine(executables: string[], env: Record<string, string | undefined> = {}) {
  const looked: string[] = [];
  let unpacked = 0;
  const lookup: BrowserLookup = {
    env: { PATH: '/home/me/bin:/usr/local/bin:/usr/bin', ...env },
    isExecutableFile: (path) => {
      looked.push(path);
      return executables.includes(path);
    },
    unpackBundled: async () => {
      unpacked += 1;
      return BUNDLED;
    },
  };
  return { lookup, looked, unpacked: () => unpacked };
}

describe('findChromium (which browser the e2e tests start)', () => {
  it('takes CHROMIUM_PATH first, as given, without looking further', async () => {
    const m = machine(['/usr/bin/chromium'], { CHROMIUM_PATH: '/opt/my/chrome', HOTLINE_BROWSER: 'bundled' });
    expect(await findChromium(m.lookup)).toEqual({
      executablePath: '/opt/my/chrome',
      args: CHROMIUM_FLAGS,
      env: {},
      source: 'CHROMIUM_PATH',
    });
    expect(m.looked).toEqual([]);
    expect(m.unpacked()).toBe(0);
  });

  it('then a system Chromium on the PATH, before the usual locations', async () => {
    const m = machine(['/usr/local/bin/chromium', '/usr/bin/chromium']);
    const found = await findChromium(m.lookup);
    expect(found).toMatchObject({ executablePath: '/usr/local/bin/chromium', source: 'system', env: {} });
    expect(m.looked).toEqual(['/home/me/bin/chromium', '/usr/local/bin/chromium']);
    expect(m.unpacked()).toBe(0);
  });

  it('prefers Chromium to Chrome, each name searched along the whole PATH', async () => {
    const m = machine(['/home/me/bin/google-chrome', '/usr/bin/chromium-browser']);
    expect((await findChromium(m.lookup)).executablePath).toBe('/usr/bin/chromium-browser');
  });

  it('finds Chrome or Chromium in the usual locations when they are not on the PATH', async () => {
    const m = machine(['/opt/google/chrome/chrome'], { PATH: '/nowhere' });
    expect(await findChromium(m.lookup)).toMatchObject({
      executablePath: '/opt/google/chrome/chrome',
      source: 'system',
    });
  });

  it('falls back to the bundled @sparticuz/chromium with its libraries and fonts when there is none', async () => {
    const m = machine([], { LD_LIBRARY_PATH: '/usr/lib/extra' });
    expect(await findChromium(m.lookup)).toEqual({
      executablePath: BUNDLED.executablePath,
      args: CHROMIUM_FLAGS,
      env: {
        LD_LIBRARY_PATH: `${BUNDLED.libraryDir}:/usr/lib/extra`,
        FONTCONFIG_PATH: BUNDLED.fontConfigDir,
      },
      source: 'bundled',
    });
    expect(m.looked).toEqual(systemCandidates('/home/me/bin:/usr/local/bin:/usr/bin'));
    expect(m.unpacked()).toBe(1);
  });

  it('sets LD_LIBRARY_PATH to the bundled libraries alone when it was unset', async () => {
    const found = await findChromium(machine([]).lookup);
    expect(found.env).toEqual({
      LD_LIBRARY_PATH: BUNDLED.libraryDir,
      FONTCONFIG_PATH: BUNDLED.fontConfigDir,
    });
  });

  it('HOTLINE_BROWSER=bundled skips the system search', async () => {
    const m = machine(['/usr/bin/chromium'], { HOTLINE_BROWSER: 'bundled' });
    expect((await findChromium(m.lookup)).source).toBe('bundled');
    expect(m.looked).toEqual([]);
  });

  it('HOTLINE_BROWSER=system fails rather than fall back (and so does an unknown value)', async () => {
    const none = machine([], { HOTLINE_BROWSER: 'system' });
    await expect(findChromium(none.lookup)).rejects.toThrow(/no Chromium or Chrome was found/);
    expect(none.unpacked()).toBe(0);
    const found = machine(['/usr/bin/chromium'], { HOTLINE_BROWSER: 'system' });
    expect((await findChromium(found.lookup)).source).toBe('system');
    await expect(findChromium(machine([], { HOTLINE_BROWSER: 'skip' }).lookup)).rejects.toThrow(
      /HOTLINE_BROWSER must be one of auto, bundled, system/,
    );
  });

  it('passes the flags a headless CI machine needs to every browser', async () => {
    for (const flag of ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']) {
      expect(CHROMIUM_FLAGS).toContain(flag);
    }
  });

  it('ignores empty and relative PATH entries and tries each path once', () => {
    const candidates = systemCandidates('::bin:/usr/bin');
    expect(candidates.slice(0, 2)).toEqual(['/usr/bin/chromium', '/usr/bin/chromium-browser']);
    expect(candidates).toEqual([...new Set(candidates)]);
    expect(candidates.some((path) => !path.startsWith('/'))).toBe(false);
  });
});
