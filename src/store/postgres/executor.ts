import type pg from 'pg';
import { GustError } from '../../core/errors.js';
import type { PgRow } from './database.js';

/** Runs statements: the pool (each statement its own transaction) or one open transaction. */
export interface PgExecutor {
  /** Rows of one statement. */
  rows<T = PgRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The first row of one statement, or undefined. */
  one<T = PgRow>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs one statement; returns how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** SQLSTATEs worth running a whole transaction again for: a lost race, nothing is wrong. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 5;

/** Network errors of a connection that never opened or broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * True when `error` means the database cannot be reached or is going away (rather than that a
 * statement was wrong): refused or broken connections, pool timeouts, SQLSTATE class 08
 * (connection exception), 57P01-57P03 (shutdown, cannot connect now) and 53300 (too many
 * connections).
 */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code.startsWith('08') || code === '53300') return true;
    if (code === '57P01' || code === '57P02' || code === '57P03') return true;
  }
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(
    error.message,
  );
}

/**
 * The error a repository reports for a failed statement: ERR_STORE_UNAVAILABLE (503) when the
 * server cannot be reached, a message that says to migrate when the tables are missing, else the
 * driver's error as it is (a bug or a constraint the caller broke).
 */
export function translatePgError(error: unknown, target: string): unknown {
  if (error instanceof GustError) return error;
  if (isUnavailableError(error)) {
    return new GustError(
      'ERR_STORE_UNAVAILABLE',
      `The PostgreSQL store at ${target} cannot be reached (${(error as Error).message}). Check that the server is running and the store URL is right; Gust retries on the next request.`,
      { cause: error, details: { store: 'postgres' } },
    );
  }
  if ((error as { code?: unknown }).code === '42P01') {
    return new GustError(
      'ERR_INTERNAL',
      `The PostgreSQL store at ${target} has no usable schema (${(error as Error).message}); call migrate() before using it.`,
      { cause: error },
    );
  }
  return error;
}

/** Statements on one connection or on the pool, with errors translated. */
class Executor implements PgExecutor {
  readonly #on: pg.Pool | pg.PoolClient;
  readonly #target: string;

  constructor(on: pg.Pool | pg.PoolClient, target: string) {
    this.#on = on;
    this.#target = target;
  }

  async #query(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.#on.query(sql, params as unknown[] | undefined);
    } catch (error) {
      throw translatePgError(error, this.#target);
    }
  }

  async rows<T = PgRow>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this.#query(sql, params)).rows as T[];
  }

  async one<T = PgRow>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return (await this.#query(sql, params)).rows[0] as T | undefined;
  }

  async run(sql: string, params?: readonly unknown[]): Promise<number> {
    return (await this.#query(sql, params)).rowCount ?? 0;
  }
}

/**
 * The database as the repositories see it: statements on the pool, and `transaction` for work that
 * must be atomic. PostgreSQL runs at READ COMMITTED; code that reads before it writes takes the
 * row locks it needs (`FOR UPDATE`, `FOR KEY SHARE`, advisory locks) or uses a single
 * `INSERT ... ON CONFLICT` statement, so no transaction depends on a stale read.
 */
export class PgDatabase implements PgExecutor {
  readonly pool: pg.Pool;
  /** host:port/database, for messages (never the password). */
  readonly target: string;
  readonly #direct: Executor;

  constructor(pool: pg.Pool, target: string) {
    this.pool = pool;
    this.target = target;
    this.#direct = new Executor(pool, target);
  }

  rows<T = PgRow>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#direct.rows<T>(sql, params);
  }

  one<T = PgRow>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return this.#direct.one<T>(sql, params);
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.#direct.run(sql, params);
  }

  /**
   * Runs `body` in one transaction on one connection: committed if it resolves, rolled back if it
   * throws. A deadlock or serialization failure runs it again (up to 5 times), so `body` must only
   * touch the database.
   */
  async transaction<T>(body: (tx: PgExecutor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw translatePgError(error, this.target);
      }
      let broken = false;
      // The pool stops listening for a client's errors while it is checked out: a connection that
      // breaks between two statements of this transaction would otherwise be an unhandled 'error'
      // event, which ends the process. The statement in flight (or the next) fails instead.
      const onError = (): void => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await body(new Executor(client, this.target));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is gone; the server rolls back on its own
        }
        const code = (error as { code?: unknown }).code;
        const cause = (error as { cause?: { code?: unknown } }).cause?.code;
        const retry = RETRYABLE.has(String(code)) || RETRYABLE.has(String(cause));
        if (!retry || attempt >= MAX_ATTEMPTS) throw translatePgError(error, this.target);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    }
  }
}
