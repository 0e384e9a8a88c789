/**
 * SendEmail's request as SES v2 checks it before looking at identities: the JSON shape, a sender that is an
 * address, at least one recipient (at most 50), every recipient an address, a subject and a body for simple
 * content. Input: the request body. Output: the mail to keep, with the bare addresses the identity check
 * needs. Template content is refused: nothing in the desk sends it, and a half-done template language would
 * let a mail pass locally that SES renders otherwise.
 */
import * as z from 'zod';
import { mailboxAddress } from './addresses.ts';
import { badRequest, fieldName } from './errors.ts';
import type { MailDraft, StoredAttachment } from './mail.ts';
import { parseRawMail } from './mime.ts';

/** SES's limit on To, Cc and Bcc together. */
export const MAX_RECIPIENTS = 50;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const text = z.object({ Data: z.string(), Charset: z.string().optional() });
const blob = z.string().regex(BASE64, 'must be base64');
const addresses = z.array(z.string()).optional();

const attachment = z.object({
  RawContent: blob,
  FileName: z.string(),
  ContentType: z.string().optional(),
  ContentDisposition: z.enum(['ATTACHMENT', 'INLINE']).optional(),
  ContentDescription: z.string().optional(),
  ContentId: z.string().optional(),
  ContentTransferEncoding: z.enum(['BASE64', 'QUOTED_PRINTABLE', 'SEVEN_BIT']).optional(),
});

const sendEmailRequest = z.object({
  FromEmailAddress: z.string().optional(),
  Destination: z
    .object({ ToAddresses: addresses, CcAddresses: addresses, BccAddresses: addresses })
    .optional(),
  ReplyToAddresses: addresses,
  Content: z.object(
    {
      Simple: z
        .object({
          Subject: text.optional(),
          Body: z.object({ Text: text.optional(), Html: text.optional() }).optional(),
          Headers: z.array(z.object({ Name: z.string(), Value: z.string() })).optional(),
          Attachments: z.array(attachment).optional(),
        })
        .optional(),
      Raw: z.object({ Data: blob }).optional(),
      Template: z.record(z.string(), z.unknown()).optional(),
    },
    { error: 'is required (Simple, Raw or Template)' },
  ),
});

type SendEmailRequest = z.infer<typeof sendEmailRequest>;

export interface CheckedMail {
  readonly draft: MailDraft;
  /** The sender's bare address, for the identity check. */
  readonly sender: string;
  /** Every recipient's bare address, for the sandbox's identity check. */
  readonly recipients: readonly string[];
  /** A raw mail's MIME text as sent. */
  readonly raw?: Buffer;
}

export function checkSendEmail(body: unknown): CheckedMail {
  const parsed = sendEmailRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`${fieldName(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
  }
  const request = parsed.data;
  const kinds = (['Simple', 'Raw', 'Template'] as const).filter(
    (kind) => request.Content[kind] !== undefined,
  );
  if (kinds.length !== 1) {
    throw badRequest(
      `Content: exactly one of Simple, Raw or Template is required${kinds.length ? ` (got ${kinds.join(', ')})` : ''}`,
    );
  }
  if (kinds[0] === 'Template') {
    throw badRequest(
      'Content.Template: templated mail is not supported by the local SES emulator; send Simple or Raw content',
    );
  }
  return kinds[0] === 'Raw' ? checkRaw(request) : checkSimple(request);
}

function checkSimple(request: SendEmailRequest): CheckedMail {
  const simple = request.Content.Simple!;
  const from = required(request.FromEmailAddress, 'FromEmailAddress', 'a sender is required');
  const sender = address(from, 'FromEmailAddress');
  if (!simple.Subject?.Data) throw badRequest('Content.Simple.Subject: a subject is required');
  const textBody = simple.Body?.Text?.Data;
  const htmlBody = simple.Body?.Html?.Data;
  if (!textBody && !htmlBody) throw badRequest('Content.Simple.Body: a Text or Html body is required');
  const destination = requestDestination(request);
  return {
    draft: {
      from,
      replyTo: replyTo(request),
      destination,
      subject: simple.Subject.Data,
      body: { ...(textBody ? { text: textBody } : {}), ...(htmlBody ? { html: htmlBody } : {}) },
      attachments: (simple.Attachments ?? []).map(storedAttachment),
      ...(simple.Headers?.length
        ? { headers: simple.Headers.map((h) => ({ name: h.Name, value: h.Value })) }
        : {}),
      content: 'Simple',
    },
    sender,
    recipients: recipients(destination, 'Destination'),
  };
}

function checkRaw(request: SendEmailRequest): CheckedMail {
  const raw = Buffer.from(request.Content.Raw!.Data, 'base64');
  if (raw.length === 0) throw badRequest('Content.Raw.Data: the raw message is empty');
  const mime = parseRawMail(raw);
  const from = required(
    request.FromEmailAddress ?? mime.from,
    'FromEmailAddress',
    'a sender is required (FromEmailAddress, or a From header in Content.Raw.Data)',
  );
  const sender = address(from, request.FromEmailAddress !== undefined ? 'FromEmailAddress' : 'From header');
  // SES sends a raw mail to Destination when the request has one, else to its To, Cc and Bcc headers.
  const fromRequest = requestDestination(request);
  const inRequest = fromRequest.to.length + fromRequest.cc.length + fromRequest.bcc.length > 0;
  const destination = inRequest ? fromRequest : { to: mime.to, cc: mime.cc, bcc: mime.bcc };
  return {
    draft: {
      from,
      replyTo: request.ReplyToAddresses ? replyTo(request) : mime.replyTo,
      destination,
      subject: mime.subject ?? '',
      body: {
        ...(mime.text !== undefined ? { text: mime.text } : {}),
        ...(mime.html !== undefined ? { html: mime.html } : {}),
      },
      attachments: mime.attachments,
      content: 'Raw',
    },
    sender,
    recipients: recipients(destination, inRequest ? 'Destination' : 'Content.Raw.Data (To, Cc, Bcc headers)'),
    raw,
  };
}

function required(value: string | undefined, field: string, message: string): string {
  if (value === undefined || value.trim() === '') throw badRequest(`${field}: ${message}`);
  return value;
}

function address(value: string, field: string): string {
  const bare = mailboxAddress(value);
  if (bare === undefined) throw badRequest(`${field}: '${value}' is not an email address`);
  return bare;
}

function requestDestination(request: SendEmailRequest): MailDraft['destination'] {
  return {
    to: request.Destination?.ToAddresses ?? [],
    cc: request.Destination?.CcAddresses ?? [],
    bcc: request.Destination?.BccAddresses ?? [],
  };
}

function replyTo(request: SendEmailRequest): string[] {
  const list = request.ReplyToAddresses ?? [];
  list.forEach((value, i) => {
    address(value, `ReplyToAddresses[${i}]`);
  });
  return list;
}

/** Every recipient's bare address; refuses none, more than 50, or one that is not an address. */
function recipients(destination: MailDraft['destination'], field: string): string[] {
  const lists = [
    ['ToAddresses', destination.to],
    ['CcAddresses', destination.cc],
    ['BccAddresses', destination.bcc],
  ] as const;
  const all = lists.flatMap(([name, list]) =>
    list.map((value, i) => address(value, field === 'Destination' ? `Destination.${name}[${i}]` : field)),
  );
  if (all.length === 0) {
    throw badRequest(
      `${field}: at least one recipient is required (ToAddresses, CcAddresses or BccAddresses)`,
    );
  }
  if (all.length > MAX_RECIPIENTS) {
    throw badRequest(`${field}: Recipient count exceeds ${MAX_RECIPIENTS} (got ${all.length})`);
  }
  return all;
}

function storedAttachment(a: z.infer<typeof attachment>): StoredAttachment {
  const bytes = Buffer.from(a.RawContent, 'base64');
  return {
    content: bytes.toString('base64'),
    contentType: a.ContentType ?? 'application/octet-stream',
    ...(a.ContentDisposition !== undefined ? { contentDisposition: a.ContentDisposition } : {}),
    ...(a.ContentId !== undefined ? { contentId: a.ContentId } : {}),
    filename: a.FileName,
    size: bytes.length,
  };
}
