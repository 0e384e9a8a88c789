/** A mail as the SES emulator keeps it (its /store). */
export interface SentMail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string };
  readonly attachments: readonly { readonly filename?: string; readonly content: string }[];
}

/** The local runtime, or anything else that knows where the SES emulator listens. */
export interface WithSes {
  readonly endpoints: { readonly ses: string };
}

/** Every mail the SES emulator holds. */
export async function allMails(runtime: WithSes): Promise<SentMail[]> {
  const res = await fetch(`${runtime.endpoints.ses}/store`);
  return ((await res.json()) as { emails: SentMail[] }).emails;
}

/**
 * The mail sent since it was opened. The SES emulator's store is the runtime's own (kept in its data folder when it has one),
 * so a test opens one when it begins.
 */
export class Mailbox {
  private constructor(
    private readonly runtime: WithSes,
    private readonly baseline: number,
  ) {}

  static async open(runtime: WithSes): Promise<Mailbox> {
    return new Mailbox(runtime, (await allMails(runtime)).length);
  }

  /** Every mail since this mailbox was opened. */
  async sinceOpened(): Promise<SentMail[]> {
    return (await allMails(this.runtime)).slice(this.baseline);
  }

  /** Mail since this mailbox was opened about one complaint (its number in the subject). */
  async about(ticketId: string): Promise<SentMail[]> {
    return (await this.sinceOpened()).filter((m) => m.subject.includes(ticketId));
  }
}
