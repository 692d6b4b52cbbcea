import { clampLimit, QUEUE_PEEK_LIMIT, QUEUE_RECEIVE_LIMIT } from '../query-limits.js';
import type {
  LeasedMessage,
  NewMessage,
  QueueRecord,
  QueueRepository,
  QueueStats,
  ReceiveOptions,
  SendResult,
  StoredMessage,
  VisibilityChange,
} from '../queue-repository.js';
import type { MessageRow, QueueRow } from '../sqlite/queue-rows.js';
import { queueNotFound, secondsToMs, toMessage, toQueue } from '../sqlite/queue-rows.js';
import type { PgDatabase } from './executor.js';
import { PgMessageLeases } from './message-leases.js';
import type { PgMessageSender } from './message-sender.js';
import { PgQueueMaintenance } from './queue-maintenance.js';

interface StatsRow {
  total: number;
  visible: number;
  in_flight: number;
  oldest: number | null;
}

type Batch = { queue: string; messages: readonly NewMessage[] };

/**
 * Queues and their messages in PostgreSQL. Sending goes through the shared `PgMessageSender`,
 * receiving through `PgMessageLeases`, and the chunked sweeps (purge, redrive, retention, the
 * messages of a deleted queue) through `PgQueueMaintenance`.
 */
export class PgQueueRepository implements QueueRepository {
  readonly #db: PgDatabase;
  readonly #sender: PgMessageSender;
  readonly #leases: PgMessageLeases;
  readonly #maintenance: PgQueueMaintenance;

  constructor(db: PgDatabase, sender: PgMessageSender) {
    this.#db = db;
    this.#sender = sender;
    this.#leases = new PgMessageLeases(db);
    this.#maintenance = new PgQueueMaintenance(db);
  }

  async putQueue(q: QueueRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO queues (name, config, kind, owner, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET config = excluded.config, kind = excluded.kind,
         owner = excluded.owner, created_at = excluded.created_at`,
      [q.name, JSON.stringify(q.config), q.kind, q.owner, q.createdAt],
    );
  }

  async getQueue(name: string): Promise<QueueRecord | undefined> {
    const row = await this.#db.one<QueueRow>('SELECT * FROM queues WHERE name = $1', [name]);
    return row && toQueue(row);
  }

  async listQueues(prefix?: string): Promise<QueueRecord[]> {
    // starts_with rather than LIKE: exact, case-sensitive, and `%` or `_` in a prefix mean themselves.
    const rows =
      prefix === undefined
        ? await this.#db.rows<QueueRow>('SELECT * FROM queues ORDER BY name')
        : await this.#db.rows<QueueRow>('SELECT * FROM queues WHERE starts_with(name, $1) ORDER BY name', [
            prefix,
          ]);
    return rows.map(toQueue);
  }

  async deleteQueue(name: string): Promise<boolean> {
    const existed = await this.#db.transaction(async (tx) => {
      await tx.run('DELETE FROM dedupe WHERE queue = $1', [name]);
      return (await tx.run('DELETE FROM queues WHERE name = $1', [name])) > 0;
    });
    if (!existed) return false;
    await this.#maintenance.deleteOrphanedMessages(name);
    return true;
  }

  async send(queue: string, messages: readonly NewMessage[], now: number): Promise<SendResult[]> {
    const [results] = await this.sendBatches([{ queue, messages }], now);
    return results ?? [];
  }

  async sendBatches(batches: readonly Batch[], now: number): Promise<SendResult[][]> {
    return this.#db.transaction(async (tx) => {
      const results: SendResult[][] = [];
      for (const b of batches)
        results.push(await this.#sender.sendInTransaction(tx, b.queue, b.messages, now));
      return results;
    });
  }

  async receive(queue: string, options: ReceiveOptions): Promise<LeasedMessage[]> {
    const max = clampLimit(options.max, QUEUE_RECEIVE_LIMIT);
    return this.#leases.receive(queue, max, secondsToMs(options.visibilityTimeoutSec), options.now);
  }

  async deleteMessage(queue: string, receiptHandle: string): Promise<boolean> {
    const n = await this.#db.run('DELETE FROM messages WHERE receipt_handle = $1 AND queue = $2', [
      receiptHandle,
      queue,
    ]);
    return n > 0;
  }

  async deleteMessages(queue: string, receiptHandles: readonly string[]): Promise<boolean[]> {
    if (receiptHandles.length === 0) return [];
    // One statement for the batch; a handle listed twice deletes once, so only its first entry
    // reports true (as deleting one by one would).
    const rows = await this.#db.rows<{ receipt_handle: string }>(
      'DELETE FROM messages WHERE queue = $1 AND receipt_handle = ANY($2::text[]) RETURNING receipt_handle',
      [queue, receiptHandles],
    );
    const deleted = new Set(rows.map((r) => r.receipt_handle));
    return receiptHandles.map((handle) => deleted.delete(handle));
  }

  async changeVisibility(queue: string, receiptHandle: string, change: VisibilityChange): Promise<boolean> {
    // SET expressions read the row as it was, so receive_count <= 1 means "reaches 0 now".
    const n = await this.#db.run(
      `UPDATE messages SET visible_at = $3, last_error = COALESCE($4, last_error),
         receive_count = CASE WHEN $5 THEN GREATEST(receive_count - 1, 0) ELSE receive_count END,
         first_received_at = CASE WHEN $5 AND receive_count <= 1 THEN NULL ELSE first_received_at END
       WHERE receipt_handle = $2 AND queue = $1`,
      [queue, receiptHandle, change.visibleAt, change.lastError ?? null, change.uncountReceive === true],
    );
    return n > 0;
  }

  async moveToDeadLetter(
    queue: string,
    receiptHandle: string,
    toQueue: string,
    lastError: string,
    now: number,
  ): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      // KEY SHARE: the target cannot be deleted before this move commits.
      const target = await tx.one('SELECT 1 AS found FROM queues WHERE name = $1 FOR KEY SHARE', [toQueue]);
      if (target === undefined) throw queueNotFound(toQueue);
      const n = await tx.run(
        `UPDATE messages SET queue = $3, source_queue = queue, receive_count = 0,
           first_received_at = NULL, receipt_handle = NULL, visible_at = $4, last_error = $5
         WHERE receipt_handle = $2 AND queue = $1`,
        [queue, receiptHandle, toQueue, now, lastError],
      );
      return n > 0;
    });
  }

  purge(queue: string): Promise<number> {
    return this.#maintenance.purge(queue);
  }

  redrive(
    deadLetterQueue: string,
    options: { toQueue?: string; max?: number; now: number },
  ): Promise<number> {
    return this.#maintenance.redrive(deadLetterQueue, options);
  }

  async stats(queue: string, now: number): Promise<QueueStats> {
    // One statement, so the figures come from one snapshot.
    const row = await this.#db.one<StatsRow>(
      `SELECT (SELECT COUNT(*) FROM messages WHERE queue = $1) AS total,
         (SELECT COUNT(*) FROM messages WHERE queue = $1 AND visible_at <= $2) AS visible,
         (SELECT COUNT(*) FROM messages WHERE queue = $1 AND visible_at > $2 AND receipt_handle IS NOT NULL)
           AS in_flight,
         (SELECT MIN(sent_at) FROM messages WHERE queue = $1) AS oldest`,
      [queue, now],
    );
    const total = row?.total ?? 0;
    const visible = row?.visible ?? 0;
    const inFlight = row?.in_flight ?? 0;
    const oldest = row?.oldest ?? null;
    return {
      visible,
      inFlight,
      delayed: total - visible - inFlight,
      oldestAgeMs: oldest === null ? null : now - oldest,
      total,
    };
  }

  async getMessage(id: string): Promise<StoredMessage | undefined> {
    const row = await this.#db.one<MessageRow>('SELECT * FROM messages WHERE id = $1', [id]);
    return row && toMessage(row);
  }

  async peek(queue: string, options: { limit: number }): Promise<StoredMessage[]> {
    const limit = clampLimit(options.limit, QUEUE_PEEK_LIMIT);
    if (limit === 0) return [];
    const rows = await this.#db.rows<MessageRow>(
      'SELECT * FROM messages WHERE queue = $1 ORDER BY sent_at, id LIMIT $2',
      [queue, limit],
    );
    return rows.map(toMessage);
  }

  deleteExpired(now: number): Promise<number> {
    return this.#maintenance.deleteExpired(now);
  }

  async nextVisibleAt(queue: string, now: number): Promise<number | null> {
    const row = await this.#db.one<{ at: number | null }>(
      'SELECT MIN(visible_at) AS at FROM messages WHERE queue = $1 AND visible_at > $2',
      [queue, now],
    );
    return row?.at ?? null;
  }
}
