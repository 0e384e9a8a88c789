import { Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { CfnInstance, CfnPhoneNumber } from 'aws-cdk-lib/aws-connect';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StaffRole } from '#functions/catalog';
import { requireConnectRegion } from '#infra/connect-regions';
import { PortalHosting } from '#infra/constructs/portal-hosting';
import type { StageConfig } from '#infra/stage-config';
import { portalCallbackPath } from '#infra/stage-config';
import { globalIndexes, tableKeys, ttlAttribute } from '#shared/adapters/table-schema';

export interface StatefulStackProps extends StackProps {
  readonly stage: StageConfig;
}

/** Staff groups and their precedence (lower wins when a user is in several). */
export const staffGroups: readonly {
  readonly name: StaffRole;
  readonly precedence: number;
  readonly description: string;
}[] = [
  { name: 'admin', precedence: 0, description: 'Administrators: users, configuration, every action' },
  { name: 'supervisor', precedence: 10, description: 'Supervisors: approve extensions, broadcasts, reports' },
  { name: 'agent', precedence: 20, description: 'Agents: register, dispatch and follow complaints' },
];

/**
 * What must survive a redeploy: the one table, the staff user pool and the Amazon Connect instance
 * (its phone numbers, users and contact records live there). Stateless stacks receive these by
 * reference; nothing here depends on them.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  /** ARN of the Connect instance, created here or imported by context `connectInstanceArn`. */
  readonly connectInstanceArn: string;
  /** The created instance; `undefined` when it is imported. */
  readonly connectInstance?: CfnInstance;
  /**
   * The hotline number, claimed to the instance (context `phoneCountryCode`, `phoneNumberType`,
   * `phoneNumberPrefix`; `claimPhoneNumber=false` skips it). Stateful: callers know it, and a released
   * number cannot be claimed back at will.
   */
  readonly phoneNumber?: CfnPhoneNumber;
  readonly userPool: UserPool;
  readonly portalClient: UserPoolClient;
  /**
   * The post-deploy smoke test's client (ops/smoke): admin password sign-in only (AdminInitiateAuth, which
   * needs IAM credentials of the account), no OAuth, short-lived tokens. The API's authorizer must list it.
   */
  readonly smokeClient: UserPoolClient;
  readonly authDomain: UserPoolDomain;
  /** The staff portal's bucket and CloudFront distribution (its URL is the OAuth callback). */
  readonly portal: PortalHosting;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    requireConnectRegion(this);
    const { stage } = props;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableKeys.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: ttlAttribute,
      // The desk event log's consumers (the Reactor, infra/constructs/table-reactor.ts) read new images only.
      stream: StreamViewType.NEW_IMAGE,
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: stage.isProduction,
      removalPolicy: stage.removalPolicy,
    });
    for (const index of globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.userPool = new UserPool(this, 'StaffUserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Your complaint hotline staff account',
        emailBody:
          'Hello {username}, an account was created for you on the complaint hotline portal. ' +
          'Your temporary password is {####}. You will choose your own at first sign-in.',
      },
      deletionProtection: stage.isProduction,
      removalPolicy: stage.removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional by product decision (TOTP offered); Plus-tier adaptive authentication challenges risky sign-ins.',
    });

    for (const group of staffGroups) {
      this.userPool.addGroup(`Group-${group.name}`, {
        groupName: group.name,
        precedence: group.precedence,
        description: group.description,
      });
    }

    this.authDomain = this.userPool.addDomain('HostedDomain', {
      cognitoDomain: { domainPrefix: stage.authDomainPrefix ?? `hotline-${stage.name}-${Aws.ACCOUNT_ID}` },
    });

    this.portal = new PortalHosting(this, 'Portal', { stage, authBaseUrl: this.authDomain.baseUrl() });
    // The deployed portal, and any origin of context `portalOrigin` (a custom domain, the local Vite server).
    const portalOrigins = [this.portal.origin, ...stage.portalOrigins];

    this.portalClient = this.userPool.addClient('PortalClient', {
      // A browser app cannot keep a secret: public client, authorization code flow with PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: portalOrigins.map((origin) => `${origin}${portalCallbackPath}`),
        logoutUrls: portalOrigins.map((origin) => `${origin}/`),
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: stage.refreshTokenValidity,
    });

    // The smoke test signs a temporary user in server-side; the portal's client cannot do that (SRP + PKCE only).
    this.smokeClient = this.userPool.addClient('SmokeClient', {
      generateSecret: false,
      authFlows: { adminUserPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      // Cognito's minimum; the smoke test never refreshes.
      refreshTokenValidity: Duration.hours(1),
    });

    if (stage.connect.instanceArn) {
      this.connectInstanceArn = stage.connect.instanceArn;
    } else {
      this.connectInstance = new CfnInstance(this, 'ConnectInstance', {
        identityManagementType: 'CONNECT_MANAGED',
        instanceAlias: stage.connect.instanceAlias ?? `hotline-${stage.name}-${Aws.ACCOUNT_ID}`,
        attributes: {
          inboundCalls: true,
          outboundCalls: true,
          // Flow logs are how a failed call is diagnosed; Contact Lens is billed per minute and not needed.
          contactflowLogs: true,
          contactLens: false,
          autoResolveBestVoices: true,
          earlyMedia: true,
          useCustomTtsVoices: false,
        },
      });
      this.connectInstance.applyRemovalPolicy(stage.removalPolicy);
      this.connectInstanceArn = this.connectInstance.attrArn;
      // Connect writes flow logs to /aws/connect/<alias> and would create that group without retention.
      new LogGroup(this, 'ContactFlowLogs', {
        logGroupName: `/aws/connect/${this.connectInstance.instanceAlias}`,
        retention: stage.logRetention,
        removalPolicy: stage.removalPolicy,
      });
    }

    const claim = stage.connect.phoneNumber;
    if (claim) {
      this.phoneNumber = new CfnPhoneNumber(this, 'HotlineNumber', {
        targetArn: this.connectInstanceArn,
        countryCode: claim.countryCode,
        type: claim.type,
        ...(claim.prefix ? { prefix: claim.prefix } : {}),
        description: `Complaint hotline (${stage.name})`,
      });
      this.phoneNumber.applyRemovalPolicy(stage.removalPolicy);
      new CfnOutput(this, 'HotlineNumberAddress', { value: this.phoneNumber.attrAddress });
    }

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'PortalClientId', { value: this.portalClient.userPoolClientId });
    new CfnOutput(this, 'SmokeClientId', {
      value: this.smokeClient.userPoolClientId,
      description: 'Cognito client of `npm run smoke` (admin password sign-in of a temporary user)',
    });
    new CfnOutput(this, 'AuthBaseUrl', { value: this.authDomain.baseUrl() });
    new CfnOutput(this, 'PortalUrl', { value: `${this.portal.origin}/` });
    new CfnOutput(this, 'PortalBucketName', { value: this.portal.bucket.bucketName });
    new CfnOutput(this, 'ConnectInstanceArn', { value: this.connectInstanceArn });
  }
}
