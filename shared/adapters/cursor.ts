import { InvalidInputError } from '#shared/domain/errors';

/** A DynamoDB LastEvaluatedKey as an opaque page cursor for API clients. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

/** The key a cursor stands for; a cursor this API did not give out is a 400 naming `cursor`. */
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new InvalidInputError('The cursor is not one this API returned', 'cursor');
}
