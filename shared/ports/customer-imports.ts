import type { CustomerInput } from '#shared/domain/customer';
import type { ImportCounts, ImportEvent, ImportJob } from '#shared/domain/customer-import-job';

/** Customer files saved as jobs: the job, its stored chunks and its events (the desk's event log). */
export interface CustomerImportStore {
  /** The chunks first, then the job with its `queued` event in one write: no job without its chunks. */
  create(job: ImportJob, chunks: readonly (readonly CustomerInput[])[], event: ImportEvent): Promise<void>;
  get(id: string): Promise<ImportJob | undefined>;
  /** The customers of chunk `n`, and its counts once recorded. */
  chunk(id: string, n: number): Promise<{ customers: CustomerInput[]; counts?: ImportCounts }>;
  /** The chunk's counts, worked out before it is saved: the first recorded wins and is returned. */
  recordChunkCounts(id: string, n: number, counts: ImportCounts): Promise<ImportCounts>;
  /** Save the job's next state (if still at `expectedVersion`), with its event when given: false if it moved. */
  advance(next: ImportJob, expectedVersion: number, event?: ImportEvent): Promise<boolean>;
  /** A slice's `progressed` event, written once per position however often the slice runs. */
  appendProgress(event: ImportEvent): Promise<void>;
}
