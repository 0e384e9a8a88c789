import { describe, expect, it } from 'vitest';
import { matchesSelection, mergeCustomer } from '#shared/domain/customer';
import { customersToCsv, decodeCsv, parseCsv, planCustomerImport } from '#shared/domain/customer-import';
import { InvalidInputError } from '#shared/domain/errors';

const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';
const utf8 = (text: string) => new TextEncoder().encode(text);
const plan = (text: string) => planCustomerImport(utf8(text), 'US');

describe('reading a customer CSV', () => {
  it('accepts good rows and normalises phone numbers to E.164', () => {
    const result = plan(
      `${HEADER}\nA-1,Ada Lovelace,(201) 555-0123,ada@example.com,1 Elm St,North,Elm St,S1,en,no\n`,
    );

    expect(result.rows).toEqual([
      { line: 2, account: 'A-1', outcome: 'accepted', notes: ['phone (201) 555-0123 read as +12015550123'] },
    ]);
    expect(result.customers[0]).toMatchObject({ account: 'A-1', phones: ['+12015550123'], noContact: false });
  });

  it('rejects a row with a phone that is no phone number, naming the line and the reason', () => {
    const result = plan(
      `${HEADER}\nA-1,Ada,12,,1 Elm St,North,Elm St,S1,en,no\nA-2,Bob,2015550124,,2 Elm St,North,Elm St,S1,en,no\n`,
    );

    expect(result.rows[0]).toMatchObject({
      line: 2,
      outcome: 'rejected',
      field: 'phone',
      reason: '"12" is not a phone number',
    });
    expect(result.customers.map((c) => c.account)).toEqual(['A-2']);
  });

  it('merges rows of one account, uniting their phone numbers and keeping a no-contact request', () => {
    const result = plan(
      `${HEADER}\nA-1,Ada,2015550123,,1 Elm St,North,Elm St,S1,en,yes\nA-1,Ada L.,2015550199,ada@example.com,1 Elm St,North,Elm St,S1,en,no\n`,
    );

    expect(result.rows[1]).toMatchObject({ line: 3, outcome: 'merged', reason: 'same account as line 2' });
    expect(result.customers).toHaveLength(1);
    expect(result.customers[0]).toMatchObject({
      name: 'Ada L.',
      phones: ['+12015550199', '+12015550123'],
      email: 'ada@example.com',
      noContact: true,
    });
  });

  it('refuses a file without the columns a selection needs', () => {
    expect(() => plan('account,name,phone\nA-1,Ada,2015550123\n')).toThrow(InvalidInputError);
    expect(() => plan('account,name,phone\nA-1,Ada,2015550123\n')).toThrow(/district, street, segment/);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks, and semicolon files', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\r\n').records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
    expect(parseCsv('a;b\n1;2\n').records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reports a stray quote as one rejected line and still reads the lines after it', () => {
    const rows = [2, 3, 4, 5, 6, 7].map((i) => `A-${i},Ada ${i},2015550123,,1 Elm St,North,Elm St,S1,en,no`);
    const result = plan(
      `${HEADER}\nA-1,"Ada,2015550123,,1 Elm St,North,Elm St,S1,en,no\n${rows.join('\n')}\n`,
    );

    expect(result.rows).toHaveLength(7);
    expect(result.rows[0]).toMatchObject({ line: 2, outcome: 'rejected' });
    expect(result.rows.filter((r) => r.outcome === 'accepted')).toHaveLength(6);
  });

  it('refuses unknown and repeated headers, and rows with extra fields', () => {
    expect(() => plan(`${HEADER},notes\n`)).toThrow(/Unknown column "notes"/);
    expect(() => plan(`${HEADER},telephone\n`)).toThrow(/repeats "phone"/);
    const result = plan(`${HEADER}\nA-1,Ada,2015550123,,1 Elm St,North,Elm St,S1,en,no,extra\n`);
    expect(result.rows[0]).toMatchObject({ line: 2, outcome: 'rejected', field: 'row' });
  });

  it('reads Windows-1252 when declared, UTF-8 with a BOM and UTF-16 files', () => {
    const latin1 = Uint8Array.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]); // "Müller" in Windows-1252
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('Müller')]);
    const utf16 = Uint8Array.from([0xff, 0xfe, ...Buffer.from('Müller', 'utf16le')]);

    expect(decodeCsv(latin1, 'windows-1252')).toEqual({ text: 'Müller', encoding: 'windows-1252' });
    expect(() => decodeCsv(latin1)).toThrow(/Line 1 holds a byte that is not UTF-8/);
    expect(decodeCsv(bom)).toEqual({ text: 'Müller', encoding: 'utf-8' });
    expect(decodeCsv(utf16)).toEqual({ text: 'Müller', encoding: 'utf-16le' });
  });

  it('refuses a file with unreadable characters as a whole, naming the line, instead of storing garbled names', () => {
    expect(() => plan(`${HEADER}\nA-1,M\uFFFDller,2015550123,,1 Elm St,North,Elm St,S1,en,no\n`)).toThrow(
      /Line 2 holds a byte that is not UTF-8/,
    );
  });

  it('reads 10,000 lines with every row accounted for', () => {
    const lines = [HEADER];
    for (let i = 0; i < 10_000; i++) {
      const phone = i % 100 === 0 ? 'not-a-phone' : `201555${String(i % 10_000).padStart(4, '0')}`;
      lines.push(
        `ACC-${i % 9_990},Customer ${i},${phone},,${i} Main St,D${i % 7},Main St,SEG-${i % 13},en,no`,
      );
    }

    const result = plan(lines.join('\n'));

    expect(result.rows).toHaveLength(10_000);
    const counts = { accepted: 0, merged: 0, rejected: 0 };
    for (const r of result.rows) counts[r.outcome]++;
    expect(counts.rejected).toBe(100);
    expect(counts.accepted + counts.merged + counts.rejected).toBe(10_000);
    expect(result.customers.length).toBe(counts.accepted);
  });

  it('exports a registry that reads back to the same customers', () => {
    const original = plan(
      `${HEADER}\nA-1,"Lovelace, Ada",2015550123|2015550124,ada@example.com,"1 Elm St, Apt ""B""",North,Elm St,S1,zh,yes\n`,
    ).customers;

    const again = planCustomerImport(utf8(customersToCsv(original)), 'US').customers;

    expect(again).toEqual(original);
  });
});

describe('selecting customers by service area', () => {
  const area = { district: 'North', street: 'Elm  Street', segment: 'S1' };

  it('matches every given criterion, ignoring case and extra spaces', () => {
    expect(matchesSelection(area, { districts: ['north'], streets: ['elm street'] })).toBe(true);
    expect(matchesSelection(area, { districts: ['north'], segments: ['S2'] })).toBe(false);
  });

  it('keeps the newest values when two records of one account merge', () => {
    const older = {
      account: 'A',
      name: 'Old',
      phones: ['+12015550123'],
      address: 'x',
      area,
      language: 'en',
      noContact: false,
    };
    const newer = { ...older, name: 'New', phones: [] };

    expect(mergeCustomer(older, newer)).toMatchObject({ name: 'New', phones: ['+12015550123'] });
  });
});
