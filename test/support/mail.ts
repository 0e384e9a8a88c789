import type { LocalApi } from '#test/support/local-api';

export interface SentMail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string };
}

/** Every mail the SES emulator holds (its /store). */
export async function allMails(api: LocalApi): Promise<SentMail[]> {
  const res = await fetch(`${api.runtime.endpoints.ses}/store`);
  return ((await res.json()) as { emails: SentMail[] }).emails;
}

/**
 * The mail sent since it was opened. The SES emulator's store lives as long as the process (across runtimes),
 * so a test opens one when it begins.
 */
export class Mailbox {
  private constructor(
    private readonly api: LocalApi,
    private readonly baseline: number,
  ) {}

  static async open(api: LocalApi): Promise<Mailbox> {
    return new Mailbox(api, (await allMails(api)).length);
  }

  /** Mail since this mailbox was opened about one complaint (its number in the subject). */
  async about(ticketId: string): Promise<SentMail[]> {
    return (await allMails(this.api)).slice(this.baseline).filter((m) => m.subject.includes(ticketId));
  }
}
