/**
 * How a flow test compares what the contact did with what it expects: messages by Similarity or
 * Inclusion, JSON paths into the contact's data ($.Attributes.x, $.Queue.Name, ...), and the Assert
 * operators.
 */
import type { AssertOperator } from './document.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lower case, punctuation dropped, one space between words: how speech compares with text. */
export function normalizeSpeech(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** 1 for the same words, falling towards 0 with the share of characters that differ. */
export function speechSimilarity(expected: string, heard: string): number {
  const a = normalizeSpeech(expected);
  const b = normalizeSpeech(heard);
  if (a.length === 0 && b.length === 0) return 1;
  return 1 - editDistance(a, b) / Math.max(a.length, b.length);
}

export function messageMatches(
  expected: string,
  heard: string,
  criteria: 'Similarity' | 'Inclusion',
  threshold: number,
): boolean {
  if (criteria === 'Inclusion')
    return ` ${normalizeSpeech(heard)} `.includes(` ${normalizeSpeech(expected)} `);
  return speechSimilarity(expected, heard) >= threshold;
}

/** `$.Attributes.name`, `$.Attributes['a key']`, `$.External.list[0]`: the keys after `$`. */
export function pathKeys(path: string): string[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const keys: string[] = [];
  const pattern = /\.([^.[\]]+)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[(\d+)\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const start = pattern.lastIndex;
    const match = pattern.exec(path);
    if (!match || match.index !== start) return undefined;
    keys.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
  }
  return keys;
}

export function valueAt(data: unknown, path: string): unknown {
  const keys = pathKeys(path);
  if (!keys) return undefined;
  let value: unknown = data;
  for (const key of keys) {
    if (Array.isArray(value)) value = value[Number(key)];
    else value = isRecord(value) ? value[key] : undefined;
  }
  return value;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

/** Text with its `$.` references (as prompts are written) replaced by the contact's values. */
export function withReferences(text: string, data: unknown): string {
  return text.replace(/\$(?:\.[A-Za-z0-9_]+|\['[^']*'\])+/g, (reference) => asText(valueAt(data, reference)));
}

export interface AssertOutcome {
  readonly passed: boolean;
  /** The value found, as text (absent when there is none). */
  readonly actual?: string;
}

export function checkAssertion(
  actual: unknown,
  operator: AssertOperator,
  operand: string | number | undefined,
): AssertOutcome {
  const found = actual !== undefined && actual !== null;
  const outcome = (passed: boolean): AssertOutcome => ({
    passed,
    ...(found ? { actual: asText(actual) } : {}),
  });
  if (operator === 'Exists') return outcome(found);
  if (!found) return outcome(false);
  const text = asText(actual);
  const expected = asText(operand);
  switch (operator) {
    case 'Equals':
      return outcome(
        text === expected || (typeof operand === 'number' && text.trim() !== '' && Number(text) === operand),
      );
    case 'TextStartsWith':
      return outcome(text.startsWith(expected));
    case 'TextEndsWith':
      return outcome(text.endsWith(expected));
    case 'TextContains':
      return outcome(text.includes(expected));
    default: {
      const number = text.trim() === '' ? Number.NaN : Number(text);
      const limit = Number(operand);
      if (!Number.isFinite(number)) return outcome(false);
      if (operator === 'NumberGreaterThan') return outcome(number > limit);
      if (operator === 'NumberGreaterOrEqualTo') return outcome(number >= limit);
      if (operator === 'NumberLessThan') return outcome(number < limit);
      return outcome(number <= limit);
    }
  }
}

/** Whether an id or ARN a test names is the one an action used (an id matches the ARN ending in it). */
export function sameResource(named: string, used: string): boolean {
  if (named === used) return true;
  const tail = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  if (named.startsWith('arn:') && used.startsWith('arn:')) return false;
  return tail(named) === tail(used);
}

/** Every parameter the test names is the one the action used (nested objects compared key by key). */
export function parametersMatch(named: unknown, used: unknown): boolean {
  if (isRecord(named)) {
    return isRecord(used) && Object.entries(named).every(([key, value]) => parametersMatch(value, used[key]));
  }
  if (typeof named === 'string' && typeof used === 'string') return sameResource(named, used);
  return named === used;
}
