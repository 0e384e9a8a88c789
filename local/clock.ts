import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Clock } from '#shared/ports/clock';

type Listener = () => Promise<void> | void;

/** When the next thing of one emulator is due (epoch ms), or undefined when nothing of it is waiting. */
export type DueSource = () => number | undefined;

/**
 * `real`: simulated time is real time plus an offset that only moves forward (a person at the phone hears
 * rings and silences as they happen; `advance` steps through a move second by second).
 * `virtual`: simulated time stands still while anything runs and jumps straight to the next thing due (a
 * ring, an input time limit, a schedule, a dialer wake-up) once everything is idle, so a simulated day costs
 * only the work it holds, and the same run gives the same order every time.
 */
export type ClockMode = 'real' | 'virtual';

/** In virtual mode: rounds at one instant that find something due yet make no progress, before time moves on. */
const STALLED_ROUNDS = 25;

/**
 * The local runtime's simulated time. Handlers and emulators read it; tests advance it instead of sleeping.
 * Every emulator that keeps timers registers a due source, so a virtual move visits exactly the moments at
 * which something happens, in the order they would have had in real time.
 */
export class LocalClock implements Clock {
  readonly mode: ClockMode;
  private offsetMs = 0;
  /** Virtual mode: the simulated instant (epoch ms). */
  private virtualMs: number;
  private readonly listeners: Listener[] = [];
  private readonly quiet: Listener[] = [];
  private readonly dueSources: DueSource[] = [];
  private autopilot: { stop: boolean; done: Promise<void> } | undefined;

  constructor(
    private readonly stateFile?: string,
    options: { readonly mode?: ClockMode } = {},
  ) {
    this.mode = options.mode ?? 'real';
    if (stateFile && existsSync(stateFile)) {
      const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { offsetMs?: number };
      this.offsetMs = Number(saved.offsetMs ?? 0);
    }
    this.virtualMs = Date.now() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.mode === 'virtual' ? this.virtualMs : Date.now() + this.offsetMs);
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

  /** An emulator's timers: virtual moves stop at each moment one of them is due. */
  addDueSource(source: DueSource): void {
    this.dueSources.push(source);
  }

  /** The earliest moment any emulator has something due (after `after`, when given), or undefined. */
  nextDue(after = Number.NEGATIVE_INFINITY): number | undefined {
    let next: number | undefined;
    for (const source of this.dueSources) {
      const at = source();
      if (at !== undefined && Number.isFinite(at) && at > after && (next === undefined || at < next))
        next = at;
    }
    return next;
  }

  /**
   * Moves time forward by `seconds`, letting the listeners act at each moment something is due, so a ring,
   * an input time limit or a schedule happens at its own moment, not all at the end. Real mode steps (1 s for
   * short moves, 15 s for long ones) landing on whole seconds, as schedules fire at theirs, and between steps
   * real time runs on; virtual mode jumps from one due moment to the next. The move ends on the first whole
   * second at or after `seconds` from now.
   */
  async advance(seconds: number): Promise<Date> {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('Time only moves forward');
    const end = Math.ceil((this.now().getTime() + seconds * 1000) / 1000) * 1000;
    if (this.mode === 'virtual') await this.advanceVirtually(end);
    else await this.advanceInSteps(end, seconds <= 600 ? 1000 : 15_000);
    this.save();
    return this.now();
  }

  /**
   * Virtual mode for a whole session (`npm start -- --virtual`): as soon as `settle` finds everything idle
   * (handlers, reactions), time jumps to the next thing due; with nothing due it looks again shortly.
   */
  startAutopilot(settle: () => Promise<void>, pollMs = 25): void {
    if (this.mode !== 'virtual' || this.autopilot) return;
    const pilot = { stop: false, done: Promise.resolve() };
    pilot.done = (async () => {
      while (!pilot.stop) {
        await settle();
        const next = this.nextDue();
        if (!pilot.stop && next !== undefined && next > this.virtualMs) {
          await this.advanceVirtually(next);
          this.save();
        } else {
          await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
      }
    })();
    this.autopilot = pilot;
  }

  async stopAutopilot(): Promise<void> {
    const pilot = this.autopilot;
    if (!pilot) return;
    pilot.stop = true;
    await pilot.done;
    this.autopilot = undefined;
  }

  private async advanceInSteps(end: number, stepMs: number): Promise<void> {
    do {
      for (const hook of this.quiet) await hook();
      const now = this.now().getTime();
      const target = Math.min(Math.floor(now / 1000) * 1000 + stepMs, end);
      if (target > now) this.offsetMs += target - now;
      for (const listener of this.listeners) await listener();
    } while (this.now().getTime() < end);
  }

  /**
   * From due moment to due moment up to `end`: settle what runs, move to the earliest thing due (never
   * back), let it happen. Something due that a round does not consume (it waits on something else) would
   * hold time still for ever: after a few such rounds at one instant, time moves on to what is due later.
   */
  private async advanceVirtually(end: number): Promise<void> {
    let stalled = 0;
    for (;;) {
      for (const hook of this.quiet) await hook();
      const now = this.virtualMs;
      let target = Math.min(end, this.nextDue() ?? end);
      if (target <= now && ++stalled > STALLED_ROUNDS) target = Math.min(end, this.nextDue(now) ?? end);
      if (target > now) {
        this.virtualMs = target;
        stalled = 0;
      }
      for (const listener of this.listeners) await listener();
      if (
        this.virtualMs >= end &&
        (stalled > STALLED_ROUNDS || (this.nextDue() ?? Number.POSITIVE_INFINITY) > end)
      )
        return;
    }
  }

  private save(): void {
    if (!this.stateFile) return;
    const offsetMs = this.mode === 'virtual' ? this.virtualMs - Date.now() : this.offsetMs;
    writeFileSync(this.stateFile, JSON.stringify({ offsetMs }));
  }
}
