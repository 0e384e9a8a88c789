import { describe, expect, it } from 'vitest';
import { LocalClock } from '#local/clock';

describe('LocalClock (the local runtime time)', () => {
  it('moves in steps and lets the listeners act at each one', async () => {
    const clock = new LocalClock();
    const start = clock.now().getTime();
    const seen: number[] = [];
    clock.onAdvance(() => {
      seen.push(Math.round((clock.now().getTime() - start) / 1000));
    });
    await clock.advance(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('waits for work in flight before each step, so it finishes in the second it started in', async () => {
    const clock = new LocalClock();
    const start = clock.now().getTime();
    let release: () => void = () => undefined;
    let inFlight: Promise<void> | undefined = new Promise<void>((r) => {
      release = r;
    });
    clock.beforeStep(() => inFlight);
    const moving = clock.advance(2);
    await new Promise((r) => setTimeout(r, 30));
    // The handler is still running: time has not moved under it.
    expect(clock.now().getTime() - start).toBeLessThan(1000);
    inFlight = undefined;
    release();
    await moving;
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(2000);
  });

  it('only moves forward', async () => {
    await expect(new LocalClock().advance(-1)).rejects.toThrow(RangeError);
  });
});
