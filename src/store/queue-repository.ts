/**
 * The durable queue's storage: queues, messages with leases (SQS semantics), dead-lettering,
 * redrive and deduplication. Every accepted message is committed before `send` resolves, and every
 * state change of a message is one transaction, so a crash (kill -9) at any moment loses nothing:
 * a leased message whose consumer died becomes visible again when its lease (visibility timeout)
 * runs out.
 *
 * Missing queues: the methods that add, take or move messages (`send`, `sendBatches`, `receive`,
 * `moveToDeadLetter`'s target, `redrive`'s `toQueue`, `ScheduleRepository.fireTick`) throw
 * ERR_QUEUE_NOT_FOUND for a queue that does not exist, changing nothing. The read-only and emptying
 * ones (`stats`, `peek`, `nextVisibleAt`, `purge`) treat a missing queue as an empty one.
 *
 * Times are epoch milliseconds passed in by the caller (`now`), never read from a clock here, so
 * lease expiry, delays and retention are tested by passing later `now` values.
 */

/** One SQS message attribute. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  /** Base64. */
  BinaryValue?: string;
}

export interface QueueConfig {
  /** Seconds a received message stays invisible to other receivers (SQS default 30). */
  visibilityTimeoutSec: number;
  /** After this many receives a message goes to `deadLetterQueue` instead of being delivered again. */
  maxReceiveCount: number | null;
  deadLetterQueue: string | null;
  /** Seconds a message is kept before it expires unread (SQS default 4 days). */
  retentionSec: number;
  /** Seconds every new message waits before it becomes visible (SQS DelaySeconds). */
  delaySec: number;
  /** Seconds within which a repeated deduplication id is accepted once (SQS: 300). */
  dedupeWindowSec: number;
}

export type QueueKind = 'user' | 'system';

export interface QueueRecord {
  name: string;
  config: QueueConfig;
  /** `system` queues carry Gust's own deliveries (async invocations, event targets); users see them read-only. */
  kind: QueueKind;
  /** The service (app) that declared it, or null when created through the API. */
  owner: string | null;
  createdAt: number;
}

export interface NewMessage {
  /** Assigned by the caller (time-ordered UUID), so ids sort by send time. */
  id: string;
  body: string;
  attributes: Record<string, MessageAttribute>;
  /** Overrides the queue's delaySec for this message. */
  delaySec?: number;
  dedupeId?: string;
  /** Free-form data for Gust's own deliveries (target, attempt policy, original request). */
  meta?: Record<string, unknown>;
}

export interface StoredMessage {
  id: string;
  queue: string;
  body: string;
  attributes: Record<string, MessageAttribute>;
  meta: Record<string, unknown> | null;
  /**
   * When the message was accepted. Kept when the message is dead-lettered (as in SQS, so a
   * dead-letter queue's retention should be longer than its source's); set to the redrive time
   * when it is redriven, so it gets a full retention period again.
   */
  sentAt: number;
  /** When the message can next be received. */
  visibleAt: number;
  /** Receives in the current queue (reset to 0 when the message is dead-lettered or redriven). */
  receiveCount: number;
  /** When the first counted receive happened; null exactly when receiveCount is 0. */
  firstReceivedAt: number | null;
  /**
   * The handle of the latest lease, or null when never leased in this queue. It stays valid after
   * the lease's visibility timeout runs out, until the message is received again (a new handle),
   * deleted, dead-lettered or redriven.
   */
  receiptHandle: string | null;
  /** Why the last delivery failed (kept when dead-lettered). */
  lastError: string | null;
  /** For a dead-lettered message: the queue it came from (redrive target). */
  sourceQueue: string | null;
  dedupeId: string | null;
}

export interface LeasedMessage extends StoredMessage {
  receiptHandle: string;
}

export interface SendResult {
  id: string;
  /** True when a message with the same dedupeId was accepted within the window: nothing was added. */
  duplicate: boolean;
}

export interface ReceiveOptions {
  /** At most this many (a whole number, at most 1000; 0 or less receives nothing). */
  max: number;
  visibilityTimeoutSec: number;
  now: number;
}

export interface VisibilityChange {
  /** When the message becomes visible again. */
  visibleAt: number;
  lastError?: string;
  /**
   * Undo the receive count of the current lease: the message was not really tried (its consumer was
   * throttled), so it must not move closer to the dead-letter queue.
   */
  uncountReceive?: boolean;
}

/** Every message of a queue is in exactly one of visible, inFlight and delayed. */
export interface QueueStats {
  /** Messages ready to be received now (visibleAt <= now), including leases that ran out. */
  visible: number;
  /** Leased messages whose visibility timeout has not run out (including those waiting to retry). */
  inFlight: number;
  /** Messages waiting for their delay: not visible yet and never leased in this queue. */
  delayed: number;
  /** now - the oldest sentAt in the queue, or null if it is empty. */
  oldestAgeMs: number | null;
  total: number;
}

export interface QueueRepository {
  /** Creates a queue, or replaces its record (every field as given); its messages stay. */
  putQueue(queue: QueueRecord): Promise<void>;
  getQueue(name: string): Promise<QueueRecord | undefined>;
  /** Ordered by name; `prefix` filters. */
  listQueues(prefix?: string): Promise<QueueRecord[]>;
  /**
   * Deletes a queue, its dedupe entries and its messages. False if absent. The queue is gone at
   * once; its messages are deleted in chunks after it (so a large queue does not hold the store up),
   * and `deleteExpired` removes any left behind by a crash in between.
   */
  deleteQueue(name: string): Promise<boolean>;

  /**
   * Stores messages in one transaction, visible after their delay (`delaySec`, else the queue's),
   * with sentAt `now`.
   * A message whose dedupeId was accepted on this queue within the queue's dedupe window (counted
   * from that first acceptance; a window of 0 turns deduplication off) is not stored again: its
   * result is the first message's id, duplicate. This holds within one batch too. Results are in
   * the order of `messages`. Throws ERR_QUEUE_NOT_FOUND (storing nothing) if the queue does not
   * exist.
   */
  send(queue: string, messages: readonly NewMessage[], now: number): Promise<SendResult[]>;
  /**
   * `send` to several queues in one transaction (an event fanned out to its rules' targets): all
   * batches are stored or, if any fails (a missing queue), none. One result list per batch.
   */
  sendBatches(
    batches: readonly { queue: string; messages: readonly NewMessage[] }[],
    now: number,
  ): Promise<SendResult[][]>;
  /**
   * Leases up to `max` visible messages, oldest first: each gets receiveCount + 1, a new receipt
   * handle, firstReceivedAt if unset, and visibleAt = now + visibility timeout. Atomic: two
   * concurrent receivers never get the same message.
   *
   * Before leasing, a message whose receiveCount has reached the queue's maxReceiveCount is moved
   * to the queue's deadLetterQueue (as SQS does) instead of being delivered again, the way
   * `moveToDeadLetter` moves it (lastError kept). Only messages this receive would otherwise have
   * delivered are checked, so a message that reached the count waits in the queue until then. If
   * the queue has no deadLetterQueue, or it names a queue that does not exist (or the queue itself),
   * such messages are delivered as usual rather than lost.
   *
   * Results are oldest first (by visibleAt, then id). Throws ERR_QUEUE_NOT_FOUND if the queue does
   * not exist.
   */
  receive(queue: string, options: ReceiveOptions): Promise<LeasedMessage[]>;
  /**
   * Deletes the message of `queue` leased under `receiptHandle`. False if the handle is stale (the
   * message was received again, deleted or moved) or belongs to another queue.
   */
  deleteMessage(queue: string, receiptHandle: string): Promise<boolean>;
  /**
   * `deleteMessage` for each handle, in one transaction (consumers delete what they processed in
   * batches). One result per handle, in order.
   */
  deleteMessages(queue: string, receiptHandles: readonly string[]): Promise<boolean[]>;
  /**
   * Changes when a leased message becomes visible again; its receipt handle stays valid. With
   * `uncountReceive`, receiveCount goes down by one (never below 0; firstReceivedAt becomes null when
   * it reaches 0). `lastError`, when given, replaces the stored one. False if the handle is stale.
   */
  changeVisibility(queue: string, receiptHandle: string, change: VisibilityChange): Promise<boolean>;
  /**
   * Moves a leased message to `toQueue` now, keeping its id and sentAt: visible there at once,
   * receiveCount 0, firstReceivedAt and receiptHandle null, sourceQueue `queue`, lastError
   * `lastError`. Used when a delivery has exhausted its attempts. False if the handle is stale;
   * throws ERR_QUEUE_NOT_FOUND (changing nothing) if `toQueue` does not exist.
   */
  moveToDeadLetter(
    queue: string,
    receiptHandle: string,
    toQueue: string,
    lastError: string,
    now: number,
  ): Promise<boolean>;
  /**
   * Deletes every message of the queue, leased or not; returns how many. Works in chunks, so it may
   * also take messages sent while it runs.
   */
  purge(queue: string): Promise<number>;
  /**
   * Moves up to `max` (default: all) messages of a dead-letter queue, oldest sentAt first, back to
   * their sourceQueue (or to `toQueue`): visible now, sentAt now, receiveCount 0, sourceQueue and
   * receiptHandle null, id and lastError kept. A message is left where it is if its target queue
   * does not exist (or it has no sourceQueue and no `toQueue` is given). Works in chunks, each its
   * own transaction, yielding to the event loop between them. Returns how many moved. Throws
   * ERR_QUEUE_NOT_FOUND if `deadLetterQueue` or `toQueue` does not exist, ERR_INVALID_PARAMETER if
   * they are the same queue.
   */
  redrive(deadLetterQueue: string, options: { toQueue?: string; max?: number; now: number }): Promise<number>;
  stats(queue: string, now: number): Promise<QueueStats>;
  /** Looks a message up by id (any queue). */
  getMessage(id: string): Promise<StoredMessage | undefined>;
  /**
   * Messages of a queue, oldest sentAt first (then by id), without leasing them (for `gust dlq ls`).
   * `limit` is clamped to at most 1000.
   */
  peek(queue: string, options: { limit: number }): Promise<StoredMessage[]>;
  /**
   * Retention: deletes messages whose sentAt + their queue's retentionSec is at or before `now`
   * (leased or not), messages left behind by a deleted queue, and expired dedupe entries, in chunks.
   * Returns how many messages were deleted (dedupe entries are not counted).
   */
  deleteExpired(now: number): Promise<number>;
  /** The earliest visibleAt among messages not visible yet, to sleep exactly until then; null if none. */
  nextVisibleAt(queue: string, now: number): Promise<number | null>;
}
