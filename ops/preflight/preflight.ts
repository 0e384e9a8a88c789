import { checkAccount, checkRegion, isConnectRegion } from './account-checks';
import { checkBroadcastAuthorisation } from './broadcast-check';
import { checkCallRate, checkConcurrentCalls } from './dialer-limit-checks';
import type { Finding } from './findings';
import { checkInstance } from './instance-check';
import { checkMailAccount, checkSenderIdentity } from './mail-checks';
import { checkPhoneNumber } from './phone-number-check';
import type { PreflightClients, PreflightTarget } from './target';

export interface PreflightReport {
  readonly findings: readonly Finding[];
  /** Checks left out, with the reason (no credentials, no Connect in the region). */
  readonly notChecked: readonly string[];
}

/**
 * Everything a deploy of the hotline needs from the account, checked before the deploy: region, credentials,
 * the Connect instance, the number, the dialer's limits against Connect's quotas, SES. Read-only calls only.
 */
export async function runPreflight(
  clients: PreflightClients,
  target: PreflightTarget,
): Promise<PreflightReport> {
  const region = checkRegion(target.region);
  const account = await checkAccount(clients.sts, target);
  if (!account.accountId) {
    return {
      findings: [region, account.finding],
      notChecked: ['Connect, quotas and SES need working credentials'],
    };
  }
  const findings: Finding[] = [region, account.finding];
  const notChecked: string[] = [];
  if (isConnectRegion(target.region)) {
    const plan = await checkInstance(clients.connect, clients.quotas, target, account.accountId);
    const [phone, rate, concurrency] = await Promise.all([
      checkPhoneNumber(clients.connect, clients.quotas, target, plan),
      checkCallRate(clients.quotas, target),
      checkConcurrentCalls(clients.quotas, target, plan),
    ]);
    findings.push(plan.finding, phone, rate, concurrency, checkBroadcastAuthorisation());
  } else {
    notChecked.push(`Connect instance, phone number and call quotas: ${target.region} has no Amazon Connect`);
  }
  const [sending, sender] = await Promise.all([
    checkMailAccount(clients.ses, target),
    checkSenderIdentity(clients.ses, target),
  ]);
  findings.push(sending, sender);
  return { findings, notChecked };
}
