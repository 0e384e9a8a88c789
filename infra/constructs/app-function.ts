import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogLevel as EsbuildLogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '#functions/catalog';
import { functionBundling } from '#infra/bundling';
import { tableAccessActions } from '#infra/iam-needs';
import type { StageConfig } from '#infra/stage-config';
import { deskMetrics } from '#shared/desk-metric-names';
import { DeadLetterQueue } from './dead-letter-queue';
import { acknowledgeTableIndexGrant } from './nag-acknowledgements';

/** The repository root: catalog entries are relative to it, and it holds package.json and the lock file. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Lambda's own retries of a failed asynchronous invocation before it goes to the function's DLQ. */
export const asyncRetryAttempts = 2;

/** Service name in every structured log line and trace of this app. */
export const serviceName = 'complaint-hotline';

/** Node.js major version the functions run on; the bundle targets the same. */
export const nodeRuntime = Runtime.NODEJS_22_X;

export interface AppFunctionProps {
  /** The function's entry in `functions/catalog.ts`. */
  readonly spec: FunctionSpec;
  readonly stage: StageConfig;
  /** The app's one table; access is granted as the spec's `table` field says. */
  readonly table: ITable;
  /** Environment for this function only; wins over the common variables. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Physical name, only for functions whose ARN other functions must know (schedule targets): an ARN
   * built from a known name references no resource, so a function may even schedule itself.
   */
  readonly functionName?: string;
}

/**
 * A function of this app: one catalog entry bundled with esbuild (no Docker) into an ESM
 * Lambda on Node.js 22 / arm64, with its own log group, X-Ray tracing, the common environment
 * and exactly the table access the catalog declares.
 */
export class AppFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  readonly spec: FunctionSpec;
  /** Failed asynchronous invocations (functions triggered by Scheduler or EventBridge only). */
  readonly asyncFailures?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { spec, stage, table } = props;
    this.spec = spec;

    const entry = path.resolve(repoRoot, spec.entry);
    if (!existsSync(entry)) {
      throw new Error(`Function ${spec.id}: entry ${spec.entry} does not exist (see functions/catalog.ts)`);
    }

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });

    // Own role without the AWS-managed basic execution policy: it may write to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${spec.id}: ${spec.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: spec.description,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      runtime: nodeRuntime,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[stage.logLevel],
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_METRICS_NAMESPACE: deskMetrics.namespace,
        LOG_LEVEL: stage.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        STAGE: stage.name,
        ...stage.functionEnvironment,
        TABLE_NAME: table.tableName,
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: functionBundling.target,
        mainFields: [...functionBundling.mainFields],
        banner: functionBundling.banner,
        minify: functionBundling.minify,
        sourceMap: true,
        sourcesContent: false,
        // Ship the SDK version the code was tested with instead of the runtime's.
        bundleAwsSDK: true,
        logLevel: EsbuildLogLevel.WARNING,
      },
    });

    // Scheduler and EventBridge invoke asynchronously: a run that fails after Lambda's retries is kept here.
    if (spec.triggers?.some((t) => t === 'scheduler' || t === 'connectContactEvents')) {
      this.asyncFailures = new DeadLetterQueue(this, 'AsyncFailures', {
        purpose: `${spec.id} async invocations`,
      });
      this.function.configureAsyncInvoke({
        onFailure: new SqsDestination(this.asyncFailures.queue),
        retryAttempts: asyncRetryAttempts,
        maxEventAge: Duration.hours(6),
      });
    }

    // The actions of infra/iam-needs.ts on the table and its indexes: CDK's table grants would add Scan,
    // ConditionCheckItem, DescribeTable and the stream reads, which no adapter sends.
    if (spec.table !== 'none') {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [...tableAccessActions[spec.table]],
          resources: [table.tableArn, `${table.tableArn}/index/*`],
        }),
      );
      acknowledgeTableIndexGrant(
        this.role,
        table,
        "Table grants cover this table's own global secondary indexes (<table>/index/*), nothing else.",
      );
    }

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `Pinned to ${nodeRuntime.name} for parity with the Node.js version the code base builds and tests on.`,
    });
    // The X-Ray write actions have no resource-level permissions, so tracing needs Resource "*".
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }
}
