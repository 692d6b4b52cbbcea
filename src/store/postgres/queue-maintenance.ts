import { GustError } from '../../core/errors.js';
import type { QueueConfig } from '../queue-repository.js';
import { queueNotFound, secondsToMs } from '../sqlite/queue-rows.js';
import { DELETE_CHUNK_ROWS, deleteInChunksAsync } from './chunked-delete.js';
import type { PgDatabase } from './executor.js';

/**
 * The queue operations that may touch many messages, in PostgreSQL: each works in chunks of at
 * most DELETE_CHUNK_ROWS rows, one short statement (and transaction) each.
 */
export class PgQueueMaintenance {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** Deletes the messages of a queue that no longer exists; returns how many. */
  deleteOrphanedMessages(queue: string): Promise<number> {
    // Stops deleting as soon as a queue of that name exists again (re-created meanwhile).
    return deleteInChunksAsync((limit) =>
      this.#db.run(
        `DELETE FROM messages WHERE id = ANY(ARRAY(SELECT id FROM messages WHERE queue = $1 LIMIT $2))
           AND NOT EXISTS (SELECT 1 FROM queues WHERE name = $1)`,
        [queue, limit],
      ),
    );
  }

  purge(queue: string): Promise<number> {
    return deleteInChunksAsync((limit) =>
      this.#db.run(
        'DELETE FROM messages WHERE id = ANY(ARRAY(SELECT id FROM messages WHERE queue = $1 LIMIT $2))',
        [queue, limit],
      ),
    );
  }

  async redrive(dlq: string, options: { toQueue?: string; max?: number; now: number }): Promise<number> {
    const toQueue = options.toQueue ?? null;
    if (!(await this.#exists(dlq))) throw queueNotFound(dlq);
    if (toQueue !== null && !(await this.#exists(toQueue))) throw queueNotFound(toQueue);
    if (toQueue === dlq) {
      throw new GustError(
        'ERR_INVALID_PARAMETER',
        `Cannot redrive queue ${dlq} into itself; name another queue.`,
        { details: { queue: dlq } },
      );
    }
    let remaining =
      options.max === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(options.max));
    let moved = 0;
    while (remaining > 0) {
      const limit = Math.min(remaining, DELETE_CHUNK_ROWS);
      // One UPDATE per chunk, atomic on its own. The candidates are chosen once (a materialized
      // CTE: a LIMIT inside `IN (...)` may be evaluated more than once) and locked (SKIP LOCKED
      // passes over a message a receiver holds), so a message moves exactly once. A message whose target queue is missing (or is the
      // dead-letter queue itself) stays put.
      const n = await this.#db.run(
        `WITH c AS MATERIALIZED (
           SELECT m.id FROM messages m
           WHERE m.queue = $1 AND COALESCE($2::text, m.source_queue) <> $1
             AND EXISTS (SELECT 1 FROM queues q WHERE q.name = COALESCE($2::text, m.source_queue))
           ORDER BY m.sent_at, m.id LIMIT $4 FOR UPDATE OF m SKIP LOCKED)
         UPDATE messages SET queue = COALESCE($2::text, source_queue), source_queue = NULL,
           receive_count = 0, first_received_at = NULL, receipt_handle = NULL,
           visible_at = $3, sent_at = $3
         FROM c WHERE messages.id = c.id AND messages.queue = $1`,
        [dlq, toQueue, options.now, limit],
      );
      moved += n;
      remaining -= n;
      if (n < limit) break;
    }
    return moved;
  }

  /** Retention for every queue that holds messages, orphans of deleted queues, then dedupe entries. */
  async deleteExpired(now: number): Promise<number> {
    const db = this.#db;
    let deleted = 0;
    // Hops from one distinct queue name to the next through messages_by_queue_visible.
    let queue = await this.#nextQueue(null);
    while (queue !== undefined) {
      const name = queue;
      const q = await db.one<{ config: string }>('SELECT config FROM queues WHERE name = $1', [name]);
      if (q === undefined) {
        deleted += await this.deleteOrphanedMessages(name);
      } else {
        // Written by putQueue from a QueueConfig.
        const { retentionSec } = JSON.parse(q.config) as QueueConfig;
        const cutoff = now - secondsToMs(retentionSec);
        deleted += await deleteInChunksAsync((limit) =>
          db.run(
            `DELETE FROM messages WHERE id = ANY(ARRAY(
               SELECT id FROM messages WHERE queue = $1 AND sent_at <= $2 ORDER BY sent_at LIMIT $3))`,
            [name, cutoff, limit],
          ),
        );
      }
      queue = await this.#nextQueue(name);
    }
    await deleteInChunksAsync((limit) =>
      db.run(
        `WITH c AS MATERIALIZED (SELECT queue, dedupe_id FROM dedupe WHERE expires_at <= $1 LIMIT $2)
         DELETE FROM dedupe d USING c WHERE d.queue = c.queue AND d.dedupe_id = c.dedupe_id`,
        [now, limit],
      ),
    );
    return deleted;
  }

  async #exists(queue: string): Promise<boolean> {
    return (await this.#db.one('SELECT 1 AS found FROM queues WHERE name = $1', [queue])) !== undefined;
  }

  async #nextQueue(after: string | null): Promise<string | undefined> {
    const row = await this.#db.one<{ name: string | null }>(
      after === null
        ? 'SELECT MIN(queue) AS name FROM messages'
        : 'SELECT MIN(queue) AS name FROM messages WHERE queue > $1',
      after === null ? [] : [after],
    );
    return row?.name ?? undefined;
  }
}
