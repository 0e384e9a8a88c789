import { describe, expect, it } from 'vitest';
import type { CustomerInput } from '#shared/domain/customer';
import {
  chunked,
  chunkSaved,
  countOutcomes,
  IMPORT_CHUNK_SIZE,
  importJobView,
  newImportJob,
} from '#shared/domain/customer-import-job';

const NOW = '2026-12-03T09:00:00.000Z';
const totals = { rows: 600, accepted: 590, merged: 5, rejected: 5, withoutContact: 2 };
const aJob = (customers: number) =>
  newImportJob({ id: 'imp-1', by: 'sam', queuedAt: NOW, encoding: 'utf-8', customers, ...totals });
const customer = (i: number): CustomerInput =>
  ({ account: `A-${i}`, name: `N ${i}`, phones: [] }) as unknown as CustomerInput;

describe('a customer import saved as a job', () => {
  it('is stored in chunks that cover every customer once, in file order', () => {
    const customers = Array.from({ length: IMPORT_CHUNK_SIZE * 2 + 7 }, (_, i) => customer(i));
    const parts = chunked(customers);
    expect(parts.map((p) => p.length)).toEqual([IMPORT_CHUNK_SIZE, IMPORT_CHUNK_SIZE, 7]);
    expect(parts.flat().map((c) => c.account)).toEqual(customers.map((c) => c.account));
    expect(aJob(customers.length).chunks).toBe(3);
  });

  it('adds each chunk once, in order, and ends with the last', () => {
    let job = aJob(IMPORT_CHUNK_SIZE + 10);
    expect(job.state).toBe('queued');
    job = chunkSaved(job, 0, IMPORT_CHUNK_SIZE, { created: 200, updated: 40, unchanged: 10 }, NOW);
    expect(job).toMatchObject({ state: 'saving', chunksDone: 1, saved: IMPORT_CHUNK_SIZE, version: 2 });
    // a slice that runs again for chunk 0 is refused: its counts are in already
    expect(() =>
      chunkSaved(job, 0, IMPORT_CHUNK_SIZE, { created: 1, updated: 0, unchanged: 0 }, NOW),
    ).toThrow(/not the next/);
    job = chunkSaved(job, 1, 10, countOutcomes(['created', 'unchanged', ...Array(8).fill('updated')]), NOW);
    expect(job).toMatchObject({
      state: 'done',
      finishedAt: NOW,
      saved: IMPORT_CHUNK_SIZE + 10,
      counts: { created: 201, updated: 48, unchanged: 11 },
    });
    expect(importJobView(job)).toMatchObject({
      state: 'done',
      totals: { rows: 600, rejected: 5, created: 201, updated: 48, unchanged: 11 },
      progress: { saved: IMPORT_CHUNK_SIZE + 10, of: IMPORT_CHUNK_SIZE + 10 },
    });
  });
});
