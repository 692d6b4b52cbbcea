import type { Migration } from '../migrations/index.js';
import { pendingMigrations } from '../migrations/index.js';
import type { PgDatabase, PgExecutor } from './executor.js';

/**
 * The first key of every advisory lock Gust takes ("gu"); the second is a hash of what is locked.
 * Keeps Gust's locks apart from any other application's on a shared server.
 */
export const ADVISORY_LOCK_CLASS = 0x6775;

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    id          INTEGER NOT NULL PRIMARY KEY,
    description TEXT    NOT NULL,
    applied_at  BIGINT  NOT NULL
  )`;

/** The highest migration id applied in the connection's schema; 0 when it was never migrated. */
export async function readPgSchemaVersion(db: PgExecutor): Promise<number> {
  // to_regclass resolves through search_path and is null (no error) for a missing table or schema.
  const row = await db.one<{ version: number | null }>(
    `SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 END AS version`,
  );
  if (row?.version === 0) return 0;
  const max = await db.one<{ version: number }>(
    'SELECT COALESCE(MAX(id), 0)::bigint AS version FROM schema_migrations',
  );
  return max?.version ?? 0;
}

/**
 * Applies the migrations the database lacks, all in one transaction (PostgreSQL's DDL is
 * transactional, so a failing step leaves the schema as it was). The transaction first takes an
 * advisory lock named after the schema: when several nodes start at once, one migrates and the
 * others wait, then find nothing left to do. Throws ERR_SCHEMA_TOO_NEW (changing nothing) when
 * the database is newer than `migrations` know.
 *
 * @param schema the schema to create if missing (the store's `schema` option), or undefined to
 *   use the server's default (normally `public`, which exists).
 */
export async function migratePostgres(
  db: PgDatabase,
  migrations: readonly Migration[],
  now: number,
  schema: string | undefined,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      ADVISORY_LOCK_CLASS,
      `migrate:${schema ?? ''}`,
    ]);
    // The name was checked to be a plain identifier when the store was created.
    if (schema !== undefined) await tx.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.run(CREATE_MIGRATIONS_TABLE);
    for (const migration of pendingMigrations(await readPgSchemaVersion(tx), migrations)) {
      await tx.run(migration.sql.postgres);
      await tx.run('INSERT INTO schema_migrations (id, description, applied_at) VALUES ($1, $2, $3)', [
        migration.id,
        migration.description,
        now,
      ]);
    }
  });
}
