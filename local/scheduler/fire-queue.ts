/**
 * Enabled schedules by their next fire time, as a binary min-heap that knows where each schedule sits,
 * so runDue finds what is due, and a create, update or delete re-files one schedule, in O(log n).
 */
interface QueuedSchedule {
  key: string;
  at: number;
}

export class FireQueue {
  private readonly heap: QueuedSchedule[] = [];
  private readonly positions = new Map<string, number>();

  get size(): number {
    return this.heap.length;
  }

  /** Files the schedule under `at`, moving it if it was already queued. */
  set(key: string, at: number): void {
    const index = this.positions.get(key);
    if (index === undefined) {
      this.heap.push({ key, at });
      this.positions.set(key, this.heap.length - 1);
      this.siftUp(this.heap.length - 1);
      return;
    }
    (this.heap[index] as QueuedSchedule).at = at;
    this.restore(index);
  }

  delete(key: string): void {
    const index = this.positions.get(key);
    if (index === undefined) return;
    this.positions.delete(key);
    const last = this.heap.pop() as QueuedSchedule;
    if (index === this.heap.length) return;
    this.heap[index] = last;
    this.positions.set(last.key, index);
    this.restore(index);
  }

  /** When the earliest queued schedule fires (epoch ms), or undefined when none is queued. */
  peekAt(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Takes every schedule due at `now` out of the queue, earliest first. */
  takeDue(now: number): string[] {
    const due: string[] = [];
    for (let first = this.heap[0]; first !== undefined && first.at <= now; first = this.heap[0]) {
      this.delete(first.key);
      due.push(first.key);
    }
    return due;
  }

  private restore(index: number): void {
    const parent = (index - 1) >> 1;
    if (index > 0 && this.before(index, parent)) this.siftUp(index);
    else this.siftDown(index);
  }

  /** Earlier time first; the key breaks ties so the order does not depend on how the heap was built. */
  private before(i: number, j: number): boolean {
    const a = this.heap[i] as QueuedSchedule;
    const b = this.heap[j] as QueuedSchedule;
    return a.at < b.at || (a.at === b.at && a.key < b.key);
  }

  private siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(child, parent)) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(index: number): void {
    let parent = index;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let first = parent;
      if (left < this.heap.length && this.before(left, first)) first = left;
      if (right < this.heap.length && this.before(right, first)) first = right;
      if (first === parent) return;
      this.swap(parent, first);
      parent = first;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as QueuedSchedule;
    const b = this.heap[j] as QueuedSchedule;
    this.heap[i] = b;
    this.heap[j] = a;
    this.positions.set(b.key, i);
    this.positions.set(a.key, j);
  }
}
