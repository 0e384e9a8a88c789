import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { requireConnectRegion } from '#infra/connect-regions';
import { DEV_PORTAL_ORIGIN, placeholderSenderEmail, resolveStageConfig } from '#infra/stage-config';
import { buildTestApp, cdkJsonContext, withoutBundling } from './support';

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('stage config from context', () => {
  it('defaults to dev, which may be destroyed and logs at debug level', () => {
    const stage = resolveStageConfig(contextOf({ portalOrigin: 'http://localhost:5173' }));
    expect(stage).toMatchObject({
      name: 'dev',
      isProduction: false,
      removalPolicy: RemovalPolicy.DESTROY,
      logLevel: 'DEBUG',
      portalOrigins: ['http://localhost:5173'],
    });
  });

  it("takes cdk.json's context for dev and prod alike: dev allows the local Vite portal, prod no localhost", () => {
    const context = (values: Record<string, unknown>) => contextOf({ ...cdkJsonContext, ...values });
    expect(resolveStageConfig(context({})).portalOrigins).toEqual([DEV_PORTAL_ORIGIN]);
    // The README's prod command: -c stage=prod -c senderEmail=... on top of cdk.json.
    const prod = resolveStageConfig(context({ stage: 'prod', senderEmail: 'complaints@utility.test' }));
    expect(prod.portalOrigins).toEqual([]);
    expect(() => resolveStageConfig(context({ stage: 'prod', portalOrigin: DEV_PORTAL_ORIGIN }))).toThrow(
      /for prod must not be localhost/,
    );
  });

  it('keeps prod resources and accepts several portal origins', () => {
    const stage = resolveStageConfig(
      contextOf({
        stage: 'prod',
        portalOrigin: 'https://portal.hotline.test, https://staff.hotline.test',
        senderEmail: 'desk@hotline.test',
      }),
    );
    expect(stage).toMatchObject({
      name: 'prod',
      isProduction: true,
      removalPolicy: RemovalPolicy.RETAIN,
      portalOrigins: ['https://portal.hotline.test', 'https://staff.hotline.test'],
    });
  });

  it('passes extra function environment through', () => {
    const stage = resolveStageConfig(
      contextOf({
        portalOrigin: 'http://localhost:5173',
        functionEnvironment: { DESK_TIME_ZONE: 'Europe/Berlin' },
      }),
    );
    expect(stage.functionEnvironment).toEqual({ DESK_TIME_ZONE: 'Europe/Berlin' });
  });

  it('creates a Connect instance and claims a US DID number by default; dev may mail from a placeholder', () => {
    const stage = resolveStageConfig(contextOf({ portalOrigin: 'http://localhost:5173' }));
    expect(stage.connect).toEqual({ phoneNumber: { countryCode: 'US', type: 'DID' } });
    expect(stage.senderEmail).toBe(placeholderSenderEmail);
    expect(stage.alarmEmail).toBeUndefined();
  });

  it('reads the Connect, phone, mail and alarm context', () => {
    const instanceArn =
      'arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f';
    const stage = resolveStageConfig(
      contextOf({
        portalOrigin: 'https://a.test',
        connectInstanceArn: instanceArn,
        phoneCountryCode: 'GB',
        phoneNumberType: 'TOLL_FREE',
        phoneNumberPrefix: '+44800',
        senderEmail: 'desk@hotline.test',
        alarmEmail: 'oncall@hotline.test',
      }),
    );
    expect(stage.connect).toEqual({
      instanceArn,
      phoneNumber: { countryCode: 'GB', type: 'TOLL_FREE', prefix: '+44800' },
    });
    expect(stage).toMatchObject({ senderEmail: 'desk@hotline.test', alarmEmail: 'oncall@hotline.test' });
    const noNumber = resolveStageConfig(
      contextOf({ portalOrigin: 'https://a.test', claimPhoneNumber: 'false' }),
    );
    expect(noNumber.connect.phoneNumber).toBeUndefined();
  });

  it.each([
    [{ stage: 'prod', portalOrigin: 'https://a.test' }, /"senderEmail" is required for stage prod/],
    [{ stage: 'prod', portalOrigin: 'https://a.test', senderEmail: 'x@example.com' }, /real, verifiable/],
    [{ portalOrigin: 'https://a.test', senderEmail: 'not-mail' }, /"senderEmail" is not an e-mail/],
    [{ portalOrigin: 'https://a.test', alarmEmail: 'oncall' }, /"alarmEmail" is not an e-mail/],
    [{ portalOrigin: 'https://a.test', connectInstanceArn: 'arn:aws:connect:x' }, /"connectInstanceArn"/],
    [{ portalOrigin: 'https://a.test', phoneCountryCode: 'usa' }, /"phoneCountryCode"/],
    [{ portalOrigin: 'https://a.test', phoneNumberType: 'SHORT_CODE' }, /"phoneNumberType"/],
    [{ portalOrigin: 'https://a.test', phoneNumberPrefix: '0800' }, /"phoneNumberPrefix"/],
    [{ portalOrigin: 'https://a.test', claimPhoneNumber: 'maybe' }, /"claimPhoneNumber"/],
  ])('refuses Connect/mail context %j', (values, message) => {
    expect(() => resolveStageConfig(contextOf(values))).toThrow(message);
  });

  it('needs no portalOrigin: the distribution is the portal origin, the context adds others', () => {
    expect(
      resolveStageConfig(contextOf({ stage: 'prod', senderEmail: 'desk@hotline.test' })).portalOrigins,
    ).toEqual([]);
  });

  it.each([
    [{ stage: 'staging', portalOrigin: 'https://a.test' }, /"stage" must be one of dev, prod/],
    [{ portalOrigin: ' , ' }, /"portalOrigin" lists no origin/],
    [
      { stage: 'prod', portalOrigin: 'http://localhost:5173', senderEmail: 'a@b.test' },
      /must not be localhost/,
    ],
    [{ portalOrigin: 'http://portal.hotline.test' }, /over https/],
    [{ portalOrigin: 'https://portal.hotline.test/app' }, /bare origins/],
    [{ portalOrigin: 'https://a.test', authDomainPrefix: 'Hotline_Dev' }, /"authDomainPrefix"/],
    [{ portalOrigin: 'https://a.test', functionEnvironment: { PORT: 8080 } }, /functionEnvironment\.PORT/],
  ])('refuses %j', (values, message) => {
    expect(() => resolveStageConfig(contextOf(values))).toThrow(message);
  });
});

describe('the region', () => {
  it('refuses at synth a known region without Amazon Connect, naming the ones that have it', () => {
    const stack = new Stack(new App(), 'Probe', { env: { region: 'eu-west-1', account: '123456789012' } });
    expect(() => requireConnectRegion(stack)).toThrow(/Amazon Connect does not run in eu-west-1.*us-east-1/);
    expect(() =>
      requireConnectRegion(
        new Stack(new App(), 'Ok', { env: { region: 'eu-west-2', account: '123456789012' } }),
      ),
    ).not.toThrow();
  });

  it('leaves an environment-agnostic stack a template rule that CloudFormation checks first', () => {
    const hotline = buildTestApp(withoutBundling);
    for (const stack of [hotline.stateful, hotline.api]) {
      const rules = Template.fromStack(stack).toJSON().Rules as Record<string, { Assertions: unknown[] }>;
      expect(JSON.stringify(rules.ConnectRegion)).toContain('us-east-1');
      expect(JSON.stringify(rules.ConnectRegion)).toContain('Fn::Contains');
    }
  });
});

describe('a sender the account already has', () => {
  it('is used, not created (creating an existing SES identity fails the deploy), and mail may still be sent from it', () => {
    const created = Template.fromStack(buildTestApp(withoutBundling).api);
    created.resourceCountIs('AWS::SES::EmailIdentity', 1);
    const hotline = buildTestApp({ ...withoutBundling, senderIdentityExists: 'true' });
    expect(hotline.stage.senderIdentityExists).toBe(true);
    const template = Template.fromStack(hotline.api);
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    const sends = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).filter(
        (s) => [s.Action].flat().includes('ses:SendEmail'),
      ),
    );
    expect(sends.length).toBeGreaterThan(0);
    for (const s of sends)
      expect(JSON.stringify(s.Resource)).toContain(`identity/${hotline.stage.senderEmail}`);
  });

  it('refuses a flag that is neither true nor false', () => {
    expect(() => resolveStageConfig(contextOf({ senderIdentityExists: 'yes' }))).toThrow(
      /"senderIdentityExists" must be true or false/,
    );
  });
});

describe("the dialer's limits against Connect's default quotas", () => {
  const warnings = (environment: Record<string, string>) =>
    buildTestApp({ ...withoutBundling, functionEnvironment: environment })
      .api.node.metadata.filter((m) => m.type === 'aws:cdk:warning')
      .map((m) => String(m.data));

  it('warns at synth when the dialer is set above them, naming the variable and Service Quotas', () => {
    expect(warnings({ CONNECT_CALLS_PER_SECOND: '50', CONNECT_CONCURRENT_CALLS: '500' })).toEqual([
      expect.stringMatching(/CONNECT_CALLS_PER_SECOND=50 .*quota of 2 .*Service Quotas/),
      expect.stringMatching(/CONNECT_CONCURRENT_CALLS=500 .*quota of 10 /),
    ]);
  });

  it('says nothing at the defaults', () => {
    expect(warnings({})).toEqual([]);
  });
});
