/**
 * An `Etc/GMT±n` zone in which the local hour is `hour` at `now`, so a test of calling hours runs the same
 * whatever the time of day the suite runs at (local = UTC + offset, offset in [-12, 11]).
 */
export function zoneWhereHourIs(hour: number, now: Date): string {
  const offset = ((hour - now.getUTCHours() + 36) % 24) - 12;
  if (offset === 0) return 'Etc/GMT';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}
