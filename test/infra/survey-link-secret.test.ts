import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions as catalogFunctions } from '#functions/catalog';
import type { HotlineApp } from '#infra/build-app';
import { repoRoot } from '#infra/constructs/app-function';
import { functionNeeds } from '#infra/wiring';
import { buildTestApp, prodContext, withoutBundling } from './support';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

const readers = catalogFunctions.filter((f) => functionNeeds[f.id]?.surveyLinkSecret).map((f) => f.id);

describe.each([
  ['dev', {}],
  ['prod', prodContext],
])('the survey link key on the %s stage', (_stage, context) => {
  let hotline: HotlineApp;
  let resources: Record<string, Resource>;
  let secretId: string;

  beforeAll(() => {
    hotline = buildTestApp({ ...context, ...withoutBundling });
    resources = Template.fromStack(hotline.api).toJSON().Resources;
    secretId = hotline.api.getLogicalId(hotline.api.surveyLinkSecret.secret.node.defaultChild as never);
  });

  const functionResource = (functionId: string): Resource => {
    const fn = hotline.api.functions.get(functionId);
    if (!fn) throw new Error(`no function ${functionId}`);
    const resource = resources[hotline.api.getLogicalId(fn.function.node.defaultChild as CfnFunction)];
    if (!resource) throw new Error(`no resource for ${functionId}`);
    return resource;
  };
  const environmentOf = (functionId: string) =>
    (functionResource(functionId).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  const statementsOf = (functionId: string): Statement[] => {
    const role = functionResource(functionId).Properties.Role as { 'Fn::GetAtt': [string, string] };
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) =>
        (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role['Fn::GetAtt'][0]),
      )
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  };
  const secretStatements = (functionId: string) =>
    statementsOf(functionId).filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));

  it('is one secret that Secrets Manager generates, with no value in the template', () => {
    const secrets = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret');
    expect(secrets.map(([id]) => id)).toEqual([secretId]);
    const props = secrets[0]?.[1].Properties ?? {};
    expect(props.SecretString).toBeUndefined();
    expect(props.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
  });

  it('the functions that sign or verify links get its ARN and read access to it only', () => {
    expect(readers.sort()).toEqual(['CallbacksApi', 'Reactor']);
    for (const id of readers) {
      expect(environmentOf(id).SURVEY_LINK_SECRET_ARN, id).toEqual({ Ref: secretId });
      const statements = secretStatements(id);
      expect(statements, id).toHaveLength(1);
      expect(statements[0]).toMatchObject({ Effect: 'Allow', Resource: { Ref: secretId } });
      // What shared/adapters/secrets.ts calls, nothing more (grantRead would add DescribeSecret).
      expect([statements[0]?.Action].flat()).toEqual(['secretsmanager:GetSecretValue']);
    }
  });

  it('no other function gets the ARN or any Secrets Manager access', () => {
    for (const spec of catalogFunctions.filter((f) => !readers.includes(f.id))) {
      expect(environmentOf(spec.id).SURVEY_LINK_SECRET_ARN, spec.id).toBeUndefined();
      expect(secretStatements(spec.id), spec.id).toEqual([]);
    }
  });

  it('puts no plaintext key anywhere: no SURVEY_LINK_SECRET variable, not the local default', () => {
    for (const spec of catalogFunctions) expect(environmentOf(spec.id).SURVEY_LINK_SECRET).toBeUndefined();
    const templates = [hotline.api, hotline.stateful].map((s) =>
      JSON.stringify(Template.fromStack(s).toJSON()),
    );
    for (const template of templates) expect(template).not.toContain('local-survey-secret');
  });
});

/**
 * The wiring must follow the code: every function whose bundle signs a survey link (the fallback e-mail) or
 * verifies one (the public survey page) has `surveyLinkSecret`, and no other function has it.
 */
describe('the functions that read the survey link key', () => {
  it('are exactly those whose code signs or verifies survey links', async () => {
    const found: string[] = [];
    for (const spec of catalogFunctions) {
      const result = await build({
        entryPoints: [`${repoRoot}${spec.entry}`],
        bundle: true,
        write: false,
        minify: true,
        treeShaking: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        logLevel: 'silent',
        tsconfig: `${repoRoot}tsconfig.json`,
      });
      const code = result.outputFiles[0]?.text ?? '';
      // A string of surveyFallbackMail (signs) and of verifySurveyToken (verifies); minifying keeps strings.
      if (code.includes('the link works once') || code.includes('This survey link is not valid')) {
        found.push(spec.id);
      }
    }
    expect(found.sort()).toEqual([...readers].sort());
  });
});
