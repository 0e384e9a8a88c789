import { createHash } from 'node:crypto';
import { InvalidCursorError } from '#shared/domain/errors';

/**
 * The one page cursor of every list route: a DynamoDB LastEvaluatedKey (or a search's phase and key) as
 * base64url JSON with a checksum, so a garbled, truncated or hand-made cursor is a 400 `INVALID_CURSOR`
 * naming `cursor`, never a start key DynamoDB refuses with a 500.
 */
const SEPARATOR = '.';
const KEY_ATTRIBUTE = /^(pk|sk|gsi\d{1,2}(pk|sk))$/;
const MAX_KEY_TEXT = 1024;

const checksum = (payload: string) => createHash('sha256').update(payload).digest('base64url').slice(0, 12);

export function encodeCursor(value: Record<string, unknown> | undefined): string | undefined {
  if (!value) return undefined;
  const payload = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return `${payload}${SEPARATOR}${checksum(payload)}`;
}

const refuse = (): never => {
  throw new InvalidCursorError('The cursor is not one this API returned', 'cursor');
};

/** What a cursor holds, checked against its checksum (a search cursor's phase and key). */
export function decodeCursorValue(cursor: string | undefined): Record<string, unknown> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const [payload, sum, ...rest] = cursor.split(SEPARATOR);
  if (!payload || !sum || rest.length > 0 || checksum(payload) !== sum) return refuse();
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // refused below
  }
  return refuse();
}

/** A start key: only the table's key attributes, each a bounded string or number. */
export function asStartKey(value: unknown): Record<string, string | number> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return refuse();
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > 4) return refuse();
  for (const [name, v] of entries) {
    if (!KEY_ATTRIBUTE.test(name)) return refuse();
    if (typeof v === 'string' ? v.length === 0 || v.length > MAX_KEY_TEXT : !Number.isFinite(v)) refuse();
  }
  return value as Record<string, string | number>;
}

/** The DynamoDB start key a cursor stands for; one this API did not give out is a 400 naming `cursor`. */
export function decodeCursor(cursor: string | undefined): Record<string, string | number> | undefined {
  const value = decodeCursorValue(cursor);
  return value === undefined ? undefined : asStartKey(value);
}
