import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterDependencies as Dependencies, dependencies } from '#shared/adapters/dependencies';
import { IMPORT_SYNC_MAX_CUSTOMERS } from '#shared/domain/customer-import-job';
import type { Actor } from '#shared/domain/ticket';
import { importSlice } from '#shared/use-cases/customer-imports';
import { importCustomers } from '#shared/use-cases/customers';
import { LocalApi } from '#test/support/local-api';

/**
 * A file larger than one request can save is a job saved in slices by the reactor. Slices that die between
 * saving a chunk and counting it, and slices that run twice at once, still leave every customer saved and
 * each counted once: created, updated and unchanged add up to the customers in the file.
 */
let api: LocalApi;
beforeAll(async () => {
  api = await LocalApi.start({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
});
afterAll(async () => {
  await api.stop();
});

const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';
const row = (i: number, name = `Customer ${i}`) =>
  `IJ-${i},${name},+1203555${String(i).padStart(4, '0')},,${i} Ash St,West,Ash St,W1,en,no`;
const supervisor: Actor = { kind: 'staff', username: 'sam', roles: ['supervisor'] } as unknown as Actor;

/** Dependencies whose import store dies (throws) on some advances: after the chunk is saved, before it counts. */
function crashing(deps: Dependencies, every: number): Dependencies {
  let calls = 0;
  const store = deps.customerImports;
  return {
    ...deps,
    customerImports: {
      create: (...a) => store.create(...a),
      get: (id) => store.get(id),
      chunk: (id, n) => store.chunk(id, n),
      recordChunkCounts: (id, n, c) => store.recordChunkCounts(id, n, c),
      appendProgress: (e) => store.appendProgress(e),
      advance: async (...a) => {
        calls += 1;
        if (calls % every === 0) throw new Error('killed after saving the chunk');
        return store.advance(...a);
      },
    },
  };
}

describe('a customer import saved as a job', () => {
  it('counts every customer once through crashes and duplicate slices', async () => {
    const deps = dependencies();
    const COUNT = IMPORT_SYNC_MAX_CUSTOMERS + 600;
    // already stored: 300 the file leaves as they are, 200 it renames
    const before = await importCustomers(
      deps,
      supervisor,
      {
        bytes: new TextEncoder().encode(
          [HEADER, ...Array.from({ length: 500 }, (_, i) => row(i))].join('\n'),
        ),
      },
      { dryRun: false },
    );
    expect(before.kind).toBe('saved');
    const file = [
      HEADER,
      ...Array.from({ length: COUNT }, (_, i) => row(i, i >= 300 && i < 500 ? `Renamed ${i}` : undefined)),
    ];
    const result = await importCustomers(
      deps,
      supervisor,
      { bytes: new TextEncoder().encode(file.join('\n')) },
      { dryRun: false },
    );
    if (result.kind !== 'queued') throw new Error('expected a job');
    const id = result.queued.job.id;
    expect(result.queued.totals).toMatchObject({ rows: COUNT, accepted: COUNT, rejected: 0 });

    // slices of our own beside the reactor's, dying now and then
    const flaky = crashing(deps, 3);
    for (let round = 0; round < 40; round++) {
      const job = await deps.customerImports.get(id);
      if (job?.state === 'done') break;
      await Promise.all([
        importSlice(flaky, id).catch(() => undefined),
        importSlice(flaky, id).catch(() => undefined),
      ]);
    }
    await api.settled();
    const job = await deps.customerImports.get(id);
    expect(job).toMatchObject({
      state: 'done',
      saved: COUNT,
      counts: { created: COUNT - 500, updated: 200, unchanged: 300 },
    });
    expect((await deps.customers.get(`IJ-${COUNT - 1}`))?.name).toBe(`Customer ${COUNT - 1}`);
    expect((await deps.customers.get('IJ-450'))?.name).toBe('Renamed 450');
  }, 240_000);
});
