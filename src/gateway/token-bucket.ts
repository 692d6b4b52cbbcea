import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { RateLimitConfig } from '../core/types.js';

/**
 * A token bucket: it holds up to `burst` tokens and refills at `rate` tokens a second; each
 * request takes one. Refilling is computed from the elapsed time when a request arrives, so there
 * are no timers. Time comes from the injected clock.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  constructor(limit: RateLimitConfig, now: number) {
    this.#rate = limit.rate;
    this.#burst = limit.burst;
    this.#tokens = limit.burst;
    this.#at = now;
  }

  /** Takes a token: 0 when the request may go, else the whole seconds to wait (at least 1). */
  take(now: number): number {
    this.#refill(now);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#rate));
  }

  /** True when the bucket is full again: forgetting it then changes nothing. */
  isFull(now: number): boolean {
    this.#refill(now);
    return this.#tokens >= this.#burst;
  }

  #refill(now: number): void {
    // A clock that went backwards adds nothing (and takes nothing away).
    const elapsed = now - this.#at;
    if (elapsed <= 0) return;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000);
    this.#at = now;
  }
}

/** 429 ERR_TOO_MANY_REQUESTS with a Retry-After in whole seconds. */
export function rateLimited(message: string, retryAfterSec: number, reason: string): GustError {
  return new GustError('ERR_TOO_MANY_REQUESTS', message, {
    awsType: 'TooManyRequestsException',
    headers: { 'Retry-After': String(retryAfterSec) },
    details: { reason, retryAfterSeconds: retryAfterSec },
  });
}

/** How many buckets a BucketMap keeps before it sweeps out full ones. */
const DEFAULT_MAX_BUCKETS = 10_000;

/**
 * One bucket per key (an API key id, say), with bounded memory: a full bucket is the same as no
 * bucket, so when the map grows past `maxBuckets` full ones are dropped, and if that is not enough
 * the least recently used are (they are the ones likely to have refilled soonest).
 */
export class BucketMap {
  readonly #limit: RateLimitConfig;
  readonly #clock: Clock;
  readonly #max: number;
  /** Insertion order is recency order: a bucket is moved to the end when used. */
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(limit: RateLimitConfig, clock: Clock, maxBuckets = DEFAULT_MAX_BUCKETS) {
    this.#limit = limit;
    this.#clock = clock;
    this.#max = maxBuckets;
  }

  /** Takes a token from `key`'s bucket: 0 when the request may go, else seconds to wait. */
  take(key: string): number {
    const now = this.#clock.now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#max) this.#sweep(now);
      bucket = new TokenBucket(this.#limit, now);
    } else {
      this.#buckets.delete(key);
    }
    this.#buckets.set(key, bucket);
    return bucket.take(now);
  }

  /** Number of buckets held (for tests of the memory bound). */
  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) if (bucket.isFull(now)) this.#buckets.delete(key);
    // Still at the bound: drop the least recently used tenth (a key over its limit may get a fresh
    // bucket early; memory stays bounded, which matters more).
    if (this.#buckets.size >= this.#max) {
      let drop = Math.max(1, Math.floor(this.#max / 10));
      for (const key of this.#buckets.keys()) {
        if (drop-- <= 0) break;
        this.#buckets.delete(key);
      }
    }
  }
}
