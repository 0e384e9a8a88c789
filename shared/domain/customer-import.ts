import { CsvError, parse } from 'csv-parse/sync';
import { type CsvCell, restoreCell, toCsv } from './csv';
import { type CustomerInput, isEmail, mergeCustomer } from './customer';
import { InvalidInputError } from './errors';
import { toE164 } from './phone';
import { humanTextProblem } from './text';

/** Rows one import may hold; bigger files are split by the sender. */
export const MAX_IMPORT_ROWS = 50_000;

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

const WINDOWS_1252 = new Set(['iso-8859-1', 'latin1', 'windows-1252', 'cp1252']);

/** The line (1-based) of a position in a text. */
const lineAt = (text: string, index: number) => {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
};

/**
 * Text of a CSV file: a byte-order mark decides (UTF-8, UTF-16), Windows-1252 only when the upload
 * declares it (charset), else the file must be valid UTF-8. A file that is not is refused as a whole,
 * naming the line of the first bad byte: never read again in another encoding (which garbles every
 * other name) and never stored with replacement characters.
 */
export function decodeCsv(bytes: Uint8Array, declared?: string): { text: string; encoding: CsvEncoding } {
  const charset = declared?.trim().toLowerCase();
  if (charset && WINDOWS_1252.has(charset))
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    text = new TextDecoder('utf-8').decode(body);
  }
  // A replacement character is a byte that was not UTF-8 (here, or where the gateway decoded a text body).
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0)
    throw new InvalidInputError(
      `Line ${lineAt(text, bad)} holds a byte that is not UTF-8: save the file as UTF-8 (or send it with ` +
        'charset=windows-1252) and import it again; nothing was imported',
      'file',
    );
  return { text, encoding: 'utf-8' };
}

/** A data record of the file: its fields and the line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A stretch of the file that is no record: an unterminated quote, text after a closing quote. */
export interface BrokenRecord {
  readonly line: number;
  readonly reason: string;
}

/** More broken records than this and the file is not a CSV worth reporting line by line. */
const MAX_BROKEN_RECORDS = 1000;

const blank = (line: string) => line.trim() === '';

/**
 * RFC 4180 records read by csv-parse, strictly (no relaxed quotes): quoted fields, doubled quotes, CRLF
 * or LF, the delimiter guessed from the header. A record csv-parse refuses (a quote never closed, text
 * after a closing quote) is reported broken at the line it starts on, and reading goes on with the next
 * line: so one stray quote costs one row, and the rows after it are still read, never silently swallowed.
 * Blank lines are no records.
 */
export function parseCsv(text: string): { records: CsvRecord[]; broken: BrokenRecord[] } {
  const lines = text.split('\n');
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  const firstLine = (lines.find((l) => !blank(l)) ?? '').replace(/\r$/, '');
  const delimiter = [',', ';', '\t'].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  );
  const records: CsvRecord[] = [];
  const broken: BrokenRecord[] = [];
  const nextRecordLine = (after: number) => {
    let line = after + 1;
    while (line <= lines.length && blank(lines[line - 1] ?? '')) line++;
    return line;
  };
  let from = nextRecordLine(0);
  while (from <= lines.length) {
    const base = from - 1;
    let lastEnd = base;
    try {
      parse(text.slice(lineStarts[base]), {
        delimiter,
        relax_quotes: false,
        relax_column_count: true,
        skip_empty_lines: true,
        on_record: (record: string[], context: { lines: number }) => {
          const end = base + context.lines;
          records.push({ line: nextRecordLine(lastEnd), fields: record });
          lastEnd = end;
          return null;
        },
      });
      return { records, broken };
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      const line = nextRecordLine(lastEnd);
      broken.push({ line, reason: brokenReason(error.code) });
      if (broken.length > MAX_BROKEN_RECORDS)
        throw new InvalidInputError(
          `More than ${MAX_BROKEN_RECORDS} lines are no CSV record (quotes out of place): is this a CSV file?`,
          'file',
        );
      from = nextRecordLine(line);
    }
  }
  return { records, broken };
}

function brokenReason(code: string): string {
  if (code === 'CSV_QUOTE_NOT_CLOSED')
    return 'a quote opened on this line is never closed; the line was not imported (the lines after it were read on their own)';
  if (code === 'CSV_INVALID_CLOSING_QUOTE')
    return 'text after a closing quote (or a quote inside an unquoted field): quote the whole field and double inner quotes';
  return `not a CSV record (${code})`;
}

const COLUMN_ALIASES: Readonly<Record<string, readonly string[]>> = {
  account: ['account', 'account_number', 'accountnumber', 'account no', 'account_no'],
  name: ['name', 'customer', 'customer_name', 'full name', 'full_name'],
  phone: ['phone', 'phones', 'phone_number', 'telephone', 'tel', 'mobile', 'phone1'],
  phone2: ['phone2', 'second_phone', 'alt_phone', 'other phone'],
  email: ['email', 'e-mail', 'mail', 'email_address'],
  address: ['address', 'street_address', 'service_address'],
  district: ['district', 'area', 'zone'],
  street: ['street', 'street_name'],
  segment: ['segment', 'network_segment', 'network segment', 'feeder', 'main'],
  language: ['language', 'lang', 'preferred_language'],
  noContact: ['no_contact', 'nocontact', 'no contact', 'do_not_contact', 'do not contact'],
};

const REQUIRED_COLUMNS = ['account', 'name', 'district', 'street', 'segment'] as const;

export type ImportColumn = keyof typeof COLUMN_ALIASES;

/**
 * Which column of the file holds what. A header the desk does not know, a column named twice (or two
 * names of one column, such as phone and telephone) and missing required columns refuse the file, naming
 * the header: a column silently ignored is data silently lost.
 */
export function mapColumns(header: readonly string[]): Partial<Record<ImportColumn, number>> {
  const columns: Partial<Record<ImportColumn, number>> = {};
  header.forEach((raw, index) => {
    const name = raw
      .trim()
      .toLowerCase()
      .replace(/^\uFEFF/, '');
    const column = (Object.keys(COLUMN_ALIASES) as ImportColumn[]).find((c) =>
      COLUMN_ALIASES[c]?.includes(name),
    );
    if (!column)
      throw new InvalidInputError(
        `Unknown column "${raw.trim()}" (column ${index + 1} of the header): the desk reads ${Object.keys(COLUMN_ALIASES).join(', ')}`,
        'header',
      );
    const earlier = columns[column];
    if (earlier !== undefined)
      throw new InvalidInputError(
        `Column "${raw.trim()}" (column ${index + 1}) repeats "${(header[earlier] ?? '').trim()}" (column ${earlier + 1})`,
        'header',
      );
    columns[column] = index;
  });
  const missing = REQUIRED_COLUMNS.filter((c) => columns[c] === undefined);
  if (missing.length > 0)
    throw new InvalidInputError(`The file has no column for: ${missing.join(', ')}`, 'header');
  return columns;
}

export type RowOutcome = 'accepted' | 'merged' | 'rejected';

export interface ImportRowReport {
  /** Line of the file, 1 = header. */
  readonly line: number;
  readonly account?: string;
  readonly outcome: RowOutcome;
  readonly reason?: string;
  readonly field?: string;
  /** Notes about what was changed while reading, e.g. a phone number normalised. */
  readonly notes?: readonly string[];
}

export interface ImportPlan {
  readonly encoding: CsvEncoding;
  readonly rows: readonly ImportRowReport[];
  /** One record per account, duplicates already merged in file order. */
  readonly customers: readonly CustomerInput[];
}

const YES = new Set(['yes', 'y', 'true', '1', 'x']);
const NO = new Set(['no', 'n', 'false', '0', '']);

function readRow(
  fields: readonly string[],
  columns: Partial<Record<ImportColumn, number>>,
  region: string,
): { customer: CustomerInput; notes: string[] } {
  const get = (column: ImportColumn) => {
    const index = columns[column];
    return index === undefined ? '' : restoreCell((fields[index] ?? '').trim());
  };
  const fail = (message: string, field: string): never => {
    throw new InvalidInputError(message, field);
  };
  const notes: string[] = [];
  for (const column of ['name', 'address', 'district', 'street', 'segment'] as const) {
    const value = get(column);
    const problem = value === '' ? undefined : humanTextProblem(value);
    if (problem) fail(`${column} ${problem}`, column);
  }
  const account = get('account');
  if (!/^[\w-]{1,40}$/.test(account)) fail('account must be 1-40 letters, digits, - or _', 'account');
  const name = get('name');
  if (name.length < 1 || name.length > 200) fail('name is required (at most 200 characters)', 'name');
  const phones: string[] = [];
  for (const raw of [...get('phone').split('|'), ...get('phone2').split('|')].map((p) => p.trim())) {
    if (raw === '') continue;
    const e164 = toE164(raw, region);
    if (!e164) fail(`"${raw}" is not a phone number`, 'phone');
    else {
      if (e164 !== raw) notes.push(`phone ${raw} read as ${e164}`);
      if (!phones.includes(e164)) phones.push(e164);
    }
  }
  const email = get('email');
  if (email !== '' && !isEmail(email)) fail(`"${email}" is not an e-mail address`, 'email');
  const district = get('district');
  const street = get('street');
  const segment = get('segment');
  if (!district) fail('district is required', 'district');
  if (!street) fail('street is required', 'street');
  if (!segment) fail('segment is required', 'segment');
  const noContactRaw = get('noContact').toLowerCase();
  if (!YES.has(noContactRaw) && !NO.has(noContactRaw))
    fail(`no_contact must be yes or no, not "${noContactRaw}"`, 'no_contact');
  const language = get('language').toLowerCase() || 'en';
  if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(language))
    fail(`"${language}" is not a language code such as en or zh`, 'language');
  return {
    customer: {
      account,
      name,
      phones,
      ...(email ? { email: email.toLowerCase() } : {}),
      address: get('address') || `${street}, ${district}`,
      area: { district, street, segment },
      language,
      noContact: YES.has(noContactRaw),
    },
    notes,
  };
}

/**
 * Reads a customer CSV into one record per account with a report line for every data row: accepted
 * (normalised where needed), merged into an earlier row of the same account, or rejected with the line
 * and why (broken quoting, a wrong number of fields, a bad value). The rows reported add up to the data
 * rows of the file.
 */
export function planCustomerImport(bytes: Uint8Array, region: string, declaredCharset?: string): ImportPlan {
  const { text, encoding } = decodeCsv(bytes, declaredCharset);
  const { records, broken } = parseCsv(text);
  const headerRecord = records[0];
  if (!headerRecord || (broken[0] && broken[0].line < headerRecord.line))
    throw new InvalidInputError(
      headerRecord ? `The header (line ${broken[0]?.line}) is no CSV record` : 'The file is empty',
      'file',
    );
  const header = headerRecord.fields;
  const data = records.slice(1);
  if (data.length + broken.length > MAX_IMPORT_ROWS)
    throw new InvalidInputError(
      `The file has ${data.length + broken.length} rows; at most ${MAX_IMPORT_ROWS} per import`,
      'file',
    );
  const columns = mapColumns(header);
  const byAccount = new Map<string, { customer: CustomerInput; line: number }>();
  const rejected = (line: number, reason: string, field: string, account?: string): ImportRowReport => ({
    line,
    ...(account ? { account } : {}),
    outcome: 'rejected',
    reason,
    field,
  });
  const read = ({ line, fields }: CsvRecord): ImportRowReport => {
    const account = (fields[columns.account ?? -1] ?? '').trim() || undefined;
    if (fields.length !== header.length)
      return rejected(
        line,
        `the row has ${fields.length} fields, the header has ${header.length}`,
        'row',
        account,
      );
    try {
      const { customer, notes } = readRow(fields, columns, region);
      const earlier = byAccount.get(customer.account);
      const extra = notes.length ? { notes } : {};
      if (earlier) {
        byAccount.set(customer.account, { customer: mergeCustomer(earlier.customer, customer), line });
        return {
          line,
          account: customer.account,
          outcome: 'merged',
          reason: `same account as line ${earlier.line}`,
          ...extra,
        };
      }
      byAccount.set(customer.account, { customer, line });
      return { line, account: customer.account, outcome: 'accepted', ...extra };
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return rejected(line, error.message, error.field ?? 'row', account);
    }
  };
  const rows = [
    ...data.filter((r) => r.fields.some((f) => f.trim() !== '')).map(read),
    ...broken.map((b) => rejected(b.line, b.reason, 'row')),
  ].sort((a, b) => a.line - b.line);
  return { encoding, rows, customers: [...byAccount.values()].map((v) => v.customer) };
}

/** The registry as a CSV the import reads back unchanged (round trip). */
export function customersToCsv(customers: readonly CustomerInput[]): string {
  const rows: CsvCell[][] = [
    [
      'account',
      'name',
      'phone',
      'email',
      'address',
      'district',
      'street',
      'segment',
      'language',
      'no_contact',
    ],
  ];
  for (const c of customers) {
    rows.push([
      c.account,
      c.name,
      c.phones.join('|'),
      c.email ?? '',
      c.address,
      c.area.district,
      c.area.street,
      c.area.segment,
      c.language,
      c.noContact ? 'yes' : 'no',
    ]);
  }
  return toCsv(rows);
}
