import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { GustError } from '../../core/errors.js';
import type { LogEntry, LogLevel } from '../../core/types.js';
import { clampLimit, LOG_QUERY_LIMIT } from '../query-limits.js';
import type { LogQuery, LogRepository } from '../store.js';
import { deleteInChunks } from './chunked-delete.js';
import type { SqliteDatabase, SqliteStatement } from './database.js';
import { prepareOnce } from './prepare-once.js';

interface LogRow {
  id: number;
  function_name: string;
  request_id: string | null;
  logged_at: number;
  stream: LogEntry['stream'];
  level: LogLevel | null;
  message: string;
}

const toEntry = (r: LogRow): LogEntry => ({
  id: r.id,
  functionName: r.function_name,
  requestId: r.request_id,
  time: r.logged_at,
  stream: r.stream,
  level: r.level,
  message: r.message,
});

/** The optional filters of a log query, in the order their parameters bind. */
const FILTERS = [
  { key: 'functionName', sql: 'function_name = ?' },
  { key: 'requestId', sql: 'request_id = ?' },
  // The unary + keeps the planner off logs_by_time (which exists for pruning): walking the id
  // index backwards finds the newest entries at once, while the time index would need a sort.
  { key: 'since', sql: '+logged_at >= ?' },
  { key: 'afterId', sql: 'id > ?' },
] as const;

function prepare(db: SqliteDatabase) {
  return {
    append: db.prepare<[string, string | null, number, string, string | null, string]>(
      'INSERT INTO logs (function_name, request_id, logged_at, stream, level, message) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    deleteOlder: db.prepare<[number, number]>(
      'DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE logged_at < ? LIMIT ?)',
    ),
    firstFunction: db
      .prepare<[], string>('SELECT function_name FROM logs ORDER BY function_name LIMIT 1')
      .pluck(),
    nextFunction: db
      .prepare<[string], string>(
        'SELECT function_name FROM logs WHERE function_name > ? ORDER BY function_name LIMIT 1',
      )
      .pluck(),
    /** The id of a function's (keep + 1)th newest entry: it and everything older goes. */
    cutoffId: db
      .prepare<[string, number], number>(
        'SELECT id FROM logs WHERE function_name = ? ORDER BY id DESC LIMIT 1 OFFSET ?',
      )
      .pluck(),
    deleteUpTo: db.prepare<[string, number, number]>(
      'DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE function_name = ? AND id <= ? LIMIT ?)',
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Log lines in SQLite. */
export class SqliteLogRepository implements LogRepository {
  readonly #db: SqliteDatabase;
  readonly #s: () => Statements;
  readonly #appendMany: (entries: readonly LogEntry[]) => void;
  /** Query statements by filter combination (bit i set = FILTERS[i] present); at most 16. */
  readonly #queries = new Map<number, SqliteStatement<unknown[], LogRow>>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
    const s = prepareOnce(db, prepare);
    this.#s = s;
    // Ids come from AUTOINCREMENT in insertion order, so they increase within and across batches
    // and are never reused after pruning.
    this.#appendMany = db.transaction((entries: readonly LogEntry[]) => {
      const { append } = s();
      for (const e of entries) append.run(e.functionName, e.requestId, e.time, e.stream, e.level, e.message);
    });
  }

  async appendMany(entries: readonly LogEntry[]): Promise<void> {
    if (entries.length > 0) this.#appendMany(entries);
  }

  async query(query: LogQuery): Promise<LogEntry[]> {
    const limit = clampLimit(query.limit, LOG_QUERY_LIMIT);
    if (limit === 0) return [];
    let mask = 0;
    const params: unknown[] = [];
    FILTERS.forEach((filter, i) => {
      const value = query[filter.key];
      if (value === undefined) return;
      mask |= 1 << i;
      params.push(value);
    });
    params.push(limit);
    // Newest first so LIMIT keeps the newest matches; reversed to the ascending order callers get.
    return this.#query(mask)
      .all(...params)
      .reverse()
      .map(toEntry);
  }

  async prune(options: { olderThan: number; maxPerFunction: number }): Promise<number> {
    const { olderThan, maxPerFunction } = options;
    if (Number.isNaN(olderThan) || Number.isNaN(maxPerFunction) || maxPerFunction < 0) {
      throw new GustError(
        'ERR_INVALID_PARAMETER',
        `Log retention needs a time and a non-negative count (got olderThan ${olderThan}, maxPerFunction ${maxPerFunction}).`,
      );
    }
    const s = this.#s();
    let deleted = await deleteInChunks((limit) => s.deleteOlder.run(olderThan, limit).changes);
    if (maxPerFunction === Number.POSITIVE_INFINITY) return deleted;
    const keep = Math.floor(maxPerFunction);
    // Walks the distinct function names through the index one hop at a time, so the sweep stays
    // cheap per step however many entries or functions there are.
    for (let fn = s.firstFunction.get(); fn !== undefined; fn = s.nextFunction.get(fn)) {
      const name = fn;
      const cutoff = s.cutoffId.get(name, keep);
      if (cutoff !== undefined) {
        deleted += await deleteInChunks((limit) => s.deleteUpTo.run(name, cutoff, limit).changes);
      }
      await yieldToEventLoop();
    }
    return deleted;
  }

  #query(mask: number): SqliteStatement<unknown[], LogRow> {
    let statement = this.#queries.get(mask);
    if (statement === undefined) {
      this.#s(); // reports a missing schema clearly
      const where = FILTERS.filter((_, i) => mask & (1 << i)).map((f) => f.sql);
      const sql = `SELECT * FROM logs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT ?`;
      statement = this.#db.prepare<unknown[], LogRow>(sql);
      this.#queries.set(mask, statement);
    }
    return statement;
  }
}
