import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { GustError } from '../../core/errors.js';
import type { QueueConfig } from '../queue-repository.js';
import { DELETE_CHUNK_ROWS, deleteInChunks } from './chunked-delete.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';
import { queueNotFound, secondsToMs } from './queue-rows.js';

interface RedriveParams {
  dlq: string;
  toQueue: string | null;
  now: number;
  limit: number;
}

function prepare(db: SqliteDatabase) {
  return {
    queueConfig: db.prepare<[string], string>('SELECT config FROM queues WHERE name = ?').pluck(),
    deleteQueue: db.prepare<[string]>('DELETE FROM queues WHERE name = ?'),
    deleteQueueDedupe: db.prepare<[string]>('DELETE FROM dedupe WHERE queue = ?'),
    deleteMessages: db.prepare<[string, number]>(
      'DELETE FROM messages WHERE rowid IN (SELECT rowid FROM messages WHERE queue = ? LIMIT ?)',
    ),
    // Stops deleting as soon as a queue of that name exists again (re-created meanwhile).
    deleteOrphans: db.prepare<[string, number, string]>(
      `DELETE FROM messages WHERE rowid IN (SELECT rowid FROM messages WHERE queue = ? LIMIT ?)
         AND NOT EXISTS (SELECT 1 FROM queues WHERE name = ?)`,
    ),
    deleteSentBefore: db.prepare<[string, number, number]>(
      `DELETE FROM messages WHERE rowid IN
         (SELECT rowid FROM messages WHERE queue = ? AND sent_at <= ? ORDER BY sent_at LIMIT ?)`,
    ),
    deleteExpiredDedupe: db.prepare<[number, number]>(
      'DELETE FROM dedupe WHERE rowid IN (SELECT rowid FROM dedupe WHERE expires_at <= ? LIMIT ?)',
    ),
    // Hops from one distinct queue name to the next through messages_by_queue_visible.
    firstQueue: db.prepare<[], string>('SELECT queue FROM messages ORDER BY queue LIMIT 1').pluck(),
    nextQueue: db
      .prepare<[string], string>('SELECT queue FROM messages WHERE queue > ? ORDER BY queue LIMIT 1')
      .pluck(),
    // A message whose target queue is missing (or is the dead-letter queue itself) stays put.
    redrive: db.prepare<RedriveParams>(
      `UPDATE messages SET queue = COALESCE(@toQueue, source_queue), source_queue = NULL,
         receive_count = 0, first_received_at = NULL, receipt_handle = NULL,
         visible_at = @now, sent_at = @now
       WHERE id IN (
         SELECT m.id FROM messages m
         WHERE m.queue = @dlq AND COALESCE(@toQueue, m.source_queue) <> @dlq
           AND EXISTS (SELECT 1 FROM queues q WHERE q.name = COALESCE(@toQueue, m.source_queue))
         ORDER BY m.sent_at, m.id LIMIT @limit)`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/**
 * The queue operations that may touch many messages: each works in chunks of at most
 * DELETE_CHUNK_ROWS rows, one short statement each, yielding to the event loop in between.
 */
export class SqliteQueueMaintenance {
  readonly #s: () => Statements;

  constructor(db: SqliteDatabase) {
    this.#s = prepareOnce(db, prepare);
  }

  /**
   * Deletes the queue's record and dedupe entries; true if it existed. Runs inside the caller's
   * transaction; `deleteOrphanedMessages` then removes the messages.
   */
  deleteQueueRecord(name: string): boolean {
    const s = this.#s();
    s.deleteQueueDedupe.run(name);
    return s.deleteQueue.run(name).changes > 0;
  }

  /** Deletes the messages of a queue that no longer exists; returns how many. */
  deleteOrphanedMessages(queue: string): Promise<number> {
    const { deleteOrphans } = this.#s();
    return deleteInChunks((limit) => deleteOrphans.run(queue, limit, queue).changes);
  }

  purge(queue: string): Promise<number> {
    const { deleteMessages } = this.#s();
    return deleteInChunks((limit) => deleteMessages.run(queue, limit).changes);
  }

  async redrive(dlq: string, options: { toQueue?: string; max?: number; now: number }): Promise<number> {
    const s = this.#s();
    const toQueue = options.toQueue ?? null;
    if (s.queueConfig.get(dlq) === undefined) throw queueNotFound(dlq);
    if (toQueue !== null && s.queueConfig.get(toQueue) === undefined) throw queueNotFound(toQueue);
    if (toQueue === dlq) {
      throw new GustError(
        'ERR_INVALID_PARAMETER',
        `Cannot redrive queue ${dlq} into itself; name another queue.`,
        {
          details: { queue: dlq },
        },
      );
    }
    let remaining =
      options.max === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(options.max));
    let moved = 0;
    while (remaining > 0) {
      const limit = Math.min(remaining, DELETE_CHUNK_ROWS);
      // One UPDATE per chunk: atomic on its own, so each message moves exactly once.
      const n = s.redrive.run({ dlq, toQueue, now: options.now, limit }).changes;
      moved += n;
      remaining -= n;
      if (n < limit) break;
      await yieldToEventLoop();
    }
    return moved;
  }

  /** Retention for every queue that holds messages, orphans of deleted queues, then dedupe entries. */
  async deleteExpired(now: number): Promise<number> {
    const s = this.#s();
    let deleted = 0;
    for (let queue = s.firstQueue.get(); queue !== undefined; queue = s.nextQueue.get(queue)) {
      const name = queue;
      const configText = s.queueConfig.get(name);
      if (configText === undefined) {
        deleted += await this.deleteOrphanedMessages(name);
      } else {
        // Written by putQueue from a QueueConfig.
        const { retentionSec } = JSON.parse(configText) as QueueConfig;
        const cutoff = now - secondsToMs(retentionSec);
        deleted += await deleteInChunks((limit) => s.deleteSentBefore.run(name, cutoff, limit).changes);
      }
      await yieldToEventLoop();
    }
    await deleteInChunks((limit) => s.deleteExpiredDedupe.run(now, limit).changes);
    return deleted;
  }
}
