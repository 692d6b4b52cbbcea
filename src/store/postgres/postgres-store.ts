import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { CodeBlobRepository } from '../code-blob-repository.js';
import { MIGRATIONS } from '../migrations/index.js';
import type { Store } from '../store.js';
import { PgAsyncInvocationRepository } from './async-invocation-repository.js';
import { PgCodeBlobRepository } from './code-blob-repository.js';
import { checkSchemaName, describeTarget, openPgPool } from './database.js';
import { PgDatabase } from './executor.js';
import { PgFunctionRepository } from './function-repository.js';
import { PgIdempotencyRepository } from './idempotency-repository.js';
import { PgInvocationRepository } from './invocation-repository.js';
import { PgLogRepository } from './log-repository.js';
import { PgMessageSender } from './message-sender.js';
import { PgNodeRepository } from './node-repository.js';
import { migratePostgres, readPgSchemaVersion } from './postgres-migrate.js';
import { PgQueueRepository } from './queue-repository.js';
import { PgRuleRepository } from './rule-repository.js';
import { PgScheduleRepository } from './schedule-repository.js';
import { PgSecretRepository } from './secret-repository.js';
import { PgAuditRepository, PgKeyRepository, PgPolicyRepository } from './security-repositories.js';
import { createPgSignals } from './signals.js';
import { PgWorkflowRepository } from './workflow-repository.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` (any libpq-style URL node-postgres accepts). */
  connectionString: string;
  /** Connections this node keeps at most (default 10). */
  poolSize?: number;
  /**
   * The schema Gust's tables live in (created by `migrate()` if missing). Default: the server's
   * `search_path` (normally `public`). A plain identifier.
   */
  schema?: string;
  /** How long a query waits for a free connection (or a new one to open) before failing, in ms (default 10000). */
  connectTimeoutMs?: number;
  /** Stamps `schema_migrations.applied_at` (default: the system clock). */
  clock?: Clock;
}

/** The PostgreSQL store: the `Store` port plus code archives, which every node must be able to load. */
export interface PostgresStore extends Store {
  /** Function code archives by content hash (the code store of a multi-node cluster). */
  readonly codeBlobs: CodeBlobRepository;
}

/**
 * The scale-out store: many Gust nodes share one PostgreSQL database through a connection pool
 * each. No connection is made until the first call; call `migrate()` before anything else. Every
 * method is one statement or one transaction; the concurrency each relies on (row locks,
 * `SKIP LOCKED`, `ON CONFLICT`, advisory locks) is described where it is used. A server that
 * cannot be reached fails calls with ERR_STORE_UNAVAILABLE.
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
  const pool = openPgPool({
    connectionString: options.connectionString,
    poolSize: options.poolSize ?? 10,
    schema,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
  });
  const db = new PgDatabase(pool, describeTarget(options.connectionString));
  const clock = options.clock ?? systemClock;
  // Queues, schedules and workflows share one sender, so a message enters a queue the same way from all.
  const sender = new PgMessageSender();
  let closed = false;
  const signals = createPgSignals({
    connectionString: options.connectionString,
    schema,
    pool,
    onError: (message, error) =>
      console.error(`gust: ${message}${error instanceof Error ? `: ${error.message}` : ''}`),
  });
  return {
    functions: new PgFunctionRepository(db),
    invocations: new PgInvocationRepository(db),
    logs: new PgLogRepository(db),
    queues: new PgQueueRepository(db, sender),
    asyncInvocations: new PgAsyncInvocationRepository(db),
    idempotency: new PgIdempotencyRepository(db),
    schedules: new PgScheduleRepository(db, sender),
    rules: new PgRuleRepository(db),
    keys: new PgKeyRepository(db),
    policies: new PgPolicyRepository(db),
    audit: new PgAuditRepository(db),
    secrets: new PgSecretRepository(db),
    workflows: new PgWorkflowRepository(db, sender),
    codeBlobs: new PgCodeBlobRepository(db),
    nodes: new PgNodeRepository(db),
    signals,
    async migrate() {
      await migratePostgres(db, MIGRATIONS, clock.now(), schema);
    },
    async schemaVersion() {
      return readPgSchemaVersion(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      await signals.close();
      await pool.end();
    },
  };
}
