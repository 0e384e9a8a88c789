/** Wall-clock time in some time zone, as a person there reads it. month is 1-12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** What to do with a wall time that does not exist because clocks jumped forward. */
export type GapHandling = 'skip' | 'shift-forward';

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function wallTimeInZone(instant: Date, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const read = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    if (!part) throw new Error(`Intl did not return ${type} for ${timeZone}`);
    return Number(part.value);
  };
  return {
    year: read('year'),
    month: read('month'),
    day: read('day'),
    hour: read('hour') % 24,
    minute: read('minute'),
    second: read('second'),
  };
}

export function wallTimeAsUtcMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** Offset of the zone from UTC at an instant, in ms (positive east of Greenwich). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallTimeAsUtcMs(wallTimeInZone(new Date(whole), timeZone)) - whole;
}

/**
 * The instant at which the wall clock in `timeZone` shows `wall`.
 * Repeated wall times (clocks going back) resolve to the earlier instant; missing ones (clocks
 * jumping forward) are either skipped (undefined) or shifted forward by the size of the gap.
 */
export function zonedWallTimeToUtc(wall: WallTime, timeZone: string, gap: GapHandling): Date | undefined {
  const local = wallTimeAsUtcMs(wall);
  const offsetBefore = zoneOffsetMs(local - DAY_MS, timeZone);
  const offsetAfter = zoneOffsetMs(local + DAY_MS, timeZone);
  const candidates = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => local - offset)
    .filter((utc) => wallTimeAsUtcMs(wallTimeInZone(new Date(utc), timeZone)) === local)
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  if (earliest !== undefined) return new Date(earliest);
  return gap === 'skip' ? undefined : new Date(local - offsetBefore);
}
