import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { CONNECT_REGIONS } from '#infra/connect-regions';
import { describeError, errorName } from './aws-calls';
import { type Finding, fail, pass } from './findings';
import type { PreflightTarget } from './target';

export const isConnectRegion = (region: string): boolean =>
  (CONNECT_REGIONS as readonly string[]).includes(region);

/** The stack refuses a region without Amazon Connect (infra/connect-regions.ts); say so before the deploy. */
export function checkRegion(region: string): Finding {
  const check = 'Region';
  if (isConnectRegion(region)) return pass(check, `${region} runs Amazon Connect`);
  return fail(check, `Amazon Connect does not run in ${region}: the deploy stops before creating anything`, [
    `Deploy to one of ${CONNECT_REGIONS.join(', ')} (infra/connect-regions.ts): --region <one of them> here and for cdk deploy.`,
  ]);
}

export interface AccountCheck {
  readonly finding: Finding;
  /** Known when the credentials work. */
  readonly accountId?: string;
}

/** STS GetCallerIdentity: which account the deploy would go to, and whether the credentials work at all. */
export async function checkAccount(sts: STSClient, target: PreflightTarget): Promise<AccountCheck> {
  const check = 'Account and credentials';
  const profile = target.profile ? ` --profile ${target.profile}` : '';
  try {
    const who = await sts.send(new GetCallerIdentityCommand({}));
    if (!who.Account) throw new Error('GetCallerIdentity returned no account');
    const root = who.Arn?.endsWith(':root') ? ' (the root user: prefer a role or SSO user)' : '';
    return {
      accountId: who.Account,
      finding: pass(check, `account ${who.Account} as ${who.Arn ?? 'unknown principal'}${root}`),
    };
  } catch (error) {
    return {
      finding: fail(check, credentialProblem(error, target.profile), credentialSteps(error, profile)),
    };
  }
}

function credentialProblem(error: unknown, profile: string | undefined): string {
  const name = errorName(error);
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError')
    return `no usable credentials${profile ? ` for profile ${profile}` : ''}: ${describeError(error)}`;
  if (/Expired/i.test(name)) return `the credentials have expired (${name})`;
  if (['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException'].includes(name))
    return `AWS rejects the credentials (${name}): wrong, deleted or deactivated keys`;
  return `could not ask STS who these credentials are: ${describeError(error)}`;
}

function credentialSteps(error: unknown, profile: string): string[] {
  const name = errorName(error);
  if (/Expired/i.test(name) || name === 'TokenProviderError')
    return [`Sign in again: aws sso login${profile} (or refresh the session keys), then rerun.`];
  return [
    `Configure the profile: aws configure${profile} (keys) or aws configure sso${profile} (IAM Identity Center), then rerun.`,
    `Test it: aws sts get-caller-identity${profile}`,
  ];
}
