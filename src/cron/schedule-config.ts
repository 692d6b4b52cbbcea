import type { ScheduleConfig } from '../core/types.js';
import { parseSchedule } from './schedule.js';
import type { Schedule, ScheduleInput } from './types.js';

/**
 * The manifest keeps a schedule as text plus an optional zone (`ScheduleConfig`); `parseSchedule`
 * takes the forms the manifest was written in. This maps one to the other:
 *
 * - `rate(...)` and `cron(...)` keep their wrapper, so they are read as a rate and as AWS cron;
 * - anything else is a crontab line, as under `{ cron: "..." }` (a plain string such as
 *   `"0 9 * * 1-5"` is read the same way; an AWS expression missing its wrapper is still refused,
 *   since crontab allows `?` only in the day fields);
 * - a `timezone` goes with the expression, and a rate refuses one with a clear message.
 */
export function scheduleInputOf(config: Pick<ScheduleConfig, 'expression' | 'timezone'>): ScheduleInput {
  const expression = config.expression.trim();
  const zone = config.timezone;
  if (expression.startsWith('rate(')) {
    // Not a valid ScheduleInput on purpose: parseSchedule refuses a zone on a rate, naming the field.
    return zone === undefined ? expression : ({ rate: expression, timezone: zone } as ScheduleInput);
  }
  return zone === undefined ? { cron: expression } : { cron: expression, timezone: zone };
}

/** Parses a deployed schedule. Throws ERR_INVALID_SCHEDULE. */
export function parseScheduleConfig(config: Pick<ScheduleConfig, 'expression' | 'timezone'>): Schedule {
  return parseSchedule(scheduleInputOf(config));
}

/** A schedule's id, unique across the platform: a function has at most one schedule of a name. */
export function scheduleId(functionName: string, scheduleName: string): string {
  return `${functionName}/${scheduleName}`;
}
