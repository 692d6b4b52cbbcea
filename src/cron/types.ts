/**
 * What a schedule is to the rest of Gust: something that says when it fires next. Schedules are
 * pure values (no timers, no clock): the scheduler asks `next(after)` with a time it got from its
 * injected `Clock`, so every answer is deterministic and testable without sleeping.
 */

/** A schedule as the manifest writes it (Serverless Framework forms). See docs/schedules.md. */
export type ScheduleInput = string | { cron: string; timezone?: string | undefined } | { rate: string };

export interface Schedule {
  /** `rate` fires at a fixed interval; `cron` at calendar times in `timezone`. */
  readonly kind: 'rate' | 'cron';
  /** The normalised expression: `rate(5 minutes)`, `cron(0 12 * * ? *)` or a crontab line `0 12 * * *`. */
  readonly expression: string;
  /** The IANA time zone cron fields are read in; `UTC` for rates and when none was given. */
  readonly timezone: string;
  /**
   * The first fire time strictly after `after` (epoch ms), or null when the schedule never fires
   * again (for example its year field has run out). Fire times are whole seconds.
   */
  next(after: number): number | null;
  /** Normalised text for logs, the CLI and the API, e.g. `cron(0 12 * * ? *) UTC`. */
  describe(): string;
}

/**
 * What to do with ticks that fell due while nothing was running them (Gust was down, or every node
 * was busy): `skip` drops them, `run-latest` fires the most recent one once.
 */
export type MissedTickPolicy = 'skip' | 'run-latest';
