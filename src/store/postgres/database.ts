import pg from 'pg';
import { GustError } from '../../core/errors.js';

/** A pool connection or the pool itself: anything a repository can run a statement on. */
export type PgQueryable = pg.Pool | pg.PoolClient;

/** A row as node-postgres returns it (typed by the caller, which wrote the SELECT). */
export type PgRow = Record<string, unknown>;

export interface PgPoolOptions {
  connectionString: string;
  /** At most this many connections (default 10). */
  poolSize: number;
  /** The schema every connection uses (its `search_path`); undefined keeps the server's default. */
  schema: string | undefined;
  /** How long to wait for a connection before failing, in ms. */
  connectTimeoutMs: number;
}

const INT8_OID = 20;

/**
 * BIGINT (times in ms, counts) comes back as a number rather than node-postgres's default string:
 * every value Gust stores fits in 2^53 (ms epochs, row counts, ids), and the repositories promise
 * numbers, as SQLite gives them.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Schema names Gust accepts: plain identifiers, so they need no quoting anywhere. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Checks a schema name given in options; throws ERR_INVALID_PARAMETER for anything else. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `PostgreSQL schema name '${schema}' is not a plain identifier (letters, digits and _, not starting with a digit, at most 63 characters).`,
      { details: { parameter: 'schema' } },
    );
  }
  return schema;
}

/**
 * Opens a pool (lazily: no connection is made until the first query). `search_path` is set in the
 * startup packet (`options`), so every connection of the pool, including those opened later to
 * replace broken ones, works in the configured schema without an extra round trip.
 */
export function openPgPool(options: PgPoolOptions): pg.Pool {
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    types,
  };
  if (options.schema !== undefined) config.options = `-c search_path=${checkSchemaName(options.schema)}`;
  const pool = new pg.Pool(config);
  // An idle connection that breaks (server restart, network) emits 'error' on the pool; without a
  // listener that would crash the process. The pool drops it and the next query opens a new one.
  pool.on('error', () => {});
  return pool;
}

/** The host:port/database of a connection string, without user or password (for messages). */
export function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'the configured PostgreSQL server';
  }
}
