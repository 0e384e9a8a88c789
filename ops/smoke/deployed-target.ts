/**
 * The smoke journey's target for a deployed stage: finds the stacks' parts through CloudFormation, signs a
 * temporary staff member in through Cognito (the SmokeClient of infra/stacks/stateful-stack.ts), calls the
 * hotline through Amazon Connect's test-case API and reads the alarm topic's policy from SNS.
 */
import { randomBytes } from 'node:crypto';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  ConnectClient,
  CreateTestCaseCommand,
  DeleteTestCaseCommand,
  GetTestCaseExecutionSummaryCommand,
  ListTestCaseExecutionRecordsCommand,
  StartTestCaseExecutionCommand,
  StopTestCaseExecutionCommand,
} from '@aws-sdk/client-connect';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { PROMPTS } from '#infra/flows/inbound';
import type { CleanupList, PhoneStatusCheck, SmokeTarget } from '#ops/smoke/journey';

/** The stack names of infra/build-app.ts (`stackName`). */
export function stackNames(stage: string): { stateful: string; api: string } {
  return { stateful: `Hotline-${stage}-Stateful`, api: `Hotline-${stage}-Api` };
}

/** The parts of a deployed stage the smoke test needs. */
export interface DeployedStage {
  readonly stage: string;
  /** Without a trailing slash. */
  readonly apiUrl: string;
  readonly userPoolId: string;
  readonly smokeClientId: string;
  readonly connectInstanceId: string;
  readonly inboundFlowId: string;
  /** The claimed hotline number (absent with `claimPhoneNumber=false`). */
  readonly hotlineNumber?: string;
  readonly alarmTopicArn: string;
}

export interface AwsClients {
  readonly cloudFormation: CloudFormationClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly connect: ConnectClient;
  readonly sns: SNSClient;
}

export function awsClients(config: { region?: string; profile?: string } = {}): AwsClients {
  const c = {
    ...(config.region ? { region: config.region } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
  };
  return {
    cloudFormation: new CloudFormationClient(c),
    cognito: new CognitoIdentityProviderClient(c),
    connect: new ConnectClient(c),
    sns: new SNSClient(c),
  };
}

/** Logical ids CDK gives the API stack's inbound flow and alarm topic (construct path + hash). */
const INBOUND_FLOW_LOGICAL_ID = /^ContactCenterFlowinbound[0-9A-F]{8}$/;
const ALARM_TOPIC_LOGICAL_ID = /^OperationsAlarmTopic[0-9A-F]{8}$/;

/** Reads the stage's outputs (DescribeStacks) and finds the inbound flow and alarm topic (ListStackResources). */
export async function describeDeployedStage(
  cfn: CloudFormationClient,
  stage: string,
): Promise<DeployedStage> {
  const names = stackNames(stage);
  const outputsOf = async (stackName: string): Promise<Map<string, string>> => {
    let described: DescribeStacksCommandOutput;
    try {
      described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    } catch (error) {
      const { name, message } = error as Error;
      // CloudFormation answers a missing stack with a ValidationError "Stack with id ... does not exist".
      if (name === 'ValidationError' && /does not exist/.test(message)) {
        throw new Error(
          `stack ${stackName} does not exist: deploy the stage first (or pick --region/--profile)`,
        );
      }
      throw new Error(`cannot describe stack ${stackName}: ${message}`);
    }
    const outputs = described.Stacks?.[0]?.Outputs ?? [];
    return new Map(
      outputs.flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])),
    );
  };
  const stateful = await outputsOf(names.stateful);
  const api = await outputsOf(names.api);
  const output = (outputs: Map<string, string>, stackName: string, key: string, hint = ''): string => {
    const value = outputs.get(key);
    if (!value) throw new Error(`stack ${stackName} has no output ${key}${hint}`);
    return value;
  };

  const resources: StackResourceSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(
      new ListStackResourcesCommand({ StackName: names.api, ...(nextToken ? { NextToken: nextToken } : {}) }),
    );
    resources.push(...(page.StackResourceSummaries ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  const physicalId = (type: string, logicalId: RegExp, what: string): string => {
    const found = resources.find((r) => r.ResourceType === type && logicalId.test(r.LogicalResourceId ?? ''));
    if (!found?.PhysicalResourceId) throw new Error(`stack ${names.api} has no ${what} (${type})`);
    return found.PhysicalResourceId;
  };
  // A contact flow's physical id is its ARN: arn:...:instance/<instance id>/contact-flow/<flow id>.
  const flowArn = physicalId('AWS::Connect::ContactFlow', INBOUND_FLOW_LOGICAL_ID, 'inbound contact flow');
  const flowId = /\/contact-flow\/([^/]+)$/.exec(flowArn)?.[1];
  if (!flowId) throw new Error(`unexpected contact flow ARN ${flowArn}`);
  const instanceArn = output(stateful, names.stateful, 'ConnectInstanceArn');
  const instanceId = /instance\/([^/]+)$/.exec(instanceArn)?.[1];
  if (!instanceId) throw new Error(`unexpected Connect instance ARN ${instanceArn}`);
  const hotlineNumber = stateful.get('HotlineNumberAddress');

  return {
    stage,
    apiUrl: output(api, names.api, 'ApiUrl').replace(/\/+$/, ''),
    userPoolId: output(stateful, names.stateful, 'UserPoolId'),
    smokeClientId: output(
      stateful,
      names.stateful,
      'SmokeClientId',
      ': deploy this version of the stateful stack (it adds the smoke test client)',
    ),
    connectInstanceId: instanceId,
    inboundFlowId: flowId,
    ...(hotlineNumber ? { hotlineNumber } : {}),
    alarmTopicArn: physicalId('AWS::SNS::Topic', ALARM_TOPIC_LOGICAL_ID, 'alarm topic'),
  };
}

/** A password the user pool's policy accepts (12+, upper, lower, digit, symbol), used once and forgotten. */
function oneTimePassword(): string {
  return `Sm0ke!${randomBytes(18).toString('base64url')}aZ9#`;
}

/**
 * The test case of the inbound flow in Connect's testing language (version 2025-06-21, API reference
 * "Testing language"): the menu, key 2, the complaint number with #, the last four digits with #, then the
 * status sentence; anything else times the execution out as FAILED.
 */
export function inboundStatusTestCase(check: PhoneStatusCheck): string {
  const heard = (text: string) => ({
    Identifier: 'message',
    Type: 'MessageReceived',
    Actor: 'System',
    Properties: { Text: text, MatchingCriteria: 'Inclusion' },
  });
  const press = (id: string, value: string) => ({
    Identifier: id,
    Type: 'SendInstruction',
    Parameters: {
      ActionType: 'SendInstruction',
      Actor: 'Customer',
      Instruction: { Type: 'DtmfInput', Properties: { Value: value } },
    },
    Transitions: { NextAction: '' },
  });
  const observation = (id: string, text: string, action: object, next?: string) => ({
    Identifier: id,
    Event: { ...heard(text), Identifier: `${id}-event` },
    Usage: { Type: 'EXACTLY', Times: 1 },
    Actions: [action],
    Transitions: { NextObservations: next ? [next] : [] },
  });
  return JSON.stringify({
    Version: '2025-06-21',
    Metadata: { createdBy: 'npm run smoke', runId: check.runId },
    Observations: [
      observation(
        'main-menu',
        'Press 2 to hear the status of a complaint',
        press('press-2', '2'),
        'ask-number',
      ),
      observation(
        'ask-number',
        PROMPTS.statusAsk,
        press('type-number', `${check.ticketNumber}#`),
        'ask-digits',
      ),
      observation(
        'ask-digits',
        PROMPTS.statusDigits,
        press('type-digits', `${check.complaintPhone.slice(-4)}#`),
        'status',
      ),
      observation('status', check.expectedSentence, {
        Identifier: 'end',
        Type: 'TestControl',
        Parameters: { ActionType: 'TestControl', Command: { Type: 'EndTest' } },
        Transitions: { NextAction: '' },
      }),
    ],
  });
}

export interface DeployedTargetOptions {
  readonly region?: string;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How often and how long to poll the test case execution; default every 5 s for 6 minutes. */
  readonly pollMs?: number;
  readonly executionTimeoutMs?: number;
}

const DONE = new Set(['PASSED', 'FAILED', 'STOPPED']);

export function deployedTarget(
  stage: DeployedStage,
  clients: AwsClients,
  options: DeployedTargetOptions = {},
): SmokeTarget {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = options.pollMs ?? 5000;
  const executionTimeoutMs = options.executionTimeoutMs ?? 6 * 60_000;
  const { cognito, connect, sns } = clients;
  const InstanceId = stage.connectInstanceId;

  return {
    description: `stage ${stage.stage}${options.region ? ` (${options.region})` : ''}: ${stage.apiUrl}`,
    apiUrl: stage.apiUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),

    async signIn(runId: string, cleanup: CleanupList) {
      const UserPoolId = stage.userPoolId;
      const Username = `hotline-smoke-${runId}@example.com`;
      const Password = oneTimePassword();
      // Added first: should the create answer be lost after Cognito made the user, it is still removed.
      cleanup.add(`smoke user ${Username} deleted`, async () => {
        try {
          await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username }));
          return 'deleted';
        } catch (error) {
          if ((error as Error).name === 'UserNotFoundException') return 'was never created';
          throw error;
        }
      });
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: Username },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: `Smoke test ${runId}` },
          ],
        }),
      );
      await cognito.send(
        new AdminSetUserPasswordCommand({ UserPoolId, Username, Password, Permanent: true }),
      );
      for (const GroupName of ['agent', 'admin']) {
        await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName }));
      }
      const auth = await cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId,
          ClientId: stage.smokeClientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: Username, PASSWORD: Password },
        }),
      );
      if (auth.ChallengeName)
        throw new Error(`Cognito asked for ${auth.ChallengeName} instead of signing in`);
      const token = auth.AuthenticationResult?.AccessToken;
      if (!token) throw new Error('Cognito signed in without an access token');
      return { token, detail: `${Username} (agent, admin) signed in through client ${stage.smokeClientId}` };
    },

    async checkPhoneStatus(check: PhoneStatusCheck, cleanup: CleanupList) {
      const created = await connect.send(
        new CreateTestCaseCommand({
          InstanceId,
          Name: `hotline-smoke-${check.runId}`,
          Description: `npm run smoke ${check.runId}: menu 2, status of complaint ${check.ticketNumber}`,
          Content: inboundStatusTestCase(check),
          EntryPoint: {
            Type: 'VOICE_CALL',
            VoiceCallEntryPointParameters: {
              SourcePhoneNumber: check.callerPhone,
              ...(stage.hotlineNumber ? { DestinationPhoneNumber: stage.hotlineNumber } : {}),
              FlowId: stage.inboundFlowId,
            },
          },
          Status: 'PUBLISHED',
          Tags: { app: 'complaint-hotline', purpose: 'smoke', run: check.runId },
        }),
      );
      const TestCaseId = created.TestCaseId;
      if (!TestCaseId) throw new Error('CreateTestCase answered no TestCaseId');
      cleanup.add(`Connect test case ${TestCaseId} deleted`, async () => {
        await connect.send(new DeleteTestCaseCommand({ InstanceId, TestCaseId }));
        return 'deleted';
      });

      const started = await connect.send(
        new StartTestCaseExecutionCommand({ InstanceId, TestCaseId, ClientToken: `smoke-${check.runId}` }),
      );
      const TestCaseExecutionId = started.TestCaseExecutionId;
      if (!TestCaseExecutionId) throw new Error('StartTestCaseExecution answered no TestCaseExecutionId');

      const deadline = Date.now() + executionTimeoutMs;
      for (;;) {
        const summary = await connect.send(
          new GetTestCaseExecutionSummaryCommand({ InstanceId, TestCaseId, TestCaseExecutionId }),
        );
        const status = summary.Status ?? 'INITIATED';
        const o = summary.ObservationSummary;
        const counts = o
          ? `${o.ObservationsPassed ?? 0}/${o.TotalObservations ?? 0} observations passed`
          : '';
        if (status === 'PASSED')
          return `test case execution ${TestCaseExecutionId} PASSED${counts ? `, ${counts}` : ''}`;
        if (DONE.has(status)) {
          const failed = await failedObservations(connect, InstanceId, TestCaseId, TestCaseExecutionId);
          throw new Error(
            `test case execution ${TestCaseExecutionId} ${status}${counts ? `: ${counts}` : ''}` +
              (failed.length ? `; failed: ${failed.join(', ')}` : ''),
          );
        }
        if (Date.now() > deadline) {
          await connect.send(
            new StopTestCaseExecutionCommand({ InstanceId, TestCaseId, TestCaseExecutionId }),
          );
          throw new Error(
            `test case execution ${TestCaseExecutionId} still ${status} after ${executionTimeoutMs / 1000} s: stopped`,
          );
        }
        await sleep(pollMs);
      }
    },

    checkAlarmTopic: async () => {
      const answer = await sns.send(new GetTopicAttributesCommand({ TopicArn: stage.alarmTopicArn }));
      const verdict = cloudWatchMayPublish(answer.Attributes?.Policy, stage.alarmTopicArn);
      if (!verdict.ok) throw new Error(`alarm topic ${stage.alarmTopicArn}: ${verdict.reason}`);
      return `${stage.alarmTopicArn}: ${verdict.reason}`;
    },
  };
}

async function failedObservations(
  connect: ConnectClient,
  InstanceId: string,
  TestCaseId: string,
  TestCaseExecutionId: string,
): Promise<string[]> {
  try {
    const records = await connect.send(
      new ListTestCaseExecutionRecordsCommand({
        InstanceId,
        TestCaseId,
        TestCaseExecutionId,
        Status: 'FAILED',
      }),
    );
    return (records.ExecutionRecords ?? []).map((r) => r.ObservationId ?? '?');
  } catch {
    return [];
  }
}

interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: string | { readonly Service?: string | readonly string[] };
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
}

const asList = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/**
 * Whether a topic policy lets CloudWatch alarms publish: an Allow statement for the service principal
 * cloudwatch.amazonaws.com with sns:Publish on the topic. (A custom policy replaces SNS's default one,
 * which is how alarms silently stop notifying; infra/constructs/operations.ts adds the statement.)
 */
export function cloudWatchMayPublish(
  policyJson: string | undefined,
  topicArn: string,
): { ok: boolean; reason: string } {
  if (!policyJson) return { ok: false, reason: 'the topic has no policy attribute' };
  let statements: PolicyStatement[];
  try {
    const policy = JSON.parse(policyJson) as { Statement?: PolicyStatement | PolicyStatement[] };
    statements = Array.isArray(policy.Statement)
      ? policy.Statement
      : policy.Statement
        ? [policy.Statement]
        : [];
  } catch {
    return { ok: false, reason: 'the topic policy is not JSON' };
  }
  const allows = statements.find((s) => {
    if (s.Effect !== 'Allow') return false;
    const services = typeof s.Principal === 'object' ? asList(s.Principal.Service) : [];
    if (!services.includes('cloudwatch.amazonaws.com')) return false;
    if (!asList(s.Action).some((a) => ['sns:Publish', 'sns:*', '*'].includes(a))) return false;
    return asList(s.Resource).some((r) => r === topicArn || r === '*');
  });
  if (!allows) {
    return {
      ok: false,
      reason:
        'its policy has no Allow of sns:Publish for cloudwatch.amazonaws.com, so alarms cannot notify anyone ' +
        '(see infra/constructs/operations.ts)',
    };
  }
  return {
    ok: true,
    reason: `statement ${allows.Sid ?? '(no Sid)'} allows cloudwatch.amazonaws.com sns:Publish`,
  };
}
