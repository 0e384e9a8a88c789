import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mail, Mailer } from '#shared/ports/mailer';

/** E-mail through SES v2 from the desk's verified sender identity. */
export class SesMailer implements Mailer {
  constructor(private readonly options: { client: SESv2Client; from: string }) {}

  async send(mail: Mail): Promise<void> {
    await this.options.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.options.from,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
            ...(mail.attachments?.length
              ? {
                  Attachments: mail.attachments.map((a) => ({
                    FileName: a.filename,
                    ContentType: a.contentType,
                    ContentDisposition: 'ATTACHMENT' as const,
                    RawContent: typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : a.content,
                  })),
                }
              : {}),
          },
        },
      }),
    );
  }
}
