/**
 * Long jobs (a broadcast's fan-out, its follow-ups, an incident's notices) run as slices: each slice works
 * until its real-time budget is spent, then saves where it stopped in a progress event whose reaction runs
 * the next slice. Whatever stops a slice, its retry starts from the last saved point and every step is
 * idempotent, so nothing is dropped or done twice.
 */

/** Real time one slice may take before it hands the rest to the next (well inside any Lambda timeout). */
export const SLICE_MS = 2000;

/** Milliseconds the current slice has left (at or below 0: hand over). */
export type SliceTimeLeft = () => number;

/** A slice's budget, counted from now. */
export function sliceClock(budgetMs = SLICE_MS): SliceTimeLeft {
  const started = Date.now();
  return () => budgetMs - (Date.now() - started);
}

/**
 * One slice over items in key order: the items after `after` are stepped through, one at a time, until the
 * time is up; then `handOver` gets the key of the last one done (at least one is done per slice, so a
 * slice always makes progress). 'done' when none is left.
 */
export async function keyOrderedSlice<T>(
  items: readonly T[],
  options: {
    readonly keyOf: (item: T) => string;
    readonly after?: string;
    readonly timeLeft: SliceTimeLeft;
    readonly step: (item: T) => Promise<unknown>;
    readonly handOver: (lastKey: string) => Promise<void>;
  },
): Promise<'done' | 'continues'> {
  const { keyOf, after, timeLeft } = options;
  const owed = items
    .filter((item) => after === undefined || keyOf(item) > after)
    .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  let last = after;
  for (const item of owed) {
    if (last !== after && timeLeft() <= 0) {
      await options.handOver(last as string);
      return 'continues';
    }
    await options.step(item);
    last = keyOf(item);
  }
  return 'done';
}
