import assert from 'node:assert/strict';
import type { GustError } from '../core/errors.js';
import { parseSchedule } from './schedule.js';
import type { Schedule, ScheduleInput } from './types.js';

/** An ISO time (with its zone) as epoch ms. */
export function at(iso: string): number {
  const ms = Date.parse(iso);
  assert.ok(Number.isFinite(ms), `bad ISO time in a test: ${iso}`);
  return ms;
}

/** The next `count` fire times after `fromIso`, as ISO strings in UTC (fewer if the schedule ends). */
export function fireTimes(schedule: Schedule | ScheduleInput, fromIso: string, count: number): string[] {
  const parsed = typeof schedule === 'object' && 'next' in schedule ? schedule : parseSchedule(schedule);
  const out: string[] = [];
  let cursor = at(fromIso);
  for (let i = 0; i < count; i++) {
    const next = parsed.next(cursor);
    if (next === null) break;
    out.push(new Date(next).toISOString());
    cursor = next;
  }
  return out;
}

/** Asserts that parsing fails with ERR_INVALID_SCHEDULE and exactly this message. */
export function assertInvalid(input: unknown, message: string): void {
  assert.throws(
    () => parseSchedule(input as ScheduleInput),
    (error: GustError) => {
      assert.equal(error.code, 'ERR_INVALID_SCHEDULE');
      assert.equal(error.status, 400);
      assert.equal(error.message, message);
      return true;
    },
  );
}
