import type { ScheduleRepository } from '../delivery-repositories.js';
import type { NewMessage } from '../queue-repository.js';
import type { SqliteDatabase } from './database.js';
import type { SqliteMessageSender } from './message-sender.js';
import { prepareOnce } from './prepare-once.js';

function prepare(db: SqliteDatabase) {
  return {
    lastTick: db
      .prepare<[string], number>('SELECT last_tick FROM schedule_ticks WHERE schedule_id = ?')
      .pluck(),
    recordTick: db.prepare<[string, number]>(
      `INSERT INTO schedule_ticks (schedule_id, last_tick) VALUES (?, ?)
       ON CONFLICT (schedule_id) DO UPDATE SET last_tick = excluded.last_tick`,
    ),
    deleteExcept: db.prepare<[string]>(
      'DELETE FROM schedule_ticks WHERE schedule_id NOT IN (SELECT value FROM json_each(?))',
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/** The last fired tick of each schedule in SQLite; firing also enqueues, in the same transaction. */
export class SqliteScheduleRepository implements ScheduleRepository {
  readonly #s: () => Statements;
  readonly #fireTick: (id: string, tick: number, queue: string, message: NewMessage, now: number) => boolean;

  constructor(db: SqliteDatabase, sender: SqliteMessageSender) {
    const s = prepareOnce(db, prepare);
    this.#s = s;
    const fire = db.transaction(
      (id: string, tick: number, queue: string, message: NewMessage, now: number) => {
        const st = s();
        const last = st.lastTick.get(id);
        if (last !== undefined && last >= tick) return false;
        st.recordTick.run(id, tick);
        // Throws for a missing queue, which rolls the recorded tick back too.
        sender.sendInTransaction(queue, [message], now);
        return true;
      },
    );
    // IMMEDIATE: the last tick is read under the write lock, so two nodes cannot both fire it.
    this.#fireTick = fire.immediate;
  }

  async lastFired(scheduleId: string): Promise<number | null> {
    return this.#s().lastTick.get(scheduleId) ?? null;
  }

  async fireTick(
    scheduleId: string,
    tick: number,
    queue: string,
    message: NewMessage,
    now: number,
  ): Promise<boolean> {
    return this.#fireTick(scheduleId, tick, queue, message, now);
  }

  async deleteExcept(scheduleIds: readonly string[]): Promise<number> {
    return this.#s().deleteExcept.run(JSON.stringify(scheduleIds)).changes;
  }
}
