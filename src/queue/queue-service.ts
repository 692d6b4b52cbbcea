import type { Clock, TimerHandle } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import { timeOrderedUuid } from '../core/ids.js';
import type {
  LeasedMessage,
  MessageAttribute,
  NewMessage,
  QueueConfig,
  QueueKind,
  QueueRecord,
  QueueStats,
  SendResult,
  StoredMessage,
  VisibilityChange,
} from '../store/queue-repository.js';
import type { Store } from '../store/store.js';
import {
  checkMessage,
  checkQueueName,
  MAX_BATCH,
  MAX_VISIBILITY_SEC,
  MAX_WAIT_SEC,
  queueConfig,
} from './limits.js';
import { createQueueNotifier } from './notifier.js';

export interface SendInput {
  body: string;
  attributes?: Record<string, MessageAttribute>;
  delaySec?: number;
  dedupeId?: string;
  meta?: Record<string, unknown>;
}

export interface ReceiveInput {
  /** 1 to 10 (default 1). */
  max?: number;
  /** Overrides the queue's visibility timeout for these leases. */
  visibilityTimeoutSec?: number;
  /** Long polling: wait up to this many seconds (0 to 20) for a message to arrive. */
  waitTimeSec?: number;
  /** Ends a long poll early (a closed connection, shutdown). */
  signal?: AbortSignal;
}

export interface QueueService {
  /** Creates a queue or updates its configuration (manifest deploys and the API). */
  putQueue(
    name: string,
    config?: Partial<QueueConfig>,
    options?: { kind?: QueueKind; owner?: string | null },
  ): Promise<QueueRecord>;
  /** Throws ERR_QUEUE_NOT_FOUND. */
  getQueue(name: string): Promise<QueueRecord>;
  listQueues(prefix?: string): Promise<QueueRecord[]>;
  deleteQueue(name: string): Promise<void>;
  send(queue: string, inputs: readonly SendInput[]): Promise<SendResult[]>;
  /** `send` to several queues atomically (fan-out). */
  sendBatches(batches: readonly { queue: string; inputs: readonly SendInput[] }[]): Promise<SendResult[][]>;
  receive(queue: string, input?: ReceiveInput): Promise<LeasedMessage[]>;
  /** False when the receipt handle is stale (the lease ended). */
  deleteMessage(queue: string, receiptHandle: string): Promise<boolean>;
  deleteMessages(queue: string, receiptHandles: readonly string[]): Promise<boolean[]>;
  changeVisibility(queue: string, receiptHandle: string, visibilityTimeoutSec: number): Promise<boolean>;
  /**
   * Returns a leased message to the queue, visible again after `delayMs` (a retry with backoff), with
   * the failure reason. `uncountReceive` undoes the lease's receive (a throttled delivery, not a try).
   */
  returnMessage(
    queue: string,
    receiptHandle: string,
    delayMs: number,
    options?: { lastError?: string; uncountReceive?: boolean },
  ): Promise<boolean>;
  /** Moves a leased message to a dead-letter queue now, keeping its id and the failure reason. */
  moveToDeadLetter(queue: string, receiptHandle: string, toQueue: string, reason: string): Promise<boolean>;
  purge(queue: string): Promise<number>;
  redrive(deadLetterQueue: string, options?: { toQueue?: string; max?: number }): Promise<number>;
  stats(queue: string): Promise<QueueStats>;
  peek(queue: string, limit?: number): Promise<StoredMessage[]>;
  /** Wakes when `queue` may have messages; used by consumers. */
  waitForMessages(queue: string, signal: AbortSignal): Promise<void>;
  /** Tells waiters on `queue` to look again (after a lease was returned early, for instance). */
  notify(queue: string): void;
  start(): void;
  stop(): void;
}

export interface QueueServiceDeps {
  store: Store;
  clock: Clock;
  /** How often expired messages are removed (default 1 minute). */
  retentionIntervalMs?: number;
}

export function queueNotFound(name: string): GustError {
  return new GustError('ERR_QUEUE_NOT_FOUND', `Queue '${name}' does not exist.`, {
    awsType: 'QueueDoesNotExist',
    details: { queue: name },
  });
}

/**
 * Durable queues with SQS semantics, on the Store port. The store makes every operation atomic and
 * durable; this service validates input, applies queue configuration, and wakes waiters so that
 * long polls and consumers react in milliseconds without polling the database.
 */
export function createQueueService(deps: QueueServiceDeps): QueueService {
  const repo = deps.store.queues;
  const notifier = createQueueNotifier();
  /** Queue configuration changes rarely and is read on every send and receive. */
  const cache = new Map<string, QueueRecord>();
  let retentionTimer: TimerHandle | undefined;
  let running = false;

  const getQueue = async (name: string): Promise<QueueRecord> => {
    const cached = cache.get(name);
    if (cached) return cached;
    const record = await repo.getQueue(name);
    if (!record) throw queueNotFound(name);
    cache.set(name, record);
    return record;
  };

  const toNew = (input: SendInput, now: number): NewMessage => {
    const attributes = input.attributes ?? {};
    checkMessage(input.body, attributes, input.delaySec);
    const message: NewMessage = { id: timeOrderedUuid(now), body: input.body, attributes };
    if (input.delaySec !== undefined) message.delaySec = input.delaySec;
    if (input.dedupeId !== undefined) message.dedupeId = input.dedupeId;
    if (input.meta !== undefined) message.meta = input.meta;
    return message;
  };

  /**
   * Every send wakes waiters: a delayed message may be due before the time they sleep until. The
   * waiters of other nodes sharing the store are woken through a signal (`m:QUEUE`).
   */
  const wake = (queue: string) => {
    notifier.notify(queue);
    deps.store.signals.publish('queue', `m:${queue}`);
  };
  /** A queue's settings changed or it was deleted: other nodes drop their cached copy (`c:QUEUE`). */
  const configChanged = (queue: string) => deps.store.signals.publish('queue', `c:${queue}`);
  let unsubscribe: (() => void) | undefined;

  const pruneExpired = async () => {
    try {
      await repo.deleteExpired(deps.clock.now());
    } catch (error) {
      console.error('gust: queue retention failed:', error);
    }
    if (running)
      retentionTimer = deps.clock.setTimeout(() => void pruneExpired(), deps.retentionIntervalMs ?? 60_000);
  };

  const service: QueueService = {
    async putQueue(name, config, options = {}) {
      checkQueueName(name);
      const full = queueConfig(config);
      const existing = await repo.getQueue(name);
      const record: QueueRecord = {
        name,
        config: full,
        kind: options.kind ?? existing?.kind ?? 'user',
        owner: options.owner !== undefined ? options.owner : (existing?.owner ?? null),
        createdAt: existing?.createdAt ?? deps.clock.now(),
      };
      await repo.putQueue(record);
      cache.set(name, record);
      configChanged(name);
      return record;
    },
    getQueue,
    listQueues: (prefix) => repo.listQueues(prefix),
    async deleteQueue(name) {
      await getQueue(name);
      await repo.deleteQueue(name);
      cache.delete(name);
      configChanged(name);
    },

    async send(queue, inputs) {
      await getQueue(queue);
      const now = deps.clock.now();
      const results = await repo.send(
        queue,
        inputs.map((i) => toNew(i, now)),
        now,
      );
      wake(queue);
      return results;
    },

    async sendBatches(batches) {
      const now = deps.clock.now();
      await Promise.all(batches.map((b) => getQueue(b.queue)));
      const results = await repo.sendBatches(
        batches.map((b) => ({ queue: b.queue, messages: b.inputs.map((i) => toNew(i, now)) })),
        now,
      );
      for (const b of batches) wake(b.queue);
      return results;
    },

    async receive(queue, input = {}) {
      const record = await getQueue(queue);
      const max = input.max ?? 1;
      if (!Number.isInteger(max) || max < 1 || max > MAX_BATCH) {
        throw new GustError(
          'ERR_INVALID_PARAMETER',
          `MaxNumberOfMessages must be 1 to ${MAX_BATCH}, got ${max}.`,
          {
            details: { parameter: 'MaxNumberOfMessages' },
            awsType: 'InvalidParameterValue',
          },
        );
      }
      const visibility = input.visibilityTimeoutSec ?? record.config.visibilityTimeoutSec;
      const wait = input.waitTimeSec ?? 0;
      if (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_SEC) {
        throw new GustError(
          'ERR_INVALID_PARAMETER',
          `WaitTimeSeconds must be 0 to ${MAX_WAIT_SEC}, got ${wait}.`,
          {
            details: { parameter: 'WaitTimeSeconds' },
            awsType: 'InvalidParameterValue',
          },
        );
      }
      if (!Number.isInteger(visibility) || visibility < 0 || visibility > MAX_VISIBILITY_SEC) {
        throw new GustError(
          'ERR_INVALID_PARAMETER',
          `VisibilityTimeout must be 0 to ${MAX_VISIBILITY_SEC}, got ${visibility}.`,
          {
            details: { parameter: 'VisibilityTimeout' },
            awsType: 'InvalidParameterValue',
          },
        );
      }
      const deadline = deps.clock.now() + wait * 1000;
      for (;;) {
        const now = deps.clock.now();
        const leased = await repo.receive(queue, { max, visibilityTimeoutSec: visibility, now });
        if (leased.length > 0 || now >= deadline || input.signal?.aborted) return leased;
        // Sleep until a send wakes us, a delayed or leased message becomes visible, or the wait ends.
        const next = await repo.nextVisibleAt(queue, now);
        const until = Math.min(deadline, next ?? deadline);
        const abort = new AbortController();
        const timer = deps.clock.setTimeout(() => abort.abort(), Math.max(1, until - now));
        const onOuterAbort = () => abort.abort();
        input.signal?.addEventListener('abort', onOuterAbort, { once: true });
        await notifier.wait(queue, abort.signal);
        timer.cancel();
        input.signal?.removeEventListener('abort', onOuterAbort);
      }
    },

    async deleteMessage(queue, receiptHandle) {
      await getQueue(queue);
      return repo.deleteMessage(queue, receiptHandle);
    },

    async deleteMessages(queue, receiptHandles) {
      await getQueue(queue);
      return repo.deleteMessages(queue, receiptHandles);
    },

    async changeVisibility(queue, receiptHandle, visibilityTimeoutSec) {
      await getQueue(queue);
      if (
        !Number.isInteger(visibilityTimeoutSec) ||
        visibilityTimeoutSec < 0 ||
        visibilityTimeoutSec > MAX_VISIBILITY_SEC
      ) {
        throw new GustError(
          'ERR_INVALID_PARAMETER',
          `VisibilityTimeout must be 0 to ${MAX_VISIBILITY_SEC}, got ${visibilityTimeoutSec}.`,
          { details: { parameter: 'VisibilityTimeout' }, awsType: 'InvalidParameterValue' },
        );
      }
      const changed = await repo.changeVisibility(queue, receiptHandle, {
        visibleAt: deps.clock.now() + visibilityTimeoutSec * 1000,
      });
      if (changed) wake(queue);
      return changed;
    },

    async returnMessage(queue, receiptHandle, delayMs, options = {}) {
      const change: VisibilityChange = { visibleAt: deps.clock.now() + Math.max(0, delayMs) };
      if (options.lastError !== undefined) change.lastError = options.lastError;
      if (options.uncountReceive) change.uncountReceive = true;
      const returned = await repo.changeVisibility(queue, receiptHandle, change);
      // Waiters may be sleeping until this message's old lease ends; wake them to look again.
      if (returned) wake(queue);
      return returned;
    },

    async moveToDeadLetter(queue, receiptHandle, toQueue, reason) {
      await getQueue(toQueue);
      const moved = await repo.moveToDeadLetter(queue, receiptHandle, toQueue, reason, deps.clock.now());
      if (moved) wake(toQueue);
      return moved;
    },

    async purge(queue) {
      await getQueue(queue);
      return repo.purge(queue);
    },

    async redrive(deadLetterQueue, options = {}) {
      await getQueue(deadLetterQueue);
      if (options.toQueue !== undefined) await getQueue(options.toQueue);
      const moved = await repo.redrive(deadLetterQueue, { ...options, now: deps.clock.now() });
      if (moved > 0) {
        if (options.toQueue) wake(options.toQueue);
        // Without toQueue, messages return to their own source queues: wake every queue's waiters.
        else for (const q of await repo.listQueues()) wake(q.name);
      }
      return moved;
    },

    async stats(queue) {
      await getQueue(queue);
      return repo.stats(queue, deps.clock.now());
    },

    async peek(queue, limit = 50) {
      await getQueue(queue);
      return repo.peek(queue, { limit });
    },

    waitForMessages: (queue, signal) => notifier.wait(queue, signal),
    notify: (queue) => wake(queue),

    start() {
      running = true;
      unsubscribe = deps.store.signals.subscribe('queue', (payload, fromThisNode) => {
        if (fromThisNode) return;
        const name = payload.slice(2);
        if (payload === '') {
          // The signal connection was down: anything may have happened; look again everywhere.
          cache.clear();
          notifier.notifyAll();
        } else if (payload.startsWith('c:')) cache.delete(name);
        else notifier.notify(name);
      });
      retentionTimer = deps.clock.setTimeout(() => void pruneExpired(), deps.retentionIntervalMs ?? 60_000);
    },
    stop() {
      running = false;
      unsubscribe?.();
      retentionTimer?.cancel();
    },
  };
  return service;
}
