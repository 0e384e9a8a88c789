/** Time is injected, never read from the wall directly, so tests and the local runtime control it. */
export interface Clock {
  now(): Date;
}
