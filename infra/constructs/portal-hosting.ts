import { Aws, Duration, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageConfig } from '#infra/stage-config';

export interface PortalHostingProps {
  readonly stage: StageConfig;
  /** Base URL of the Cognito hosted domain (`https://<prefix>.auth.<region>.amazoncognito.com`): token calls. */
  readonly authBaseUrl: string;
}

/**
 * Where the staff portal (web/, a static SPA) is served from: a private, versioned bucket read by CloudFront
 * through Origin Access Control, HTTPS only, with security headers and the SPA fallback (unknown paths -> the
 * app's index.html). Lives with the stateful resources because its domain is the portal URL staff bookmark and
 * the OAuth callback of the user pool client; recreating the distribution would change both.
 */
export class PortalHosting extends Construct {
  readonly bucket: Bucket;
  /** S3 server access logs of the portal bucket and CloudFront standard logs (prefixes `s3/`, `cloudfront/`). */
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly headersPolicy: ResponseHeadersPolicy;
  /** `https://<distribution domain>`: the portal's origin (CORS, OAuth redirects). */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: PortalHostingProps) {
    super(scope, id);
    const { stage } = props;
    const dev = !stage.isProduction;

    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL grant, so this bucket keeps ACLs enabled.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(stage.isProduction ? 365 : 30) }],
      removalPolicy: stage.removalPolicy,
      autoDeleteObjects: dev,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access log bucket; logging its own accesses would log the logging.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      // Old builds: previous versions are kept a while for a rollback, then expire.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: stage.removalPolicy,
      autoDeleteObjects: dev,
    });

    this.headersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Complaint hotline portal (${stage.name}): security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: portalContentSecurityPolicy(props.authBaseUrl),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Complaint hotline staff portal (${stage.name})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        compress: true,
        responseHeadersPolicy: this.headersPolicy,
      },
      // A client-side router: a deep link (/tickets/123, /auth/callback) is not an object; serve the app.
      // S3 answers 403 for a missing key when the reader may not list the bucket.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      priceClass: PriceClass.PRICE_CLASS_100,
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'Staff sign in from wherever they work; every page needs a Cognito sign-in, so no geo restriction.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'Static files only; the API is throttled and authorizes every staff call. WAF adds cost at idle.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'No custom domain: the default *.cloudfront.net certificate cannot pin TLS 1.2 as minimum.',
    });

    this.origin = `https://${this.distribution.distributionDomainName}`;
  }
}

/**
 * The portal's Content-Security-Policy: its own files, the API and Cognito only. The API is named by its
 * regional execute-api domain rather than its exact id, because the API's CORS names this distribution:
 * naming each other exactly would be a cycle CloudFormation cannot order.
 */
export function portalContentSecurityPolicy(authBaseUrl: string): string {
  const connect = [
    "'self'",
    `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    authBaseUrl,
  ];
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Charts and components set style attributes; no script may be inline.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    `form-action 'self' ${authBaseUrl}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}
