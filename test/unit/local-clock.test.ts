import { describe, expect, it } from 'vitest';
import { LocalClock } from '#local/clock';

describe('LocalClock (the local runtime time)', () => {
  it('moves in steps on whole seconds and lets the listeners act at each one', async () => {
    const clock = new LocalClock();
    const start = clock.now().getTime();
    const seen: number[] = [];
    clock.onAdvance(() => {
      seen.push(clock.now().getTime());
    });
    const ended = (await clock.advance(3)).getTime();
    // Each step at (a few ms of real time after) the start of a second, one second apart.
    for (const at of seen) expect(at % 1000).toBeLessThan(50);
    const seconds = seen.map((at) => Math.floor(at / 1000));
    const first = Math.floor(start / 1000) + 1;
    expect(seconds).toEqual(Array.from({ length: seconds.length }, (_, i) => first + i));
    // Never short of the move asked for, and less than a second over it.
    expect(ended).toBeGreaterThanOrEqual(start + 3000);
    expect(Math.floor(ended / 1000)).toBe(Math.ceil((start + 3000) / 1000));
  });

  it('takes 15 s steps on long moves, still on whole seconds', async () => {
    const clock = new LocalClock();
    const start = clock.now().getTime();
    const seen: number[] = [];
    clock.onAdvance(() => {
      seen.push(clock.now().getTime());
    });
    await clock.advance(3600);
    expect(seen.length).toBeGreaterThanOrEqual(240);
    expect(seen.length).toBeLessThanOrEqual(241);
    for (const at of seen) expect(at % 1000).toBeLessThan(50);
    expect(Math.floor((seen[1] as number) / 1000) - Math.floor((seen[0] as number) / 1000)).toBe(15);
    expect(seen.at(-1) as number).toBeGreaterThanOrEqual(start + 3_600_000);
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
