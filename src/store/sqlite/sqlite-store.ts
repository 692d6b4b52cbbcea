import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { MIGRATIONS } from '../migrations/index.js';
import { createLocalSignals } from '../signals.js';
import type { Store } from '../store.js';
import { SqliteAsyncInvocationRepository } from './async-invocation-repository.js';
import { openSqliteDatabase } from './database.js';
import { SqliteFunctionRepository } from './function-repository.js';
import { SqliteIdempotencyRepository } from './idempotency-repository.js';
import { SqliteInvocationRepository } from './invocation-repository.js';
import { SqliteLogRepository } from './log-repository.js';
import { SqliteMessageSender } from './message-sender.js';
import { SqliteNodeRepository } from './node-repository.js';
import { SqliteQueueRepository } from './queue-repository.js';
import { SqliteRuleRepository } from './rule-repository.js';
import { SqliteScheduleRepository } from './schedule-repository.js';
import { SqliteSecretRepository } from './secret-repository.js';
import {
  SqliteAuditRepository,
  SqliteKeyRepository,
  SqlitePolicyRepository,
} from './security-repositories.js';
import { migrateSqlite, readSchemaVersion } from './sqlite-migrate.js';
import { SqliteWorkflowRepository } from './workflow-repository.js';

export interface SqliteStoreOptions {
  /** Database file (its folder is created if missing), or ':memory:' for a private in-memory store. */
  path: string;
  /** How long a write waits for another process's lock before failing, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Stamps `schema_migrations.applied_at` (default: the system clock). */
  clock?: Clock;
}

/**
 * The default store: one SQLite file, opened here (synchronously) and set up for WAL. Call
 * `migrate()` before anything else. Every method runs one short synchronous statement or
 * transaction; large deletes run in chunks with the event loop free between them.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const db = openSqliteDatabase(options.path, { busyTimeoutMs: options.busyTimeoutMs ?? 5000 });
  const clock = options.clock ?? systemClock;
  // Queues, schedules and workflows share one sender, so a message enters a queue the same way from both.
  const sender = new SqliteMessageSender(db);
  return {
    functions: new SqliteFunctionRepository(db),
    invocations: new SqliteInvocationRepository(db),
    logs: new SqliteLogRepository(db),
    queues: new SqliteQueueRepository(db, sender),
    asyncInvocations: new SqliteAsyncInvocationRepository(db),
    idempotency: new SqliteIdempotencyRepository(db),
    schedules: new SqliteScheduleRepository(db, sender),
    rules: new SqliteRuleRepository(db),
    keys: new SqliteKeyRepository(db),
    policies: new SqlitePolicyRepository(db),
    audit: new SqliteAuditRepository(db),
    secrets: new SqliteSecretRepository(db),
    workflows: new SqliteWorkflowRepository(db, sender),
    nodes: new SqliteNodeRepository(db),
    signals: createLocalSignals((error) => console.error('gust: a signal listener failed:', error)),
    async migrate() {
      migrateSqlite(db, MIGRATIONS, clock.now());
    },
    async schemaVersion() {
      return readSchemaVersion(db);
    },
    async close() {
      if (!db.open) return;
      // Lets SQLite refresh the planner statistics it judges stale; cheap, and advised at close.
      db.pragma('optimize');
      db.close();
    },
  };
}
