import { createRequire } from 'node:module';

/**
 * `node:sqlite` for the SES emulator's mail store, loaded the way the Connect call archive loads it
 * (local/connect/call-archive.ts): the one ExperimentalWarning it prints when first loaded on Node 22 is kept
 * off the console, every other warning goes through, and Node 20 gets a sentence instead of an unknown module.
 */
export function loadSqlite(): typeof import('node:sqlite') {
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
      `The local SES emulator keeps sent mail with node:sqlite, which needs Node.js 22 (this is ${process.version}); run it through npm (npm start, npm test), whose scripts bring Node.js 22`,
      { cause: error },
    );
  } finally {
    process.emitWarning = emit;
  }
}
