import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Clock } from '#shared/ports/clock';

type Listener = () => Promise<void> | void;

/**
 * The local runtime's simulated time: real time plus an offset that only moves forward.
 * Handlers and emulators read it; tests advance it instead of sleeping.
 */
export class LocalClock implements Clock {
  private offsetMs = 0;
  private readonly listeners: Listener[] = [];
  private readonly quiet: Listener[] = [];

  constructor(private readonly stateFile?: string) {
    if (stateFile && existsSync(stateFile)) {
      const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { offsetMs?: number };
      this.offsetMs = Number(saved.offsetMs ?? 0);
    }
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Run after every advance (and awaited), e.g. firing due schedules. */
  onAdvance(listener: Listener): void {
    this.listeners.push(listener);
  }

  /**
   * Awaited before every step: work in flight (a handler between two AWS calls) finishes at the time it
   * started in, so no step lands in the middle of it (a call counted against one second must not reach
   * Connect in the next).
   */
  beforeStep(hook: Listener): void {
    this.quiet.push(hook);
  }

  /**
   * Moves time forward in steps (1 s for short moves, 15 s for long ones), letting the listeners act at
   * each step, so a ring, an input time limit or a schedule happens at its own moment, not all at the end.
   * Steps land on whole seconds, as schedules fire at theirs: what a step wakes runs from the start of its
   * second (plus the real time it takes), not from whatever fraction of a second real time is at. The move
   * ends on the first whole second at or after `seconds` from now.
   */
  async advance(seconds: number): Promise<Date> {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('Time only moves forward');
    const stepMs = seconds <= 600 ? 1000 : 15_000;
    const end = Math.ceil((this.now().getTime() + seconds * 1000) / 1000) * 1000;
    do {
      for (const hook of this.quiet) await hook();
      const now = this.now().getTime();
      const target = Math.min(Math.floor(now / 1000) * 1000 + stepMs, end);
      if (target > now) this.offsetMs += target - now;
      for (const listener of this.listeners) await listener();
    } while (this.now().getTime() < end);
    if (this.stateFile) writeFileSync(this.stateFile, JSON.stringify({ offsetMs: this.offsetMs }));
    return this.now();
  }
}
