import { Cron } from 'croner';
import { assertEpochMs, invalidSchedule } from './schedule-error.js';
import { isRepeatedWallTime } from './time-zone.js';
import type { Schedule } from './types.js';

/**
 * How a time zone's clock changes are treated.
 *
 * - `aws` (for `cron(...)` expressions, as EventBridge Scheduler does): a time the clocks skip in
 *   spring does not fire that day, and a time that happens twice in autumn fires once, the first
 *   time. This holds for every expression, so `cron(0/30 * * * ? *)` pauses for the repeated hour.
 * - `vixie` (for crontab lines, croner's behaviour, as Vixie cron): a job with one fixed second,
 *   minute and hour runs once after a skipped time (02:30 → 03:00 that day) and once in a repeated
 *   hour; any other job fires at each real instant that matches, so intervals keep going.
 */
export type DstRule = 'aws' | 'vixie';

export interface CronScheduleOptions {
  /** The normalised expression (`cron(0 12 * * ? *)` or a crontab line). */
  readonly expression: string;
  /** Croner's pattern, with a seconds field. */
  readonly pattern: string;
  readonly mode: '6-part' | '7-part';
  /** AND the two day fields (AWS, where one is always `*`) or OR them (Vixie). */
  readonly domAndDow: boolean;
  readonly timezone: string;
  readonly dst: DstRule;
}

/** Enough to step over every skipped candidate of the worst clock change, with room to spare. */
const MAX_SKIPPED_CANDIDATES = 10_000;

/** A cron schedule evaluated by croner. Croner gets no callback, so it never starts a timer. */
export function createCronSchedule(options: CronScheduleOptions): Schedule {
  const { expression, timezone, dst } = options;
  let cron: Cron;
  try {
    cron = new Cron(options.pattern, {
      mode: options.mode,
      domAndDow: options.domAndDow,
      timezone,
      paused: true,
    });
  } catch (error) {
    // Our own parsers reject everything croner would; this keeps a croner-only rule readable.
    const message = error instanceof Error ? error.message.replace(/^Cron\w*: /, '') : String(error);
    throw invalidSchedule(expression, message);
  }

  /** AWS drops the instants croner moves out of a spring gap and the second pass of an autumn hour. */
  const keeps = (ms: number): boolean => {
    if (dst === 'vixie' || timezone === 'UTC') return true;
    return cron.match(new Date(ms)) && !isRepeatedWallTime(ms, timezone);
  };

  return {
    kind: 'cron',
    expression,
    timezone,
    next(after) {
      assertEpochMs(after);
      let cursor = after;
      for (let i = 0; i < MAX_SKIPPED_CANDIDATES; i++) {
        const run = cron.nextRun(new Date(cursor));
        if (run === null) return null;
        const ms = run.getTime();
        if (keeps(ms)) return ms;
        cursor = ms;
      }
      return null;
    },
    describe: () => `${expression} ${timezone}`,
  };
}
