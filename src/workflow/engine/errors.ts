/**
 * Error handling: which Retry/Catch entry matches an error, and how long a retry waits.
 *
 * Invariants (ASL): `States.ALL` matches every error but States.Runtime (which is never retried or
 * caught); `States.TaskFailed` matches every error but States.Timeout (and States.Runtime).
 * Entries are tried in order; the first match wins.
 */
import type { Catcher, Retrier } from '../definition/types.js';

export function errorMatches(names: readonly string[], error: string): boolean {
  if (error === 'States.Runtime') return false;
  return names.some(
    (name) =>
      name === error || name === 'States.ALL' || (name === 'States.TaskFailed' && error !== 'States.Timeout'),
  );
}

/** Index of the first Retry entry matching `error`, or -1. */
export function findRetrier(retry: readonly Retrier[] | undefined, error: string): number {
  return retry === undefined ? -1 : retry.findIndex((r) => errorMatches(r.ErrorEquals, error));
}

/** The first Catch entry matching `error`. */
export function findCatcher(catchers: readonly Catcher[] | undefined, error: string): Catcher | undefined {
  return catchers?.find((c) => errorMatches(c.ErrorEquals, error));
}

/** Attempts a Retry entry allows (default 3; 0 means never retry). */
export function maxAttempts(retrier: Retrier): number {
  return retrier.MaxAttempts ?? 3;
}

/**
 * Delay (ms) before retry number `attempt` (0-based) of an entry: IntervalSeconds × BackoffRate^attempt,
 * capped by MaxDelaySeconds, then scaled by `random()` under JitterStrategy FULL.
 */
export function retryDelayMs(retrier: Retrier, attempt: number, random: () => number): number {
  let seconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds *= random();
  return Math.round(seconds * 1000);
}
