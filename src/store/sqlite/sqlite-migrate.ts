import type { Migration } from '../migrations/index.js';
import { pendingMigrations } from '../migrations/index.js';
import type { SqliteDatabase } from './database.js';

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    id          INTEGER NOT NULL PRIMARY KEY,
    description TEXT    NOT NULL,
    applied_at  INTEGER NOT NULL
  )`;

/** The highest migration id applied to `db`; 0 for a database that was never migrated. */
export function readSchemaVersion(db: SqliteDatabase): number {
  const table = db
    .prepare<[], number>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .pluck()
    .get();
  if (table === undefined) return 0;
  return db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM schema_migrations').pluck().get() ?? 0;
}

/**
 * Applies the migrations `db` lacks, all in one IMMEDIATE transaction: the write lock is taken
 * before the version is read, so two processes migrating the same file cannot both apply a step,
 * and a failing step leaves the schema as it was. Throws (changing nothing) when the database is
 * newer than `migrations` know.
 */
export function migrateSqlite(db: SqliteDatabase, migrations: readonly Migration[], now: number): void {
  const apply = db.transaction(() => {
    db.exec(CREATE_MIGRATIONS_TABLE);
    const record = db.prepare<[number, string, number]>(
      'INSERT INTO schema_migrations (id, description, applied_at) VALUES (?, ?, ?)',
    );
    for (const migration of pendingMigrations(readSchemaVersion(db), migrations)) {
      db.exec(migration.sql.sqlite);
      record.run(migration.id, migration.description, now);
    }
  });
  apply.immediate();
}
