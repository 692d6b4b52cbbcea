import { GustError } from '../../core/errors.js';
import type { SqliteDatabase } from './database.js';

/**
 * Returns a getter that prepares a repository's statements on first use and reuses them after.
 * Preparing waits for first use because statements can only be compiled once `migrate()` has
 * created the tables; using a store before that fails here with a message that says so.
 */
export function prepareOnce<T>(db: SqliteDatabase, prepare: (db: SqliteDatabase) => T): () => T {
  let statements: T | undefined;
  return () => {
    if (statements !== undefined) return statements;
    try {
      statements = prepare(db);
    } catch (error) {
      if (!db.open) throw error;
      throw new GustError(
        'ERR_INTERNAL',
        `The store at ${db.name} has no usable schema (${(error as Error).message}); call migrate() before using it.`,
        { cause: error },
      );
    }
    return statements;
  };
}
