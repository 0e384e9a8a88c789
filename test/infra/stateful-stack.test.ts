import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { globalIndexes, tableKeys, ttlAttribute } from '#shared/adapters/table-schema';
import { buildTestApp, prodContext, withoutBundling } from './support';

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
      dev.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
      dev.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: Match.arrayWith(['openid']),
        CallbackURLs: ['http://localhost:5173/auth/callback'],
        SupportedIdentityProviders: ['COGNITO'],
        PreventUserExistenceErrors: 'ENABLED',
      });
      prod.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        CallbackURLs: [`${prodContext.portalOrigin}/auth/callback`],
        LogoutURLs: [`${prodContext.portalOrigin}/`],
      });
    });

    it('has a hosted domain for the OAuth endpoints', () => {
      dev.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    });
  });
});
