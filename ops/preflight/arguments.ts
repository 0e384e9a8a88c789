import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveStageConfig, type StageName, stageNames } from '#infra/stage-config';
import { loadConfig } from '#shared/config';
import type { PreflightTarget } from './target';

export const USAGE = `Usage: npm run preflight -- --region <region> [--profile <name>] [--stage dev|prod] [-c key=value ...]

Checks an AWS account and region before \`cdk deploy\`: Amazon Connect in the region, the credentials, the
Connect instance quota, the hotline number, the dialer's limits against Connect's call quotas, SES.
Read-only; creates nothing.

  --region <region>        the region to deploy to (required)
  --profile <name>         a named profile of ~/.aws/config; unset: the SDK's default credential chain
  --stage dev|prod         the stage to deploy (default: cdk.json's, else dev)
  -c, --context key=value  CDK context as given to cdk deploy (senderEmail, senderIdentityExists,
                           connectInstanceArn, phoneCountryCode, phoneNumberType, ...); repeatable
  -h, --help               this text

Exit code: 0 ready (warnings allowed), 1 a check failed, 2 bad arguments.`;

/** Bad arguments or context: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface PreflightOptions {
  readonly region: string;
  readonly profile?: string;
  readonly stage?: StageName;
  /** `-c key=value` pairs, strings as the CDK CLI passes them. */
  readonly context: Readonly<Record<string, string>>;
  readonly help: boolean;
}

const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function parsePreflightArguments(argv: readonly string[]): PreflightOptions {
  let values: {
    region?: string | undefined;
    profile?: string | undefined;
    stage?: string | undefined;
    context?: string[] | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        region: { type: 'string' },
        profile: { type: 'string' },
        stage: { type: 'string' },
        context: { type: 'string', short: 'c', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { region: '', context: {}, help: true };
  if (!values.region) throw new UsageError('--region is required (the region to deploy to, e.g. us-east-1)');
  if (!regionPattern.test(values.region))
    throw new UsageError(`--region must be an AWS region name such as us-east-1: ${values.region}`);
  if (values.profile !== undefined && values.profile.trim() === '')
    throw new UsageError('--profile needs a profile name');
  if (values.stage !== undefined && !(stageNames as readonly string[]).includes(values.stage))
    throw new UsageError(`--stage must be one of ${stageNames.join(', ')}: ${values.stage}`);
  const context: Record<string, string> = {};
  for (const pair of values.context ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`-c takes key=value, like cdk deploy: ${pair}`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    region: values.region,
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values.stage ? { stage: values.stage as StageName } : {}),
    context,
    help: false,
  };
}

/**
 * The stage as `cdk deploy` would resolve it (infra/stage-config.ts) from the project's context, the `-c`
 * pairs and `--stage`, and the dialer's limits as the deployed functions would read them (shared/config.ts
 * defaults, overridden by functionEnvironment). A context the synth would refuse is a usage error.
 */
export function resolveTarget(
  options: PreflightOptions,
  projectContext: Readonly<Record<string, unknown>>,
): PreflightTarget {
  const context: Record<string, unknown> = {
    ...projectContext,
    ...options.context,
    ...(options.stage ? { stage: options.stage } : {}),
  };
  let stage: PreflightTarget['stage'];
  try {
    stage = resolveStageConfig((key) => context[key]);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let dialer: PreflightTarget['dialer'];
  try {
    // TABLE_NAME only satisfies the schema: the dialer's limits are what is read here.
    const { callsPerSecond, concurrentCalls } = loadConfig({
      TABLE_NAME: 'preflight',
      ...stage.functionEnvironment,
    }).dialer;
    dialer = { callsPerSecond, concurrentCalls };
  } catch (error) {
    throw new UsageError(`Context "functionEnvironment": ${(error as Error).message}`);
  }
  return {
    region: options.region,
    ...(options.profile ? { profile: options.profile } : {}),
    stage,
    dialer,
  };
}

/** The project's CDK context: cdk.context.json, then cdk.json's "context" over it (as the CDK CLI merges). */
export function readProjectContext(projectRoot: string): Record<string, unknown> {
  const read = (file: string, pick: (json: Record<string, unknown>) => unknown): Record<string, unknown> => {
    const path = join(projectRoot, file);
    if (!existsSync(path)) return {};
    const value = pick(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  };
  return { ...read('cdk.context.json', (j) => j), ...read('cdk.json', (j) => j.context) };
}
