import { type ConnectClient, type InstanceSummary, ListInstancesCommand } from '@aws-sdk/client-connect';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { awsCall, couldNotCheck } from './aws-calls';
import { CONNECT_QUOTAS, describeQuota, readConnectQuota, requestIncrease } from './connect-quotas';
import { type Finding, fail, pass } from './findings';
import { awsCli, type PreflightTarget } from './target';

export interface KnownInstance {
  readonly arn: string;
  readonly alias: string;
}

/** What the account holds in the region, as far as the later checks need it. */
export interface InstancePlan {
  readonly finding: Finding;
  /** False when the account's instances could not be listed: the later checks then know no instance. */
  readonly listed: boolean;
  /** The hotline's own instance when it exists already (a redeploy, or `connectInstanceArn`). */
  readonly hotline?: KnownInstance & { readonly createdByStack: boolean };
  /** Another active instance: SearchAvailablePhoneNumbers needs one before the hotline's exists. */
  readonly other?: KnownInstance;
}

const CHECK = 'Connect instance';

/** The alias the stateful stack gives the instance it creates (infra/stacks/stateful-stack.ts). */
export const hotlineInstanceAlias = (target: PreflightTarget, accountId: string): string =>
  target.stage.connect.instanceAlias ?? `hotline-${target.stage.name}-${accountId}`;

/**
 * Whether the deploy can have its Connect instance: the one named by `connectInstanceArn` exists; or the
 * stack's own exists already (a redeploy); or the account's instance quota leaves room for one more (new
 * accounts may have a quota of 0).
 */
export async function checkInstance(
  connect: ConnectClient,
  quotas: ServiceQuotasClient,
  target: PreflightTarget,
  accountId: string,
): Promise<InstancePlan> {
  let instances: InstanceSummary[];
  try {
    instances = await listInstances(connect);
  } catch (error) {
    return {
      finding: couldNotCheck(CHECK, error, [awsCli(target, 'connect list-instances')]),
      listed: false,
    };
  }
  const usable = instances.filter((i) => i.InstanceStatus === 'ACTIVE' && i.Arn && i.InstanceAlias);
  const known = (i: InstanceSummary): KnownInstance => ({ arn: i.Arn ?? '', alias: i.InstanceAlias ?? '' });

  const wantedArn = target.stage.connect.instanceArn;
  if (wantedArn) {
    const found = instances.find((i) => i.Arn === wantedArn);
    if (!found) {
      return {
        listed: true,
        finding: fail(
          CHECK,
          `connectInstanceArn ${wantedArn} is no instance of account ${accountId} in ${target.region}`,
          [
            `List the instances and copy the ARN of the one to use: ${awsCli(target, 'connect list-instances')}`,
            'Or leave connectInstanceArn unset: the deploy then creates its own instance.',
          ],
        ),
      };
    }
    if (found.InstanceStatus !== 'ACTIVE') {
      return {
        listed: true,
        finding: fail(
          CHECK,
          `instance ${found.InstanceAlias} (connectInstanceArn) is ${found.InstanceStatus}`,
          [
            `Wait until it is ACTIVE (${awsCli(target, `connect describe-instance --instance-id ${found.Id}`)}), or use another.`,
          ],
        ),
      };
    }
    return {
      listed: true,
      finding: pass(
        CHECK,
        `uses the existing instance ${found.InstanceAlias} (connectInstanceArn); creates none`,
      ),
      hotline: { ...known(found), createdByStack: false },
    };
  }

  const alias = hotlineInstanceAlias(target, accountId);
  const own = usable.find((i) => i.InstanceAlias === alias);
  if (own) {
    return {
      listed: true,
      finding: pass(CHECK, `instance ${alias} exists (a redeploy keeps it)`),
      hotline: { ...known(own), createdByStack: true },
    };
  }
  const other = usable[0] ? known(usable[0]) : undefined;
  const withOther = { listed: true, ...(other ? { other } : {}) };
  try {
    const quota = await readConnectQuota(quotas, CONNECT_QUOTAS.instances);
    // A failed creation holds no instance; everything else counts against the quota.
    const held = instances.filter((i) => i.InstanceStatus !== 'CREATION_FAILED').length;
    const summary = `${describeQuota(CONNECT_QUOTAS.instances, quota)}, ${held} in use`;
    if (held + 1 <= quota.value) {
      return { finding: pass(CHECK, `${summary}: room for the new instance ${alias}`), ...withOther };
    }
    return {
      finding: fail(CHECK, `${summary}: the deploy cannot create ${alias}`, [
        ...requestIncrease(target, CONNECT_QUOTAS.instances, held + 1),
        quota.value === 0
          ? 'New accounts often start at 0: the request may open a support case asking for the use case.'
          : `Or reuse one of the ${held} instances: -c connectInstanceArn=<its ARN> (${awsCli(target, 'connect list-instances')}).`,
      ]),
      ...withOther,
    };
  } catch (error) {
    return {
      finding: couldNotCheck(CHECK, error, [
        awsCli(
          target,
          `service-quotas get-service-quota --service-code connect --quota-code ${CONNECT_QUOTAS.instances.code}`,
        ),
      ]),
      ...withOther,
    };
  }
}

async function listInstances(connect: ConnectClient): Promise<InstanceSummary[]> {
  const all: InstanceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall('connect:ListInstances', () =>
      connect.send(new ListInstancesCommand({ MaxResults: 10, ...(token ? { NextToken: token } : {}) })),
    );
    all.push(...(page.InstanceSummaryList ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}
