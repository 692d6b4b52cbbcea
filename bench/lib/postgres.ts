/**
 * The PostgreSQL the cluster benchmarks share (GUST_BENCH_POSTGRES_URL, default
 * postgres://postgres@127.0.0.1:5432/test): each run of a benchmark gets a fresh schema, dropped
 * when it ends, on failure too. Schemas not yet dropped are remembered so that Ctrl+C of the
 * benchmark can still drop them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.GUST_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const pending = new Set<string>();

/** A store URL (`?schema=NAME`) for a new schema; Gust creates and migrates it on first start. */
export function newSchema(prefix: string): { name: string; storeUrl: string } {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  pending.add(name);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('schema', name);
  return { name, storeUrl: url.toString() };
}

async function withClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Throws a readable error when the database does not answer (before any node is started). */
export async function checkPostgres(): Promise<void> {
  try {
    await withClient((client) => client.query('SELECT 1'));
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${POSTGRES_URL} does not answer (set GUST_BENCH_POSTGRES_URL): ${(error as Error).message}`,
    );
  }
}

/** Drops the schema (its nodes must have stopped: a dead node's connections are gone with it). */
export async function dropSchema(name: string): Promise<void> {
  await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`));
  pending.delete(name);
}

/** Drops every schema not dropped yet, giving up after `timeoutMs` (for Ctrl+C). */
export async function dropPendingSchemas(timeoutMs: number): Promise<void> {
  if (pending.size === 0) return;
  const drops = Promise.allSettled([...pending].map(dropSchema));
  await Promise.race([drops, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
}
