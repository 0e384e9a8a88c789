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

describe('LocalClock in virtual mode', () => {
  /** A due source over a list of moments; the listener takes those that are due. */
  const timers = (clock: LocalClock, moments: number[]) => {
    const fired: number[] = [];
    clock.addDueSource(() => (moments.length ? Math.min(...moments) : undefined));
    clock.onAdvance(() => {
      const now = clock.now().getTime();
      for (const at of [...moments].sort((a, b) => a - b)) {
        if (at > now) break;
        moments.splice(moments.indexOf(at), 1);
        fired.push(now);
      }
    });
    return fired;
  };

  it('stands still while nothing moves it, however long real time runs', async () => {
    const clock = new LocalClock(undefined, { mode: 'virtual' });
    const before = clock.now().getTime();
    await new Promise((r) => setTimeout(r, 30));
    expect(clock.now().getTime()).toBe(before);
  });

  it('jumps straight to each moment something is due, in order, and ends where the move ends', async () => {
    const clock = new LocalClock(undefined, { mode: 'virtual' });
    const start = clock.now().getTime();
    const moments = [start + 2_500, start + 90_000, start + 7_000];
    const fired = timers(clock, [...moments]);
    let steps = 0;
    clock.onAdvance(() => {
      steps += 1;
    });

    const ended = (await clock.advance(3600)).getTime();

    expect(fired).toEqual([start + 2_500, start + 7_000, start + 90_000]);
    // Three due moments and the end of the move, not 240 steps of 15 s.
    expect(steps).toBeLessThanOrEqual(5);
    expect(ended).toBe(Math.ceil((start + 3_600_000) / 1000) * 1000);
  });

  it('leaves what is due after the move for the next move', async () => {
    const clock = new LocalClock(undefined, { mode: 'virtual' });
    const start = clock.now().getTime();
    const fired = timers(clock, [start + 10_000, start + 120_000]);

    await clock.advance(60);

    expect(fired).toEqual([start + 10_000]);
    await clock.advance(60);
    expect(fired).toEqual([start + 10_000, start + 120_000]);
  });

  it('moves on when something due is never taken (it waits on something else), instead of hanging', async () => {
    const clock = new LocalClock(undefined, { mode: 'virtual' });
    const start = clock.now().getTime();
    clock.addDueSource(() => start);

    const ended = (await clock.advance(5)).getTime();

    expect(ended).toBeGreaterThanOrEqual(start + 5_000);
  });

  it('on autopilot jumps to the next thing due whenever the desk is idle', async () => {
    const clock = new LocalClock(undefined, { mode: 'virtual' });
    const start = clock.now().getTime();
    const fired = timers(clock, [start + 3_600_000, start + 86_400_000]);
    let settles = 0;

    clock.startAutopilot(async () => {
      settles += 1;
    });
    for (let i = 0; i < 200 && fired.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    await clock.stopAutopilot();

    expect(fired).toEqual([start + 3_600_000, start + 86_400_000]);
    expect(settles).toBeGreaterThan(0);
  });

  it('keeps real mode as it was: real time runs on between moves', async () => {
    const clock = new LocalClock();
    const before = clock.now().getTime();
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now().getTime()).toBeGreaterThan(before);
  });
});
