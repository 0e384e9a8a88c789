import {
  type ConnectClient,
  type ListPhoneNumbersSummary,
  ListPhoneNumbersV2Command,
  type PhoneNumberCountryCode,
  SearchAvailablePhoneNumbersCommand,
} from '@aws-sdk/client-connect';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { PhoneNumberClaim } from '#infra/stage-config';
import { awsCall, couldNotCheck } from './aws-calls';
import { CONNECT_QUOTAS, describeQuota, readConnectQuota, requestIncrease } from './connect-quotas';
import { type Finding, fail, pass, warn } from './findings';
import type { InstancePlan } from './instance-check';
import { awsCli, type PreflightTarget } from './target';

const CHECK = 'Hotline phone number';

const describeClaim = (claim: PhoneNumberClaim) =>
  `${claim.type} number in ${claim.countryCode}${claim.prefix ? ` starting ${claim.prefix}` : ''}`;

const searchCommand = (target: PreflightTarget, claim: PhoneNumberClaim, instanceArn: string) =>
  awsCli(
    target,
    `connect search-available-phone-numbers --target-arn ${instanceArn} --phone-number-country-code ${claim.countryCode} --phone-number-type ${claim.type}${claim.prefix ? ` --phone-number-prefix ${claim.prefix}` : ''} --max-results 5`,
  );

const noNumberSteps = [
  'Try another prefix or type (-c phoneNumberPrefix=..., -c phoneNumberType=TOLL_FREE), or ask for numbers in a support case (Service limit increase > Amazon Connect).',
  'Countries that need regulatory documents: claim the number in the Connect console (Channels > Phone numbers) and deploy with -c claimPhoneNumber=false (README, "The phone number").',
];

/**
 * Whether the deploy can claim the number infra/stage-config.ts asks for (CfnPhoneNumber in the stateful
 * stack: country, type, prefix). SearchAvailablePhoneNumbers needs an instance: the hotline's, else any other
 * in the region; with none at all it is checked after the first deploy.
 */
export async function checkPhoneNumber(
  connect: ConnectClient,
  quotas: ServiceQuotasClient,
  target: PreflightTarget,
  plan: InstancePlan,
): Promise<Finding> {
  const claim = target.stage.connect.phoneNumber;
  if (!claim) return pass(CHECK, 'the deploy claims no number (claimPhoneNumber=false)');
  const wanted = describeClaim(claim);
  const instance = plan.hotline ?? plan.other;
  if (!plan.listed) {
    return warn(
      CHECK,
      `${wanted}: not checked (searching needs an instance, and the instances could not be listed)`,
      [
        `Once connect:ListInstances works, rerun; or search by hand: ${searchCommand(target, claim, '<an instance ARN>')}`,
      ],
    );
  }
  if (!instance) {
    return warn(
      CHECK,
      `${wanted}: checked after the first deploy (searching needs an instance; none exists yet)`,
      [
        `If no such number is free, the stateful stack's deploy fails at the claim. After it (or once any instance exists): ${searchCommand(target, claim, '<ConnectInstanceArn>')}, or rerun this preflight.`,
        ...noNumberSteps,
      ],
    );
  }
  try {
    if (plan.hotline) {
      const held = await listClaimedNumbers(connect, plan.hotline.arn);
      const matching = held.filter((n) => matches(n, claim));
      if (plan.hotline.createdByStack && matching[0]) {
        return pass(
          CHECK,
          `${plan.hotline.alias} holds ${matching[0].PhoneNumber} (${wanted}); a redeploy keeps it`,
        );
      }
      const quota = await readConnectQuota(quotas, CONNECT_QUOTAS.phoneNumbers, plan.hotline.arn);
      if (held.length >= quota.value) {
        return fail(
          CHECK,
          `${describeQuota(CONNECT_QUOTAS.phoneNumbers, quota)} and ${plan.hotline.alias} holds ${held.length}: no room to claim one more (a redeploy keeps a number it claimed already)`,
          [
            ...requestIncrease(target, CONNECT_QUOTAS.phoneNumbers, held.length + 1, plan.hotline.arn),
            'Or release a number the desk does not use (aws connect release-phone-number), or deploy with -c claimPhoneNumber=false.',
          ],
        );
      }
    }
    const available = await awsCall('connect:SearchAvailablePhoneNumbers', () =>
      connect.send(
        new SearchAvailablePhoneNumbersCommand({
          TargetArn: instance.arn,
          PhoneNumberCountryCode: claim.countryCode as PhoneNumberCountryCode,
          PhoneNumberType: claim.type,
          ...(claim.prefix ? { PhoneNumberPrefix: claim.prefix } : {}),
          MaxResults: 10,
        }),
      ),
    );
    const numbers = available.AvailableNumbersList ?? [];
    const via = plan.hotline
      ? ''
      : ` (searched through instance ${instance.alias}; the new instance claims one)`;
    if (numbers.length === 0) return fail(CHECK, `no ${wanted} is available${via}`, noNumberSteps);
    return pass(
      CHECK,
      `${numbers.length === 10 ? '10 or more' : numbers.length} ${wanted} available, e.g. ${numbers[0]?.PhoneNumber}${via}`,
    );
  } catch (error) {
    return couldNotCheck(CHECK, error, [searchCommand(target, claim, instance.arn)]);
  }
}

function matches(number: ListPhoneNumbersSummary, claim: PhoneNumberClaim): boolean {
  return (
    number.PhoneNumberCountryCode === claim.countryCode &&
    number.PhoneNumberType === claim.type &&
    (!claim.prefix || (number.PhoneNumber ?? '').startsWith(claim.prefix))
  );
}

async function listClaimedNumbers(
  connect: ConnectClient,
  instanceArn: string,
): Promise<ListPhoneNumbersSummary[]> {
  const all: ListPhoneNumbersSummary[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall('connect:ListPhoneNumbersV2', () =>
      connect.send(
        new ListPhoneNumbersV2Command({
          TargetArn: instanceArn,
          MaxResults: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    all.push(...(page.ListPhoneNumbersSummaryList ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}
