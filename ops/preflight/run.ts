import { parsePreflightArguments, resolveTarget, USAGE, UsageError } from './arguments';
import { exitCodeOf, renderReport } from './findings';
import { runPreflight } from './preflight';
import type { PreflightClients, PreflightTarget } from './target';

export interface CliDependencies {
  /** SDK clients for the profile and region (the CLI builds real ones; tests mock them). */
  readonly clientsFor: (target: Pick<PreflightTarget, 'region' | 'profile'>) => PreflightClients;
  /** The project's CDK context (cdk.json, cdk.context.json). */
  readonly projectContext: () => Readonly<Record<string, unknown>>;
  readonly print: (text: string) => void;
  readonly printError: (text: string) => void;
}

/** `npm run preflight -- ...`: 0 ready (warnings allowed), 1 a check failed, 2 bad arguments. */
export async function runCli(argv: readonly string[], deps: CliDependencies): Promise<0 | 1 | 2> {
  let target: PreflightTarget;
  try {
    const options = parsePreflightArguments(argv);
    if (options.help) {
      deps.print(USAGE);
      return 0;
    }
    target = resolveTarget(options, deps.projectContext());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    deps.printError(`preflight: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  deps.print(
    `Preflight of stage ${target.stage.name} in ${target.region}${target.profile ? ` (profile ${target.profile})` : ''}` +
      ` for a dialer of ${target.dialer.callsPerSecond} calls/s and ${target.dialer.concurrentCalls} concurrent calls\n`,
  );
  const report = await runPreflight(deps.clientsFor(target), target);
  deps.print(renderReport(report.findings, report.notChecked));
  return exitCodeOf(report.findings);
}
