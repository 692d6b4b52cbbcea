import type { LambdaErrorPayload } from '../core/types.js';
import type { NewMessage } from './queue-repository.js';

/** Where an asynchronous invocation is in its life. */
export type AsyncInvocationStatus =
  | 'queued'
  | 'running'
  | 'retrying'
  | 'succeeded'
  | 'failed'
  | 'dead-lettered';

/** The status of one asynchronous invocation (`X-Amz-Invocation-Type: Event`, `gust invoke --async`). */
export interface AsyncInvocationRecord {
  requestId: string;
  functionName: string;
  qualifier: string;
  status: AsyncInvocationStatus;
  /** Attempts made so far (0 while queued). */
  attempts: number;
  /** 1 + maximumRetryAttempts. */
  maxAttempts: number;
  /** When the next attempt is due, while queued or retrying. */
  nextAttemptAt: number | null;
  lastError: LambdaErrorPayload | null;
  /** Where the result or failure was sent (function:x, queue:y, bus:z, dlq:q), once it was. */
  destination: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface AsyncInvocationRepository {
  /** Creates the record, or replaces the one with the same requestId. */
  put(record: AsyncInvocationRecord): Promise<void>;
  get(requestId: string): Promise<AsyncInvocationRecord | undefined>;
  /**
   * Newest createdAt first; among equal createdAt, the record first put later comes first, and
   * replacing a record keeps its place. At most `limit` (50 by default, at most 1000).
   */
  list(query: { functionName?: string; limit?: number }): Promise<AsyncInvocationRecord[]>;
  /** Deletes records created before `before` (in chunks); returns how many went. */
  deleteOlderThan(before: number): Promise<number>;
}

export interface IdempotencyRecord {
  /** What the key is unique within: `route:GET /orders` or `function:orders`. */
  scope: string;
  key: string;
  state: 'in-progress' | 'completed';
  /** The stored response (JSON text chosen by the caller) once completed. */
  response: string | null;
  createdAt: number;
  expiresAt: number;
}

export type IdempotencyClaim = { claimed: true } | { claimed: false; record: IdempotencyRecord };

export interface IdempotencyRepository {
  /**
   * Claims scope+key atomically: the first caller (or the first after the record expired) gets
   * `claimed: true` and an in-progress record (createdAt now, expiresAt now + ttlMs); every other
   * caller gets the existing record. A record is expired once `now >= expiresAt`.
   */
  claim(scope: string, key: string, now: number, ttlMs: number): Promise<IdempotencyClaim>;
  /**
   * Stores the response of a claimed key: the record becomes completed, expiring at now + ttlMs
   * (createdAt kept). Creates the record if it is gone (released or swept meanwhile).
   */
  complete(scope: string, key: string, response: string, now: number, ttlMs: number): Promise<void>;
  /**
   * Gives up a claim (the work failed before a response worth repeating), so a retry may run.
   * Removes only an in-progress record: a completed response stays.
   */
  release(scope: string, key: string): Promise<void>;
  /** Deletes expired records (in chunks); returns how many. */
  deleteExpired(now: number): Promise<number>;
}

export interface ScheduleRepository {
  /** The last tick (epoch ms of the scheduled time) fired for a schedule, or null if never. */
  lastFired(scheduleId: string): Promise<number | null>;
  /**
   * Fires `tick` once: if the schedule's last fired tick is older than `tick`, records `tick` as
   * fired and sends `message` to `queue` in the same transaction, and returns true. Otherwise
   * (another node or an earlier run fired it) changes nothing and returns false. This makes a tick
   * fire exactly once across restarts and nodes, and never be lost between "fired" and "enqueued".
   * The message is sent as `QueueRepository.send` sends it (the queue's delay and deduplication
   * apply). Throws ERR_QUEUE_NOT_FOUND, recording nothing, if the queue does not exist.
   */
  fireTick(
    scheduleId: string,
    tick: number,
    queue: string,
    message: NewMessage,
    now: number,
  ): Promise<boolean>;
  /** Forgets the last tick of every schedule not in `scheduleIds`; returns how many were forgotten. */
  deleteExcept(scheduleIds: readonly string[]): Promise<number>;
}
