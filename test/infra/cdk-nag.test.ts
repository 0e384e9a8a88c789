import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
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
  'AwsSolutions-COG2',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-IAM5[Resource::<table>/index/*]',
  'AwsSolutions-L1',
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
    .replace(/^(AwsSolutions-IAM5\[Resource::).+:schedule\/.+\/\*\]$/, '$1<schedule group>/*]');

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
