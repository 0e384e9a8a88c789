/** Issue 17 line 18: the largest customer file the desk takes is imported without a 5xx, every row accounted for. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMPORT_ROWS } from '#shared/domain/customer-import';
import { Desk, type Staff } from './support/desk';

let desk: Desk;
let supervisor: Staff;

beforeAll(async () => {
  desk = await Desk.open();
  supervisor = await desk.staff('sam', ['supervisor']);
});
afterAll(() => desk?.close());

const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';

/** 50,000 rows: a few with a phone nobody can call (rejected), one account twice (merged). */
function bigFile(): { csv: string; rejected: number; merged: number } {
  const rows: string[] = [];
  let rejected = 0;
  for (let i = 0; i < MAX_IMPORT_ROWS - 1; i++) {
    const broken = i % 5000 === 4999;
    if (broken) rejected++;
    rows.push(
      `BIG-${i},Customer ${i},${broken ? 'call me' : `+1204${String(5550000 + (i % 10000))}`},,${i} Birch Rd,North,Birch Rd,B${i % 7},en,no`,
    );
  }
  rows.push('BIG-7,Customer 7,+12045559999,seven@example.com,7 Birch Rd,North,Birch Rd,B0,en,no');
  return { csv: [HEADER, ...rows].join('\n'), rejected, merged: 1 };
}

interface Totals {
  rows: number;
  accepted: number;
  merged: number;
  rejected: number;
  created?: number;
  updated?: number;
  unchanged?: number;
}

describe('a supervisor imports the largest customer file the desk takes', () => {
  it('is answered at once with every row checked, saved in the background, and followed to the end', async () => {
    const { csv, rejected, merged } = bigFile();
    const preview = await supervisor.post<{ totals: Totals }>(
      '/api/customers/import?dryRun=true',
      undefined,
      {
        rawBody: csv,
        headers: { 'content-type': 'text/csv' },
      },
    );
    expect(preview.status, preview.text.slice(0, 300)).toBe(200);
    expect(preview.body.totals.rows).toBe(MAX_IMPORT_ROWS);

    const answer = await supervisor.post<{
      totals: Totals;
      rows: { line: number; outcome: string; field?: string }[];
      job: { id: string; state: string };
    }>('/api/customers/import', undefined, { rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(answer.status, answer.text.slice(0, 300)).toBe(202);
    const location = answer.headers.get('location') ?? '';
    expect(location).toBe(`/api/customers/imports/${answer.body.job.id}`);
    const { totals } = answer.body;
    expect(totals.accepted + totals.merged + totals.rejected).toBe(MAX_IMPORT_ROWS);
    expect(totals).toMatchObject({ rows: MAX_IMPORT_ROWS, rejected, merged });
    expect(answer.body.rows.filter((r) => r.outcome === 'rejected')).toHaveLength(rejected);
    expect(answer.body.rows.find((r) => r.outcome === 'rejected')).toMatchObject({ field: 'phone' });

    let status = await supervisor.get<{
      state: string;
      totals: Totals;
      progress: { saved: number; of: number };
    }>(location);
    for (let step = 0; step < 600 && status.body.state !== 'done'; step++) {
      await desk.settle();
      status = await supervisor.get(location);
      expect(status.status).toBe(200);
    }
    const customers = MAX_IMPORT_ROWS - rejected - merged;
    expect(status.body).toMatchObject({
      state: 'done',
      progress: { saved: customers, of: customers },
      totals: { created: customers, updated: 0, unchanged: 0 },
    });
    const last = await supervisor.get<{ name: string; email?: string }>(
      `/api/customers/BIG-${MAX_IMPORT_ROWS - 2}`,
    );
    expect(last.body.name).toBe(`Customer ${MAX_IMPORT_ROWS - 2}`);
    // the account given twice keeps the later row's e-mail
    expect((await supervisor.get<{ email?: string }>('/api/customers/BIG-7')).body.email).toBe(
      'seven@example.com',
    );
  }, 600_000);

  it('an import id that is not one, or another, is a clear 4xx', async () => {
    const forged = await supervisor.get<{ error: { code: string; field?: string } }>(
      '/api/customers/imports/nope',
    );
    expect(forged.status).toBe(400);
    expect(forged.body.error.field).toBe('id');
    const unknown = await supervisor.get('/api/customers/imports/7f9c4a52-6a3f-4c53-9d1e-2f4b8a1c0e11');
    expect(unknown.status).toBe(404);
    const agent = await desk.staff('alice', ['agent']);
    expect((await agent.get('/api/customers/imports/7f9c4a52-6a3f-4c53-9d1e-2f4b8a1c0e11')).status).toBe(403);
  });
});
