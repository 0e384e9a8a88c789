import type { ReportRecipient } from '#shared/domain/report-mail';

/** Recipients of the scheduled report e-mails, and the record of what was delivered to whom. */
export interface ReportRecipientStore {
  /** Every recipient (a handful: managers), by e-mail. */
  list(): Promise<ReportRecipient[]>;
  get(email: string): Promise<ReportRecipient | undefined>;
  /** Create or replace. */
  put(recipient: ReportRecipient): Promise<void>;
  /** False when there was none. */
  remove(email: string): Promise<boolean>;
  /**
   * Claim one delivery (deliveryKey) before sending: false when it was sent already, or is being sent by a
   * claim newer than `staleBefore`. A claim older than that (a run that died mid-way) may be taken over.
   */
  claimDelivery(key: string, now: string, staleBefore: string): Promise<boolean>;
  /** The mail went out: later claims of the key are refused for good. */
  markDelivered(key: string, now: string): Promise<void>;
  /** Sending failed: give the claim back so a retry sends it. */
  releaseDelivery(key: string, claimedAt: string): Promise<void>;
}
