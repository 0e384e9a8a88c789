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

/**
 * Four rows comparing one path with a bare baseline measured side by side: both p50 / p99, and the two
 * ratios against their targets (`max.p50`, `max.p99` times the baseline).
 */
export function comparisonRows(
  benchmark: string,
  label: { readonly path: string; readonly baseline: string },
  path: readonly number[],
  baseline: readonly number[],
  max: { readonly p50: number; readonly p99: number },
): BenchRow[] {
  const [p50, p99, b50, b99] = [
    percentile(path, 50),
    percentile(path, 99),
    percentile(baseline, 50),
    percentile(baseline, 99),
  ];
  return [
    {
      benchmark,
      metric: `${label.path} p50 / p99`,
      value: `${ms(p50)} / ${ms(p99)}`,
      target: '',
      pass: undefined,
    },
    {
      benchmark,
      metric: `${label.baseline} p50 / p99`,
      value: `${ms(b50)} / ${ms(b99)}`,
      target: '',
      pass: undefined,
    },
    {
      benchmark,
      metric: 'ratio p50',
      value: `${(p50 / b50).toFixed(2)}x`,
      target: `<= ${max.p50}x`,
      pass: p50 / b50 <= max.p50,
    },
    {
      benchmark,
      metric: 'ratio p99',
      value: `${(p99 / b99).toFixed(2)}x`,
      target: `<= ${max.p99}x`,
      pass: p99 / b99 <= max.p99,
    },
  ];
}
