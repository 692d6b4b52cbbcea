import type { LeasedMessage, QueueConfig } from '../queue-repository.js';
import type { MessageRow } from '../sqlite/queue-rows.js';
import { queueNotFound, toMessage } from '../sqlite/queue-rows.js';
import type { PgDatabase, PgExecutor } from './executor.js';

/**
 * Rounds of dead-lettering one receive does at most (as in SQLite): a backlog of exhausted
 * messages is moved over several receives rather than in one long transaction.
 */
const MAX_DEAD_LETTER_ROUNDS = 100;

/** The columns of a message row, qualified for statements that join. */
const MESSAGE_COLUMNS = `m.id, m.queue, m.body, m.attributes, m.meta, m.sent_at, m.visible_at, m.receive_count,
  m.first_received_at, m.receipt_handle, m.last_error, m.source_queue, m.dedupe_id`;

/**
 * The oldest visible messages, locked for this transaction. SKIP LOCKED passes over rows another
 * receiver is leasing right now (on this node or another), so concurrent receivers each take
 * different messages without waiting for one another, and never the same one.
 */
const CANDIDATES = `SELECT id, visible_at, receive_count FROM messages
  WHERE queue = $1 AND visible_at <= $2 ORDER BY visible_at, id LIMIT $3 FOR UPDATE SKIP LOCKED`;

/** Receiving (leasing) messages in PostgreSQL; see `QueueRepository.receive`. */
export class PgMessageLeases {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** Leases up to `max` (already clamped) messages, oldest first. */
  async receive(queue: string, max: number, visibilityMs: number, now: number): Promise<LeasedMessage[]> {
    // The queue's config and whether its dead-letter queue exists, in one round trip.
    const q = await this.#db.one<{ config: string; dlq_exists: boolean }>(
      `SELECT q.config, EXISTS (SELECT 1 FROM queues d WHERE d.name = q.config::json->>'deadLetterQueue')
         AS dlq_exists
       FROM queues q WHERE q.name = $1`,
      [queue],
    );
    if (q === undefined) throw queueNotFound(queue);
    if (max <= 0) return [];
    // Written by putQueue from a QueueConfig.
    const config = JSON.parse(q.config) as QueueConfig;
    const until = now + Math.max(0, visibilityMs);
    const { deadLetterQueue: dlq, maxReceiveCount } = config;
    // A missing dead-letter queue (or the queue itself) must not swallow messages: deliver them.
    if (maxReceiveCount === null || dlq === null || dlq === queue || !q.dlq_exists) {
      return this.#leaseOldest(queue, max, now, until);
    }
    return this.#db.transaction(async (tx) => {
      const leased: LeasedMessage[] = [];
      for (let round = 0; round < MAX_DEAD_LETTER_ROUNDS && leased.length < max; round++) {
        const want = max - leased.length;
        const rows = await tx.rows<{ id: string; receive_count: number }>(CANDIDATES, [queue, now, want]);
        const exhausted = rows.filter((r) => r.receive_count >= maxReceiveCount).map((r) => r.id);
        const deliverable = rows.filter((r) => r.receive_count < maxReceiveCount).map((r) => r.id);
        if (exhausted.length > 0) {
          await tx.run(
            `UPDATE messages SET queue = $1, source_queue = queue, receive_count = 0,
               first_received_at = NULL, receipt_handle = NULL, visible_at = $2
             WHERE id = ANY($3::text[])`,
            [dlq, now, exhausted],
          );
        }
        leased.push(...(await leaseIds(tx, deliverable, now, until)));
        // Without exhausted rows this round saw every visible message it could (or filled the batch).
        if (exhausted.length === 0 || rows.length < want) break;
      }
      return leased;
    });
  }

  /** No dead-lettering to do: select and lease in one statement (atomic on its own). */
  async #leaseOldest(queue: string, max: number, now: number, until: number): Promise<LeasedMessage[]> {
    const rows = await this.#db.rows<MessageRow>(
      `WITH c AS (${CANDIDATES}),
       leased AS (
         UPDATE messages m SET receive_count = m.receive_count + 1,
           first_received_at = COALESCE(m.first_received_at, $2), visible_at = $4,
           receipt_handle = gen_random_uuid()::text
         FROM c WHERE m.id = c.id
         RETURNING ${MESSAGE_COLUMNS}, c.visible_at AS was_visible_at)
       SELECT * FROM leased ORDER BY was_visible_at, id`,
      [queue, now, max, until],
    );
    // The UPDATE just set a handle on every row it returns.
    return rows.map((row) => toMessage(row) as LeasedMessage);
  }
}

/** Leases `ids` (already locked by this transaction) and returns them in the order given. */
async function leaseIds(
  tx: PgExecutor,
  ids: readonly string[],
  now: number,
  until: number,
): Promise<LeasedMessage[]> {
  if (ids.length === 0) return [];
  const rows = await tx.rows<MessageRow>(
    `UPDATE messages m SET receive_count = m.receive_count + 1,
       first_received_at = COALESCE(m.first_received_at, $1), visible_at = $2,
       receipt_handle = gen_random_uuid()::text
     WHERE m.id = ANY($3::text[]) RETURNING ${MESSAGE_COLUMNS}`,
    [now, until, ids],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const leased: LeasedMessage[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (row !== undefined) leased.push(toMessage(row) as LeasedMessage);
  }
  return leased;
}
