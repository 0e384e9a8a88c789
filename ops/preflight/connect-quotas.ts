import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { awsCall, isNotFound } from './aws-calls';
import { awsCli, type PreflightTarget } from './target';

export interface ConnectQuota {
  /** Service Quotas code, service code `connect`. */
  readonly code: string;
  /** The quota's name in the Amazon Connect Administrator Guide ("Connect service quotas"). */
  readonly name: string;
  /** Resource-level quota: read and raised per instance, with the instance ARN as context id. */
  readonly perInstance: boolean;
}

/**
 * The Amazon Connect quotas a hotline deploy depends on. Codes from the Administrator Guide's quota table
 * (docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html, its Service Quotas
 * console links) and the Service Quotas catalog for service code `connect`.
 */
export const CONNECT_QUOTAS = {
  instances: { code: 'L-AA17A6B9', name: 'Amazon Connect instances per account', perInstance: false },
  phoneNumbers: { code: 'L-8F812903', name: 'Phone numbers per instance', perInstance: true },
  outboundCallRate: {
    code: 'L-4E9BCC96',
    name: 'Rate of StartOutboundVoiceContact API requests',
    perInstance: false,
  },
  concurrentCalls: { code: 'L-12AB7C57', name: 'Concurrent active calls per instance', perInstance: true },
} as const satisfies Record<string, ConnectQuota>;

export interface QuotaValue {
  readonly value: number;
  /** `applied`: this account's value; `AWS default`: no applied value exists, so the default holds. */
  readonly source: 'applied' | 'AWS default';
}

/**
 * The quota's value for this account (and instance, for a per-instance quota once the instance exists).
 * Service Quotas has no applied value for a quota never changed: the AWS default applies then.
 */
export async function readConnectQuota(
  client: ServiceQuotasClient,
  quota: ConnectQuota,
  instanceArn?: string,
): Promise<QuotaValue> {
  const contextId = quota.perInstance ? instanceArn : undefined;
  try {
    const out = await awsCall('servicequotas:GetServiceQuota', () =>
      client.send(
        new GetServiceQuotaCommand({
          ServiceCode: 'connect',
          QuotaCode: quota.code,
          ...(contextId ? { ContextId: contextId } : {}),
        }),
      ),
    );
    if (out.Quota?.Value !== undefined) return { value: out.Quota.Value, source: 'applied' };
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const fallback = await awsCall('servicequotas:GetAWSDefaultServiceQuota', () =>
    client.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'connect', QuotaCode: quota.code })),
  );
  if (fallback.Quota?.Value === undefined)
    throw new Error(`Service Quotas returned no value for ${quota.code}`);
  return { value: fallback.Quota.Value, source: 'AWS default' };
}

/** How to ask for more: the Service Quotas CLI request and its console page. */
export function requestIncrease(
  target: Pick<PreflightTarget, 'region' | 'profile'>,
  quota: ConnectQuota,
  desiredValue: number,
  instanceArn?: string,
): string[] {
  const context = quota.perInstance ? ` --context-id ${instanceArn ?? '<ConnectInstanceArn>'}` : '';
  return [
    `Request "${quota.name}" = ${desiredValue}: ${awsCli(
      target,
      `service-quotas request-service-quota-increase --service-code connect --quota-code ${quota.code} --desired-value ${desiredValue}${context}`,
    )}`,
    `or in the console: https://${target.region}.console.aws.amazon.com/servicequotas/home/services/connect/quotas/${quota.code}` +
      ` (follow it with ${awsCli(target, 'service-quotas list-requested-service-quota-change-history --service-code connect')}; approval can take days)`,
  ];
}

export const describeQuota = (quota: ConnectQuota, value: QuotaValue): string =>
  `${quota.name} (${quota.code}) is ${value.value}${value.source === 'AWS default' ? ' (AWS default)' : ''}`;
