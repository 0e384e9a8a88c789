import { EmailIdentity, Identity, type IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { needActions } from '#infra/iam-needs';
import { type FunctionNeeds, functionNeeds } from '#infra/wiring';
import type { AppFunction } from './app-function';

export interface MailProps {
  readonly senderEmail: string;
  /** The identity exists in the account already: use it rather than create it (creating would fail). */
  readonly senderIdentityExists?: boolean;
  /** Every catalog function; those with `sendEmail` in infra/wiring.ts may send. */
  readonly functions: ReadonlyMap<string, AppFunction>;
  /** Default infra/wiring.ts `functionNeeds`. */
  readonly needs?: Readonly<Record<string, FunctionNeeds>>;
}

/**
 * SES: the sender address as an email identity (SES mails a verification link to it on deploy) and
 * ses:SendEmail from that identity only, for the functions that mail (escalations, survey links, fallbacks).
 */
export class Mail extends Construct {
  readonly identity: IEmailIdentity;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.identity = props.senderIdentityExists
      ? EmailIdentity.fromEmailIdentityName(this, 'Sender', props.senderEmail)
      : new EmailIdentity(this, 'Sender', { identity: Identity.email(props.senderEmail) });
    for (const [functionId, fn] of props.functions) {
      if (!(props.needs ?? functionNeeds)[functionId]?.sendEmail) continue;
      // SendEmail only (SES v2, shared/adapters/ses-mailer.ts): grantSendEmail would add SendRawEmail.
      this.identity.grant(fn.function, ...needActions.sendEmail);
      fn.function.addEnvironment('MAIL_FROM', props.senderEmail);
    }
  }
}
