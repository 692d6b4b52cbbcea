import { initialSchema } from './001-initial-schema.js';
import { queuesSchema } from './002-queues.js';
import { eventRulesSchema } from './003-event-rules.js';
import { securitySchema } from './004-security.js';
import { secretsSchema } from './005-secrets.js';
import { workflowsSchema } from './006-workflows.js';
import { codeBlobsSchema } from './007-code-blobs.js';
import { nodesSchema } from './008-nodes.js';
import type { Migration } from './migration.js';
import { latestVersion } from './migration.js';

export type { Dialect, Migration } from './migration.js';
export { latestVersion, pendingMigrations, schemaTooNewError } from './migration.js';

/**
 * Every migration, in the order it applies. Append only: never edit, reorder or remove an entry
 * that has shipped (databases in the field have applied it); add a new one at the end instead.
 */
export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  queuesSchema,
  eventRulesSchema,
  securitySchema,
  secretsSchema,
  workflowsSchema,
  codeBlobsSchema,
  nodesSchema,
];

/** The schema version this build of Gust brings a database to. */
export const LATEST_SCHEMA_VERSION: number = latestVersion(MIGRATIONS);
