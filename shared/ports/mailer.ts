export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends e-mail (SES). */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}
