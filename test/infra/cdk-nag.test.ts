import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotlineApp } from '#infra/build-app';
import { buildTestApp, buildWiredTestApp, prodContext, withoutBundling } from './support';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  const visit = (construct: IConstruct) => {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id: key.replace(/^annotation::/i, ''), reason });
      }
    }
    for (const child of construct.node.children) visit(child);
  };
  visit(root);
  return found;
}

/** Every acknowledged cdk-nag rule, by kind; a new kind must be added here on purpose. */
const expectedKinds = [
  'AwsSolutions-APIG4',
  // Portal distribution: no geo restriction, no WAF, default certificate (portal-hosting.ts).
  'AwsSolutions-CFR1',
  'AwsSolutions-CFR2',
  'AwsSolutions-CFR4',
  'AwsSolutions-COG2',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-IAM5[Resource::<table>/index/*]',
  'AwsSolutions-L1',
  // The portal's access log bucket does not log itself.
  'AwsSolutions-S1',
  // The generated survey link key is not rotated: rotation would void links already e-mailed.
  'AwsSolutions-SMG4',
  'AwsSolutions-SNS2',
  'AwsSolutions-SQS3',
];
/** With functions that schedule and dial (the wiring fixture), two more narrow wildcards. */
const expectedWiredKinds = [
  ...expectedKinds,
  'AwsSolutions-IAM5[Resource::<instance>/contact/*]',
  'AwsSolutions-IAM5[Resource::<schedule group>/*]',
].sort();
const kindOf = (id: string) =>
  id
    .replace(/^(AwsSolutions-IAM5\[Resource::).+\/index\/\*\]$/, '$1<table>/index/*]')
    .replace(/^(AwsSolutions-IAM5\[Resource::).+\/contact\/\*\]$/, '$1<instance>/contact/*]')
    .replace(/^(AwsSolutions-IAM5\[Resource::).+:schedule\/.+\/\*\]$/, '$1<schedule group>/*]')
    .replace(/^(AwsSolutions-IAM5\[Resource::).+PortalBucket.+\/\*\]$/, '$1<portal bucket>/*]')
    .replace(
      /^(AwsSolutions-IAM5\[Resource::)arn:(?:<AWS::Partition>|[\w-]+):s3:::cdk-\w+-assets-.+\/\*\]$/,
      '$1<cdk assets>/*]',
    );

/** With a built portal, the CDK BucketDeployment handler (portal-deployment.ts) and its grants. */
const expectedPortalKinds = [
  ...expectedWiredKinds,
  'AwsSolutions-IAM5[Action::s3:Abort*]',
  'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
  'AwsSolutions-IAM5[Action::s3:GetBucket*]',
  'AwsSolutions-IAM5[Action::s3:GetObject*]',
  'AwsSolutions-IAM5[Action::s3:List*]',
  'AwsSolutions-IAM5[Resource::<cdk assets>/*]',
  'AwsSolutions-IAM5[Resource::<portal bucket>/*]',
].sort();

describe.each([
  ['dev', {}],
  ['prod', prodContext],
])('cdk-nag AwsSolutions on the %s stage', (_stage, context) => {
  let hotline: HotlineApp;
  let reportFile: string;

  beforeAll(() => {
    hotline = buildTestApp({ ...context, ...withoutBundling });
    reportFile = path.join(hotline.app.synth().directory, 'validation-report.json');
  });

  it('synthesizes with the plugin and reports no finding', () => {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: unknown[] };
    expect(report.pluginReports).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(hotline.app)).toEqual({ success: true, violations: [] });
  });

  it('acknowledges only the expected rules, each with a reason', () => {
    const acknowledgements = acknowledgementsIn(hotline.app);
    // The real app has functions that schedule and dial (infra/wiring.ts), so both narrow wildcards appear.
    expect([...new Set(acknowledgements.map((a) => kindOf(a.id)))].sort()).toEqual(expectedWiredKinds);
    for (const acknowledgement of acknowledgements) expect(acknowledgement.reason.length).toBeGreaterThan(20);
  });

  it('acknowledges the index wildcard only for the app table', () => {
    const indexAcks = acknowledgementsIn(hotline.app).filter((a) => a.id.endsWith('/index/*]'));
    const tableArn = JSON.stringify(hotline.api.resolve(hotline.stateful.table.tableArn));
    expect(indexAcks.length).toBeGreaterThan(0);
    for (const ack of indexAcks) expect(ack.id).toBe(`AwsSolutions-IAM5[Resource::${tableArn}/index/*]`);
  });
});

describe.each([
  ['dev', {}],
  ['prod', prodContext],
])('cdk-nag AwsSolutions on the %s stage with functions that schedule, dial and mail', (_stage, context) => {
  let hotline: HotlineApp;

  beforeAll(() => {
    hotline = buildWiredTestApp(context);
  });

  it('synthesizes with no finding and only the expected acknowledgements', () => {
    const report = JSON.parse(
      readFileSync(path.join(hotline.app.synth().directory, 'validation-report.json'), 'utf8'),
    ) as { pluginReports: unknown[] };
    expect(report.pluginReports).toEqual([]);
    const acknowledgements = acknowledgementsIn(hotline.app);
    expect([...new Set(acknowledgements.map((a) => kindOf(a.id)))].sort()).toEqual(expectedWiredKinds);
    for (const acknowledgement of acknowledgements) expect(acknowledgement.reason.length).toBeGreaterThan(20);
  });
});

describe.each([
  ['dev', {}, {}],
  ['prod', prodContext, {}],
  // Under the CDK CLI with a profile: account and region are concrete in the ARNs.
  ['dev', {}, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-east-1' }],
])('cdk-nag AwsSolutions on the %s stage with a built portal (env %o)', (_stage, context, env) => {
  let distDir: string;
  const saved = { ...process.env };
  afterAll(() => {
    rmSync(distDir, { recursive: true, force: true });
    process.env = saved;
  });

  it('synthesizes with no finding and only the deployment handler acknowledged besides', () => {
    distDir = mkdtempSync(path.join(tmpdir(), 'portal-dist-'));
    writeFileSync(path.join(distDir, 'index.html'), '<!doctype html>');
    Object.assign(process.env, env);
    const hotline = buildTestApp({ ...context, ...withoutBundling, portalDist: distDir });
    const report = JSON.parse(
      readFileSync(path.join(hotline.app.synth().directory, 'validation-report.json'), 'utf8'),
    ) as { pluginReports: unknown[] };
    expect(report.pluginReports).toEqual([]);
    const acknowledgements = acknowledgementsIn(hotline.app);
    expect([...new Set(acknowledgements.map((a) => kindOf(a.id)))].sort()).toEqual(expectedPortalKinds);
    for (const acknowledgement of acknowledgements) expect(acknowledgement.reason.length).toBeGreaterThan(20);
  });
});

describe('cdk-nag gate', () => {
  it('fails the synth on an unacknowledged finding', () => {
    const hotline = buildTestApp(withoutBundling);
    const role = new Role(hotline.api, 'CarelessRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }));
    expect(() => hotline.app.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});
