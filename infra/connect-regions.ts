import { Annotations, CfnRule, Fn, type Stack, Token } from 'aws-cdk-lib';

/**
 * The AWS Regions where Amazon Connect runs (docs.aws.amazon.com/connect/latest/adminguide/regions.html,
 * read 2026-12). Elsewhere (us-east-2, us-west-1, eu-west-1, eu-west-3, eu-north-1, sa-east-1, me-central-1,
 * ...) the instance, its queues and flows cannot be created.
 */
export const CONNECT_REGIONS = [
  'us-east-1',
  'us-west-2',
  'af-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-2',
  'us-gov-west-1',
] as const;

const explain = (region: string) =>
  `Amazon Connect does not run in ${region}; deploy the hotline to one of ${CONNECT_REGIONS.join(', ')}`;

/**
 * Refuses a region without Amazon Connect: at synth when the stack's region is known (CDK_DEFAULT_REGION, an
 * explicit env), else by a template rule CloudFormation checks before it creates anything.
 */
export function requireConnectRegion(stack: Stack): void {
  if (!Token.isUnresolved(stack.region)) {
    if (!(CONNECT_REGIONS as readonly string[]).includes(stack.region))
      throw new Error(explain(stack.region));
    return;
  }
  new CfnRule(stack, 'ConnectRegion', {
    assertions: [
      {
        assert: Fn.conditionContains([...CONNECT_REGIONS], stack.region),
        assertDescription: explain('this region'),
      },
    ],
  });
}

/**
 * Connect's default quotas for a new account: StartOutboundVoiceContact 2 calls per second (burst 5, shared by
 * the whole account) and 10 concurrent calls per instance. Dialer limits above them work only once the
 * quotas are raised (Service Quotas); the synth says so.
 */
export const CONNECT_DEFAULT_QUOTAS = { callsPerSecond: 2, concurrentCalls: 10 } as const;

export function warnAboveDefaultQuotas(stack: Stack, environment: Readonly<Record<string, string>>): void {
  const checks = [
    [
      'CONNECT_CALLS_PER_SECOND',
      CONNECT_DEFAULT_QUOTAS.callsPerSecond,
      'StartOutboundVoiceContact calls per second',
    ],
    ['CONNECT_CONCURRENT_CALLS', CONNECT_DEFAULT_QUOTAS.concurrentCalls, 'concurrent calls per instance'],
  ] as const;
  for (const [variable, quota, what] of checks) {
    const wanted = Number(environment[variable]);
    if (Number.isFinite(wanted) && wanted > quota)
      Annotations.of(stack).addWarning(
        `${variable}=${wanted} is above Connect's default quota of ${quota} ${what}: raise it in Service ` +
          'Quotas first, or Connect refuses the calls above it (the dialer retries them, slower).',
      );
  }
}
