/** A file sent with a mail (e.g. a report as CSV). */
export interface MailAttachment {
  readonly filename: string;
  /** MIME type, e.g. `text/csv; charset=utf-8`. */
  readonly contentType: string;
  /** Text is sent as UTF-8. */
  readonly content: string | Uint8Array;
}

export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly attachments?: readonly MailAttachment[];
}

/** Sends e-mail (SES). */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}
