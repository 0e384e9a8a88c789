/**
 * The theoretical bound of a run of outbound calls: the makespan of an ideal dialer that knows every call's
 * duration in advance and wastes nothing. It starts every attempt the moment the limits allow (at most
 * `perSecond` starts in one clock second, at most `concurrent` calls live), each job's next attempt no
 * sooner than its back-off after the previous attempt ended. The benchmark feeds it the durations the
 * emulator measured (the bound of the same calls the real run made); a broadcast's estimate feeds it the
 * calls of past broadcasts (shared/domain/broadcast-estimate.ts).
 */
export interface IdealLimits {
  readonly perSecond: number;
  readonly concurrent: number;
  /** Milliseconds to wait after attempt n (1-based) of job `job` (its index) ended before attempt n + 1 may start. */
  readonly backoffMs: (attempt: number, job: number) => number;
}

/** One job: the duration in ms of each attempt it made, in order. */
export type IdealJob = readonly number[];

/** A small binary min-heap keyed by a number. */
class MinHeap<T> {
  private readonly items: { key: number; value: T }[] = [];

  get size(): number {
    return this.items.length;
  }

  peekKey(): number | undefined {
    return this.items[0]?.key;
  }

  push(key: number, value: T): void {
    const items = this.items;
    items.push({ key, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as { key: number; value: T };
      const c = items[i] as { key: number; value: T };
      if (p.key <= c.key) break;
      items[parent] = c;
      items[i] = p;
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && (items[l]?.key ?? 0) < (items[m]?.key ?? 0)) m = l;
        if (r < items.length && (items[r]?.key ?? 0) < (items[m]?.key ?? 0)) m = r;
        if (m === i) break;
        const a = items[i] as { key: number; value: T };
        items[i] = items[m] as { key: number; value: T };
        items[m] = a;
        i = m;
      }
    }
    return top.value;
  }
}

/** Milliseconds from the first possible start (time 0, all jobs due) until the last call ends. */
export function idealMakespanMs(jobs: readonly IdealJob[], limits: IdealLimits): number {
  if (limits.perSecond < 1 || limits.concurrent < 1) throw new RangeError('Limits must be at least 1');
  const ready = new MinHeap<{ job: number; attempt: number }>();
  const live = new MinHeap<{ job: number; attempt: number }>();
  jobs.forEach((attempts, job) => {
    if (attempts.length > 0) ready.push(0, { job, attempt: 0 });
  });
  let t = 0;
  let second = 0;
  let startsInSecond = 0;
  let makespan = 0;
  while (ready.size > 0 || live.size > 0) {
    while ((live.peekKey() ?? Number.POSITIVE_INFINITY) <= t) {
      const ended = live.pop() as { job: number; attempt: number };
      const next = ended.attempt + 1;
      if (next < (jobs[ended.job]?.length ?? 0))
        ready.push(t + limits.backoffMs(ended.attempt + 1, ended.job), { job: ended.job, attempt: next });
    }
    if (Math.floor(t / 1000) !== second) {
      second = Math.floor(t / 1000);
      startsInSecond = 0;
    }
    while (
      (ready.peekKey() ?? Number.POSITIVE_INFINITY) <= t &&
      live.size < limits.concurrent &&
      startsInSecond < limits.perSecond
    ) {
      const start = ready.pop() as { job: number; attempt: number };
      const end = t + (jobs[start.job]?.[start.attempt] ?? 0);
      live.push(end, start);
      startsInSecond += 1;
      makespan = Math.max(makespan, end);
    }
    const nextEnd = live.peekKey() ?? Number.POSITIVE_INFINITY;
    const nextReady = ready.peekKey() ?? Number.POSITIVE_INFINITY;
    let next = Math.min(nextEnd, nextReady > t ? nextReady : Number.POSITIVE_INFINITY);
    // Work is ready but this second's starts are used up: the next second frees them.
    if (nextReady <= t && live.size < limits.concurrent) next = Math.min(next, (second + 1) * 1000);
    if (!Number.isFinite(next)) break;
    t = next;
  }
  return makespan;
}
