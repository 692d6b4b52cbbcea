import { GustError } from '../../core/errors.js';

/**
 * The SQL dialects a migration is written for. Adding a backend means adding its name here: the
 * compiler then lists every migration that still lacks SQL for it.
 */
export type Dialect = 'sqlite' | 'postgres';

/**
 * One step of the schema. Migrations are append-only: once a migration has shipped, its id and SQL
 * never change; a fix is a new migration. Ids are 1, 2, 3, ... in the order they apply, and a
 * database's schema version is the highest id applied to it.
 */
export interface Migration {
  readonly id: number;
  readonly description: string;
  /** Statements for each dialect, run together inside the migration transaction. */
  readonly sql: Readonly<Record<Dialect, string>>;
}

/** The schema version a list of migrations brings a database to (0 for an empty list). */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.id), 0);
}

/**
 * The migrations a database at `current` still needs, in order. Throws when the database is ahead
 * of the code (a newer Gust migrated it): running old code on a newer schema could corrupt data,
 * so every node refuses to start until it is upgraded.
 */
export function pendingMigrations(current: number, migrations: readonly Migration[]): Migration[] {
  const known = latestVersion(migrations);
  if (current > known) throw schemaTooNewError(current, known);
  return migrations.filter((m) => m.id > current).sort((a, b) => a.id - b.id);
}

/** The error `migrate()` throws for a database migrated by a newer Gust. */
export function schemaTooNewError(current: number, known: number): GustError {
  return new GustError(
    'ERR_SCHEMA_TOO_NEW',
    `database schema version ${current} is newer than this Gust (knows up to ${known}); upgrade Gust`,
    { details: { schemaVersion: current, knownSchemaVersion: known } },
  );
}
