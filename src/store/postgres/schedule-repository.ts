import type { ScheduleRepository } from '../delivery-repositories.js';
import type { NewMessage } from '../queue-repository.js';
import type { PgDatabase } from './executor.js';
import type { PgMessageSender } from './message-sender.js';

/** The last fired tick of each schedule in PostgreSQL; firing also enqueues, in the same transaction. */
export class PgScheduleRepository implements ScheduleRepository {
  readonly #db: PgDatabase;
  readonly #sender: PgMessageSender;

  constructor(db: PgDatabase, sender: PgMessageSender) {
    this.#db = db;
    this.#sender = sender;
  }

  async lastFired(scheduleId: string): Promise<number | null> {
    const row = await this.#db.one<{ last_tick: number }>(
      'SELECT last_tick FROM schedule_ticks WHERE schedule_id = $1',
      [scheduleId],
    );
    return row?.last_tick ?? null;
  }

  async fireTick(
    scheduleId: string,
    tick: number,
    queue: string,
    message: NewMessage,
    now: number,
  ): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      // Compare-and-set in one statement: the tick is recorded only if it is newer than the last
      // one. A second node firing the same tick waits on this row until the first commits, then
      // finds the tick taken and changes nothing (if the first rolled back, it fires instead).
      const fired = await tx.one(
        `INSERT INTO schedule_ticks (schedule_id, last_tick) VALUES ($1, $2)
         ON CONFLICT (schedule_id) DO UPDATE SET last_tick = excluded.last_tick
         WHERE schedule_ticks.last_tick < excluded.last_tick
         RETURNING 1 AS fired`,
        [scheduleId, tick],
      );
      if (fired === undefined) return false;
      // Throws for a missing queue, which rolls the recorded tick back too.
      await this.#sender.sendInTransaction(tx, queue, [message], now);
      return true;
    });
  }

  async deleteExcept(scheduleIds: readonly string[]): Promise<number> {
    return this.#db.run('DELETE FROM schedule_ticks WHERE schedule_id <> ALL($1::text[])', [scheduleIds]);
  }
}
