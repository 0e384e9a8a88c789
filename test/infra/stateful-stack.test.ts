import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { globalIndexes, tableKeys, ttlAttribute } from '#shared/adapters/table-schema';
import { buildTestApp, prodContext, withoutBundling } from './support';

/** `https://<portal distribution domain><path>` as the stateful stack renders it. */
const portalUrl = (path: string) => ({
  'Fn::Join': [
    '',
    ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^PortalDistribution'), 'DomainName'] }, path],
  ],
});

describe('stateful stack', () => {
  let dev: Template;
  let prod: Template;
  let prodTerminationProtection: boolean;

  beforeAll(() => {
    const devApp = buildTestApp(withoutBundling);
    dev = Template.fromStack(devApp.stateful);
    const prodApp = buildTestApp({ ...prodContext, ...withoutBundling });
    prod = Template.fromStack(prodApp.stateful);
    prodTerminationProtection = prodApp.stateful.terminationProtection;
  });

  describe('table', () => {
    it('has the key schema of table-schema.ts, on demand', () => {
      dev.resourceCountIs('AWS::DynamoDB::Table', 1);
      dev.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      });
    });

    it('has every global index of table-schema.ts and no other', () => {
      const table = Object.values(dev.findResources('AWS::DynamoDB::Table'))[0];
      const indexes = table?.Properties.GlobalSecondaryIndexes as { IndexName: string }[];
      expect(indexes.map((i) => i.IndexName).sort()).toEqual(globalIndexes.map((i) => i.indexName).sort());
      for (const index of globalIndexes) {
        dev.hasResourceProperties('AWS::DynamoDB::Table', {
          GlobalSecondaryIndexes: Match.arrayWith([
            {
              IndexName: index.indexName,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ]),
        });
      }
    });

    it('has point-in-time recovery, TTL on the schema attribute and KMS encryption', () => {
      for (const template of [dev, prod]) {
        template.hasResourceProperties('AWS::DynamoDB::Table', {
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
          SSESpecification: { SSEEnabled: true },
        });
      }
    });

    it('streams new images, the desk event log the Reactor reads (table-reactor.test.ts)', () => {
      for (const template of [dev, prod]) {
        template.hasResourceProperties('AWS::DynamoDB::Table', {
          StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        });
      }
    });

    it('is retained and deletion-protected in prod only', () => {
      prod.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      });
      dev.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      });
      expect(prodTerminationProtection).toBe(true);
    });
  });

  describe('staff user pool', () => {
    it('admits only users created by an administrator, with a strong password policy', () => {
      dev.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      });
    });

    it('offers TOTP as optional MFA and enforces threat protection (Plus plan)', () => {
      dev.hasResourceProperties('AWS::Cognito::UserPool', {
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      });
    });

    it('has the groups agent, supervisor and admin', () => {
      const groups = Object.values(dev.findResources('AWS::Cognito::UserPoolGroup')).map(
        (g) => g.Properties.GroupName as string,
      );
      expect(groups.sort()).toEqual(['admin', 'agent', 'supervisor']);
    });

    it('is retained and deletion-protected in prod only', () => {
      prod.hasResource('AWS::Cognito::UserPool', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
      });
      dev.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete' });
    });

    it('has a public portal client using the authorization code flow back to the portal origin', () => {
      // The portal's client and the smoke test's (below).
      dev.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
      dev.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: Match.arrayWith(['openid']),
        CallbackURLs: [portalUrl('/auth/callback'), 'http://localhost:5173/auth/callback'],
        SupportedIdentityProviders: ['COGNITO'],
        PreventUserExistenceErrors: 'ENABLED',
      });
      prod.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        CallbackURLs: [portalUrl('/auth/callback'), `${prodContext.portalOrigin}/auth/callback`],
        LogoutURLs: [portalUrl('/'), `${prodContext.portalOrigin}/`],
      });
    });

    it('has a smoke-test client that signs in only by admin password auth, without OAuth, short-lived', () => {
      for (const template of [dev, prod]) {
        const smoke = Object.entries(template.findResources('AWS::Cognito::UserPoolClient')).filter(([id]) =>
          id.startsWith('StaffUserPoolSmokeClient'),
        );
        expect(smoke).toHaveLength(1);
        const props = smoke[0]?.[1].Properties as Record<string, unknown>;
        expect(props.ExplicitAuthFlows).toEqual([
          'ALLOW_ADMIN_USER_PASSWORD_AUTH',
          'ALLOW_REFRESH_TOKEN_AUTH',
        ]);
        expect(props.GenerateSecret).toBe(false);
        expect(props.AllowedOAuthFlows).toBeUndefined();
        expect(props.AllowedOAuthFlowsUserPoolClient).toBe(false);
        expect(props.CallbackURLs).toBeUndefined();
        expect(props.AccessTokenValidity).toBe(15);
        expect(props.IdTokenValidity).toBe(15);
        expect(props.TokenValidityUnits).toMatchObject({ AccessToken: 'minutes', IdToken: 'minutes' });
      }
    });

    it('outputs what the smoke test looks up: the user pool and the smoke client', () => {
      dev.hasOutput('UserPoolId', {});
      dev.hasOutput('SmokeClientId', { Value: { Ref: Match.stringLikeRegexp('^StaffUserPoolSmokeClient') } });
    });

    it('has a hosted domain for the OAuth endpoints', () => {
      dev.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    });
  });
});

describe('stateful stack: Amazon Connect', () => {
  it('creates the instance with inbound and outbound calls and flow logs, kept in prod', () => {
    const dev = Template.fromStack(buildTestApp(withoutBundling).stateful);
    const prodApp = buildTestApp({ ...prodContext, ...withoutBundling });
    const prod = Template.fromStack(prodApp.stateful);
    dev.resourceCountIs('AWS::Connect::Instance', 1);
    dev.hasResourceProperties('AWS::Connect::Instance', {
      IdentityManagementType: 'CONNECT_MANAGED',
      Attributes: Match.objectLike({ InboundCalls: true, OutboundCalls: true, ContactflowLogs: true }),
    });
    dev.hasResource('AWS::Connect::Instance', { DeletionPolicy: 'Delete' });
    prod.hasResource('AWS::Connect::Instance', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('claims the hotline number from context, kept in prod', () => {
    const gb = Template.fromStack(
      buildTestApp({ ...withoutBundling, phoneCountryCode: 'GB', phoneNumberType: 'TOLL_FREE' }).stateful,
    );
    gb.resourceCountIs('AWS::Connect::PhoneNumber', 1);
    gb.hasResourceProperties('AWS::Connect::PhoneNumber', {
      CountryCode: 'GB',
      Type: 'TOLL_FREE',
      TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ConnectInstance'), 'Arn'] },
    });
    const prod = Template.fromStack(buildTestApp({ ...prodContext, ...withoutBundling }).stateful);
    prod.hasResource('AWS::Connect::PhoneNumber', { DeletionPolicy: 'Retain' });
    prod.hasOutput('HotlineNumberAddress', {});
  });

  it('imports an instance by context instead of creating one', () => {
    const arn = 'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f';
    const hotline = buildTestApp({ ...withoutBundling, connectInstanceArn: arn });
    const template = Template.fromStack(hotline.stateful);
    template.resourceCountIs('AWS::Connect::Instance', 0);
    template.hasResourceProperties('AWS::Connect::PhoneNumber', { TargetArn: arn });
    expect(hotline.stateful.connectInstanceArn).toBe(arn);
  });
});

describe('stateful stack: contact flow logs', () => {
  it('gives the log group Connect writes flow logs to a retention, longer in prod', () => {
    const dev = Template.fromStack(buildTestApp(withoutBundling).stateful);
    const prod = Template.fromStack(buildTestApp({ ...prodContext, ...withoutBundling }).stateful);
    const flowLogs = (stage: string) => ({
      LogGroupName: { 'Fn::Join': ['', [`/aws/connect/hotline-${stage}-`, { Ref: 'AWS::AccountId' }]] },
    });
    dev.hasResourceProperties('AWS::Logs::LogGroup', { ...flowLogs('dev'), RetentionInDays: 14 });
    prod.hasResourceProperties('AWS::Logs::LogGroup', { ...flowLogs('prod'), RetentionInDays: 90 });
    prod.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });
});
