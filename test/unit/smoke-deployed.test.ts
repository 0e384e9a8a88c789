/**
 * `npm run smoke -- --stage <s>`'s AWS side (ops/smoke/deployed-target.ts) with aws-sdk-client-mock: the stage
 * found through CloudFormation, the temporary Cognito user created and always deleted, the Connect test case
 * created, run, read and deleted, and the alarm topic's policy judged. The staff API is a small fake behind
 * `fetch` that insists on the Cognito access token; the clean-up walks its complaint to closed (If-Match)
 * and makes sure its survey call does not ring, before the user is deleted.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
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
} from '@aws-sdk/client-connect';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AwsClients,
  cloudWatchMayPublish,
  type DeployedStage,
  deployedTarget,
  describeDeployedStage,
  inboundStatusTestCase,
} from '#ops/smoke/deployed-target';
import { runSmoke, type SmokeReport } from '#ops/smoke/journey';

const cfn = mockClient(CloudFormationClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const connect = mockClient(ConnectClient);
const sns = mockClient(SNSClient);
const clients: AwsClients = {
  cloudFormation: new CloudFormationClient({ region: 'eu-west-2' }),
  cognito: new CognitoIdentityProviderClient({ region: 'eu-west-2' }),
  connect: new ConnectClient({ region: 'eu-west-2' }),
  sns: new SNSClient({ region: 'eu-west-2' }),
};

const INSTANCE_ID = '11111111-2222-4333-8444-555555555555';
const INSTANCE_ARN = `arn:aws:connect:eu-west-2:123456789012:instance/${INSTANCE_ID}`;
const FLOW_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const TOPIC_ARN = 'arn:aws:sns:eu-west-2:123456789012:Hotline-dev-Api-OperationsAlarmTopic909EF7A3-Xy';
const ACCESS_TOKEN = 'cognito-access-token';

const aStage = (overrides: Partial<DeployedStage> = {}): DeployedStage => ({
  stage: 'dev',
  apiUrl: 'https://api.example.test',
  userPoolId: 'eu-west-2_Pool',
  smokeClientId: 'smoke-client',
  connectInstanceId: INSTANCE_ID,
  inboundFlowId: FLOW_ID,
  hotlineNumber: '+442071234567',
  alarmTopicArn: TOPIC_ARN,
  ...overrides,
});

const cloudWatchPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'EnforceTls', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: TOPIC_ARN },
    {
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: TOPIC_ARN,
    },
  ],
});

/**
 * The staff API as the smoke journey uses it, refusing any token but Cognito's; `fail` answers one route 500
 * (or `failWith`). The complaint follows the lifecycle with If-Match versions; resolving queues its survey job
 * when `surveyQueued` (as the reaction does when it runs before the close; `dialing`: the dialer claimed it at
 * once), and a staff close cancels it while it waits.
 */
function fakeApi(options: { fail?: string; failWith?: number; surveyQueued?: boolean | 'dialing' } = {}): {
  fetch: typeof fetch;
  calls: string[];
  ticket: { status: string; version: number };
  jobs: Map<string, string>;
} {
  const calls: string[] = [];
  const jobs = new Map<string, string>();
  const ticket = { status: 'received', version: 1 };
  const allowed: Record<string, string[]> = {
    received: ['dispatch', 'recordContact'],
    dispatched: ['dispatch', 'recordContact', 'recordProgress'],
    contacted: ['dispatch', 'recordContact', 'resolve'],
    resolved: ['reopen', 'close'],
    closed: ['reopen'],
  };
  const view = () => ({
    id: '1000027',
    number: '1000027',
    ...ticket,
    allowedActions: allowed[ticket.status],
  });
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const key = `${method} ${url.pathname}`;
    calls.push(`${key}${url.search}`);
    const headers = new Headers(init?.headers);
    if (headers.get('authorization') !== `Bearer ${ACCESS_TOKEN}`)
      return json(401, { message: 'Unauthorized' });
    if (options.fail && key.startsWith(options.fail)) {
      return options.failWith === 403
        ? json(403, { error: { code: 'FORBIDDEN', message: 'Only a supervisor or above may close' } })
        : json(500, { error: { code: 'INTERNAL', message: 'Something went wrong' } });
    }
    if (key === 'POST /api/tickets') return json(201, view());
    if (key === 'GET /api/tickets/1000027') return json(200, view());
    const change = /^POST \/api\/tickets\/1000027\/(dispatch|contacts|resolve|close)$/.exec(key)?.[1];
    if (change) {
      if (headers.get('if-match') !== `"${ticket.version}"`)
        return json(409, { error: { code: 'CONFLICT', message: 'stale version' } });
      const next = { dispatch: 'dispatched', contacts: 'contacted', resolve: 'resolved', close: 'closed' }[
        change as 'dispatch'
      ];
      const from: Record<string, string[]> = {
        dispatch: ['received'],
        contacts: ['received', 'dispatched'],
        resolve: ['contacted'],
        close: ['resolved'],
      };
      if (!from[change]?.includes(ticket.status))
        return json(409, { error: { code: 'TRANSITION_NOT_ALLOWED', message: `is ${ticket.status}` } });
      ticket.status = next;
      ticket.version++;
      if (change === 'resolve' && options.surveyQueued) {
        jobs.set('survey-1000027-0', options.surveyQueued === 'dialing' ? 'dialing' : 'pending');
      }
      if (change === 'close' && jobs.get('survey-1000027-0') === 'pending')
        jobs.set('survey-1000027-0', 'cancelled');
      return json(200, view());
    }
    if (key === 'GET /api/audit') {
      return json(200, {
        items: [
          { route: 'GET /api/tickets/{id}', ids: { id: '1000027' }, purpose: 'handling the complaint' },
        ],
      });
    }
    if (key === 'POST /api/callbacks') {
      jobs.set('callback-1', 'pending');
      return json(201, { jobId: 'callback-1', joined: false });
    }
    if (key === 'GET /api/call-jobs') {
      const kind = url.searchParams.get('kind');
      const items = [...jobs]
        .filter(([id]) => !kind || id.startsWith(kind))
        .map(([id, state]) => ({ id, state, kind: id.split('-')[0], ticketId: '1000027' }));
      return json(200, { items, nextCursor: null });
    }
    const job = /^(GET|POST) \/api\/call-jobs\/([^/]+)(\/cancel)?$/.exec(key);
    if (job?.[2] && jobs.has(job[2])) {
      if (job[3]) {
        if (jobs.get(job[2]) !== 'pending')
          return json(409, { error: { code: 'TRANSITION_NOT_ALLOWED', message: 'not waiting' } });
        jobs.set(job[2], 'cancelled');
      }
      return json(200, { id: job[2], state: jobs.get(job[2]) });
    }
    return json(404, { error: { code: 'NOT_FOUND', message: key } });
  };
  return { fetch: fetchFn, calls, ticket, jobs };
}

function cognitoSignsIn(): void {
  cognito.on(AdminCreateUserCommand).resolves({ User: { Username: 'u' } });
  cognito.on(AdminSetUserPasswordCommand).resolves({});
  cognito.on(AdminAddUserToGroupCommand).resolves({});
  cognito.on(AdminInitiateAuthCommand).resolves({ AuthenticationResult: { AccessToken: ACCESS_TOKEN } });
  cognito.on(AdminDeleteUserCommand).resolves({});
}

function connectRunsTestCase(status: 'PASSED' | 'FAILED' = 'PASSED'): void {
  connect.on(CreateTestCaseCommand).resolves({ TestCaseId: 'tc-1', TestCaseArn: 'arn:tc-1' });
  connect.on(StartTestCaseExecutionCommand).resolves({ TestCaseExecutionId: 'ex-1', Status: 'INITIATED' });
  connect
    .on(GetTestCaseExecutionSummaryCommand)
    .resolvesOnce({ Status: 'IN_PROGRESS' })
    .resolves({
      Status: status,
      ObservationSummary: {
        TotalObservations: 4,
        ObservationsPassed: status === 'PASSED' ? 4 : 2,
        ObservationsFailed: 0,
      },
    });
  connect.on(ListTestCaseExecutionRecordsCommand).resolves({
    ExecutionRecords: [{ ObservationId: 'ask-digits', Status: 'FAILED' }],
  });
  connect.on(DeleteTestCaseCommand).resolves({});
}

async function smoke(options: Parameters<typeof fakeApi>[0] = {}): Promise<{
  report: SmokeReport;
  apiCalls: string[];
  api: ReturnType<typeof fakeApi>;
}> {
  const api = fakeApi(options);
  const target = deployedTarget(aStage(), clients, {
    fetch: api.fetch,
    sleep: async () => undefined,
    pollMs: 0,
  });
  const report = await runSmoke(target, { runId: 'run-1', sleep: async () => undefined });
  return { report, apiCalls: api.calls, api };
}

const step = (report: SmokeReport, prefix: string) => report.steps.find((s) => s.name.startsWith(prefix));

beforeEach(() => {
  cfn.reset();
  cognito.reset();
  connect.reset();
  sns.reset();
  sns.on(GetTopicAttributesCommand).resolves({ Attributes: { Policy: cloudWatchPolicy } });
});

describe('the deployed stage, found through CloudFormation', () => {
  const outputs = (pairs: Record<string, string>) =>
    Object.entries(pairs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
  const stack = (StackName: string, pairs: Record<string, string>) => ({
    Stacks: [
      {
        StackName,
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE' as const,
        Outputs: outputs(pairs),
      },
    ],
  });
  const statefulOutputs = {
    UserPoolId: 'eu-west-2_Pool',
    SmokeClientId: 'smoke-client',
    PortalClientId: 'portal-client',
    ConnectInstanceArn: INSTANCE_ARN,
    HotlineNumberAddress: '+442071234567',
  };
  const resource = (LogicalResourceId: string, ResourceType: string, PhysicalResourceId: string) => ({
    LogicalResourceId,
    ResourceType,
    PhysicalResourceId,
    LastUpdatedTimestamp: new Date(),
    ResourceStatus: 'CREATE_COMPLETE' as const,
  });

  function stacksExist(stateful: Record<string, string> = statefulOutputs): void {
    cfn
      .on(DescribeStacksCommand, { StackName: 'Hotline-dev-Stateful' })
      .resolves(stack('Hotline-dev-Stateful', stateful));
    cfn
      .on(DescribeStacksCommand, { StackName: 'Hotline-dev-Api' })
      .resolves(stack('Hotline-dev-Api', { ApiUrl: 'https://abc.execute-api.eu-west-2.amazonaws.com/' }));
    // Two pages: the flows on the first, the topic on the second.
    cfn
      .on(ListStackResourcesCommand, { StackName: 'Hotline-dev-Api' })
      .resolvesOnce({
        StackResourceSummaries: [
          resource(
            'ContactCenterFlowoutboundcallbackE9951C7C',
            'AWS::Connect::ContactFlow',
            `${INSTANCE_ARN}/contact-flow/other`,
          ),
          resource(
            'ContactCenterFlowinbound06B1FC35',
            'AWS::Connect::ContactFlow',
            `${INSTANCE_ARN}/contact-flow/${FLOW_ID}`,
          ),
        ],
        NextToken: 'page-2',
      })
      .resolves({
        StackResourceSummaries: [resource('OperationsAlarmTopic909EF7A3', 'AWS::SNS::Topic', TOPIC_ARN)],
      });
  }

  it('reads the outputs of both stacks and finds the inbound flow and the alarm topic among the resources', async () => {
    stacksExist();
    expect(await describeDeployedStage(clients.cloudFormation, 'dev')).toEqual({
      stage: 'dev',
      apiUrl: 'https://abc.execute-api.eu-west-2.amazonaws.com',
      userPoolId: 'eu-west-2_Pool',
      smokeClientId: 'smoke-client',
      connectInstanceId: INSTANCE_ID,
      inboundFlowId: FLOW_ID,
      hotlineNumber: '+442071234567',
      alarmTopicArn: TOPIC_ARN,
    });
    expect(cfn.commandCalls(ListStackResourcesCommand)[1]?.args[0].input.NextToken).toBe('page-2');
  });

  it('says to deploy the stateful stack when it has no smoke client yet', async () => {
    const { SmokeClientId: _, ...older } = statefulOutputs;
    stacksExist(older);
    await expect(describeDeployedStage(clients.cloudFormation, 'dev')).rejects.toThrow(
      /Hotline-dev-Stateful has no output SmokeClientId: deploy/,
    );
  });
});

describe('the smoke journey against a deployed stage', () => {
  it('signs a temporary user in through the smoke client, runs every step and removes the user and the test case', async () => {
    cognitoSignsIn();
    connectRunsTestCase();

    const { report, apiCalls, api } = await smoke();

    expect(report.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['sign in (a temporary staff member)', 'passed'],
      ['register a complaint', 'passed'],
      ['dispatch it', 'passed'],
      ['the access log shows the reads', 'passed'],
      ['book a callback and cancel it', 'passed'],
      ['the hotline tells the status (menu 2)', 'passed'],
      ['the alarm topic accepts CloudWatch', 'passed'],
    ]);
    expect(report.ok).toBe(true);
    // The user: created without a mail, a permanent password, agent + admin, admin password auth.
    const created = cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input;
    expect(created).toMatchObject({ UserPoolId: 'eu-west-2_Pool', MessageAction: 'SUPPRESS' });
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)[0]?.args[0].input.Permanent).toBe(true);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input.GroupName)).toEqual([
      'agent',
      'admin',
    ]);
    expect(cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args[0].input).toMatchObject({
      ClientId: 'smoke-client',
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: created?.Username },
    });
    expect(cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input.Username)).toEqual([
      created?.Username,
    ]);
    // The test case: the inbound flow, called from another number than the complaint's; run, read, deleted.
    const testCase = connect.commandCalls(CreateTestCaseCommand)[0]?.args[0].input;
    expect(testCase).toMatchObject({
      InstanceId: INSTANCE_ID,
      Status: 'PUBLISHED',
      EntryPoint: { Type: 'VOICE_CALL', VoiceCallEntryPointParameters: { FlowId: FLOW_ID } },
    });
    expect(testCase?.Content).toContain('Complaint 1, 0, 0, 0, 0, 2, 7 is with the responsible department.');
    expect(connect.commandCalls(StartTestCaseExecutionCommand)[0]?.args[0].input.TestCaseId).toBe('tc-1');
    expect(connect.commandCalls(GetTestCaseExecutionSummaryCommand)).toHaveLength(2);
    expect(connect.commandCalls(DeleteTestCaseCommand)[0]?.args[0].input).toEqual({
      InstanceId: INSTANCE_ID,
      TestCaseId: 'tc-1',
    });
    expect(apiCalls).toContain('POST /api/call-jobs/callback-1/cancel');
    // The complaint is walked to closed (contact, resolution, close straight after), then its survey looked at.
    expect(apiCalls.filter((c) => /^POST \/api\/tickets\/1000027\//.test(c))).toEqual([
      'POST /api/tickets/1000027/dispatch',
      'POST /api/tickets/1000027/contacts',
      'POST /api/tickets/1000027/resolve',
      'POST /api/tickets/1000027/close',
    ]);
    expect(api.ticket).toEqual({ status: 'closed', version: 5 });
    expect(report.cleanup.map((c) => [c.name, c.outcome, c.detail])).toEqual([
      ['Connect test case tc-1 deleted', 'passed', 'deleted'],
      ['callback callback-1 cancelled', 'passed', 'cancelled'],
      ['complaint 1000027 closed', 'passed', 'contact recorded, resolved, closed (version 5)'],
      ['no survey call for complaint 1000027', 'passed', 'no survey call queued (3 looks, 2 s apart)'],
      [`smoke user ${created?.Username} deleted`, 'passed', 'deleted'],
    ]);
    expect(report.remains[0]).toContain('complaint 1000027 (customer "Smoke Test"');
    expect(report.remains[0]).toContain('closed with the resolution "Smoke test: no action needed"');
  });

  it('closes the complaint before it deletes the user, and reports the survey job the close cancelled', async () => {
    cognitoSignsIn();
    connectRunsTestCase();

    const { report, api } = await smoke({ surveyQueued: true });

    expect(report.ok).toBe(true);
    expect(api.jobs.get('survey-1000027-0')).toBe('cancelled');
    expect(report.cleanup.find((c) => c.name.startsWith('no survey call'))?.detail).toBe(
      'survey job survey-1000027-0 cancelled',
    );
    expect(report.remains).toContain(
      'survey job survey-1000027-0, cancelled (never rang; archival erases its number)',
    );
  });

  it('when the close is refused, leaves the complaint resolved, says so, and cancels the waiting survey itself', async () => {
    cognitoSignsIn();
    connectRunsTestCase();

    const { report, api, apiCalls } = await smoke({
      fail: 'POST /api/tickets/1000027/close',
      failWith: 403,
      surveyQueued: true,
    });

    expect(report.ok).toBe(false);
    expect(api.ticket.status).toBe('resolved');
    const closing = report.cleanup.find((c) => c.name === 'complaint 1000027 closed');
    expect(closing).toMatchObject({
      outcome: 'failed',
      detail:
        'POST /api/tickets/1000027/close answered 403: FORBIDDEN Only a supervisor or above may close; ' +
        'complaint 1000027 left resolved after: contact recorded, resolved',
    });
    expect(report.cleanup.find((c) => c.name.startsWith('no survey call'))).toMatchObject({
      outcome: 'passed',
      detail: 'survey job survey-1000027-0 was waiting: cancelled now',
    });
    expect(apiCalls).toContain('POST /api/call-jobs/survey-1000027-0/cancel');
    expect(api.jobs.get('survey-1000027-0')).toBe('cancelled');
    expect(report.remains[0]).toContain('left resolved (the clean-up could not close it');
    // The user is still deleted, after the complaint's clean-up.
    expect(report.cleanup.at(-1)).toMatchObject({
      name: expect.stringMatching(/^smoke user /),
      outcome: 'passed',
    });
  });

  it('fails the survey clean-up when the survey call rang before the close could cancel it', async () => {
    cognitoSignsIn();
    connectRunsTestCase();

    const { report, api } = await smoke({ surveyQueued: 'dialing' });

    expect(api.ticket.status).toBe('closed');
    expect(report.cleanup.find((c) => c.name.startsWith('no survey call'))).toMatchObject({
      outcome: 'failed',
      detail: 'survey job survey-1000027-0 is dialing: the survey call rang (or rings) the made-up number',
    });
    expect(report.ok).toBe(false);
  });

  it('deletes the user even when a step after sign-in fails', async () => {
    cognitoSignsIn();
    connectRunsTestCase();

    const { report } = await smoke({ fail: 'POST /api/tickets' });

    expect(step(report, 'register')).toMatchObject({ outcome: 'failed' });
    expect(step(report, 'register')?.detail).toContain('answered 500: INTERNAL Something went wrong');
    expect(step(report, 'dispatch')?.outcome).toBe('skipped');
    expect(step(report, 'the hotline')?.outcome).toBe('skipped');
    expect(report.ok).toBe(false);
    // No complaint: nothing of it to close, and nothing said to stay.
    expect(report.cleanup.map((c) => c.name)).toEqual([expect.stringMatching(/^smoke user /)]);
    expect(report.remains).toEqual([]);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
    expect(connect.commandCalls(CreateTestCaseCommand)).toHaveLength(0);
  });

  it('deletes the user when Cognito refuses the sign-in after creating it', async () => {
    cognitoSignsIn();
    cognito.on(AdminInitiateAuthCommand).rejects(
      Object.assign(new Error('Auth flow not enabled for this client'), {
        name: 'InvalidParameterException',
      }),
    );

    const { report } = await smoke();

    expect(step(report, 'sign in')).toMatchObject({
      outcome: 'failed',
      detail: 'Auth flow not enabled for this client',
    });
    expect(report.steps.slice(1, -1).every((s) => s.outcome === 'skipped')).toBe(true);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
    expect(report.cleanup.find((c) => c.name.startsWith('smoke user'))?.outcome).toBe('passed');
  });

  it('fails the phone step with the failed observations and still deletes the test case', async () => {
    cognitoSignsIn();
    connectRunsTestCase('FAILED');

    const { report } = await smoke();

    expect(step(report, 'the hotline')).toMatchObject({
      outcome: 'failed',
      detail: 'test case execution ex-1 FAILED: 2/4 observations passed; failed: ask-digits',
    });
    expect(connect.commandCalls(DeleteTestCaseCommand)).toHaveLength(1);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
    expect(report.ok).toBe(false);
  });

  it('fails the alarm step with a clear message when the topic policy shuts CloudWatch out', async () => {
    cognitoSignsIn();
    connectRunsTestCase();
    sns.on(GetTopicAttributesCommand).resolves({
      Attributes: {
        Policy: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: '123456789012' },
              Action: 'sns:Publish',
              Resource: TOPIC_ARN,
            },
          ],
        }),
      },
    });

    const { report } = await smoke();

    expect(step(report, 'the alarm topic')).toMatchObject({ outcome: 'failed' });
    expect(step(report, 'the alarm topic')?.detail).toBe(
      `alarm topic ${TOPIC_ARN}: its policy has no Allow of sns:Publish for cloudwatch.amazonaws.com, ` +
        'so alarms cannot notify anyone (see infra/constructs/operations.ts)',
    );
    expect(report.ok).toBe(false);
  });
});

describe('the topic policy check and the test case content', () => {
  it('accepts a CloudWatch Allow listed among several services, refuses a Deny or another topic', () => {
    const policy = (statement: object) => JSON.stringify({ Statement: [statement] });
    const allow = {
      Effect: 'Allow',
      Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
      Action: ['sns:Publish'],
      Resource: TOPIC_ARN,
    };
    expect(cloudWatchMayPublish(policy(allow), TOPIC_ARN).ok).toBe(true);
    expect(cloudWatchMayPublish(policy({ ...allow, Effect: 'Deny' }), TOPIC_ARN).ok).toBe(false);
    expect(cloudWatchMayPublish(policy({ ...allow, Resource: `${TOPIC_ARN}-other` }), TOPIC_ARN).ok).toBe(
      false,
    );
    expect(cloudWatchMayPublish(undefined, TOPIC_ARN)).toEqual({
      ok: false,
      reason: 'the topic has no policy attribute',
    });
  });

  it('chains menu, key 2, the number with #, the last four digits with #, then the status sentence', () => {
    const content = JSON.parse(
      inboundStatusTestCase({
        runId: 'r',
        ticketNumber: '1000027',
        complaintPhone: '+15550100123',
        callerPhone: '+15550100999',
        expectedSentence: 'Complaint 1, 0, 0, 0, 0, 2, 7 is with the responsible department.',
      }),
    ) as {
      Version: string;
      Observations: {
        Identifier: string;
        Event: { Type: string; Properties: { Text: string } };
        Actions: { Type: string; Parameters: { Instruction?: { Properties: { Value: string } } } }[];
        Transitions: { NextObservations: string[] };
      }[];
    };
    expect(content.Version).toBe('2025-06-21');
    expect(
      content.Observations.map((o) => [
        o.Identifier,
        o.Actions[0]?.Parameters.Instruction?.Properties.Value ?? o.Actions[0]?.Type,
        o.Transitions.NextObservations[0],
      ]),
    ).toEqual([
      ['main-menu', '2', 'ask-number'],
      ['ask-number', '1000027#', 'ask-digits'],
      ['ask-digits', '0123#', 'status'],
      ['status', 'TestControl', undefined],
    ]);
    expect(content.Observations.every((o) => o.Event.Type === 'MessageReceived')).toBe(true);
  });
});
