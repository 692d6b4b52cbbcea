import { GustError } from '../../core/errors.js';
import type { LogEntry, LogLevel } from '../../core/types.js';
import { clampLimit, LOG_QUERY_LIMIT } from '../query-limits.js';
import type { LogQuery, LogRepository } from '../store.js';
import { deleteInChunksAsync } from './chunked-delete.js';
import type { PgDatabase } from './executor.js';

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

/** The optional filters of a log query. */
const FILTERS = [
  { key: 'functionName', column: 'function_name', op: '=' },
  { key: 'requestId', column: 'request_id', op: '=' },
  { key: 'since', column: 'logged_at', op: '>=' },
  { key: 'afterId', column: 'id', op: '>' },
] as const;

/**
 * Log lines in PostgreSQL. Ids come from an identity column: increasing in insertion order within a
 * batch and across batches of one node, never reused after pruning. (Across nodes, a batch that
 * commits late can hold ids below ones already read; followers of a busy multi-node cluster may
 * miss such lines. SQLite has one writer and no such gap.)
 */
export class PgLogRepository implements LogRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async appendMany(entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const cols: unknown[][] = [[], [], [], [], [], []];
    for (const e of entries) {
      cols[0]?.push(e.functionName);
      cols[1]?.push(e.requestId);
      cols[2]?.push(e.time);
      cols[3]?.push(e.stream);
      cols[4]?.push(e.level);
      cols[5]?.push(e.message);
    }
    // ORDER BY the array position: the identity values are drawn in that order.
    await this.#db.run(
      `INSERT INTO logs (function_name, request_id, logged_at, stream, level, message)
       SELECT f, r, t, s, l, m
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
         WITH ORDINALITY AS x (f, r, t, s, l, m, n)
       ORDER BY n`,
      cols,
    );
  }

  async query(query: LogQuery): Promise<LogEntry[]> {
    const limit = clampLimit(query.limit, LOG_QUERY_LIMIT);
    if (limit === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    for (const filter of FILTERS) {
      const value = query[filter.key];
      if (value === undefined) continue;
      params.push(value);
      where.push(`${filter.column} ${filter.op} $${params.length}`);
    }
    params.push(limit);
    // Newest first so LIMIT keeps the newest matches; reversed to the ascending order callers get.
    const rows = await this.#db.rows<LogRow>(
      `SELECT * FROM logs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.reverse().map(toEntry);
  }

  async prune(options: { olderThan: number; maxPerFunction: number }): Promise<number> {
    const { olderThan, maxPerFunction } = options;
    if (Number.isNaN(olderThan) || Number.isNaN(maxPerFunction) || maxPerFunction < 0) {
      throw new GustError(
        'ERR_INVALID_PARAMETER',
        `Log retention needs a time and a non-negative count (got olderThan ${olderThan}, maxPerFunction ${maxPerFunction}).`,
      );
    }
    const db = this.#db;
    let deleted = await deleteInChunksAsync((limit) =>
      db.run('DELETE FROM logs WHERE id = ANY(ARRAY(SELECT id FROM logs WHERE logged_at < $1 LIMIT $2))', [
        olderThan,
        limit,
      ]),
    );
    if (maxPerFunction === Number.POSITIVE_INFINITY) return deleted;
    const keep = Math.floor(maxPerFunction);
    // Walks the distinct function names through logs_by_function_id one hop at a time.
    let fn = await this.#nextFunction(null);
    while (fn !== undefined) {
      const name = fn;
      const cutoff = await db.one<{ id: number }>(
        'SELECT id FROM logs WHERE function_name = $1 ORDER BY id DESC LIMIT 1 OFFSET $2',
        [name, keep],
      );
      if (cutoff !== undefined) {
        deleted += await deleteInChunksAsync((limit) =>
          db.run(
            `DELETE FROM logs WHERE id = ANY(ARRAY(
               SELECT id FROM logs WHERE function_name = $1 AND id <= $2 LIMIT $3))`,
            [name, cutoff.id, limit],
          ),
        );
      }
      fn = await this.#nextFunction(name);
    }
    return deleted;
  }

  async #nextFunction(after: string | null): Promise<string | undefined> {
    const row = await this.#db.one<{ name: string | null }>(
      after === null
        ? 'SELECT MIN(function_name) AS name FROM logs'
        : 'SELECT MIN(function_name) AS name FROM logs WHERE function_name > $1',
      after === null ? [] : [after],
    );
    return row?.name ?? undefined;
  }
}
