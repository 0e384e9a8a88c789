import { stringify } from 'csv-stringify/sync';

/**
 * The one writer of every CSV the desk produces (customer export, import report, broadcast report,
 * management and accountability reports, the report mails' attachments): RFC 4180 quoting by csv-stringify,
 * CRLF lines, and every text cell that a spreadsheet would run as a formula (starting with = + - @, tab or
 * CR) prefixed with `'` (OWASP's advice on CSV injection). Plain numbers (`-3`, `+15551230001`) are data,
 * not formulas, and stay as they are. The customer import strips the `'` again, so an export reads back.
 */
export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** A cell as a spreadsheet may open it safely. */
export function neutraliseCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (typeof value === 'number' || PLAIN_NUMBER.test(text)) return text;
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** What the import reads from a cell the writer neutralised: the text as it was before. */
export function restoreCell(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return stringify(
    rows.map((row) => row.map(neutraliseCell)),
    { record_delimiter: '\r\n', quoted_match: /[\r\n]/ },
  );
}
