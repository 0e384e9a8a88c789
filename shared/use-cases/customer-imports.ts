import { randomUUID } from 'node:crypto';
import type { ImportPlan } from '#shared/domain/customer-import';
import {
  chunked,
  chunkSaved,
  countOutcomes,
  type ImportEvent,
  type ImportJob,
  importJobView,
  newImportJob,
} from '#shared/domain/customer-import-job';
import { ForbiddenError, NotFoundError } from '#shared/domain/errors';
import { type Actor, hasRole } from '#shared/domain/ticket';
import type { Dependencies } from '#shared/ports/dependencies';

/** Chunks one slice of the reactor saves before it hands on to the next (a slice stays far inside 60 s). */
export const IMPORT_CHUNKS_PER_SLICE = 3;

const actorName = (actor: Actor) => (actor.kind === 'staff' ? actor.username : 'system');

/** Store a checked file's customers as a job; the reactor saves them (shared/reactions). */
export async function queueImport(
  deps: Dependencies,
  actor: Actor,
  plan: ImportPlan,
  totals: { rows: number; accepted: number; merged: number; rejected: number; withoutContact: number },
): Promise<ImportJob> {
  const now = deps.clock.now().toISOString();
  const job = newImportJob({
    id: randomUUID(),
    by: actorName(actor),
    queuedAt: now,
    encoding: plan.encoding,
    customers: plan.customers.length,
    ...totals,
  });
  const event: ImportEvent = { importId: job.id, type: 'queued', at: now, actor: job.by, data: {} };
  await deps.customerImports.create(job, chunked(plan.customers), event);
  return job;
}

/**
 * Save the job's next chunks, from the first not yet counted. Each chunk's counts are worked out and recorded
 * before it is written, and added to the job in the write that moves the job past it, so a slice that runs
 * again (a crash, a duplicate delivery) neither counts a chunk twice nor skips one. The last chunk's write
 * ends the job with its `finished` event; a slice that stops early hands on with a `progressed` event.
 */
export async function importSlice(deps: Dependencies, importId: string): Promise<void> {
  let job = await deps.customerImports.get(importId);
  for (let done = 0; job && job.state !== 'done' && done < IMPORT_CHUNKS_PER_SLICE; done++) {
    const n = job.chunksDone;
    const chunk = await deps.customerImports.chunk(importId, n);
    const counts =
      chunk.counts ??
      (await deps.customerImports.recordChunkCounts(
        importId,
        n,
        countOutcomes((await deps.customers.outcomesOf(chunk.customers)).values()),
      ));
    await deps.customers.saveMany(chunk.customers);
    const now = deps.clock.now().toISOString();
    const next = chunkSaved(job, n, chunk.customers.length, counts, now);
    const finished: ImportEvent | undefined =
      next.state === 'done'
        ? { importId, type: 'finished', at: now, actor: 'system:import', data: { ...next.counts } }
        : undefined;
    job = (await deps.customerImports.advance(next, job.version, finished))
      ? next
      : await deps.customerImports.get(importId);
  }
  if (job && job.state !== 'done') {
    await deps.customerImports.appendProgress({
      importId,
      type: 'progressed',
      at: deps.clock.now().toISOString(),
      actor: 'system:import',
      data: { next: job.chunksDone },
    });
  }
}

export async function importStatus(deps: Dependencies, actor: Actor, importId: string) {
  if (!hasRole(actor, 'supervisor'))
    throw new ForbiddenError('Only a supervisor or above may follow imports');
  const job = await deps.customerImports.get(importId);
  if (!job) throw new NotFoundError(`No customer import ${importId}`, 'id');
  return importJobView(job);
}
