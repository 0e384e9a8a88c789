import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotlineApp } from '#infra/build-app';
import { DEV_PORTAL_ORIGIN } from '#infra/stage-config';
import { buildTestApp, prodContext, withoutBundling } from './support';

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }
>;

const ofType = (template: Template, type: string) =>
  Object.entries(template.toJSON().Resources as Resources).filter(([, r]) => r.Type === type);

const distributionDomain = { 'Fn::GetAtt': [Match.stringLikeRegexp('^PortalDistribution'), 'DomainName'] };

describe('portal hosting (stateful stack)', () => {
  let dev: Template;
  let prod: Template;

  beforeAll(() => {
    dev = Template.fromStack(buildTestApp(withoutBundling).stateful);
    prod = Template.fromStack(buildTestApp({ ...prodContext, ...withoutBundling }).stateful);
  });

  it('keeps the portal in a private, encrypted, versioned bucket with access logs', () => {
    const props = {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^PortalAccessLogs') } },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    };
    dev.hasResourceProperties('AWS::S3::Bucket', props);
    prod.hasResourceProperties('AWS::S3::Bucket', props);
    dev.resourceCountIs('AWS::S3::Bucket', 2);
  });

  it('denies every non-TLS request to both buckets', () => {
    const policies = ofType(dev, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(2);
    for (const [, policy] of policies) {
      expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('retains the buckets in prod and empties and deletes them in dev', () => {
    for (const [, bucket] of ofType(prod, 'AWS::S3::Bucket')) expect(bucket.DeletionPolicy).toBe('Retain');
    prod.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    for (const [, bucket] of ofType(dev, 'AWS::S3::Bucket')) expect(bucket.DeletionPolicy).toBe('Delete');
    dev.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });

  it('lets only this distribution read the bucket, through Origin Access Control', () => {
    dev.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    dev.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^PortalBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 's3:GetObject',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: {
              StringEquals: {
                'AWS:SourceArn': {
                  'Fn::Join': [
                    '',
                    Match.arrayWith([
                      ':distribution/',
                      { Ref: Match.stringLikeRegexp('^PortalDistribution') },
                    ]),
                  ],
                },
              },
            },
            Resource: Match.anyValue(),
          },
        ]),
      },
    });
  });

  it('serves the SPA over HTTPS, compressed, price class 100, with the index.html fallback and logs', () => {
    dev.resourceCountIs('AWS::CloudFront::Distribution', 1);
    dev.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        PriceClass: 'PriceClass_100',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          Compress: true,
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('^PortalSecurityHeaders') },
        }),
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PortalBucket'), 'RegionalDomainName'] },
            OriginAccessControlId: Match.anyValue(),
          }),
        ],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('sends the security headers, the CSP allowing the API and Cognito only', () => {
    const [[, policy] = []] = ofType(dev, 'AWS::CloudFront::ResponseHeadersPolicy');
    const config = (policy?.Properties?.ResponseHeadersPolicyConfig ?? {}) as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    const headers = config.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 31536000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    // Render the CSP with the pseudo parameters and references named.
    const join = headers.ContentSecurityPolicy?.ContentSecurityPolicy as { 'Fn::Join': [string, unknown[]] };
    const csp = join['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : `{${Object.values(part as object)[0]}}`))
      .join('');
    const directives = Object.fromEntries(
      csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const),
    );
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual([
      "'self'",
      'https://*.execute-api.{AWS::Region}.{AWS::URLSuffix}',
      'https://cognito-idp.{AWS::Region}.{AWS::URLSuffix}',
      expect.stringMatching(
        /^https:\/\/\{StaffUserPoolHostedDomain\w+\}\.auth\.\{AWS::Region\}\.amazoncognito\.com$/,
      ),
    ]);
  });

  it('gives the portal client the code flow with PKCE and no secret, back to the portal URL', () => {
    for (const template of [dev, prod]) {
      // The portal's and the smoke test's (stateful-stack.test.ts), which has no OAuth at all.
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
      template.resourcePropertiesCountIs(
        'AWS::Cognito::UserPoolClient',
        { AllowedOAuthFlowsUserPoolClient: true },
        1,
      );
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        CallbackURLs: Match.arrayWith([
          { 'Fn::Join': ['', ['https://', distributionDomain, '/auth/callback']] },
        ]),
        LogoutURLs: Match.arrayWith([{ 'Fn::Join': ['', ['https://', distributionDomain, '/']] }]),
      });
    }
    dev.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('outputs the portal URL', () => {
    dev.hasOutput('PortalUrl', { Value: { 'Fn::Join': ['', ['https://', distributionDomain, '/']] } });
  });
});

describe('portal deployment (api stack)', () => {
  let distDir: string;

  beforeAll(() => {
    distDir = mkdtempSync(path.join(tmpdir(), 'portal-dist-'));
    mkdirSync(path.join(distDir, 'assets'));
    writeFileSync(
      path.join(distDir, 'index.html'),
      '<!doctype html><script type="module" src="/assets/a.js">',
    );
    writeFileSync(path.join(distDir, 'assets', 'a.js'), 'console.log(1)');
  });
  afterAll(() => rmSync(distDir, { recursive: true, force: true }));

  it('stops the synth when the portal is not built, naming the command and the way out', () => {
    const hotline = buildTestApp({ ...withoutBundling, portal: undefined });
    const errors = hotline.api.portalDeployment.node.metadata.filter((m) => m.type === 'aws:cdk:error');
    expect(errors.map((n) => String(n.data))).toEqual([
      expect.stringMatching(/portal is not built.*npm run build:web.*-c portal=false/s),
    ]);
  });

  it('deploys nothing, with a note, when asked to go without the portal (-c portal=false)', () => {
    const hotline = buildTestApp({ ...withoutBundling, portal: 'false' });
    Template.fromStack(hotline.api).resourceCountIs('Custom::CDKBucketDeployment', 0);
    const meta = hotline.api.portalDeployment.node.metadata;
    expect(meta.filter((m) => m.type === 'aws:cdk:error')).toEqual([]);
    expect(meta.filter((m) => m.type === 'aws:cdk:info').map((n) => String(n.data))).toEqual([
      expect.stringMatching(/portal=false/),
    ]);
  });

  it('refuses a portal context that is neither true nor false', () => {
    expect(() => buildTestApp({ ...withoutBundling, portal: 'maybe' })).toThrow(
      /"portal" must be true or false/,
    );
  });

  describe('with a built portal', () => {
    let hotline: HotlineApp;
    let template: Template;
    let assemblyDir: string;

    beforeAll(() => {
      hotline = buildTestApp({ ...withoutBundling, portalDist: distDir });
      assemblyDir = hotline.app.synth().directory;
      template = Template.fromStack(hotline.api);
    });

    const deployments = () => ofType(template, 'Custom::CDKBucketDeployment');
    const entryPoints = () => {
      const found = deployments().find(([id]) => id.startsWith('PortalDeploymentEntryPoints'));
      if (!found) throw new Error('no entry point deployment');
      return found[1].Properties as Record<string, unknown>;
    };

    it('uploads hashed assets cached for a year, then the entry points revalidated and invalidated', () => {
      expect(deployments()).toHaveLength(2);
      template.hasResourceProperties('Custom::CDKBucketDeployment', {
        SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
        Prune: false,
        DestinationBucketName: {
          'Fn::GetStackOutput': Match.objectLike({ StackName: 'Hotline-dev-Stateful' }),
        },
      });
      const entry = entryPoints();
      expect(entry.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
      expect(entry.DistributionPaths).toEqual(['/index.html', '/config.json', '/']);
      expect(entry.DistributionId).toMatchObject({
        'Fn::GetStackOutput': { OutputName: expect.stringMatching(/PortalDistribution/) },
      });
      const [entryId] = deployments().find(([id]) => id.startsWith('PortalDeploymentEntryPoints')) ?? [];
      const dependsOn = (template.toJSON().Resources as Record<string, { DependsOn?: string[] }>)[
        entryId ?? ''
      ]?.DependsOn;
      expect(dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^PortalDeploymentAssets/)]));
    });

    it('writes /config.json in the shape web/src/config.ts reads, from the API, pool, client and portal URL', () => {
      const entry = entryPoints();
      const keys = entry.SourceObjectKeys as string[];
      const markers = (entry.SourceMarkers as Record<string, unknown>[])[1] ?? {};
      const asset = keys[1]?.replace(/\.zip$/, '') ?? '';
      let text = readFileSync(path.join(assemblyDir, `asset.${asset}`, 'config.json'), 'utf8');
      for (const [marker, value] of Object.entries(markers)) {
        const v = value as { Ref?: string; 'Fn::GetStackOutput'?: { OutputName: string } };
        text = text.replaceAll(marker, `{${v.Ref ?? v['Fn::GetStackOutput']?.OutputName}}`);
      }
      const config = JSON.parse(text);
      expect(config).toEqual({
        apiBase: expect.stringMatching(
          /^https:\/\/\{HttpApi\w+\}\.execute-api\.\{AWS::Region\}\.\{AWS::URLSuffix\}$/,
        ),
        auth: {
          mode: 'oidc',
          authority: expect.stringMatching(
            /^https:\/\/cognito-idp\.\{AWS::Region\}\.\{AWS::URLSuffix\}\/\{PublishOutputRefStaffUserPool\w+\}$/,
          ),
          clientId: expect.stringMatching(/^\{PublishOutputRefStaffUserPoolPortalClient\w+\}$/),
          redirectUri: expect.stringMatching(
            /^https:\/\/\{\w*PortalDistribution\w*DomainName\w*\}\/auth\/callback$/,
          ),
          logoutUri: expect.stringMatching(/^https:\/\/\{\w*PortalDistribution\w*DomainName\w*\}\/$/),
          scope: 'openid profile email',
        },
        departments: ['network', 'metering', 'billing', 'field_service', 'customer_service'],
        categories: expect.arrayContaining(['gas_smell', 'water_quality']),
      });
      expect(JSON.stringify(markers)).not.toContain(DEV_PORTAL_ORIGIN);
    });

    it('takes the lists from functionEnvironment, as the functions do', () => {
      const custom = buildTestApp({
        ...withoutBundling,
        portalDist: distDir,
        functionEnvironment: { DEPARTMENTS: 'water,gas', CATEGORIES: 'leak,other' },
      });
      const dir = custom.app.synth().directory;
      const entry = ofType(Template.fromStack(custom.api), 'Custom::CDKBucketDeployment').find(([id]) =>
        id.startsWith('PortalDeploymentEntryPoints'),
      )?.[1].Properties as { SourceObjectKeys: string[] };
      const asset = entry.SourceObjectKeys[1]?.replace(/\.zip$/, '') ?? '';
      const config = JSON.parse(readFileSync(path.join(dir, `asset.${asset}`, 'config.json'), 'utf8'));
      expect(config.departments).toEqual(['water', 'gas']);
      expect(config.categories).toEqual(['leak', 'other']);
    });

    it('ships index.html with the entry points and the rest with the assets', () => {
      const entry = entryPoints();
      const html = (entry.SourceObjectKeys as string[])[0]?.replace(/\.zip$/, '') ?? '';
      expect(readFileSync(path.join(assemblyDir, `asset.${html}`, 'index.html'), 'utf8')).toContain(
        '<script',
      );
      const assets = deployments().find(([id]) => id.startsWith('PortalDeploymentAssets'))?.[1]
        .Properties as {
        SourceObjectKeys: string[];
      };
      const assetDir = path.join(assemblyDir, `asset.${assets.SourceObjectKeys[0]?.replace(/\.zip$/, '')}`);
      expect(readFileSync(path.join(assetDir, 'assets', 'a.js'), 'utf8')).toBe('console.log(1)');
      expect(() => readFileSync(path.join(assetDir, 'index.html'))).toThrow();
    });

    it('keeps the deployment handler logs with the stage retention', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^PortalDeploymentLogs') } },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    });
  });
});
