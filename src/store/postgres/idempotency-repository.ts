import { GustError } from '../../core/errors.js';
import type { IdempotencyClaim, IdempotencyRecord, IdempotencyRepository } from '../delivery-repositories.js';
import { deleteInChunksAsync } from './chunked-delete.js';
import type { PgDatabase } from './executor.js';

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

/** Times a claim looks again when the record it lost to vanished (released) before it was read. */
const MAX_CLAIM_ATTEMPTS = 5;

/** Idempotency keys in PostgreSQL. A record is live while `now < expiresAt`. */
export class PgIdempotencyRepository implements IdempotencyRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async claim(scope: string, key: string, now: number, ttlMs: number): Promise<IdempotencyClaim> {
    for (let attempt = 1; ; attempt++) {
      // One statement claims a new key or takes over an expired record in place; concurrent
      // claims of one key serialize on its row (the unique index), so exactly one gets a row back.
      const claimed = await this.#db.one(
        `INSERT INTO idempotency (scope, key, state, response, created_at, expires_at)
         VALUES ($1, $2, 'in-progress', NULL, $3, $4)
         ON CONFLICT (scope, key) DO UPDATE SET state = excluded.state, response = NULL,
           created_at = excluded.created_at, expires_at = excluded.expires_at
         WHERE idempotency.expires_at <= $3
         RETURNING 1 AS claimed`,
        [scope, key, now, now + ttlMs],
      );
      if (claimed !== undefined) return { claimed: true };
      const row = await this.#db.one<IdempotencyRow>(
        'SELECT * FROM idempotency WHERE scope = $1 AND key = $2',
        [scope, key],
      );
      if (row !== undefined) return { claimed: false, record: toRecord(row) };
      // Released between the two statements: the next INSERT claims it (or meets a newer claim).
      if (attempt >= MAX_CLAIM_ATTEMPTS) {
        throw new GustError(
          'ERR_INTERNAL',
          `Idempotency key ${scope}/${key} kept changing while being claimed.`,
        );
      }
    }
  }

  async complete(scope: string, key: string, response: string, now: number, ttlMs: number): Promise<void> {
    await this.#db.run(
      `INSERT INTO idempotency (scope, key, state, response, created_at, expires_at)
       VALUES ($1, $2, 'completed', $3, $4, $5)
       ON CONFLICT (scope, key) DO UPDATE SET state = excluded.state, response = excluded.response,
         expires_at = excluded.expires_at`,
      [scope, key, response, now, now + ttlMs],
    );
  }

  async release(scope: string, key: string): Promise<void> {
    await this.#db.run("DELETE FROM idempotency WHERE scope = $1 AND key = $2 AND state = 'in-progress'", [
      scope,
      key,
    ]);
  }

  async deleteExpired(now: number): Promise<number> {
    return deleteInChunksAsync((limit) =>
      this.#db.run(
        `WITH c AS MATERIALIZED (SELECT scope, key FROM idempotency WHERE expires_at <= $1 LIMIT $2)
         DELETE FROM idempotency i USING c WHERE i.scope = c.scope AND i.key = c.key`,
        [now, limit],
      ),
    );
  }
}
