import { describe, expect, it } from 'vitest';
import { keyOrderedSlice } from '#shared/use-cases/slices';

/** A slice clock that says time is left `looks` times, then that it is up. */
const timeFor = (looks: number) => {
  let left = looks;
  return () => left--;
};

describe('a slice of a long job', () => {
  it('steps through the items after the last one done, in key order, and says when none is left', async () => {
    const done: string[] = [];

    const result = await keyOrderedSlice(['c', 'a', 'd', 'b'], {
      keyOf: (k) => k,
      after: 'a',
      timeLeft: () => 1000,
      step: async (k) => void done.push(k),
      handOver: async () => {
        throw new Error('no hand-over when the slice finishes');
      },
    });

    expect(result).toBe('done');
    expect(done).toEqual(['b', 'c', 'd']);
  });

  it('hands the rest over with the last key done once its time is up, and the next slice goes on from there', async () => {
    const done: string[] = [];
    const handedOver: string[] = [];
    const slice = (after?: string) =>
      keyOrderedSlice(['a', 'b', 'c', 'd', 'e'], {
        keyOf: (k) => k,
        ...(after ? { after } : {}),
        timeLeft: timeFor(1),
        step: async (k) => void done.push(k),
        handOver: async (last) => void handedOver.push(last),
      });

    expect(await slice()).toBe('continues');
    expect(await slice(handedOver.at(-1))).toBe('continues');
    expect(await slice(handedOver.at(-1))).toBe('done');

    expect(done).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(handedOver).toEqual(['b', 'd']);
  });

  it('does at least one item per slice, even with no time at all, so it always moves on', async () => {
    const done: string[] = [];

    const result = await keyOrderedSlice(['x', 'y'], {
      keyOf: (k) => k,
      timeLeft: () => 0,
      step: async (k) => void done.push(k),
      handOver: async () => undefined,
    });

    expect(result).toBe('continues');
    expect(done).toEqual(['x']);
  });
});
