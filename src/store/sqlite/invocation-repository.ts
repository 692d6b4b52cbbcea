import type { InvocationRecord, InvocationStatus, Trigger } from '../../core/types.js';
import { clampLimit, INVOCATION_LIST_LIMIT } from '../query-limits.js';
import type { InvocationQuery, InvocationRepository } from '../store.js';
import { deleteInChunks } from './chunked-delete.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';

interface InvocationRow {
  request_id: string;
  function_name: string;
  executed_version: string;
  version_id: string;
  trigger_type: string;
  started_at: number;
  duration_ms: number;
  billed_duration_ms: number;
  cold: number;
  init_duration_ms: number | null;
  status: string;
  error_type: string | null;
  error_message: string | null;
  memory_mb: number;
  max_memory_used_mb: number | null;
}

type InvocationParams = [
  string,
  string,
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  number | null,
  string,
  string | null,
  string | null,
  number,
  number | null,
];

const toParams = (r: InvocationRecord): InvocationParams => [
  r.requestId,
  r.functionName,
  r.executedVersion,
  r.versionId,
  r.trigger,
  r.startedAt,
  r.durationMs,
  r.billedDurationMs,
  r.cold ? 1 : 0,
  r.initDurationMs,
  r.status,
  r.errorType,
  r.errorMessage,
  r.memoryMB,
  r.maxMemoryUsedMB,
];

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
  cold: r.cold !== 0,
  initDurationMs: r.init_duration_ms,
  status: r.status as InvocationStatus,
  errorType: r.error_type,
  errorMessage: r.error_message,
  memoryMB: r.memory_mb,
  maxMemoryUsedMB: r.max_memory_used_mb,
});

const COLUMNS = `request_id, function_name, executed_version, version_id, trigger_type, started_at, duration_ms,
  billed_duration_ms, cold, init_duration_ms, status, error_type, error_message, memory_mb, max_memory_used_mb`;

// `rowid DESC` breaks ties between equal start times towards the later insert; the indexes on
// (function_name, started_at) and (started_at) end with the rowid, so no sort step is needed.
const LIST = {
  all: `SELECT * FROM invocations ORDER BY started_at DESC, rowid DESC LIMIT ?`,
  before: `SELECT * FROM invocations WHERE started_at < ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
  fn: `SELECT * FROM invocations WHERE function_name = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
  fnBefore: `SELECT * FROM invocations WHERE function_name = ? AND started_at < ?
    ORDER BY started_at DESC, rowid DESC LIMIT ?`,
};

function prepare(db: SqliteDatabase) {
  return {
    // An upsert rather than INSERT OR REPLACE: the row keeps its rowid (and so its place in ties).
    upsert: db.prepare<InvocationParams>(
      `INSERT INTO invocations (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (request_id) DO UPDATE SET function_name = excluded.function_name,
         executed_version = excluded.executed_version, version_id = excluded.version_id,
         trigger_type = excluded.trigger_type, started_at = excluded.started_at,
         duration_ms = excluded.duration_ms, billed_duration_ms = excluded.billed_duration_ms,
         cold = excluded.cold, init_duration_ms = excluded.init_duration_ms, status = excluded.status,
         error_type = excluded.error_type, error_message = excluded.error_message,
         memory_mb = excluded.memory_mb, max_memory_used_mb = excluded.max_memory_used_mb`,
    ),
    get: db.prepare<[string], InvocationRow>('SELECT * FROM invocations WHERE request_id = ?'),
    listAll: db.prepare<[number], InvocationRow>(LIST.all),
    listBefore: db.prepare<[number, number], InvocationRow>(LIST.before),
    listFn: db.prepare<[string, number], InvocationRow>(LIST.fn),
    listFnBefore: db.prepare<[string, number, number], InvocationRow>(LIST.fnBefore),
    deleteOlder: db.prepare<[number, number]>(
      `DELETE FROM invocations WHERE rowid IN
         (SELECT rowid FROM invocations WHERE started_at < ? ORDER BY started_at LIMIT ?)`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Invocation records in SQLite. */
export class SqliteInvocationRepository implements InvocationRepository {
  readonly #s: () => Statements;
  readonly #insertMany: (records: readonly InvocationRecord[]) => void;

  constructor(db: SqliteDatabase) {
    const s = prepareOnce(db, prepare);
    this.#s = s;
    this.#insertMany = db.transaction((records: readonly InvocationRecord[]) => {
      const { upsert } = s();
      for (const record of records) upsert.run(...toParams(record));
    });
  }

  async insertMany(records: readonly InvocationRecord[]): Promise<void> {
    if (records.length > 0) this.#insertMany(records);
  }

  async get(requestId: string): Promise<InvocationRecord | undefined> {
    const row = this.#s().get.get(requestId);
    return row && toRecord(row);
  }

  async list(query: InvocationQuery): Promise<InvocationRecord[]> {
    const limit = clampLimit(query.limit, INVOCATION_LIST_LIMIT);
    if (limit === 0) return [];
    const s = this.#s();
    const { functionName, before } = query;
    let rows: InvocationRow[];
    if (functionName === undefined) {
      rows = before === undefined ? s.listAll.all(limit) : s.listBefore.all(before, limit);
    } else {
      rows =
        before === undefined
          ? s.listFn.all(functionName, limit)
          : s.listFnBefore.all(functionName, before, limit);
    }
    return rows.map(toRecord);
  }

  async deleteOlderThan(before: number): Promise<number> {
    const { deleteOlder } = this.#s();
    return deleteInChunks((limit) => deleteOlder.run(before, limit).changes);
  }
}
