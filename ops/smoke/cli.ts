/**
 * `npm run smoke -- --stage dev [--profile p] [--region r]`: the smoke journey against a deployed stage.
 * `npm run smoke -- --local http://127.0.0.1:3000`: the same journey against a running `npm start`.
 * Prints each step with its time, then the clean-up and what stays; exits 1 when anything failed.
 * Clean-up always runs, also after a failed step or Ctrl-C (a second Ctrl-C stops at once).
 */
import { parseArgs } from 'node:util';
import { awsClients, deployedTarget, describeDeployedStage } from '#ops/smoke/deployed-target';
import { runSmoke, type SmokeTarget, type StepResult } from '#ops/smoke/journey';
import { localTarget } from '#ops/smoke/local-target';

const usage =
  'usage: npm run smoke -- --stage <dev|prod|...> [--profile <aws profile>] [--region <region>]\n' +
  '       npm run smoke -- --local <base url, e.g. http://127.0.0.1:3000>';

function line(result: StepResult): string {
  const mark = result.outcome === 'passed' ? 'PASS' : result.outcome === 'failed' ? 'FAIL' : 'SKIP';
  const time = result.outcome === 'skipped' ? '' : ` (${(result.ms / 1000).toFixed(1)} s)`;
  return `  ${mark} ${result.name}${time}${result.detail ? `: ${result.detail}` : ''}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      local: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || (!values.stage && !values.local) || (values.stage && values.local)) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }

  let target: SmokeTarget;
  if (values.local) {
    target = localTarget({ baseUrl: values.local });
  } else {
    const stage = values.stage as string;
    const clients = awsClients({
      ...(values.region ? { region: values.region } : {}),
      ...(values.profile ? { profile: values.profile } : {}),
    });
    try {
      const deployed = await describeDeployedStage(clients.cloudFormation, stage);
      target = deployedTarget(deployed, clients, { ...(values.region ? { region: values.region } : {}) });
    } catch (error) {
      process.stderr.write(`smoke: cannot find stage ${stage}: ${(error as Error).message}\n`);
      return 1;
    }
  }

  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    process.stdout.write('\ninterrupted: skipping the remaining steps, cleaning up (Ctrl-C again to quit)\n');
    interrupt.abort();
    process.once('SIGINT', () => process.exit(130));
  });

  process.stdout.write(`smoke test of ${target.description}\n`);
  let headedCleanup = false;
  const report = await runSmoke(target, {
    signal: interrupt.signal,
    onResult: (phase, result) => {
      if (phase === 'cleanup' && !headedCleanup) {
        process.stdout.write('clean-up:\n');
        headedCleanup = true;
      }
      process.stdout.write(`${line(result)}\n`);
    },
  });
  if (report.remains.length > 0) {
    process.stdout.write('left behind (marked as smoke records):\n');
    for (const what of report.remains) process.stdout.write(`  - ${what}\n`);
  }
  process.stdout.write(`${report.ok ? 'smoke test passed' : 'smoke test FAILED'} (run ${report.runId})\n`);
  return report.ok ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`smoke: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
});
