import type { ConnectClient } from '@aws-sdk/client-connect';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { STSClient } from '@aws-sdk/client-sts';
import type { StageConfig } from '#infra/stage-config';

/** The dialer's own limits, as the deployed functions read them (CONNECT_CALLS_PER_SECOND, CONNECT_CONCURRENT_CALLS). */
export interface DialerLimits {
  readonly callsPerSecond: number;
  readonly concurrentCalls: number;
}

/** What is about to be deployed, and where. */
export interface PreflightTarget {
  readonly region: string;
  /** The named profile of the credentials; unset: the SDK's default chain. */
  readonly profile?: string;
  readonly stage: StageConfig;
  readonly dialer: DialerLimits;
}

/** The SDK clients the checks call, built for the target's profile and region (tests inject mocks). */
export interface PreflightClients {
  readonly sts: STSClient;
  readonly quotas: ServiceQuotasClient;
  readonly connect: ConnectClient;
  readonly ses: SESv2Client;
}

/** An AWS CLI command for the same account and region as the preflight, ready to paste. */
export function awsCli(target: Pick<PreflightTarget, 'region' | 'profile'>, command: string): string {
  return `aws ${command} --region ${target.region}${target.profile ? ` --profile ${target.profile}` : ''}`;
}
