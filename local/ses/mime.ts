/**
 * Just enough MIME (RFC 5322 / 2045-2047) to file a raw mail in the store the way a simple one is filed:
 * From, To, Cc, Bcc, Reply-To and Subject (encoded words decoded), the first text and HTML bodies, and every
 * other part as an attachment. The raw message itself is kept as sent, so nothing here has to be complete.
 */
import type { StoredAttachment } from './mail.ts';

export interface RawMailParts {
  readonly from?: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly replyTo: readonly string[];
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments: readonly StoredAttachment[];
}

interface Header {
  readonly name: string;
  readonly value: string;
}

interface Entity {
  readonly headers: readonly Header[];
  /** The body as latin1 text: one character per byte, so decoding never loses a byte. */
  readonly body: string;
}

interface Collected {
  text?: string;
  html?: string;
  attachments: StoredAttachment[];
}

/** Nested multiparts deeper than this are kept as attachments, unopened. */
const MAX_DEPTH = 10;

export function parseRawMail(raw: Uint8Array): RawMailParts {
  const top = splitEntity(Buffer.from(raw).toString('latin1'));
  const collected: Collected = { attachments: [] };
  walk(top, collected, 0);
  const one = (name: string) => headerText(top, name);
  const list = (name: string) => addressList(one(name));
  const from = list('from')[0];
  const subject = one('subject');
  return {
    ...(from !== undefined ? { from } : {}),
    to: list('to'),
    cc: list('cc'),
    bcc: list('bcc'),
    replyTo: list('reply-to'),
    ...(subject !== undefined ? { subject } : {}),
    ...(collected.text !== undefined ? { text: collected.text } : {}),
    ...(collected.html !== undefined ? { html: collected.html } : {}),
    attachments: collected.attachments,
  };
}

function splitEntity(source: string): Entity {
  // A part that opens with an empty line has no headers.
  const separator = /^\r?\n/.exec(source) ?? /\r?\n\r?\n/.exec(source);
  const head = separator ? source.slice(0, separator.index) : source;
  const body = separator ? source.slice(separator.index + separator[0].length) : '';
  const headers = head
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .flatMap((line) => {
      const colon = line.indexOf(':');
      return colon > 0
        ? [{ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() }]
        : [];
    });
  return { headers, body };
}

/** A header's value as text: 8-bit bytes read as UTF-8, encoded words decoded. */
function headerText(entity: Entity, name: string): string | undefined {
  const value = entity.headers.find((h) => h.name === name)?.value;
  if (value === undefined) return undefined;
  return decodeEncodedWords(Buffer.from(value, 'latin1').toString('utf8'));
}

function walk(entity: Entity, into: Collected, depth: number): void {
  const type = parameterised(headerText(entity, 'content-type') ?? 'text/plain');
  const mimeType = type.value.toLowerCase();
  const boundary = type.params.boundary;
  if (mimeType.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    for (const part of multipartBodies(entity.body, boundary)) walk(splitEntity(part), into, depth + 1);
    return;
  }
  const disposition = parameterised(headerText(entity, 'content-disposition') ?? '');
  const data = decodeTransfer(entity.body, headerText(entity, 'content-transfer-encoding'));
  const filename = disposition.params.filename ?? type.params.name;
  const dispositionType = disposition.value.toLowerCase();
  const isBody =
    dispositionType !== 'attachment' &&
    filename === undefined &&
    (mimeType === 'text/plain' || mimeType === 'text/html');
  if (isBody) {
    const text = decodeCharset(data, type.params.charset);
    const key = mimeType === 'text/html' ? 'html' : 'text';
    into[key] = into[key] === undefined ? text : `${into[key]}\n${text}`;
    return;
  }
  const contentId = headerText(entity, 'content-id');
  into.attachments.push({
    content: data.toString('base64'),
    contentType: mimeType || 'application/octet-stream',
    ...(dispositionType ? { contentDisposition: dispositionType } : {}),
    ...(contentId !== undefined ? { contentId } : {}),
    ...(filename !== undefined ? { filename } : {}),
    size: data.length,
  });
}

/** The parts between a multipart body's boundary lines (RFC 2046 5.1.1), up to the closing one. */
function multipartBodies(body: string, boundary: string): string[] {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?:\\r?\\n|$)`, 'g');
  const parts: string[] = [];
  let start: number | undefined;
  for (let match = delimiter.exec(body); match; match = delimiter.exec(body)) {
    if (start !== undefined) parts.push(body.slice(start, match.index));
    if (match[1]) return parts;
    start = match.index + match[0].length;
  }
  if (start !== undefined) parts.push(body.slice(start));
  return parts;
}

/** `type/subtype; name="value"; name*=utf-8''%E2%82%AC` as its value and its parameters (names in lower case). */
function parameterised(header: string): { value: string; params: Record<string, string> } {
  const [value = '', ...rest] = splitOutsideQuotes(header, ';');
  const params: Record<string, string> = {};
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq <= 0) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    let raw = param.slice(eq + 1).trim();
    if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2)
      raw = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    if (name.endsWith('*')) {
      // RFC 2231: charset'language'percent-encoded
      const [charset = 'utf-8', , encoded = raw] = raw.split("'");
      params[name.slice(0, -1)] = decodeCharset(Buffer.from(percentDecoded(encoded), 'latin1'), charset);
    } else {
      params[name] = raw;
    }
  }
  return { value: value.trim(), params };
}

function percentDecoded(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (char === '\\' && quoted) {
      current += char + (text[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '<') angle += 1;
    else if (!quoted && char === '>') angle = Math.max(0, angle - 1);
    if (char === separator && !quoted && angle === 0) {
      pieces.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  pieces.push(current);
  return pieces;
}

/** `A <a@x>, "B, C" <b@x>, group: c@x;` as its mailboxes, each as written (display name kept). */
function addressList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return splitOutsideQuotes(value, ',')
    .map((item) =>
      item
        .trim()
        .replace(/^[^"<>@:,]*:\s*/, '')
        .replace(/;\s*$/, '')
        .trim(),
    )
    .filter((item) => item.length > 0);
}

function decodeTransfer(body: string, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(
        quotedPrintable(body.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '')),
        'latin1',
      );
    default:
      return Buffer.from(body, 'latin1');
  }
}

function quotedPrintable(text: string): string {
  return text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset?.trim() || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/** RFC 2047 `=?utf-8?B?...?=` / `=?iso-8859-1?Q?...?=`; the space between two encoded words is dropped. */
function decodeEncodedWords(value: string): string {
  const joined = value.replace(/(\?=)\s+(?==\?[^?\s]+\?[BbQq]\?)/g, '$1');
  return joined.replace(ENCODED_WORD, (_, charset: string, encoding: string, text: string) => {
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(quotedPrintable(text.replace(/_/g, ' ')), 'latin1');
    return decodeCharset(bytes, charset.split('*')[0]);
  });
}
