/** Page sizes of the store's list queries. Every backend clamps with these, so they behave alike. */
export interface LimitBounds {
  readonly default: number;
  readonly max: number;
}

/** `InvocationRepository.list`: 50 by default, at most 1000. */
export const INVOCATION_LIST_LIMIT: LimitBounds = { default: 50, max: 1000 };

/** `LogRepository.query`: 1000 by default, at most 10000. */
export const LOG_QUERY_LIMIT: LimitBounds = { default: 1000, max: 10_000 };

/**
 * Turns a caller's `limit` into a whole number in [0, max]: absent or NaN means the default, larger
 * values are clamped to the maximum, fractions are rounded down, and negative values mean none.
 */
export function clampLimit(limit: number | undefined, bounds: LimitBounds): number {
  if (limit === undefined || Number.isNaN(limit)) return bounds.default;
  return Math.max(0, Math.min(bounds.max, Math.floor(limit)));
}

/** `AsyncInvocationRepository.list`: 50 by default, at most 1000. */
export const ASYNC_INVOCATION_LIST_LIMIT: LimitBounds = { default: 50, max: 1000 };

/** `QueueRepository.peek`: 10 by default, at most 1000. */
export const QUEUE_PEEK_LIMIT: LimitBounds = { default: 10, max: 1000 };

/** `QueueRepository.receive`'s `max`: at most 1000 messages leased by one call (SQS allows 10). */
export const QUEUE_RECEIVE_LIMIT: LimitBounds = { default: 10, max: 1000 };

/** `AuditRepository.query`: 100 by default, at most 1000. */
export const AUDIT_QUERY_LIMIT: LimitBounds = { default: 100, max: 1000 };
