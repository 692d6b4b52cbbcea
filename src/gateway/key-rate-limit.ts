import type { Caller } from '../auth/access/caller.js';
import type { Clock } from '../core/clock.js';
import type { RateLimitConfig } from '../core/types.js';
import { BucketMap, rateLimited } from './token-bucket.js';

/** The per-key rate limit: one token bucket per API key, across every API the key calls. */
export interface KeyRateLimit {
  /** Throws 429 ERR_TOO_MANY_REQUESTS (with Retry-After) when `caller`'s key is over its limit. */
  check(caller: Caller): void;
}

/**
 * The platform's per-key limit (GatewayConfig.keyRateLimit), or undefined when keys are not
 * limited. Only API keys are counted: anonymous callers are limited per route, and functions'
 * own credentials are the platform's traffic.
 */
export function createKeyRateLimit(
  limit: RateLimitConfig | undefined,
  clock: Clock,
): KeyRateLimit | undefined {
  if (limit === undefined) return undefined;
  const buckets = new BucketMap(limit, clock);
  const message = (id: string) =>
    `Rate exceeded: access key '${id}' is over its limit of ${limit.rate} requests a second (bursts of ${limit.burst}).`;
  return {
    check(caller) {
      if (caller.kind !== 'key') return;
      const wait = buckets.take(caller.id);
      if (wait > 0) throw rateLimited(message(caller.id), wait, 'KeyRateLimitExceeded');
    },
  };
}
