import { assertEpochMs } from './schedule-error.js';
import type { MissedTickPolicy, Schedule } from './types.js';

/** How late a tick may be fired and still count as on time rather than missed. */
export const DEFAULT_GRACE_MS = 60_000;

export interface DueTicksOptions {
  /** A tick at most this old (now - tick < graceMs) is on time. Default DEFAULT_GRACE_MS. */
  graceMs?: number;
}

/**
 * Which tick should fire now. Pure: the same arguments always give the same answer, which is what
 * lets many nodes and a restarted node agree. Returns at most one tick (an array so that a policy
 * that replays every missed tick can be added without changing callers).
 *
 * - Only ticks strictly after `lastFired` and at or before `now` are candidates, so a tick that was
 *   recorded as fired is never returned again. `lastFired` is the tick's own time (not when it ran).
 * - The candidate returned is always the latest one; earlier candidates are dropped, never queued.
 * - `skip` (the default policy): the latest candidate fires only if it is on time, that is
 *   `now - tick < graceMs`. Ticks that fell due while Gust was down are skipped; the schedule
 *   carries on from the next tick.
 * - `run-latest`: the latest candidate fires however late it is, once.
 * - `lastFired` null means nothing has fired yet, so nothing can have been missed: under both
 *   policies only an on-time tick fires. (To catch up from a known start, pass that start.)
 *
 * The caller records the returned tick as its new `lastFired` (atomically, if nodes share work)
 * before or as it enqueues the invocation, and waits until `schedule.next(now)` to ask again.
 */
export function dueTicks(
  schedule: Schedule,
  lastFired: number | null,
  now: number,
  policy: MissedTickPolicy,
  options: DueTicksOptions = {},
): number[] {
  assertEpochMs(now);
  if (lastFired !== null) assertEpochMs(lastFired);
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  if (!(graceMs > 0)) throw new RangeError(`graceMs must be positive, got ${graceMs}`);
  const onTimeFrom = now - graceMs; // exclusive: a tick exactly graceMs old is late
  const after =
    lastFired === null ? onTimeFrom : policy === 'skip' ? Math.max(lastFired, onTimeFrom) : lastFired;
  const tick = latestTick(schedule, after, now);
  return tick === null ? [] : [tick];
}

/**
 * The latest fire time t with after < t <= atOrBefore, or null. Found with `next` alone, by
 * bisection on the query point: "next(x) <= atOrBefore" holds for x just below the answer and fails
 * from the answer on, because `next` never decreases as x grows. About log2(range in ms) calls,
 * so a month-long outage of a per-second schedule costs ~32 `next` calls, not millions.
 */
export function latestTick(schedule: Schedule, after: number, atOrBefore: number): number | null {
  let low = Math.floor(after);
  const first = schedule.next(low);
  if (first === null || first > atOrBefore) return null;
  let high = Math.floor(atOrBefore); // next(high) > atOrBefore always
  while (high - low > 1) {
    const mid = low + Math.floor((high - low) / 2);
    const next = schedule.next(mid);
    if (next !== null && next <= atOrBefore) low = mid;
    else high = mid;
  }
  return schedule.next(low);
}
