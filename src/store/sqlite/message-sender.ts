import type { NewMessage, QueueConfig, SendResult } from '../queue-repository.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';
import { queueNotFound, secondsToMs } from './queue-rows.js';

type InsertParams = [string, string, string, string, string | null, number, number, string | null];

function prepare(db: SqliteDatabase) {
  return {
    queueConfig: db.prepare<[string], string>('SELECT config FROM queues WHERE name = ?').pluck(),
    insert: db.prepare<InsertParams>(
      `INSERT INTO messages (id, queue, body, attributes, meta, sent_at, visible_at, dedupe_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    /** The message a dedupe id still stands for, if its window is open. */
    dedupeHit: db
      .prepare<[string, string, number], string>(
        'SELECT message_id FROM dedupe WHERE queue = ? AND dedupe_id = ? AND expires_at > ?',
      )
      .pluck(),
    dedupeClaim: db.prepare<[string, string, string, number]>(
      `INSERT INTO dedupe (queue, dedupe_id, message_id, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (queue, dedupe_id) DO UPDATE SET message_id = excluded.message_id,
         expires_at = excluded.expires_at`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/**
 * The one place messages enter a queue: `QueueRepository.send`/`sendBatches` and
 * `ScheduleRepository.fireTick` all go through `sendInTransaction`, so delay and deduplication
 * behave the same whichever path a message takes.
 */
export class SqliteMessageSender {
  readonly #s: () => Statements;

  constructor(db: SqliteDatabase) {
    this.#s = prepareOnce(db, prepare);
  }

  /**
   * Stores `messages` on `queue`. Must run inside the caller's transaction (it reads the queue and
   * the dedupe entries before it writes, so an IMMEDIATE one): a throw part-way (a missing queue, a
   * repeated id) then rolls the whole send back.
   */
  sendInTransaction(queue: string, messages: readonly NewMessage[], now: number): SendResult[] {
    const s = this.#s();
    const configText = s.queueConfig.get(queue);
    if (configText === undefined) throw queueNotFound(queue);
    // Written by putQueue from a QueueConfig.
    const config = JSON.parse(configText) as QueueConfig;
    const dedupeMs = secondsToMs(config.dedupeWindowSec);
    const results: SendResult[] = [];
    for (const m of messages) {
      const dedupeId = m.dedupeId ?? null;
      if (dedupeId !== null && dedupeMs > 0) {
        const firstId = s.dedupeHit.get(queue, dedupeId, now);
        if (firstId !== undefined) {
          results.push({ id: firstId, duplicate: true });
          continue;
        }
        // The window counts from this first acceptance; later duplicates do not extend it.
        s.dedupeClaim.run(queue, dedupeId, m.id, now + dedupeMs);
      }
      const visibleAt = now + Math.max(0, secondsToMs(m.delaySec ?? config.delaySec));
      s.insert.run(
        m.id,
        queue,
        m.body,
        JSON.stringify(m.attributes),
        m.meta === undefined ? null : JSON.stringify(m.meta),
        now,
        visibleAt,
        dedupeId,
      );
      results.push({ id: m.id, duplicate: false });
    }
    return results;
  }
}
