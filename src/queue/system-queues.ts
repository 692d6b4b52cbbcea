import type { QueueConfig } from '../store/queue-repository.js';

/**
 * Gust's own queues. Names starting with `gust-` are reserved for them: a user queue may not use
 * the prefix, so system and user queues never collide.
 */
export const SYSTEM_PREFIX = 'gust-';

/** Every asynchronous invocation waits here until it runs. */
export const ASYNC_QUEUE = 'gust-async';

/** Where a function's asynchronous invocations go when they fail for good and it has no onFailure. */
export function functionDeadLetterQueue(functionName: string): string {
  // Queue names are at most 80 characters; function names at most 64, so this always fits.
  return `gust-dlq-${functionName}`;
}

export function isSystemQueue(name: string): boolean {
  return name.startsWith(SYSTEM_PREFIX);
}

/**
 * The async queue's lease is short: the consumer renews it while an invocation runs (a heartbeat),
 * so a slow function keeps its message, and work held by a crashed process is delivered again
 * within 30 s.
 */
export const ASYNC_QUEUE_CONFIG: Partial<QueueConfig> = {
  visibilityTimeoutSec: 30,
  retentionSec: 14 * 24 * 3600,
};

export const DEAD_LETTER_CONFIG: Partial<QueueConfig> = {
  retentionSec: 14 * 24 * 3600,
};
