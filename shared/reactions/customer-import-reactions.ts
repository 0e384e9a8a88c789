import { importSlice } from '#shared/use-cases/customer-imports';
import type { Reaction } from './reaction';

/** A customer file taken as a job: its first slice of chunks is saved. */
export const startImport: Reaction<'customerImport.queued'> = {
  name: 'import-slice',
  run: (deps, { event }) => importSlice(deps, event.importId),
};

/** The import goes on at the chunk where its last slice stopped. */
export const continueImport: Reaction<'customerImport.progressed'> = {
  name: 'import-slice',
  run: (deps, { event }) => importSlice(deps, event.importId),
};
