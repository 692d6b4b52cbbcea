import { invalidSchedule } from './schedule-error.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/**
 * Checks an IANA time zone name with the runtime's own tz database and returns it with canonical
 * capitalisation (`europe/paris` → `Europe/Paris`). Other spellings are kept as written, so
 * `describe()` shows what the manifest says.
 */
export function resolveTimeZone(name: string, display: string): string {
  const allowed = 'use an IANA time zone name such as Europe/Paris, America/New_York or UTC';
  if (name.trim() === '') throw invalidSchedule(display, `the time zone is empty; ${allowed}`, 'timezone');
  let resolved: string;
  try {
    resolved = formatter(name).resolvedOptions().timeZone;
  } catch {
    throw invalidSchedule(display, `unknown time zone "${name}"; ${allowed}`, 'timezone');
  }
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** The zone's offset from UTC at instant `ms`, in ms (Paris in summer: +7,200,000). */
export function utcOffsetMs(ms: number, timeZone: string): number {
  const wall = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(ms)) {
    if (Object.hasOwn(wall, part.type)) wall[part.type as keyof typeof wall] = Number(part.value);
  }
  const wallMs = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallMs - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * True when the wall-clock time at `ms` already happened once, earlier, because the clocks went
 * back (the second 02:30 of an autumn night in Paris). The earlier twin is at `ms - shift`, where
 * shift is how far the offset dropped; it is a twin only if it still had the old offset. Offsets
 * are compared three hours back: no zone moves its clocks by more, or twice within that time.
 */
export function isRepeatedWallTime(ms: number, timeZone: string): boolean {
  const offset = utcOffsetMs(ms, timeZone);
  const before = utcOffsetMs(ms - 3 * 3_600_000, timeZone);
  if (before <= offset) return false;
  return utcOffsetMs(ms - (before - offset), timeZone) === before;
}
