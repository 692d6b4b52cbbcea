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
import type { SqliteDatabase } from './database.js';
import { SqliteMessageLeases } from './message-leases.js';
import type { SqliteMessageSender } from './message-sender.js';
import { prepareOnce } from './prepare-once.js';
import { SqliteQueueMaintenance } from './queue-maintenance.js';
import type { MessageRow, QueueRow } from './queue-rows.js';
import { queueNotFound, secondsToMs, toMessage, toQueue } from './queue-rows.js';

interface StatsRow {
  total: number;
  visible: number;
  in_flight: number;
  oldest: number | null;
}

interface VisibilityParams {
  queue: string;
  handle: string;
  visibleAt: number;
  lastError: string | null;
  uncount: number;
}

interface DeadLetterParams {
  queue: string;
  handle: string;
  toQueue: string;
  lastError: string;
  now: number;
}

type Batch = { queue: string; messages: readonly NewMessage[] };

function prepare(db: SqliteDatabase) {
  return {
    upsertQueue: db.prepare<[string, string, string, string | null, number]>(
      `INSERT INTO queues (name, config, kind, owner, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET config = excluded.config, kind = excluded.kind,
         owner = excluded.owner, created_at = excluded.created_at`,
    ),
    getQueue: db.prepare<[string], QueueRow>('SELECT * FROM queues WHERE name = ?'),
    queueExists: db.prepare<[string], number>('SELECT 1 FROM queues WHERE name = ?').pluck(),
    listQueues: db.prepare<[], QueueRow>('SELECT * FROM queues ORDER BY name'),
    // substr rather than LIKE: exact, case-sensitive, and `%` or `_` in a prefix mean themselves.
    listQueuesWithPrefix: db.prepare<[string, string], QueueRow>(
      'SELECT * FROM queues WHERE substr(name, 1, length(?)) = ? ORDER BY name',
    ),
    deleteByHandle: db.prepare<[string, string]>(
      'DELETE FROM messages WHERE receipt_handle = ? AND queue = ?',
    ),
    // SET expressions read the row as it was, so receive_count <= 1 means "reaches 0 now".
    changeVisibility: db.prepare<VisibilityParams>(
      `UPDATE messages SET visible_at = @visibleAt, last_error = COALESCE(@lastError, last_error),
         receive_count = CASE WHEN @uncount THEN MAX(receive_count - 1, 0) ELSE receive_count END,
         first_received_at = CASE WHEN @uncount AND receive_count <= 1 THEN NULL ELSE first_received_at END
       WHERE receipt_handle = @handle AND queue = @queue`,
    ),
    deadLetter: db.prepare<DeadLetterParams>(
      `UPDATE messages SET queue = @toQueue, source_queue = queue, receive_count = 0,
         first_received_at = NULL, receipt_handle = NULL, visible_at = @now, last_error = @lastError
       WHERE receipt_handle = @handle AND queue = @queue`,
    ),
    // One statement, so the figures come from one snapshot. Each count walks an index range.
    stats: db.prepare<[string, string, number, string, number, string], StatsRow>(
      `SELECT (SELECT COUNT(*) FROM messages WHERE queue = ?) AS total,
         (SELECT COUNT(*) FROM messages WHERE queue = ? AND visible_at <= ?) AS visible,
         (SELECT COUNT(*) FROM messages WHERE queue = ? AND visible_at > ? AND receipt_handle IS NOT NULL)
           AS in_flight,
         (SELECT MIN(sent_at) FROM messages WHERE queue = ?) AS oldest`,
    ),
    getMessage: db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE id = ?'),
    peek: db.prepare<[string, number], MessageRow>(
      'SELECT * FROM messages WHERE queue = ? ORDER BY sent_at, id LIMIT ?',
    ),
    nextVisibleAt: db
      .prepare<[string, number], number | null>(
        'SELECT MIN(visible_at) FROM messages WHERE queue = ? AND visible_at > ?',
      )
      .pluck(),
  };
}

type Statements = ReturnType<typeof prepare>;

/**
 * Queues and their messages in SQLite. Sending goes through the shared `SqliteMessageSender`,
 * receiving through `SqliteMessageLeases`, and the chunked sweeps (purge, redrive, retention,
 * the messages of a deleted queue) through `SqliteQueueMaintenance`.
 */
export class SqliteQueueRepository implements QueueRepository {
  readonly #s: () => Statements;
  readonly #leases: SqliteMessageLeases;
  readonly #maintenance: SqliteQueueMaintenance;
  readonly #sendBatches: (batches: readonly Batch[], now: number) => SendResult[][];
  readonly #deleteQueue: (name: string) => boolean;
  readonly #deleteMessages: (queue: string, handles: readonly string[]) => boolean[];
  readonly #moveToDeadLetter: (params: DeadLetterParams) => boolean;

  constructor(db: SqliteDatabase, sender: SqliteMessageSender) {
    const s = prepareOnce(db, prepare);
    this.#s = s;
    this.#leases = new SqliteMessageLeases(db);
    this.#maintenance = new SqliteQueueMaintenance(db);
    // IMMEDIATE: the queue and dedupe reads happen under the write lock, so another process
    // cannot accept the same dedupe id in between.
    this.#sendBatches = db.transaction((batches: readonly Batch[], now: number) =>
      batches.map((b) => sender.sendInTransaction(b.queue, b.messages, now)),
    ).immediate;
    const maintenance = this.#maintenance;
    this.#deleteQueue = db.transaction((name: string) => maintenance.deleteQueueRecord(name)).immediate;
    this.#deleteMessages = db.transaction((queue: string, handles: readonly string[]) => {
      const { deleteByHandle } = s();
      return handles.map((handle) => deleteByHandle.run(handle, queue).changes > 0);
    });
    this.#moveToDeadLetter = db.transaction((params: DeadLetterParams) => {
      const st = s();
      if (st.queueExists.get(params.toQueue) === undefined) throw queueNotFound(params.toQueue);
      return st.deadLetter.run(params).changes > 0;
    }).immediate;
  }

  async putQueue(q: QueueRecord): Promise<void> {
    this.#s().upsertQueue.run(q.name, JSON.stringify(q.config), q.kind, q.owner, q.createdAt);
  }

  async getQueue(name: string): Promise<QueueRecord | undefined> {
    const row = this.#s().getQueue.get(name);
    return row && toQueue(row);
  }

  async listQueues(prefix?: string): Promise<QueueRecord[]> {
    const s = this.#s();
    const rows = prefix === undefined ? s.listQueues.all() : s.listQueuesWithPrefix.all(prefix, prefix);
    return rows.map(toQueue);
  }

  async deleteQueue(name: string): Promise<boolean> {
    if (!this.#deleteQueue(name)) return false;
    await this.#maintenance.deleteOrphanedMessages(name);
    return true;
  }

  async send(queue: string, messages: readonly NewMessage[], now: number): Promise<SendResult[]> {
    const [results] = this.#sendBatches([{ queue, messages }], now);
    return results ?? [];
  }

  async sendBatches(batches: readonly Batch[], now: number): Promise<SendResult[][]> {
    return this.#sendBatches(batches, now);
  }

  async receive(queue: string, options: ReceiveOptions): Promise<LeasedMessage[]> {
    const max = clampLimit(options.max, QUEUE_RECEIVE_LIMIT);
    return this.#leases.receive(queue, max, secondsToMs(options.visibilityTimeoutSec), options.now);
  }

  async deleteMessage(queue: string, receiptHandle: string): Promise<boolean> {
    return this.#s().deleteByHandle.run(receiptHandle, queue).changes > 0;
  }

  async deleteMessages(queue: string, receiptHandles: readonly string[]): Promise<boolean[]> {
    if (receiptHandles.length === 0) return [];
    return this.#deleteMessages(queue, receiptHandles);
  }

  async changeVisibility(queue: string, receiptHandle: string, change: VisibilityChange): Promise<boolean> {
    const params: VisibilityParams = {
      queue,
      handle: receiptHandle,
      visibleAt: change.visibleAt,
      lastError: change.lastError ?? null,
      uncount: change.uncountReceive === true ? 1 : 0,
    };
    return this.#s().changeVisibility.run(params).changes > 0;
  }

  async moveToDeadLetter(
    queue: string,
    receiptHandle: string,
    toQueue: string,
    lastError: string,
    now: number,
  ): Promise<boolean> {
    return this.#moveToDeadLetter({ queue, handle: receiptHandle, toQueue, lastError, now });
  }

  async purge(queue: string): Promise<number> {
    return this.#maintenance.purge(queue);
  }

  async redrive(
    deadLetterQueue: string,
    options: { toQueue?: string; max?: number; now: number },
  ): Promise<number> {
    return this.#maintenance.redrive(deadLetterQueue, options);
  }

  async stats(queue: string, now: number): Promise<QueueStats> {
    const row = this.#s().stats.get(queue, queue, now, queue, now, queue);
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
    const row = this.#s().getMessage.get(id);
    return row && toMessage(row);
  }

  async peek(queue: string, options: { limit: number }): Promise<StoredMessage[]> {
    const limit = clampLimit(options.limit, QUEUE_PEEK_LIMIT);
    if (limit === 0) return [];
    return this.#s().peek.all(queue, limit).map(toMessage);
  }

  async deleteExpired(now: number): Promise<number> {
    return this.#maintenance.deleteExpired(now);
  }

  async nextVisibleAt(queue: string, now: number): Promise<number | null> {
    return this.#s().nextVisibleAt.get(queue, now) ?? null;
  }
}
