import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { CodeBlobRepository } from './code-blob-repository.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** The store a server runs on, with what the rest of the wiring needs to know about it. */
export interface OpenedStore {
  store: Store;
  /** Reported by the health endpoint. */
  kind: 'sqlite' | 'postgres';
  /** Code archives shared by every node (PostgreSQL); null when code stays on the local disk. */
  codeBlobs: CodeBlobRepository | null;
}

/**
 * Opens the store a `storeUrl` names: absent, the SQLite file DATA/gust.db; `postgres://` or
 * `postgresql://`, a PostgreSQL database shared by every node, where the URL's query may also set
 * `schema` (default: the server's search_path) and `poolSize` (default 10), which are taken out
 * before the rest goes to the driver. Does not connect or migrate: call `store.migrate()`.
 */
export function openStore(options: {
  storeUrl?: string | undefined;
  dataDir: string;
  clock?: Clock;
}): OpenedStore {
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  if (options.storeUrl === undefined || options.storeUrl === '') {
    return {
      store: createSqliteStore({ path: join(options.dataDir, 'gust.db'), ...clock }),
      kind: 'sqlite',
      codeBlobs: null,
    };
  }
  let url: URL;
  try {
    url = new URL(options.storeUrl);
  } catch (error) {
    throw badUrl('it is not a URL', error);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw badUrl(`the scheme ${url.protocol} is not supported (use postgres://)`);
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  const poolText = url.searchParams.get('poolSize');
  url.searchParams.delete('schema');
  url.searchParams.delete('poolSize');
  const poolSize = poolText === null ? undefined : Number(poolText);
  if (poolSize !== undefined && !(Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= 1000)) {
    throw badUrl(`poolSize must be a whole number from 1 to 1000 (got '${poolText}')`);
  }
  const store = createPostgresStore({
    connectionString: url.toString(),
    ...(schema === undefined ? {} : { schema }),
    ...(poolSize === undefined ? {} : { poolSize }),
    ...clock,
  });
  return { store, kind: 'postgres', codeBlobs: store.codeBlobs };
}

function badUrl(why: string, cause?: unknown): GustError {
  // The URL is not repeated: it may hold a password.
  return new GustError('ERR_INVALID_PARAMETER', `The store URL cannot be used: ${why}.`, {
    details: { parameter: 'storeUrl' },
    ...(cause === undefined ? {} : { cause }),
  });
}
