import type { NewMessage, QueueConfig, SendResult } from '../queue-repository.js';
import { queueNotFound, secondsToMs } from '../sqlite/queue-rows.js';
import type { PgExecutor } from './executor.js';

/**
 * The one place messages enter a queue in PostgreSQL: `QueueRepository.send`/`sendBatches` and
 * `ScheduleRepository.fireTick` all go through `sendInTransaction`, so delay and deduplication
 * behave the same whichever path a message takes (as `SqliteMessageSender` does for SQLite).
 */
export class PgMessageSender {
  /**
   * Stores `messages` on `queue` inside the caller's transaction: a throw part-way (a missing
   * queue, a repeated id) rolls the whole send back.
   *
   * Concurrency: the queue row is read `FOR KEY SHARE`, so a concurrent deleteQueue waits until
   * this send commits (and then deletes its messages too) instead of leaving them behind. A dedupe
   * id is claimed with one `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired` statement: of two
   * nodes sending the same id at once, the second waits on the first's row lock, then sees its
   * entry and reports a duplicate.
   */
  async sendInTransaction(
    tx: PgExecutor,
    queue: string,
    messages: readonly NewMessage[],
    now: number,
  ): Promise<SendResult[]> {
    const row = await tx.one<{ config: string }>('SELECT config FROM queues WHERE name = $1 FOR KEY SHARE', [
      queue,
    ]);
    if (row === undefined) throw queueNotFound(queue);
    // Written by putQueue from a QueueConfig.
    const config = JSON.parse(row.config) as QueueConfig;
    const dedupeMs = secondsToMs(config.dedupeWindowSec);
    const results: SendResult[] = [];
    const cols: unknown[][] = [[], [], [], [], [], []];
    for (const m of messages) {
      const dedupeId = m.dedupeId ?? null;
      if (dedupeId !== null && dedupeMs > 0) {
        const firstId = await claimDedupe(tx, queue, dedupeId, m.id, now, now + dedupeMs);
        if (firstId !== null) {
          results.push({ id: firstId, duplicate: true });
          continue;
        }
      }
      cols[0]?.push(m.id);
      cols[1]?.push(m.body);
      cols[2]?.push(JSON.stringify(m.attributes));
      cols[3]?.push(m.meta === undefined ? null : JSON.stringify(m.meta));
      cols[4]?.push(now + Math.max(0, secondsToMs(m.delaySec ?? config.delaySec)));
      cols[5]?.push(dedupeId);
      results.push({ id: m.id, duplicate: false });
    }
    if ((cols[0]?.length ?? 0) > 0) {
      // One statement for the batch; a repeated id fails the primary key and the whole send.
      await tx.run(
        `INSERT INTO messages (id, queue, body, attributes, meta, sent_at, visible_at, dedupe_id)
         SELECT i, $1, b, a, m, $2, v, d
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[])
           AS x (i, b, a, m, v, d)`,
        [queue, now, ...cols],
      );
    }
    return results;
  }
}

/**
 * Claims `dedupeId` for `messageId` unless an unexpired entry holds it; returns the id of the
 * message that entry stands for (a duplicate), or null when this message now holds it. The window
 * counts from the first acceptance: a duplicate does not extend it.
 */
async function claimDedupe(
  tx: PgExecutor,
  queue: string,
  dedupeId: string,
  messageId: string,
  now: number,
  expiresAt: number,
): Promise<string | null> {
  const claimed = await tx.one(
    `INSERT INTO dedupe (queue, dedupe_id, message_id, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (queue, dedupe_id) DO UPDATE SET message_id = excluded.message_id,
       expires_at = excluded.expires_at
     WHERE dedupe.expires_at <= $5
     RETURNING 1 AS claimed`,
    [queue, dedupeId, messageId, expiresAt, now],
  );
  if (claimed !== undefined) return null;
  // The conflicting row is locked by the INSERT above, so this reads its committed state.
  const held = await tx.one<{ message_id: string }>(
    'SELECT message_id FROM dedupe WHERE queue = $1 AND dedupe_id = $2',
    [queue, dedupeId],
  );
  return held?.message_id ?? messageId;
}
