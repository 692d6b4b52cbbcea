import type { LambdaErrorPayload } from '../../core/types.js';
import type {
  AsyncInvocationRecord,
  AsyncInvocationRepository,
  AsyncInvocationStatus,
} from '../delivery-repositories.js';
import { ASYNC_INVOCATION_LIST_LIMIT, clampLimit } from '../query-limits.js';
import { deleteInChunksAsync } from './chunked-delete.js';
import type { PgDatabase } from './executor.js';

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

const COLUMNS = `request_id, function_name, qualifier, status, attempts, max_attempts, next_attempt_at,
  last_error, destination, created_at, updated_at`;

/** The status records of asynchronous invocations in PostgreSQL. */
export class PgAsyncInvocationRepository implements AsyncInvocationRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async put(r: AsyncInvocationRecord): Promise<void> {
    // An upsert keeps the row's seq, and so its place among equal createdAt values.
    await this.#db.run(
      `INSERT INTO async_invocations (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (request_id) DO UPDATE SET function_name = excluded.function_name,
         qualifier = excluded.qualifier, status = excluded.status, attempts = excluded.attempts,
         max_attempts = excluded.max_attempts, next_attempt_at = excluded.next_attempt_at,
         last_error = excluded.last_error, destination = excluded.destination,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
      [
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
      ],
    );
  }

  async get(requestId: string): Promise<AsyncInvocationRecord | undefined> {
    const row = await this.#db.one<AsyncInvocationRow>(
      `SELECT ${COLUMNS} FROM async_invocations WHERE request_id = $1`,
      [requestId],
    );
    return row && toRecord(row);
  }

  async list(query: { functionName?: string; limit?: number }): Promise<AsyncInvocationRecord[]> {
    const limit = clampLimit(query.limit, ASYNC_INVOCATION_LIST_LIMIT);
    if (limit === 0) return [];
    const rows =
      query.functionName === undefined
        ? await this.#db.rows<AsyncInvocationRow>(
            `SELECT ${COLUMNS} FROM async_invocations ORDER BY created_at DESC, seq DESC LIMIT $1`,
            [limit],
          )
        : await this.#db.rows<AsyncInvocationRow>(
            `SELECT ${COLUMNS} FROM async_invocations WHERE function_name = $1
             ORDER BY created_at DESC, seq DESC LIMIT $2`,
            [query.functionName, limit],
          );
    return rows.map(toRecord);
  }

  async deleteOlderThan(before: number): Promise<number> {
    return deleteInChunksAsync((limit) =>
      this.#db.run(
        `DELETE FROM async_invocations WHERE request_id = ANY(ARRAY(
           SELECT request_id FROM async_invocations WHERE created_at < $1 ORDER BY created_at LIMIT $2))`,
        [before, limit],
      ),
    );
  }
}
