import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConnectClient,
  ListInstancesCommand,
  ListPhoneNumbersV2Command,
  SearchAvailablePhoneNumbersCommand,
} from '@aws-sdk/client-connect';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parsePreflightArguments, readProjectContext, resolveTarget } from '#ops/preflight/arguments';
import type { Finding } from '#ops/preflight/findings';
import { runPreflight } from '#ops/preflight/preflight';
import { runCli } from '#ops/preflight/run';
import type { PreflightClients, PreflightTarget } from '#ops/preflight/target';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const SENDER = 'complaints@utility.example';
const HOTLINE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`;
const OTHER_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/99999999-8888-7777-6666-555555555555`;
const QUOTA = {
  instances: 'L-AA17A6B9',
  phoneNumbers: 'L-8F812903',
  callRate: 'L-4E9BCC96',
  concurrentCalls: 'L-12AB7C57',
} as const;

const sts = mockClient(STSClient);
const quotas = mockClient(ServiceQuotasClient);
const connect = mockClient(ConnectClient);
const ses = mockClient(SESv2Client);

/** An error as the SDK raises it: a name and an HTTP status. */
function awsError(name: string, httpStatusCode: number, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

const clients = (): PreflightClients => ({
  sts: new STSClient({ region: REGION }),
  quotas: new ServiceQuotasClient({ region: REGION }),
  connect: new ConnectClient({ region: REGION }),
  ses: new SESv2Client({ region: REGION }),
});

/** The target `npm run preflight -- <args>` resolves, with the project context given. */
function aTarget(
  args: readonly string[] = [],
  projectContext: Record<string, unknown> = {},
): PreflightTarget {
  return resolveTarget(
    parsePreflightArguments(['--region', REGION, '-c', `senderEmail=${SENDER}`, ...args]),
    projectContext,
  );
}

const aDialerOf = (callsPerSecond: number, concurrentCalls: number) => ({
  functionEnvironment: {
    CONNECT_CALLS_PER_SECOND: String(callsPerSecond),
    CONNECT_CONCURRENT_CALLS: String(concurrentCalls),
  },
});

const quotaIs = (code: string, value: number) =>
  quotas.on(GetServiceQuotaCommand, { ServiceCode: 'connect', QuotaCode: code }).resolves({
    Quota: { QuotaCode: code, Value: value },
  });

/**
 * An account ready for a first deploy: one other Connect instance (so numbers can be searched), room for
 * one more instance, quotas above the dialer's default limits, SES out of the sandbox, no sender identity yet.
 */
function aReadyAccount(): void {
  sts.on(GetCallerIdentityCommand).resolves({
    Account: ACCOUNT,
    Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ada`,
  });
  connect.on(ListInstancesCommand).resolves({
    InstanceSummaryList: [
      { Arn: OTHER_ARN, Id: 'other', InstanceAlias: 'billing-desk', InstanceStatus: 'ACTIVE' },
    ],
  });
  connect.on(SearchAvailablePhoneNumbersCommand).resolves({
    AvailableNumbersList: [
      { PhoneNumber: '+15550100001', PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID' },
    ],
  });
  connect.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
  quotaIs(QUOTA.instances, 3);
  quotaIs(QUOTA.callRate, 5);
  quotaIs(QUOTA.concurrentCalls, 20);
  quotaIs(QUOTA.phoneNumbers, 5);
  ses.on(GetAccountCommand).resolves({
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 0 },
  });
  ses.on(GetEmailIdentityCommand).rejects(awsError('NotFoundException', 404));
}

/** The hotline's own instance exists already (a redeploy), holding its number. */
function theHotlineInstanceExists(): void {
  connect.on(ListInstancesCommand).resolves({
    InstanceSummaryList: [
      { Arn: HOTLINE_ARN, Id: 'hotline', InstanceAlias: `hotline-dev-${ACCOUNT}`, InstanceStatus: 'ACTIVE' },
    ],
  });
  connect.on(ListPhoneNumbersV2Command).resolves({
    ListPhoneNumbersSummaryList: [
      {
        PhoneNumber: '+15550100009',
        PhoneNumberCountryCode: 'US',
        PhoneNumberType: 'DID',
        TargetArn: HOTLINE_ARN,
      },
    ],
  });
}

function findingOf(findings: readonly Finding[], check: string): Finding {
  const found = findings.find((f) => f.check === check);
  if (!found) throw new Error(`no finding "${check}" in ${findings.map((f) => f.check).join(', ')}`);
  return found;
}

async function preflight(target: PreflightTarget = aTarget()) {
  const report = await runPreflight(clients(), target);
  return { ...report, of: (check: string) => findingOf(report.findings, check) };
}

/** Runs the CLI as `npm run preflight -- <argv>` does, with the mocked clients. */
async function cli(argv: readonly string[], projectContext: Record<string, unknown> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let clientsBuilt = 0;
  const code = await runCli(argv, {
    clientsFor: () => {
      clientsBuilt++;
      return clients();
    },
    projectContext: () => projectContext,
    print: (text) => out.push(text),
    printError: (text) => err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n'), clientsBuilt };
}

beforeEach(() => {
  sts.reset();
  quotas.reset();
  connect.reset();
  ses.reset();
});

describe('preflight of a ready account', () => {
  it('passes every check and exits 0', async () => {
    aReadyAccount();

    const run = await cli(['--region', REGION, '--profile', 'hotline', '-c', `senderEmail=${SENDER}`]);

    expect(run.code).toBe(0);
    for (const check of [
      'Region',
      'Account and credentials',
      'Connect instance',
      'Hotline phone number',
      'Outbound call rate',
      'Concurrent calls',
      'Mass-notification pre-authorisation',
      'SES sending',
      'SES sender identity',
    ]) {
      expect(run.out).toMatch(new RegExp(`^${check}\\s+PASS\\s`, 'm'));
    }
    expect(run.out).toContain('9 passed, 0 warned, 0 failed.');
    expect(run.out).toContain(`account ${ACCOUNT}`);
  });

  it('passes a redeploy whose instance and number exist already, without searching for a new number', async () => {
    aReadyAccount();
    theHotlineInstanceExists();

    const report = await preflight();

    expect(report.of('Connect instance')).toMatchObject({ verdict: 'pass' });
    expect(report.of('Connect instance').finding).toContain(`hotline-dev-${ACCOUNT} exists`);
    expect(report.of('Hotline phone number')).toMatchObject({ verdict: 'pass' });
    expect(report.of('Hotline phone number').finding).toContain('+15550100009');
    expect(connect.commandCalls(SearchAvailablePhoneNumbersCommand)).toHaveLength(0);
    // The per-instance quota is read for the hotline's instance.
    expect(
      quotas.commandCalls(GetServiceQuotaCommand, {
        QuotaCode: QUOTA.concurrentCalls,
        ContextId: HOTLINE_ARN,
      }),
    ).toHaveLength(1);
  });
});

describe('the Connect instance quota', () => {
  it('fails a new account with a quota of 0 instances and says what to request', async () => {
    aReadyAccount();
    connect.on(ListInstancesCommand).resolves({ InstanceSummaryList: [] });
    quotaIs(QUOTA.instances, 0);

    const report = await preflight();

    const instance = report.of('Connect instance');
    expect(instance.verdict).toBe('fail');
    expect(instance.finding).toContain('is 0, 0 in use');
    expect(instance.nextSteps?.join('\n')).toContain(
      `aws service-quotas request-service-quota-increase --service-code connect --quota-code ${QUOTA.instances} --desired-value 1 --region ${REGION}`,
    );
  });

  it('fails when the account holds as many instances as its quota allows, and asks for one more', async () => {
    aReadyAccount();
    connect.on(ListInstancesCommand).resolves({
      InstanceSummaryList: [
        { Arn: OTHER_ARN, InstanceAlias: 'billing-desk', InstanceStatus: 'ACTIVE' },
        { Arn: `${OTHER_ARN}0`, InstanceAlias: 'sales', InstanceStatus: 'ACTIVE' },
      ],
    });
    quotaIs(QUOTA.instances, 2);

    const run = await cli(['--region', REGION, '--profile', 'ops', '-c', `senderEmail=${SENDER}`]);

    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^Connect instance\s+FAIL\s/m);
    expect(run.out).toContain(
      `--quota-code ${QUOTA.instances} --desired-value 3 --region ${REGION} --profile ops`,
    );
  });

  it('reads the AWS default when the account has no applied value', async () => {
    aReadyAccount();
    connect.on(ListInstancesCommand).resolves({ InstanceSummaryList: [] });
    quotas
      .on(GetServiceQuotaCommand, { QuotaCode: QUOTA.instances })
      .rejects(awsError('NoSuchResourceException', 400));
    quotas
      .on(GetAWSDefaultServiceQuotaCommand, { QuotaCode: QUOTA.instances })
      .resolves({ Quota: { Value: 2 } });

    const report = await preflight();

    expect(report.of('Connect instance')).toMatchObject({ verdict: 'pass' });
    expect(report.of('Connect instance').finding).toContain('is 2 (AWS default)');
  });

  it('fails when connectInstanceArn names no instance of the account', async () => {
    aReadyAccount();

    const report = await preflight(aTarget(['-c', `connectInstanceArn=${HOTLINE_ARN}`]));

    expect(report.of('Connect instance').verdict).toBe('fail');
    expect(report.of('Connect instance').finding).toContain(
      `${HOTLINE_ARN} is no instance of account ${ACCOUNT}`,
    );
  });
});

describe('the region', () => {
  it('fails a region without Amazon Connect and asks nothing of Connect there', async () => {
    aReadyAccount();

    const run = await cli(['--region', 'eu-west-1', '-c', `senderEmail=${SENDER}`]);

    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^Region\s+FAIL\s+Amazon Connect does not run in eu-west-1/m);
    expect(run.out).toContain('us-east-1, us-west-2');
    expect(connect.calls()).toHaveLength(0);
    expect(quotas.calls()).toHaveLength(0);
  });
});

describe('credentials', () => {
  it('fails clearly when the credentials do not work, and checks nothing else', async () => {
    aReadyAccount();
    sts
      .on(GetCallerIdentityCommand)
      .rejects(awsError('ExpiredTokenException', 400, 'The security token expired'));

    const run = await cli(['--region', REGION, '--profile', 'hotline', '-c', `senderEmail=${SENDER}`]);

    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^Account and credentials\s+FAIL\s+the credentials have expired/m);
    expect(run.out).toContain('aws sso login --profile hotline');
    expect(connect.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });
});

describe('the hotline phone number', () => {
  it('fails when no number of the configured country and type is available', async () => {
    aReadyAccount();
    connect.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [] });

    const report = await preflight(aTarget(['-c', 'phoneCountryCode=DE', '-c', 'phoneNumberType=TOLL_FREE']));

    expect(report.of('Hotline phone number').verdict).toBe('fail');
    expect(report.of('Hotline phone number').finding).toContain('no TOLL_FREE number in DE is available');
    expect(connect.commandCalls(SearchAvailablePhoneNumbersCommand)[0]?.args[0].input).toMatchObject({
      TargetArn: OTHER_ARN,
      PhoneNumberCountryCode: 'DE',
      PhoneNumberType: 'TOLL_FREE',
    });
  });

  it('warns that it is checked after the first deploy when the account has no instance to search with', async () => {
    aReadyAccount();
    connect.on(ListInstancesCommand).resolves({ InstanceSummaryList: [] });

    const report = await preflight();

    expect(report.of('Hotline phone number').verdict).toBe('warn');
    expect(report.of('Hotline phone number').finding).toContain('checked after the first deploy');
    expect(connect.commandCalls(SearchAvailablePhoneNumbersCommand)).toHaveLength(0);
  });
});

describe("the dialer's limits against Connect's quotas", () => {
  it('warns when the dialer starts more calls per second than StartOutboundVoiceContact allows', async () => {
    aReadyAccount();
    quotaIs(QUOTA.callRate, 2);

    const report = await preflight(aTarget([], aDialerOf(10, 5)));

    const rate = report.of('Outbound call rate');
    expect(rate.verdict).toBe('warn');
    expect(rate.finding).toContain('dialer 10/s');
    expect(rate.nextSteps?.join('\n')).toContain(`--quota-code ${QUOTA.callRate} --desired-value 10`);
  });

  it("fails when the dialer holds more concurrent calls than the hotline instance's quota", async () => {
    aReadyAccount();
    theHotlineInstanceExists();
    quotaIs(QUOTA.concurrentCalls, 10);

    const run = await cli(['--region', REGION, '-c', `senderEmail=${SENDER}`], aDialerOf(2, 25));

    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^Concurrent calls\s+FAIL\s+dialer 25;/m);
    expect(run.out).toContain(
      `--quota-code ${QUOTA.concurrentCalls} --desired-value 35 --context-id ${HOTLINE_ARN}`,
    );
  });

  it('only warns about concurrency above the quota before the first deploy (no instance to raise it for yet)', async () => {
    aReadyAccount();
    quotaIs(QUOTA.concurrentCalls, 10);

    const report = await preflight(aTarget([], aDialerOf(2, 25)));

    expect(report.of('Concurrent calls').verdict).toBe('warn');
    expect(report.of('Concurrent calls').nextSteps?.join('\n')).toContain(
      '--context-id <ConnectInstanceArn>',
    );
  });

  it('warns when a broadcast could hold every line of the instance', async () => {
    aReadyAccount();
    quotaIs(QUOTA.concurrentCalls, 10);

    const report = await preflight(aTarget([], aDialerOf(2, 10)));

    expect(report.of('Concurrent calls').verdict).toBe('warn');
    expect(report.of('Concurrent calls').finding).toContain('inbound callers hear a fast busy');
  });
});

describe('SES', () => {
  it('warns in the sandbox and says how to request production access', async () => {
    aReadyAccount();
    ses.on(GetAccountCommand).resolves({
      ProductionAccessEnabled: false,
      SendingEnabled: true,
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 3 },
    });

    const run = await cli(['--region', REGION, '-c', `senderEmail=${SENDER}`]);

    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      /^SES sending\s+WARN\s+sandbox: mail reaches verified addresses only \(200 a day, 1\/s/m,
    );
    expect(run.out).toContain(
      'aws sesv2 put-account-details --production-access-enabled --mail-type TRANSACTIONAL',
    );
  });

  it('fails a sender that already exists when the deploy would create it, pointing at senderIdentityExists', async () => {
    aReadyAccount();
    ses
      .on(GetEmailIdentityCommand)
      .resolves({ IdentityType: 'EMAIL_ADDRESS', VerifiedForSendingStatus: true });

    const report = await preflight();

    expect(report.of('SES sender identity').verdict).toBe('fail');
    expect(report.of('SES sender identity').nextSteps?.join('\n')).toContain('-c senderIdentityExists=true');
  });

  it('passes an existing, verified sender with senderIdentityExists=true', async () => {
    aReadyAccount();
    ses
      .on(GetEmailIdentityCommand)
      .resolves({ IdentityType: 'EMAIL_ADDRESS', VerifiedForSendingStatus: true });

    const report = await preflight(aTarget(['-c', 'senderIdentityExists=true']));

    expect(report.of('SES sender identity')).toMatchObject({ verdict: 'pass' });
  });

  it("passes a redeploy whose stack created the sender (this stage's tags)", async () => {
    aReadyAccount();
    ses.on(GetEmailIdentityCommand).resolves({
      VerifiedForSendingStatus: true,
      Tags: [
        { Key: 'app', Value: 'complaint-hotline' },
        { Key: 'stage', Value: 'dev' },
      ],
    });

    const report = await preflight();

    expect(report.of('SES sender identity')).toMatchObject({ verdict: 'pass' });
  });

  it('fails senderIdentityExists=true when the account has no such identity', async () => {
    aReadyAccount();

    const report = await preflight(aTarget(['-c', 'senderIdentityExists=true']));

    expect(report.of('SES sender identity').verdict).toBe('fail');
    expect(report.of('SES sender identity').finding).toContain(`no SES identity ${SENDER}`);
  });
});

describe('a missing permission', () => {
  it('is a warning naming the permission, and the other checks still run', async () => {
    aReadyAccount();
    connect.on(ListInstancesCommand).rejects(awsError('AccessDeniedException', 403, 'not authorized'));

    const run = await cli(['--region', REGION, '-c', `senderEmail=${SENDER}`]);

    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      /^Connect instance\s+WARN\s+not checked: these credentials lack the permission connect:ListInstances/m,
    );
    expect(run.out).toMatch(/^Outbound call rate\s+PASS/m);
    expect(run.out).toMatch(/^SES sending\s+PASS/m);
    expect(run.out).toMatch(/^Hotline phone number\s+WARN\s+.*the instances could not be listed/m);
  });

  it('on Service Quotas is a warning naming servicequotas:GetServiceQuota', async () => {
    aReadyAccount();
    quotas.on(GetServiceQuotaCommand).rejects(awsError('AccessDeniedException', 403));

    const report = await preflight();

    expect(report.of('Outbound call rate').verdict).toBe('warn');
    expect(report.of('Outbound call rate').finding).toContain('servicequotas:GetServiceQuota');
    expect(report.of('Outbound call rate').nextSteps?.join('\n')).toContain(
      `aws service-quotas get-service-quota --service-code connect --quota-code ${QUOTA.callRate}`,
    );
  });
});

describe('the command line', () => {
  it.each([
    [[], /--region is required/],
    [['--region'], /--region/],
    [['--region', 'Frankfurt'], /AWS region name/],
    [['--region', REGION, '--stage', 'staging'], /--stage must be one of dev, prod/],
    [['--region', REGION, '--colour'], /Unknown option '--colour'/],
    [['--region', REGION, 'extra'], /positional/i],
    [['--region', REGION, '-c', 'senderEmail'], /-c takes key=value/],
    [['--region', REGION, '-c', '=dev'], /-c takes key=value/],
    [['--region', REGION, '--stage', 'prod'], /senderEmail.*required for stage prod/],
  ])('refuses %j with a usage message and exit code 2, calling no AWS API', async (argv, message) => {
    const run = await cli(argv);

    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    expect(run.err).toContain('Usage: npm run preflight -- --region <region>');
    expect(run.clientsBuilt).toBe(0);
  });

  it('refuses a functionEnvironment the functions would refuse', async () => {
    const run = await cli(['--region', REGION], {
      functionEnvironment: { CONNECT_CONCURRENT_CALLS: 'many' },
    });

    expect(run.code).toBe(2);
    expect(run.err).toContain('CONNECT_CONCURRENT_CALLS');
  });

  it("reads the stage and the dialer's limits from the project's CDK context, -c and --stage winning", () => {
    const root = mkdtempSync(join(tmpdir(), 'preflight-'));
    writeFileSync(
      join(root, 'cdk.json'),
      JSON.stringify({ app: 'x', context: { stage: 'dev', phoneCountryCode: 'GB', ...aDialerOf(4, 12) } }),
    );

    const target = resolveTarget(
      parsePreflightArguments(['--region', REGION, '--stage', 'prod', '-c', `senderEmail=${SENDER}`]),
      readProjectContext(root),
    );

    expect(target.stage.name).toBe('prod');
    expect(target.stage.connect.phoneNumber?.countryCode).toBe('GB');
    expect(target.dialer).toEqual({ callsPerSecond: 4, concurrentCalls: 12 });
  });

  it('prints the usage with --help and exits 0', async () => {
    const run = await cli(['--help']);

    expect(run.code).toBe(0);
    expect(run.out).toContain('Exit code: 0 ready (warnings allowed), 1 a check failed, 2 bad arguments.');
    expect(run.clientsBuilt).toBe(0);
  });
});
