import type { CustomerInput } from './customer';
import type { ImportRowReport } from './customer-import';

/**
 * A customer file too large to save inside one request (API Gateway answers after 29 s) is taken as a job:
 * the request reads and checks every row (the row report is complete at once), stores the customers to save
 * in chunks and answers 202; the desk's reactor saves the chunks in slices, each chunk's counts added
 * exactly once, until the job is done. A crash anywhere resumes at the first chunk not yet counted.
 */

/** Imports of more customers than this are saved as a job; smaller ones inside the request. */
export const IMPORT_SYNC_MAX_CUSTOMERS = 2_000;

/** Customers per stored chunk (compressed: about 20 KB, far below DynamoDB's 400 KB item limit). */
export const IMPORT_CHUNK_SIZE = 1_000;

export type ImportJobState = 'queued' | 'saving' | 'done';

export interface ImportCounts {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

export interface ImportJob {
  readonly id: string;
  readonly state: ImportJobState;
  /** Who sent the file. */
  readonly by: string;
  readonly queuedAt: string;
  readonly finishedAt?: string;
  readonly encoding: string;
  /** The row report's totals, known when the file was read. */
  readonly rows: number;
  readonly accepted: number;
  readonly merged: number;
  readonly rejected: number;
  readonly withoutContact: number;
  /** Customers to save, and how many chunks they are stored in. */
  readonly customers: number;
  readonly chunks: number;
  /** Chunks saved and counted so far (chunk n is counted in the same write that sets this to n + 1). */
  readonly chunksDone: number;
  readonly saved: number;
  readonly counts: ImportCounts;
  readonly version: number;
}

/** What happened to an import job: its part of the desk's event log. */
export const importEventTypes = ['queued', 'progressed', 'finished'] as const;
export type ImportEventType = (typeof importEventTypes)[number];

export interface ImportEvent {
  readonly importId: string;
  readonly type: ImportEventType;
  readonly at: string;
  readonly actor: string;
  /** `progressed`: `next`, the first chunk of the next slice. `finished`: the counts. */
  readonly data: Readonly<Record<string, unknown>>;
}

export function chunked(customers: readonly CustomerInput[], size = IMPORT_CHUNK_SIZE): CustomerInput[][] {
  const out: CustomerInput[][] = [];
  for (let i = 0; i < customers.length; i += size) out.push(customers.slice(i, i + size));
  return out;
}

export function newImportJob(
  input: Omit<ImportJob, 'state' | 'chunksDone' | 'saved' | 'counts' | 'version' | 'finishedAt' | 'chunks'>,
): ImportJob {
  return {
    ...input,
    state: 'queued',
    chunks: Math.ceil(input.customers / IMPORT_CHUNK_SIZE),
    chunksDone: 0,
    saved: 0,
    counts: { created: 0, updated: 0, unchanged: 0 },
    version: 1,
  };
}

export function countOutcomes(outcomes: Iterable<'created' | 'updated' | 'unchanged'>): ImportCounts {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const outcome of outcomes) counts[outcome] += 1;
  return counts;
}

/** Chunk `n` is saved with these counts: the job moves past it (the last chunk ends the job). */
export function chunkSaved(
  job: ImportJob,
  n: number,
  size: number,
  counts: ImportCounts,
  now: string,
): ImportJob {
  if (n !== job.chunksDone) throw new Error(`Chunk ${n} is not the next of import ${job.id}`);
  const chunksDone = n + 1;
  const done = chunksDone >= job.chunks;
  return {
    ...job,
    state: done ? 'done' : 'saving',
    chunksDone,
    saved: job.saved + size,
    counts: {
      created: job.counts.created + counts.created,
      updated: job.counts.updated + counts.updated,
      unchanged: job.counts.unchanged + counts.unchanged,
    },
    ...(done ? { finishedAt: now } : {}),
    version: job.version + 1,
  };
}

/** The job as staff see it: its state, the file's totals and the save's progress. */
export function importJobView(job: ImportJob) {
  return {
    id: job.id,
    state: job.state,
    by: job.by,
    queuedAt: job.queuedAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    encoding: job.encoding,
    totals: {
      rows: job.rows,
      accepted: job.accepted,
      merged: job.merged,
      rejected: job.rejected,
      withoutContact: job.withoutContact,
      ...job.counts,
    },
    progress: { saved: job.saved, of: job.customers },
  };
}

/** A job as `GET /api/customers/imports/{id}` answers it. */
export type ImportJobView = ReturnType<typeof importJobView>;

/** The answer to an import saved in the request (or checked only, a dry run). */
export interface ImportReport {
  readonly encoding: string;
  readonly dryRun: boolean;
  readonly totals: {
    readonly rows: number;
    readonly accepted: number;
    readonly merged: number;
    readonly rejected: number;
    readonly created: number;
    readonly updated: number;
    readonly unchanged: number;
    readonly withoutContact: number;
  };
  /** Every row that was not simply accepted as written: rejected, merged or normalised. */
  readonly rows: readonly ImportRowReport[];
}

/** A file too large to save in the request: its row report now, its save as a job (status route). */
export interface QueuedImport {
  readonly encoding: string;
  readonly dryRun: false;
  readonly job: ImportJobView;
  readonly totals: Omit<ImportReport['totals'], 'created' | 'updated' | 'unchanged'>;
  readonly rows: readonly ImportRowReport[];
}
