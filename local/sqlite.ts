import { createRequire } from 'node:module';

/**
 * `node:sqlite` (Node's own SQLite: no dependency, no native build) for the emulators' on-disk history. It
 * announces itself as experimental when first loaded (Node 22): that one notice is kept off the console,
 * every other warning goes through; on Node 20 a sentence says what `user` needs instead of an unknown module.
 */
export function loadSqlite(user: string): typeof import('node:sqlite') {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && String(warning).includes('SQLite')) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
  } catch (error) {
    throw new Error(
      `${user} with node:sqlite, which needs Node.js 22 (this is ${process.version}); run it through npm (npm start, npm test, npm run bench), whose scripts bring Node.js 22`,
      { cause: error },
    );
  } finally {
    process.emitWarning = emit;
  }
}
