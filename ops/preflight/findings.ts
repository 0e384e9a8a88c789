/** What one preflight check concluded: pass, a warning the deploy survives, or a failure that blocks it. */
export type Verdict = 'pass' | 'warn' | 'fail';

export interface Finding {
  /** The check's name in the table, e.g. "Connect instance quota". */
  readonly check: string;
  readonly verdict: Verdict;
  /** One line: what was found. */
  readonly finding: string;
  /** What to request and how (commands, console pages); present on every warn and fail. */
  readonly nextSteps?: readonly string[];
}

export const pass = (check: string, finding: string, nextSteps?: readonly string[]): Finding => ({
  check,
  verdict: 'pass',
  finding,
  ...(nextSteps ? { nextSteps } : {}),
});

export const warn = (check: string, finding: string, nextSteps: readonly string[]): Finding => ({
  check,
  verdict: 'warn',
  finding,
  nextSteps,
});

export const fail = (check: string, finding: string, nextSteps: readonly string[]): Finding => ({
  check,
  verdict: 'fail',
  finding,
  nextSteps,
});

/** 1 when any check failed (the deploy would not work as configured), else 0. */
export function exitCodeOf(findings: readonly Finding[]): 0 | 1 {
  return findings.some((f) => f.verdict === 'fail') ? 1 : 0;
}

/** The findings as a plain-text table, then each check's next steps. */
export function renderReport(findings: readonly Finding[], notChecked: readonly string[] = []): string {
  const rows = findings.map((f) => [f.check, f.verdict.toUpperCase(), f.finding] as const);
  const header = ['Check', 'Result', 'Finding'] as const;
  const width = (column: 0 | 1) => Math.max(header[column].length, ...rows.map((r) => r[column].length));
  const line = (r: readonly [string, string, string]) =>
    `${r[0].padEnd(width(0))}  ${r[1].padEnd(width(1))}  ${r[2]}`;
  const out = [
    line(header),
    line(['-'.repeat(width(0)), '-'.repeat(width(1)), '-'.repeat(7)]),
    ...rows.map(line),
  ];
  for (const reason of notChecked) out.push(`(not checked: ${reason})`);
  const withSteps = findings.filter((f) => f.nextSteps && f.nextSteps.length > 0);
  if (withSteps.length > 0) out.push('', 'What to do:');
  for (const f of withSteps) {
    out.push('', `${f.check} (${f.verdict.toUpperCase()}):`);
    for (const step of f.nextSteps ?? []) out.push(`  - ${step}`);
  }
  const count = (v: Verdict) => findings.filter((f) => f.verdict === v).length;
  out.push('', `${count('pass')} passed, ${count('warn')} warned, ${count('fail')} failed.`);
  return out.join('\n');
}
