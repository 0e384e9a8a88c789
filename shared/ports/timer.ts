/**
 * One-time timers (EventBridge Scheduler `at(...)` schedules). Names are deterministic, so setting the same
 * timer twice is harmless; targets re-read state and act only if still due (delivery is at least once).
 */
export interface Timer {
  /** Fire `target` with `input` at `at` (a past instant fires at once). Returns false if the name exists. */
  setTimer(
    name: string,
    at: string,
    target: { readonly functionId: string; readonly input: unknown },
  ): Promise<boolean>;
  /** Remove a timer; a missing one is fine. */
  clearTimer(name: string): Promise<void>;
  /** Whether a timer of that name is still set. */
  hasTimer(name: string): Promise<boolean>;
}
