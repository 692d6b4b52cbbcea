import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** A better-sqlite3 connection. Only src/store/sqlite/ holds one. */
export type SqliteDatabase = Database.Database;

export interface OpenSqliteOptions {
  /** How long a write waits for another connection's lock before failing (ms). */
  busyTimeoutMs: number;
}

/** True for paths SQLite treats as a private in-memory database. */
export function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path === '';
}

/**
 * Opens (creating if needed, with its folder) a database and sets the connection up:
 * - WAL journal: readers never block the writer, and a commit is one append, not a rewrite;
 * - `synchronous = NORMAL`: safe with WAL (a power cut can lose the last commits, never corrupt);
 * - `busy_timeout`: waits for another process's write lock instead of failing at once. A wait
 *   blocks the event loop, so keep it short; the default single-process setup never waits;
 * - foreign keys on (SQLite leaves them off per connection unless asked).
 */
export function openSqliteDatabase(path: string, options: OpenSqliteOptions): SqliteDatabase {
  if (!isMemoryPath(path)) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: options.busyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** A prepared better-sqlite3 statement. */
export type SqliteStatement<P extends unknown[] = unknown[], R = unknown> = Database.Statement<P, R>;
