import type { LambdaErrorPayload } from '../../core/types.js';
import type {
  AsyncInvocationRecord,
  AsyncInvocationRepository,
  AsyncInvocationStatus,
} from '../delivery-repositories.js';
import { ASYNC_INVOCATION_LIST_LIMIT, clampLimit } from '../query-limits.js';
import { deleteInChunks } from './chunked-delete.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';

interface AsyncInvocationRow {
  request_id: string;
  function_name: string;
  qualifier: string;
  status: string;
  attempts: number;
  max_attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  destination: string | null;
  created_at: number;
  updated_at: number;
}

type AsyncInvocationParams = [
  string,
  string,
  string,
  string,
  number,
  number,
  number | null,
  string | null,
  string | null,
  number,
  number,
];

const toParams = (r: AsyncInvocationRecord): AsyncInvocationParams => [
  r.requestId,
  r.functionName,
  r.qualifier,
  r.status,
  r.attempts,
  r.maxAttempts,
  r.nextAttemptAt,
  r.lastError === null ? null : JSON.stringify(r.lastError),
  r.destination,
  r.createdAt,
  r.updatedAt,
];

const toRecord = (r: AsyncInvocationRow): AsyncInvocationRecord => ({
  requestId: r.request_id,
  functionName: r.function_name,
  qualifier: r.qualifier,
  // Only ever written from the typed record by put.
  status: r.status as AsyncInvocationStatus,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error === null ? null : (JSON.parse(r.last_error) as LambdaErrorPayload),
  destination: r.destination,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function prepare(db: SqliteDatabase) {
  return {
    // An upsert rather than INSERT OR REPLACE: the row keeps its rowid (and so its place in ties).
    upsert: db.prepare<AsyncInvocationParams>(
      `INSERT INTO async_invocations (request_id, function_name, qualifier, status, attempts, max_attempts,
         next_attempt_at, last_error, destination, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (request_id) DO UPDATE SET function_name = excluded.function_name,
         qualifier = excluded.qualifier, status = excluded.status, attempts = excluded.attempts,
         max_attempts = excluded.max_attempts, next_attempt_at = excluded.next_attempt_at,
         last_error = excluded.last_error, destination = excluded.destination,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
    ),
    get: db.prepare<[string], AsyncInvocationRow>('SELECT * FROM async_invocations WHERE request_id = ?'),
    // The indexes on (function_name, created_at) and (created_at) end with the rowid: no sort step.
    listAll: db.prepare<[number], AsyncInvocationRow>(
      'SELECT * FROM async_invocations ORDER BY created_at DESC, rowid DESC LIMIT ?',
    ),
    listFn: db.prepare<[string, number], AsyncInvocationRow>(
      'SELECT * FROM async_invocations WHERE function_name = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
    ),
    deleteOlder: db.prepare<[number, number]>(
      `DELETE FROM async_invocations WHERE rowid IN
         (SELECT rowid FROM async_invocations WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/** The status records of asynchronous invocations in SQLite. */
export class SqliteAsyncInvocationRepository implements AsyncInvocationRepository {
  readonly #s: () => Statements;

  constructor(db: SqliteDatabase) {
    this.#s = prepareOnce(db, prepare);
  }

  async put(record: AsyncInvocationRecord): Promise<void> {
    this.#s().upsert.run(...toParams(record));
  }

  async get(requestId: string): Promise<AsyncInvocationRecord | undefined> {
    const row = this.#s().get.get(requestId);
    return row && toRecord(row);
  }

  async list(query: { functionName?: string; limit?: number }): Promise<AsyncInvocationRecord[]> {
    const limit = clampLimit(query.limit, ASYNC_INVOCATION_LIST_LIMIT);
    if (limit === 0) return [];
    const s = this.#s();
    const rows =
      query.functionName === undefined ? s.listAll.all(limit) : s.listFn.all(query.functionName, limit);
    return rows.map(toRecord);
  }

  async deleteOlderThan(before: number): Promise<number> {
    const { deleteOlder } = this.#s();
    return deleteInChunks((limit) => deleteOlder.run(before, limit).changes);
  }
}
