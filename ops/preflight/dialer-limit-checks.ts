import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { CONNECT_DEFAULT_QUOTAS } from '#infra/connect-regions';
import { couldNotCheck } from './aws-calls';
import { CONNECT_QUOTAS, describeQuota, readConnectQuota, requestIncrease } from './connect-quotas';
import { type Finding, fail, pass, warn } from './findings';
import type { InstancePlan } from './instance-check';
import { awsCli, type PreflightTarget } from './target';

const lowerIt = (variable: string, value: number) =>
  `Or lower the dialer: functionEnvironment ${variable}=${value} (cdk.json context; shared/config.ts).`;

const readByHand = (target: PreflightTarget, code: string, instanceArn?: string) =>
  awsCli(
    target,
    `service-quotas get-service-quota --service-code connect --quota-code ${code}${instanceArn ? ` --context-id ${instanceArn}` : ''}`,
  );

/**
 * The dialer's CONNECT_CALLS_PER_SECOND against StartOutboundVoiceContact's rate quota (per account and
 * region). Above it Connect throttles; the dialer gives those calls back and retries them, so a broadcast
 * goes out slower than configured, not lost: a warning.
 */
export async function checkCallRate(quotas: ServiceQuotasClient, target: PreflightTarget): Promise<Finding> {
  const check = 'Outbound call rate';
  const quota = CONNECT_QUOTAS.outboundCallRate;
  const wanted = target.dialer.callsPerSecond;
  try {
    const value = await readConnectQuota(quotas, quota);
    const summary = `dialer ${wanted}/s; ${describeQuota(quota, value)}/s`;
    if (value.value <= 0)
      return fail(
        check,
        `${summary}: Connect refuses every outbound call`,
        requestIncrease(target, quota, wanted),
      );
    if (wanted > value.value) {
      return warn(
        check,
        `${summary}: Connect throttles the calls above it; the dialer retries them, slower`,
        [
          ...requestIncrease(target, quota, wanted),
          lowerIt('CONNECT_CALLS_PER_SECOND', Math.floor(value.value)),
        ],
      );
    }
    return pass(check, `${summary} (shared by every stage in this account and region)`);
  } catch (error) {
    return couldNotCheck(check, error, [readByHand(target, quota.code)]);
  }
}

/**
 * The dialer's CONNECT_CONCURRENT_CALLS against the instance's concurrent active calls, which inbound and
 * outbound calls share: above the quota Connect refuses calls (callers hear a fast busy tone); equal to it, a
 * broadcast can hold every line while complaints ring in.
 */
export async function checkConcurrentCalls(
  quotas: ServiceQuotasClient,
  target: PreflightTarget,
  plan: InstancePlan,
): Promise<Finding> {
  const check = 'Concurrent calls';
  const quota = CONNECT_QUOTAS.concurrentCalls;
  const wanted = target.dialer.concurrentCalls;
  const instanceArn = plan.hotline?.arn;
  const where = instanceArn
    ? `instance ${plan.hotline?.alias}`
    : plan.listed
      ? 'a new instance'
      : 'new instances (the instances could not be listed)';
  try {
    const value = await readConnectQuota(quotas, quota, instanceArn);
    const summary = `dialer ${wanted}; ${describeQuota(quota, value)} for ${where}`;
    // Ask for the dialer's lines on top of what inbound callers have now (at least Connect's default).
    const inbound = Math.max(value.value, CONNECT_DEFAULT_QUOTAS.concurrentCalls);
    const desired = wanted + inbound;
    const steps = [
      ...requestIncrease(target, quota, desired, instanceArn),
      `(${desired} = the dialer's ${wanted} plus ${inbound} for inbound callers, as many as the instance has now or Connect's default; size it to your peak.)`,
      ...(instanceArn
        ? []
        : [
            'A per-instance quota is raised for an existing instance: request it right after the first deploy (ConnectInstanceArn output).',
          ]),
    ];
    if (value.value <= 0 || wanted > value.value) {
      const finding = `${summary}: calls above it are refused (fast busy), inbound ones too`;
      const todo =
        value.value > 1
          ? [...steps, lowerIt('CONNECT_CONCURRENT_CALLS', Math.floor(value.value) - 1)]
          : steps;
      // Before the first deploy there is no instance to raise it for: not a blocker yet.
      return instanceArn ? fail(check, finding, todo) : warn(check, finding, todo);
    }
    if (wanted === value.value) {
      return warn(
        check,
        `${summary}: a broadcast can hold every line, and inbound callers hear a fast busy meanwhile`,
        [...steps, lowerIt('CONNECT_CONCURRENT_CALLS', Math.max(1, wanted - 1))],
      );
    }
    return pass(check, `${summary}: ${value.value - wanted} line(s) stay free for inbound callers`);
  } catch (error) {
    return couldNotCheck(check, error, [readByHand(target, quota.code, instanceArn)]);
  }
}
