/** Small helpers shared by the benchmark suites. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** Run `total` tasks with at most `concurrency` in flight; returns each task's latency in ms. */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const started = performance.now();
      await task(i);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies;
}

export interface BenchRow {
  readonly benchmark: string;
  readonly metric: string;
  readonly value: string;
  readonly target: string;
  readonly pass: boolean | undefined;
}

export function printTable(rows: readonly BenchRow[]): void {
  const header = ['benchmark', 'metric', 'value', 'target', 'result'];
  const cells = rows.map((r) => [
    r.benchmark,
    r.metric,
    r.value,
    r.target,
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;
