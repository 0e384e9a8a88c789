import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions as catalogFunctions, type FunctionSpec, routes } from '#functions/catalog';
import type { HotlineApp } from '#infra/build-app';
import { DEV_PORTAL_ORIGIN } from '#infra/stage-config';
import { buildTestApp, withoutBundling } from './support';

type Resource = { Type: string; Properties: Record<string, unknown> };

const functions: readonly FunctionSpec[] = catalogFunctions;

const dynamoWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

describe('api stack', () => {
  let hotline: HotlineApp;
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    hotline = buildTestApp(withoutBundling);
    template = Template.fromStack(hotline.api);
    resources = template.toJSON().Resources;
  });

  const resourceOf = (logicalId: string): Resource => {
    const resource = resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId}`);
    return resource;
  };

  const functionLogicalId = (id: string): string => {
    const fn = hotline.api.functions.get(id);
    if (!fn) throw new Error(`no function ${id}`);
    return hotline.api.getLogicalId(fn.function.node.defaultChild as CfnFunction);
  };

  /** Statements of the policies attached to the role of a function. */
  const statementsOf = (id: string): { Action: string | string[]; Resource: unknown }[] => {
    const fnResource = resourceOf(functionLogicalId(id));
    const roleRef = (fnResource.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => (r.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef))
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: [] }).Statement);
  };
  const actionsOf = (id: string): string[] => statementsOf(id).flatMap((s) => [s.Action].flat());

  describe('functions', () => {
    it('has one Lambda per catalog function', () => {
      // Plus CDK's provider of the custom resource that routes the hotline number to the inbound flow.
      template.resourceCountIs('AWS::Lambda::Function', functions.length + 1);
      expect([...hotline.api.functions.keys()].sort()).toEqual(functions.map((f) => f.id).sort());
    });

    it.each(functions)(
      '$id runs on Node.js 22 / arm64 with the memory, timeout and tracing of the catalog',
      (spec) => {
        const fn = resourceOf(functionLogicalId(spec.id));
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          MemorySize: spec.memoryMb,
          Timeout: spec.timeoutSeconds,
          TracingConfig: { Mode: 'Active' },
          Description: spec.description,
        });
      },
    );

    it.each(functions)('$id gets the common environment', (spec) => {
      const variables = (
        resourceOf(functionLogicalId(spec.id)).Properties.Environment as { Variables: object }
      ).Variables;
      expect(variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'complaint-hotline',
        LOG_LEVEL: 'DEBUG',
        NODE_OPTIONS: '--enable-source-maps',
        STAGE: 'dev',
        TABLE_NAME: hotline.api.resolve(hotline.stateful.table.tableName),
      });
    });

    it.each(functions)('$id logs to its own log group with the stage retention', (spec) => {
      const logging = resourceOf(functionLogicalId(spec.id)).Properties.LoggingConfig as {
        LogGroup: { Ref: string };
      };
      const logGroup = resourceOf(logging.LogGroup.Ref);
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBe(14);
    });

    it('sets a retention on every log group, access log included', () => {
      const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
      expect(groups).toHaveLength(functions.length + 2); // + access log + custom-resource provider
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(14);
    });

    it('gives function roles no AWS-managed policy', () => {
      const functionRoles = functions.map(
        (spec) =>
          (resourceOf(functionLogicalId(spec.id)).Properties.Role as { 'Fn::GetAtt': [string] })[
            'Fn::GetAtt'
          ][0],
      );
      for (const roleId of functionRoles)
        expect(resourceOf(roleId).Properties.ManagedPolicyArns).toBeUndefined();
      const withManaged = Object.entries(template.findResources('AWS::IAM::Role')).filter(
        ([, role]) => role.Properties.ManagedPolicyArns !== undefined,
      );
      // Only CDK's deploy-time custom-resource provider (acknowledged in cdk-nag).
      expect(withManaged.map(([id]) => id)).toEqual([
        expect.stringMatching(/^AWS679f53fac002430cb0da5b7982bd2287/),
      ]);
    });
  });

  describe('table access', () => {
    it.each(functions.filter((f) => f.table === 'read'))('$id can read but not write the table', (spec) => {
      const actions = actionsOf(spec.id);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      for (const write of dynamoWriteActions) expect(actions).not.toContain(write);
      expect(actions.filter((a) => a.startsWith('dynamodb:') && a.includes('*'))).toEqual([]);
    });

    it.each(functions.filter((f) => f.table === 'readWrite'))('$id can read and write the table', (spec) => {
      expect(actionsOf(spec.id)).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ]),
      );
    });

    it.each(functions.filter((f) => f.table !== 'none'))(
      '$id may touch only the table and its indexes (and its stream, when the stream triggers it)',
      (spec) => {
        const tableArn = hotline.api.resolve(hotline.stateful.table.tableArn);
        const indexArns = hotline.api.resolve(`${hotline.stateful.table.tableArn}/index/*`);
        const streamArn = hotline.api.resolve(hotline.stateful.table.tableStreamArn);
        const readsStream = spec.triggers?.includes('tableStream') ?? false;
        const dynamoStatements = statementsOf(spec.id).filter((s) =>
          [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
        );
        expect(dynamoStatements.length).toBeGreaterThan(0);
        for (const statement of dynamoStatements) {
          const dynamoActions = [statement.Action]
            .flat()
            .filter((a) => a.startsWith('dynamodb:'))
            .sort();
          for (const resource of [statement.Resource].flat()) {
            if (readsStream && resource === '*') {
              // The event source mapping's ListStreams, which has no resource-level permission.
              expect(dynamoActions).toEqual(['dynamodb:ListStreams']);
            } else if (readsStream && JSON.stringify(resource) === JSON.stringify(streamArn)) {
              expect(dynamoActions).toEqual([
                'dynamodb:DescribeStream',
                'dynamodb:GetRecords',
                'dynamodb:GetShardIterator',
              ]);
            } else {
              expect([tableArn, indexArns]).toContainEqual(resource);
            }
          }
        }
      },
    );
  });

  describe('HTTP API', () => {
    it('has one route per catalog route', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
    });

    it.each(routes)('$method $path ($auth) reaches $functionId', (route) => {
      const found = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', {
          Properties: { RouteKey: `${route.method} ${route.path}` },
        }),
      );
      expect(found).toHaveLength(1);
      const properties = found[0]?.Properties;
      if (route.auth === 'jwt') {
        expect(properties.AuthorizationType).toBe('JWT');
        expect(properties.AuthorizerId).toBeDefined();
      } else {
        expect(properties.AuthorizationType).toBe('NONE');
        expect(properties.AuthorizerId).toBeUndefined();
      }
      const integrationId = properties.Target['Fn::Join'][1][1].Ref as string;
      expect(resourceOf(integrationId).Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionLogicalId(route.functionId), 'Arn'] },
      });
    });

    it('verifies staff tokens with the user pool as issuer and the portal and smoke-test clients as audience', () => {
      const { api, stateful } = hotline;
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Issuer: api.resolve(
            `https://cognito-idp.${api.region}.amazonaws.com/${stateful.userPool.userPoolId}`,
          ),
          Audience: [
            api.resolve(stateful.portalClient.userPoolClientId),
            api.resolve(stateful.smokeClient.userPoolClientId),
          ],
        },
      });
    });

    it('throttles the stage, and each public route more tightly', () => {
      const publicRouteSettings = Object.fromEntries(
        routes
          .filter((r) => r.auth === 'public')
          .map((r) => [`${r.method} ${r.path}`, { throttlingRateLimit: 5, throttlingBurstLimit: 10 }]),
      );
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        RouteSettings: publicRouteSettings,
      });
    });

    it('writes JSON access logs without request paths', () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
      const settings = stage?.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
      expect(settings.DestinationArn).toBeDefined();
      const format = JSON.parse(settings.Format);
      expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey' });
      expect(settings.Format).not.toContain('$context.path');
    });

    it('allows cross-origin calls from the portal origins only (its distribution, context portalOrigin)', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.objectLike({
          AllowOrigins: [
            {
              'Fn::Join': [
                '',
                [
                  'https://',
                  {
                    'Fn::GetStackOutput': Match.objectLike({
                      OutputName: Match.stringLikeRegexp('PortalDistribution.*DomainName'),
                    }),
                  },
                ],
              ],
            },
            DEV_PORTAL_ORIGIN,
          ],
          AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'idempotency-key', 'if-match']),
          ExposeHeaders: Match.arrayWith(['etag', 'location', 'x-correlation-id']),
          AllowCredentials: false,
        }),
      });
    });
  });
});
