import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type FunctionSpec, functions } from '#functions/catalog';
import { bundleBudgetBytes, functionBundling } from '#infra/bundling';
import { type BenchRow, ms, percentile } from '../stats';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Fresh Node processes per function; the median of their module import times is reported. */
const IMPORT_RUNS = 5;
/** Import (module evaluation) budget per function: a cold start should spend its time on the request. */
const IMPORT_BUDGET_MS = 500;

// As on Lambda: the configuration a handler may read when its module loads.
const handlerEnv = {
  TABLE_NAME: 'HotlineTable',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_SERVICE_NAME: 'complaint-hotline',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

/** Bundle one function as NodejsFunction does (infra/bundling.ts), without writing a source map. */
async function bundle(spec: FunctionSpec, outfile: string): Promise<number> {
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, spec.entry)],
    outfile,
    bundle: true,
    write: true,
    metafile: true,
    absWorkingDir: REPO_ROOT,
    format: functionBundling.format,
    platform: functionBundling.platform,
    target: functionBundling.target,
    mainFields: [...functionBundling.mainFields],
    minify: functionBundling.minify,
    treeShaking: functionBundling.treeShaking,
    banner: { js: functionBundling.banner },
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  if (!output) throw new Error(`esbuild wrote nothing for ${spec.id}`);
  return output.bytes;
}

/** Milliseconds a fresh Node process spends importing (loading and evaluating) the bundle. */
function importTime(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...handlerEnv },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const value = Number(run.stdout);
  if (run.status !== 0 || Number.isNaN(value)) {
    throw new Error(`importing ${path.basename(file)} failed: ${run.stderr.slice(0, 500)}`);
  }
  return value;
}

/** Every catalog function bundled as deployed: minified size against the 1 MB budget, and cold import time. */
export async function bundlesBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotline-bundles-'));
  const rows: BenchRow[] = [];
  try {
    // The bundles import nothing from outside, but Node needs to know they are ES modules.
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    for (const spec of functions as readonly FunctionSpec[]) {
      const outfile = path.join(dir, `${spec.id}.mjs`);
      let bytes: number;
      try {
        bytes = await bundle(spec, outfile);
      } catch (error) {
        // One function that does not build is a failed row, not a lost table.
        const reason =
          error instanceof Error ? (error.message.split('\n')[1] ?? error.message) : String(error);
        rows.push({
          benchmark: 'bundle size',
          metric: `${spec.id}: does not bundle (${reason.trim().slice(0, 80)})`,
          value: 'error',
          target: `< ${bundleBudgetBytes / 1024} KiB`,
          pass: false,
        });
        continue;
      }
      rows.push({
        benchmark: 'bundle size',
        metric: `${spec.id} (minified ESM, AWS SDK included)`,
        value: `${(bytes / 1024).toFixed(0)} KiB`,
        target: `< ${bundleBudgetBytes / 1024} KiB`,
        pass: bytes < bundleBudgetBytes,
      });
      const samples = Array.from({ length: IMPORT_RUNS }, () => importTime(outfile));
      const median = percentile(samples, 50);
      rows.push({
        benchmark: 'cold import',
        metric: `${spec.id} module load, median of ${IMPORT_RUNS} fresh processes (Node ${process.versions.node})`,
        value: ms(median),
        target: `< ${IMPORT_BUDGET_MS} ms`,
        pass: median < IMPORT_BUDGET_MS,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
