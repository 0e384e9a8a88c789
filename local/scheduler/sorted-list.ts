/**
 * Items kept in order under `compare`, in blocks of at most 2 x BLOCK_SIZE (the layout of Python's
 * sortedcontainers): finding a place is two binary searches and an insert or delete shifts one block,
 * so keeping ListSchedules' order costs about the same at 1,000 schedules as at 100,000.
 */
const BLOCK_SIZE = 512;

export class SortedList<T> {
  private readonly blocks: T[][] = [];
  private count = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  insert(item: T): void {
    const last = this.blocks.length - 1;
    if (last < 0) {
      this.blocks.push([item]);
      this.count = 1;
      return;
    }
    const blockIndex = Math.min(this.firstBlockEndingAtOrAfter(item), last);
    const block = this.blocks[blockIndex] as T[];
    block.splice(this.lowerBound(block, item), 0, item);
    if (block.length > 2 * BLOCK_SIZE) this.blocks.splice(blockIndex + 1, 0, block.splice(BLOCK_SIZE));
    this.count += 1;
  }

  /** Removes the item that compares equal to `item`; false if there is none. */
  delete(item: T): boolean {
    const blockIndex = this.firstBlockEndingAtOrAfter(item);
    const block = this.blocks[blockIndex];
    if (block === undefined) return false;
    const index = this.lowerBound(block, item);
    if (index >= block.length || this.compare(block[index] as T, item) !== 0) return false;
    block.splice(index, 1);
    if (block.length === 0) this.blocks.splice(blockIndex, 1);
    this.count -= 1;
    return true;
  }

  /** The items from `start` on in order (all of them without `start`); `after` leaves out one equal to it. */
  *from(start?: T, { after = false } = {}): Generator<T> {
    let blockIndex = start === undefined ? 0 : this.firstBlockEndingAtOrAfter(start);
    const firstBlock = this.blocks[blockIndex];
    if (firstBlock === undefined) return;
    let index = 0;
    if (start !== undefined) {
      index = this.lowerBound(firstBlock, start);
      if (after && index < firstBlock.length && this.compare(firstBlock[index] as T, start) === 0) index += 1;
    }
    for (; blockIndex < this.blocks.length; blockIndex++, index = 0) {
      const block = this.blocks[blockIndex] as T[];
      for (; index < block.length; index++) yield block[index] as T;
    }
  }

  /** Index of the first block whose last item is not before `item`; blocks.length if there is none. */
  private firstBlockEndingAtOrAfter(item: T): number {
    let low = 0;
    let high = this.blocks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const block = this.blocks[middle] as T[];
      if (this.compare(block[block.length - 1] as T, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private lowerBound(block: readonly T[], item: T): number {
    let low = 0;
    let high = block.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.compare(block[middle] as T, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
