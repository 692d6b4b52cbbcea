/** Retry delays: exponential backoff with full jitter (a random delay from 0 to the exponential cap). */
export interface BackoffPolicy {
  /** Delay cap of the first retry, in ms. */
  baseMs: number;
  /** No delay is longer than this, in ms. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 5 * 60_000 };

/**
 * The delay before retry number `attempt` (1 for the first retry). Full jitter spreads retries of
 * many failing messages over time, so a recovering function is not hit by all of them at once.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
