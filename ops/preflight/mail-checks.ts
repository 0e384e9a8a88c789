import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { placeholderSenderEmail } from '#infra/stage-config';
import { awsCall, couldNotCheck, isNotFound } from './aws-calls';
import { type Finding, fail, pass, warn } from './findings';
import { awsCli, type PreflightTarget } from './target';

/**
 * The tags infra/build-app.ts gives each stack; CloudFormation copies stack tags onto the resources, so an
 * identity carrying this stage's tags is the one its Api stack created.
 */
const STACK_TAGS = { app: 'complaint-hotline' } as const;

/** SES sandbox or production: in the sandbox, mail reaches verified addresses only. */
export async function checkMailAccount(ses: SESv2Client, target: PreflightTarget): Promise<Finding> {
  const check = 'SES sending';
  try {
    const account = await awsCall('ses:GetAccount', () => ses.send(new GetAccountCommand({})));
    const q = account.SendQuota;
    const quota = `${q?.Max24HourSend ?? '?'} a day, ${q?.MaxSendRate ?? '?'}/s, ${q?.SentLast24Hours ?? 0} sent in the last 24 h`;
    if (account.SendingEnabled === false || account.EnforcementStatus === 'SHUTDOWN') {
      return fail(
        check,
        `sending is paused for this account in ${target.region} (${account.EnforcementStatus ?? 'disabled'})`,
        [
          'Read the reason in the SES console (Reputation metrics / Account dashboard) and answer AWS there or in the support case; resume with aws sesv2 put-account-sending-attributes --sending-enabled once allowed.',
        ],
      );
    }
    if (account.ProductionAccessEnabled) return pass(check, `production access: ${quota}`);
    const review = account.Details?.ReviewDetails;
    if (review?.Status === 'PENDING') {
      return warn(
        check,
        `sandbox; production access requested (case ${review.CaseId ?? '?'}) and under review`,
        [
          'Wait for the review (usually about a day); answer the case if AWS asks for more. Meanwhile only verified recipients get mail.',
        ],
      );
    }
    const denied =
      review?.Status === 'DENIED' ? `; the last request was denied (case ${review.CaseId ?? '?'})` : '';
    return warn(check, `sandbox: mail reaches verified addresses only (${quota})${denied}`, [
      `Request production access: ${awsCli(
        target,
        'sesv2 put-account-details --production-access-enabled --mail-type TRANSACTIONAL --website-url https://your-utility.example --contact-language EN --use-case-description "Complaint hotline: escalation and report mails to staff, survey links to customers who called; bounces and complaints handled"',
      )}`,
      'Or in the SES console: Account dashboard > Request production access. Until then verify each staff recipient (aws sesv2 create-email-identity --email-identity <address>).',
    ]);
  } catch (error) {
    return couldNotCheck(check, error, [awsCli(target, 'sesv2 get-account')]);
  }
}

/**
 * The sender (context `senderEmail`): whether it exists and is verified, and whether that agrees with
 * `senderIdentityExists` (infra/constructs/mail.ts): the deploy creates the identity unless told it exists,
 * and creating one that exists fails the deploy.
 */
export async function checkSenderIdentity(ses: SESv2Client, target: PreflightTarget): Promise<Finding> {
  const check = 'SES sender identity';
  const { senderEmail: sender, senderIdentityExists: told, name: stage } = target.stage;
  if (sender === placeholderSenderEmail) {
    return warn(check, `${sender} is the dev placeholder: SES can never verify it, so no mail leaves`, [
      'Deploy with -c senderEmail=<an address you can read> (README, "Deploy to AWS").',
    ]);
  }
  try {
    let identity: GetEmailIdentityCommandOutput;
    try {
      identity = await awsCall('ses:GetEmailIdentity', () =>
        ses.send(new GetEmailIdentityCommand({ EmailIdentity: sender })),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (told) {
        return fail(
          check,
          `senderIdentityExists=true, but ${target.region} has no SES identity ${sender}: mail would fail`,
          [
            'Deploy without -c senderIdentityExists=true (the stack then creates it and SES mails a verification link),',
            `or create it first: ${awsCli(target, `sesv2 create-email-identity --email-identity ${sender}`)}, and click the link SES mails.`,
          ],
        );
      }
      return pass(check, `the deploy creates ${sender}; SES then mails it a verification link to click`);
    }
    const tag = (key: string) => identity.Tags?.find((t) => t.Key === key)?.Value;
    const ownedByStage = tag('app') === STACK_TAGS.app && tag('stage') === stage;
    if (!told && !ownedByStage) {
      return fail(
        check,
        `${sender} is already an SES identity (not this stage's stack): creating it fails the deploy`,
        ['Deploy with -c senderIdentityExists=true: the stack then uses it (README, "Deploy to AWS").'],
      );
    }
    if (told && ownedByStage) {
      return fail(
        check,
        `${sender} was created by this stage's stack: with senderIdentityExists=true the update deletes it`,
        ['Deploy without -c senderIdentityExists=true: the stack keeps managing it.'],
      );
    }
    if (!identity.VerifiedForSendingStatus) {
      return warn(
        check,
        `${sender} exists but is not verified (${identity.VerificationStatus ?? 'unknown'}): SES refuses mail from it`,
        [
          `Click the verification link SES mailed to ${sender}; to mail it again: ${awsCli(target, `ses verify-email-identity --email-address ${sender}`)}`,
        ],
      );
    }
    return pass(
      check,
      `${sender} exists and is verified${ownedByStage ? " (this stage's stack manages it)" : ' (used as is)'}`,
    );
  } catch (error) {
    return couldNotCheck(check, error, [
      awsCli(target, `sesv2 get-email-identity --email-identity ${sender}`),
    ]);
  }
}
