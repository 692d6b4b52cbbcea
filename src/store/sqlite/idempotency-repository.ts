import type { IdempotencyClaim, IdempotencyRecord, IdempotencyRepository } from '../delivery-repositories.js';
import { deleteInChunks } from './chunked-delete.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';

interface IdempotencyRow {
  scope: string;
  key: string;
  state: string;
  response: string | null;
  created_at: number;
  expires_at: number;
}

const toRecord = (r: IdempotencyRow): IdempotencyRecord => ({
  scope: r.scope,
  key: r.key,
  // Only ever written as one of the two states below.
  state: r.state as IdempotencyRecord['state'],
  response: r.response,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

function prepare(db: SqliteDatabase) {
  return {
    get: db.prepare<[string, string], IdempotencyRow>(
      'SELECT * FROM idempotency WHERE scope = ? AND key = ?',
    ),
    // Takes over an expired record in place: it starts afresh as the new caller's claim.
    claim: db.prepare<[string, string, number, number]>(
      `INSERT INTO idempotency (scope, key, state, response, created_at, expires_at)
       VALUES (?, ?, 'in-progress', NULL, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET state = excluded.state, response = NULL,
         created_at = excluded.created_at, expires_at = excluded.expires_at`,
    ),
    complete: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO idempotency (scope, key, state, response, created_at, expires_at)
       VALUES (?, ?, 'completed', ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET state = excluded.state, response = excluded.response,
         expires_at = excluded.expires_at`,
    ),
    release: db.prepare<[string, string]>(
      "DELETE FROM idempotency WHERE scope = ? AND key = ? AND state = 'in-progress'",
    ),
    deleteExpired: db.prepare<[number, number]>(
      'DELETE FROM idempotency WHERE rowid IN (SELECT rowid FROM idempotency WHERE expires_at <= ? LIMIT ?)',
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Idempotency keys in SQLite. A record is live while `now < expiresAt`. */
export class SqliteIdempotencyRepository implements IdempotencyRepository {
  readonly #s: () => Statements;
  readonly #claim: (scope: string, key: string, now: number, ttlMs: number) => IdempotencyClaim;

  constructor(db: SqliteDatabase) {
    const s = prepareOnce(db, prepare);
    this.#s = s;
    const claim = db.transaction(
      (scope: string, key: string, now: number, ttlMs: number): IdempotencyClaim => {
        const st = s();
        const row = st.get.get(scope, key);
        if (row !== undefined && row.expires_at > now) return { claimed: false, record: toRecord(row) };
        st.claim.run(scope, key, now, now + ttlMs);
        return { claimed: true };
      },
    );
    // IMMEDIATE: the read happens under the write lock, so two processes cannot both claim.
    this.#claim = claim.immediate;
  }

  async claim(scope: string, key: string, now: number, ttlMs: number): Promise<IdempotencyClaim> {
    return this.#claim(scope, key, now, ttlMs);
  }

  async complete(scope: string, key: string, response: string, now: number, ttlMs: number): Promise<void> {
    this.#s().complete.run(scope, key, response, now, now + ttlMs);
  }

  async release(scope: string, key: string): Promise<void> {
    this.#s().release.run(scope, key);
  }

  async deleteExpired(now: number): Promise<number> {
    const { deleteExpired } = this.#s();
    return deleteInChunks((limit) => deleteExpired.run(now, limit).changes);
  }
}
