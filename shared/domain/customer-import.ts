import { type CustomerInput, isEmail, mergeCustomer } from './customer';
import { InvalidInputError } from './errors';
import { toE164 } from './phone';

/** Rows one import may hold; bigger files are split by the sender. */
export const MAX_IMPORT_ROWS = 50_000;

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * Text of a CSV file whose encoding nobody told us: a byte-order mark decides, else valid UTF-8 is
 * UTF-8, else it is read as Windows-1252 (what spreadsheet programs write as "ANSI"/Latin-1).
 */
export function decodeCsv(bytes: Uint8Array, declared?: string): { text: string; encoding: CsvEncoding } {
  const charset = declared?.trim().toLowerCase();
  if (charset === 'iso-8859-1' || charset === 'latin1' || charset === 'windows-1252')
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** RFC 4180 records (quoted fields, doubled quotes, CRLF or LF), the delimiter guessed from the header. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [',', ';', '\t'].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  );
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.filter((r) => r.some((f) => f.trim() !== ''));
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

/** Which column of the file holds what; unknown columns are ignored, missing required ones refuse the file. */
export function mapColumns(header: readonly string[]): Partial<Record<ImportColumn, number>> {
  const columns: Partial<Record<ImportColumn, number>> = {};
  header.forEach((raw, index) => {
    const name = raw
      .trim()
      .toLowerCase()
      .replace(/^\uFEFF/, '');
    for (const [column, aliases] of Object.entries(COLUMN_ALIASES)) {
      if (aliases.includes(name) && columns[column as ImportColumn] === undefined)
        columns[column as ImportColumn] = index;
    }
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
    return index === undefined ? '' : (fields[index] ?? '').trim();
  };
  const fail = (message: string, field: string): never => {
    throw new InvalidInputError(message, field);
  };
  const notes: string[] = [];
  const text = [get('account'), get('name'), get('address'), get('district'), get('street'), get('segment')];
  if (text.some((t) => t.includes('\uFFFD')))
    fail('unreadable characters: save the file as UTF-8 and import it again', 'encoding');
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
 * Reads a customer CSV into one record per account with a report line for every row: accepted
 * (normalised where needed), merged into an earlier row of the same account, or rejected with why.
 */
export function planCustomerImport(bytes: Uint8Array, region: string, declaredCharset?: string): ImportPlan {
  const { text, encoding } = decodeCsv(bytes, declaredCharset);
  const records = parseCsv(text);
  const [header, ...data] = records;
  if (!header) throw new InvalidInputError('The file is empty', 'file');
  if (data.length > MAX_IMPORT_ROWS)
    throw new InvalidInputError(
      `The file has ${data.length} rows; at most ${MAX_IMPORT_ROWS} per import`,
      'file',
    );
  const columns = mapColumns(header);
  const byAccount = new Map<string, { customer: CustomerInput; line: number }>();
  const rows: ImportRowReport[] = data.map((fields, index) => {
    const line = index + 2;
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
      const account = (fields[columns.account ?? -1] ?? '').trim();
      return {
        line,
        ...(account ? { account } : {}),
        outcome: 'rejected',
        reason: error.message,
        ...(error.field ? { field: error.field } : {}),
      };
    }
  });
  return { encoding, rows, customers: [...byAccount.values()].map((v) => v.customer) };
}

/** The registry as a CSV the import reads back unchanged (round trip). */
export function customersToCsv(customers: readonly CustomerInput[]): string {
  const quote = (value: string) => (/[",\n\r;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = ['account,name,phone,email,address,district,street,segment,language,no_contact'];
  for (const c of customers) {
    lines.push(
      [
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
      ]
        .map(quote)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
