import type { InvocationRecord, InvocationStatus, Trigger } from '../../core/types.js';
import { clampLimit, INVOCATION_LIST_LIMIT } from '../query-limits.js';
import type { InvocationQuery, InvocationRepository } from '../store.js';
import { deleteInChunksAsync } from './chunked-delete.js';
import type { PgDatabase } from './executor.js';

interface InvocationRow {
  request_id: string;
  function_name: string;
  executed_version: string;
  version_id: string;
  trigger_type: string;
  started_at: number;
  duration_ms: number;
  billed_duration_ms: number;
  cold: boolean;
  init_duration_ms: number | null;
  status: string;
  error_type: string | null;
  error_message: string | null;
  memory_mb: number;
  max_memory_used_mb: number | null;
}

const toRecord = (r: InvocationRow): InvocationRecord => ({
  requestId: r.request_id,
  functionName: r.function_name,
  executedVersion: r.executed_version,
  versionId: r.version_id,
  // Only ever written from the typed record by insertMany.
  trigger: r.trigger_type as Trigger,
  startedAt: r.started_at,
  durationMs: r.duration_ms,
  billedDurationMs: r.billed_duration_ms,
  cold: r.cold,
  initDurationMs: r.init_duration_ms,
  status: r.status as InvocationStatus,
  errorType: r.error_type,
  errorMessage: r.error_message,
  memoryMB: r.memory_mb,
  maxMemoryUsedMB: r.max_memory_used_mb,
});

/** Each column with the array type its values are sent as, in insert order. */
const COLUMNS = [
  ['request_id', 'text'],
  ['function_name', 'text'],
  ['executed_version', 'text'],
  ['version_id', 'text'],
  ['trigger_type', 'text'],
  ['started_at', 'bigint'],
  ['duration_ms', 'float8'],
  ['billed_duration_ms', 'float8'],
  ['cold', 'boolean'],
  ['init_duration_ms', 'float8'],
  ['status', 'text'],
  ['error_type', 'text'],
  ['error_message', 'text'],
  ['memory_mb', 'integer'],
  ['max_memory_used_mb', 'float8'],
] as const;

const columnValues = (r: InvocationRecord): unknown[] => [
  r.requestId,
  r.functionName,
  r.executedVersion,
  r.versionId,
  r.trigger,
  r.startedAt,
  r.durationMs,
  r.billedDurationMs,
  r.cold,
  r.initDurationMs,
  r.status,
  r.errorType,
  r.errorMessage,
  r.memoryMB,
  r.maxMemoryUsedMB,
];

// One statement for the whole batch: each column travels as one array parameter and unnest turns
// them back into rows. An upsert keeps the row's seq (and so its place among equal start times).
const UPSERT = `INSERT INTO invocations (${COLUMNS.map(([c]) => c).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  ON CONFLICT (request_id) DO UPDATE SET
    ${COLUMNS.slice(1)
      .map(([c]) => `${c} = excluded.${c}`)
      .join(', ')}`;

const SELECT = `SELECT ${COLUMNS.map(([c]) => c).join(', ')} FROM invocations`;

/** Invocation records in PostgreSQL. */
export class PgInvocationRepository implements InvocationRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async insertMany(records: readonly InvocationRecord[]): Promise<void> {
    if (records.length === 0) return;
    // A requestId repeated within one batch: the last record wins, as SQLite's row-by-row upsert
    // does (ON CONFLICT cannot touch one row twice in a statement).
    const last = new Map<string, InvocationRecord>();
    for (const record of records) last.set(record.requestId, record);
    const columns: unknown[][] = COLUMNS.map(() => []);
    for (const record of last.values()) {
      for (const [i, value] of columnValues(record).entries()) columns[i]?.push(value);
    }
    await this.#db.run(UPSERT, columns);
  }

  async get(requestId: string): Promise<InvocationRecord | undefined> {
    const row = await this.#db.one<InvocationRow>(`${SELECT} WHERE request_id = $1`, [requestId]);
    return row && toRecord(row);
  }

  async list(query: InvocationQuery): Promise<InvocationRecord[]> {
    const limit = clampLimit(query.limit, INVOCATION_LIST_LIMIT);
    if (limit === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.functionName !== undefined) {
      params.push(query.functionName);
      where.push(`function_name = $${params.length}`);
    }
    if (query.before !== undefined) {
      params.push(query.before);
      where.push(`started_at < $${params.length}`);
    }
    params.push(limit);
    // `seq DESC` breaks ties between equal start times towards the later insert, as rowid does.
    const rows = await this.#db.rows<InvocationRow>(
      `${SELECT} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY started_at DESC, seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  async deleteOlderThan(before: number): Promise<number> {
    return deleteInChunksAsync((limit) =>
      this.#db.run(
        `DELETE FROM invocations WHERE request_id = ANY(ARRAY(
           SELECT request_id FROM invocations WHERE started_at < $1 ORDER BY started_at LIMIT $2))`,
        [before, limit],
      ),
    );
  }
}
