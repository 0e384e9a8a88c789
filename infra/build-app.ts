import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { FunctionSpec } from '#functions/catalog';
import { ApiStack } from '#infra/stacks/api-stack';
import { StatefulStack } from '#infra/stacks/stateful-stack';
import { resolveStageConfig, type StageConfig } from '#infra/stage-config';
import type { FunctionNeeds } from '#infra/wiring';

export interface BuildAppOptions {
  /** Context as `cdk.json` / `-c` would give it; under the CDK CLI the App also reads the CLI's. */
  readonly context?: Record<string, unknown>;
  /** Where the cloud assembly goes; default: the CLI's, or a temporary directory. */
  readonly outdir?: string;
  /** Functions to deploy instead of functions/catalog.ts (tests of the generic wiring). */
  readonly functionSpecs?: readonly FunctionSpec[];
  /** Needs instead of infra/wiring.ts (tests of the generic wiring). */
  readonly functionNeeds?: Readonly<Record<string, FunctionNeeds>>;
}

/** The built portal (`npm run build:web`); context `portalDist` (a path, relative to the working directory) overrides. */
export const defaultPortalDist = fileURLToPath(new URL('../web/dist', import.meta.url));

/** Context `portal=false` deploys without the portal; otherwise a missing build fails the synth. */
function readPortalWanted(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === true || value === 'true')
    return true;
  if (value === false || value === 'false') return false;
  throw new Error('Context "portal" must be true or false');
}

function readPortalDist(value: unknown): string {
  if (value === undefined || value === null || value === '') return defaultPortalDist;
  if (typeof value !== 'string') throw new Error('Context "portalDist" must be a path');
  return path.resolve(value);
}

export interface HotlineApp {
  readonly app: App;
  readonly stage: StageConfig;
  readonly stateful: StatefulStack;
  readonly api: ApiStack;
}

/** Stack names carry the stage so dev and prod can share an account if they must. */
export function stackName(stage: StageConfig, part: string): string {
  return `Hotline-${stage.name}-${part}`;
}

/**
 * Build the whole CDK app (without synthesizing it): stage config from context, the stacks,
 * tags and the cdk-nag AwsSolutions checks, which fail the synth on any unacknowledged finding.
 * New stacks are added here, receiving what they need from existing stacks as props.
 */
export function buildApp(options: BuildAppOptions = {}): HotlineApp {
  const appProps: AppProps = {
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  };
  const app = new App(appProps);
  const stage = resolveStageConfig((key) => app.node.tryGetContext(key));

  // Unset without credentials: the stacks are then environment-agnostic, which synth allows.
  const env: Environment = {
    ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
    ...(process.env.CDK_DEFAULT_REGION ? { region: process.env.CDK_DEFAULT_REGION } : {}),
  };

  // Stack tags: CloudFormation propagates them to every resource that takes tags.
  const tags = { app: 'complaint-hotline', stage: stage.name };

  const stateful = new StatefulStack(app, stackName(stage, 'Stateful'), {
    stackName: stackName(stage, 'Stateful'),
    tags,
    description: `Complaint hotline (${stage.name}): table, staff user pool, Connect instance and number`,
    env,
    stage,
    terminationProtection: stage.isProduction,
  });

  const api = new ApiStack(app, stackName(stage, 'Api'), {
    stackName: stackName(stage, 'Api'),
    tags,
    description: `Complaint hotline (${stage.name}): functions, HTTP API, contact flows, schedules, alarms`,
    env,
    stage,
    table: stateful.table,
    userPool: stateful.userPool,
    portalClient: stateful.portalClient,
    smokeClient: stateful.smokeClient,
    portal: {
      bucket: stateful.portal.bucket,
      distribution: stateful.portal.distribution,
      origin: stateful.portal.origin,
      distDir: readPortalDist(app.node.tryGetContext('portalDist')),
      required: readPortalWanted(app.node.tryGetContext('portal')),
    },
    connectInstanceArn: stateful.connectInstanceArn,
    ...(options.functionSpecs ? { functionSpecs: options.functionSpecs } : {}),
    ...(options.functionNeeds ? { functionNeeds: options.functionNeeds } : {}),
    importedConnectInstance: stage.connect.instanceArn !== undefined,
    ...(stateful.phoneNumber
      ? {
          phoneNumber: {
            arn: stateful.phoneNumber.attrPhoneNumberArn,
            address: stateful.phoneNumber.attrAddress,
          },
        }
      : {}),
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  return { app, stage, stateful, api };
}
