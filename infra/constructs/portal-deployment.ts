import { existsSync } from 'node:fs';
import path from 'node:path';
import { Annotations, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { CfnPolicy, Role } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '#infra/constructs/nag-acknowledgements';
import type { StageConfig } from '#infra/stage-config';
import { portalCallbackPath } from '#infra/stage-config';
import { loadConfig } from '#shared/config';

/** The deployed portal's `/config.json` (the shape web/src/config.ts reads). */
export interface PortalRuntimeConfig {
  readonly apiBase: string;
  readonly auth: {
    readonly mode: 'oidc';
    readonly authority: string;
    readonly clientId: string;
    readonly redirectUri: string;
    readonly logoutUri: string;
    readonly scope: string;
  };
  readonly departments: readonly string[];
  readonly categories: readonly string[];
}

export interface PortalDeploymentProps {
  readonly stage: StageConfig;
  /** The built portal (`npm run build:web` -> web/dist). */
  readonly distDir: string;
  /** Without a build: an error that stops `cdk synth`/`deploy` (true), or a note and no portal (false). */
  readonly required: boolean;
  readonly bucket: IBucket;
  readonly distribution: IDistribution;
  /** `https://<distribution domain>`. */
  readonly portalOrigin: string;
  /** The HTTP API's URL, without a trailing slash. */
  readonly apiBase: string;
  readonly userPoolId: string;
  readonly clientId: string;
}

/** What the deployed portal is told about where it runs; lists as the functions see them. */
export function portalRuntimeConfig(
  props: Omit<PortalDeploymentProps, 'distDir' | 'bucket' | 'distribution'>,
) {
  const { departments, categories } = loadConfig({
    ...props.stage.functionEnvironment,
    TABLE_NAME: 'not-read-by-the-portal',
  });
  return {
    apiBase: props.apiBase,
    auth: {
      mode: 'oidc',
      authority: `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.userPoolId}`,
      clientId: props.clientId,
      redirectUri: `${props.portalOrigin}${portalCallbackPath}`,
      logoutUri: `${props.portalOrigin}/`,
      scope: 'openid profile email',
    },
    departments,
    categories,
  } satisfies PortalRuntimeConfig;
}

/**
 * Uploads the built portal and its generated `/config.json` to the portal bucket, then invalidates the
 * entry points. Hashed assets (`assets/*`) are cached for a year; `index.html` and `config.json` are
 * revalidated on every load. Old assets are kept (open tabs still load them); bucket versioning keeps history.
 * When the portal is not built, the synth stops with an error naming `npm run build:web`, unless context
 * `portal=false` asks for a deploy without it (the infra tests do: they never need a web build).
 */
export class PortalDeployment extends Construct {
  /** `undefined` when the portal was not built at synth time. */
  readonly entryPoints?: BucketDeployment;
  readonly assets?: BucketDeployment;

  constructor(scope: Construct, id: string, props: PortalDeploymentProps) {
    super(scope, id);
    const distDir = path.resolve(props.distDir);
    if (!existsSync(path.join(distDir, 'index.html'))) {
      // A deploy that silently leaves the staff without their portal is worse than one that stops.
      if (props.required)
        Annotations.of(this).addError(
          `The portal is not built (${distDir}/index.html is missing). Run \`npm run build:web\` before ` +
            '`cdk deploy`, or deploy without it: `-c portal=false`.',
        );
      else Annotations.of(this).addInfo('Context portal=false: the staff portal is not deployed.');
      return;
    }

    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });

    this.assets = new BucketDeployment(this, 'Assets', {
      sources: [Source.asset(distDir, { exclude: ['index.html', 'config.json'] })],
      destinationBucket: props.bucket,
      prune: false,
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
      memoryLimit: 512,
      logGroup,
    });

    const config = portalRuntimeConfig({ ...props });
    this.entryPoints = new BucketDeployment(this, 'EntryPoints', {
      sources: [
        Source.asset(distDir, { exclude: ['*', '!index.html'] }),
        Source.jsonData('config.json', config),
      ],
      destinationBucket: props.bucket,
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: props.distribution,
      distributionPaths: ['/index.html', '/config.json', '/'],
      memoryLimit: 512,
      logGroup,
    });
    // The new index.html names the new assets: they must be there first.
    this.entryPoints.node.addDependency(this.assets);
    acknowledgeDeploymentHandler(this.entryPoints, props.bucket);
  }
}

/**
 * The one handler Lambda CDK shares between bucket deployments (a singleton of the stack) and its role:
 * CDK's own code and grants, acknowledged narrowly. Its wildcards are the prefixes of CDK's bucket grants
 * (read the asset bucket, write the portal bucket) and CloudFront invalidation, which has no narrower
 * resource in CDK's policy; a wildcard on any other resource still fails the synth.
 */
function acknowledgeDeploymentHandler(deployment: BucketDeployment, bucket: IBucket): void {
  const role = deployment.handlerRole;
  const handler = role.node.scope;
  if (!(role instanceof Role) || !handler) return;
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'The runtime of CDK-managed BucketDeployment handler is chosen and updated by aws-cdk-lib.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'CDK-managed deployment handler: basic execution role only writes its own logs.',
  });
  const actions = ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'];
  for (const action of actions) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: 'Action groups of CDK bucket grants: read the asset bucket, replace the portal files.',
    });
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'cloudfront:CreateInvalidation / GetInvalidation as CDK grants them to the deployment handler.',
  });
  acknowledgeWildcardResource(
    role,
    `${bucket.bucketArn}/*`,
    'The deployment writes every object of the portal bucket and nothing else.',
  );
  // The CDK asset bucket of this account and region (name from the bootstrap qualifier).
  role.node.addValidation({
    validate: () => {
      const policy = role.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
      if (!(policy instanceof CfnPolicy)) return [];
      const document = Stack.of(policy).resolve(policy.policyDocument) as {
        Statement?: { Resource?: unknown }[];
      };
      for (const statement of document.Statement ?? []) {
        for (const resource of [statement.Resource].flat()) {
          const flat = flattenCfnReference(resource);
          if (!/^arn:(?:<AWS::Partition>|[\w-]+):s3:::cdk-[a-z0-9]+-assets-[^/]+\/\*$/.test(flat)) {
            continue;
          }
          Validations.of(policy).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${flat}]`,
            reason: 'Reads the uploaded portal build from the CDK bootstrap asset bucket.',
          });
        }
      }
      return [];
    },
  });
}
