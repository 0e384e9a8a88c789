/**
 * A sent mail as the SES emulator's `GET /store` shows it. The field names and encodings are those of the
 * `aws-ses-v2-local` package it replaces (test/support/mail.ts reads them), except `at`, which is an ISO
 * instant of the emulator's clock (that package gave epoch seconds of the wall clock), and `seq`, new.
 */
export interface StoredMail {
  /** Sending order, from 1; never reused, not even after the store is cleared. */
  readonly seq: number;
  readonly messageId: string;
  /** The sender as the request gave it (FromEmailAddress, or a raw mail's From header). */
  readonly from: string;
  readonly replyTo: readonly string[];
  readonly destination: {
    readonly to: readonly string[];
    readonly cc: readonly string[];
    readonly bcc: readonly string[];
  };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  readonly attachments: readonly StoredAttachment[];
  /** Simple content's custom headers, when it had any. */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
  /** `Simple` or `Raw`: a raw mail's MIME text is at `GET /store/messages/{messageId}/raw`. */
  readonly content: 'Simple' | 'Raw';
  /** When SES accepted it, by the emulator's clock (ISO 8601). */
  readonly at: string;
}

export interface StoredAttachment {
  /** The attachment's bytes, base64. */
  readonly content: string;
  /** As sent; `application/octet-stream` when the request named none. */
  readonly contentType: string;
  /** As sent (`ATTACHMENT` / `INLINE` for simple content, `attachment` / `inline` from a raw mail). */
  readonly contentDisposition?: string;
  readonly contentId?: string;
  readonly filename?: string;
  /** Bytes. */
  readonly size: number;
}

/** A mail before the store numbers and stamps it. */
export type MailDraft = Omit<StoredMail, 'seq' | 'messageId' | 'at'>;
