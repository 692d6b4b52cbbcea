import type {
  AliasRecord,
  FunctionRecord,
  FunctionVersion,
  InvocationRecord,
  LogEntry,
  PublishedVersion,
} from '../core/types.js';
import type {
  AsyncInvocationRepository,
  IdempotencyRepository,
  ScheduleRepository,
} from './delivery-repositories.js';
import type { NodeRepository } from './node-repository.js';
import type { QueueRepository } from './queue-repository.js';
import type { RuleRepository } from './rule-repository.js';
import type { SecretRepository } from './secret-repository.js';
import type { AuditRepository, KeyRepository, PolicyRepository } from './security-repositories.js';
import type { SignalBus } from './signals.js';
import type { WorkflowRepository } from './workflow-repository.js';

/**
 * The store port. Capabilities talk only to these async repositories; SQLite (default) and
 * PostgreSQL (scale-out) implement them, and `store.contract.ts` holds both to the same behaviour.
 * No SQL, and no synchronous database call, leaves src/store/.
 */
export interface Store {
  readonly functions: FunctionRepository;
  readonly invocations: InvocationRepository;
  readonly logs: LogRepository;
  /** Durable queues: messages, leases, dead-lettering, redrive, deduplication. */
  readonly queues: QueueRepository;
  /** Status records of asynchronous invocations. */
  readonly asyncInvocations: AsyncInvocationRepository;
  /** Idempotency keys (claim, complete, release). */
  readonly idempotency: IdempotencyRepository;
  /** The last fired tick of each schedule; firing enqueues in the same transaction. */
  readonly schedules: ScheduleRepository;
  /** Event-bus rules declared at the top level of each app's manifest. */
  readonly rules: RuleRepository;
  /** API keys: hashed and encrypted secrets, policies, status. */
  readonly keys: KeyRepository;
  /** Named policy documents (built-in policies are not stored). */
  readonly policies: PolicyRepository;
  /** The append-only audit log of control-plane actions and denials. */
  readonly audit: AuditRepository;
  /** Secrets: their encrypted versions and staging labels (never a plaintext value). */
  readonly secrets: SecretRepository;
  /** Workflows: state machines, durable executions, history, timers and task tokens. */
  readonly workflows: WorkflowRepository;
  /** The nodes sharing this store, by heartbeat. */
  readonly nodes: NodeRepository;
  /** "Look again" hints between the nodes sharing this store (docs/operations.md). */
  readonly signals: SignalBus;
  /** Brings the schema up to date (idempotent). Called once before use. */
  migrate(): Promise<void>;
  /** The schema version this store is at. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

export interface FunctionRepository {
  /** Stores a content version. Storing the same versionId again is a no-op (versions are immutable). */
  putVersion(version: FunctionVersion): Promise<void>;
  getVersion(functionName: string, versionId: string): Promise<FunctionVersion | undefined>;
  /** Content versions of a function, newest first (equal createdAt: the later stored first). */
  listVersions(functionName: string): Promise<FunctionVersion[]>;

  /** Creates or updates the function record (name is the key). */
  putFunction(record: FunctionRecord): Promise<void>;
  getFunction(name: string): Promise<FunctionRecord | undefined>;
  /** All functions, ordered by name. */
  listFunctions(): Promise<FunctionRecord[]>;
  /** Deletes the function with its versions, published versions and aliases. Returns false if absent. */
  deleteFunction(name: string): Promise<boolean>;

  /**
   * Gives `versionId` the next version number (1, 2, ...). Publishing the content version that the
   * newest published number already points at returns that number again instead of a new one.
   * Throws ERR_VERSION_NOT_FOUND if `versionId` is not a stored version of the function.
   */
  publishVersion(functionName: string, versionId: string, now: number): Promise<PublishedVersion>;
  getPublishedVersion(functionName: string, number: number): Promise<PublishedVersion | undefined>;
  /** Published versions, ascending by number. */
  listPublishedVersions(functionName: string): Promise<PublishedVersion[]>;

  putAlias(alias: AliasRecord): Promise<void>;
  getAlias(functionName: string, name: string): Promise<AliasRecord | undefined>;
  /** A function's aliases, ordered by name. */
  listAliases(functionName: string): Promise<AliasRecord[]>;
  deleteAlias(functionName: string, name: string): Promise<boolean>;
}

export interface InvocationQuery {
  functionName?: string;
  /** Only records started before this time (ms epoch), for paging backwards. */
  before?: number;
  /** At most this many (default 50, max 1000). */
  limit?: number;
}

export interface InvocationRepository {
  /** Inserts records in one transaction; a record whose requestId exists replaces it. */
  insertMany(records: readonly InvocationRecord[]): Promise<void>;
  get(requestId: string): Promise<InvocationRecord | undefined>;
  /** Newest first (equal startedAt: the later inserted first). */
  list(query: InvocationQuery): Promise<InvocationRecord[]>;
  /** Deletes records started before `before`; returns how many went. */
  deleteOlderThan(before: number): Promise<number>;
}

export interface LogQuery {
  functionName?: string;
  requestId?: string;
  /** Only entries at or after this time (ms epoch). */
  since?: number;
  /** Only entries with id greater than this (for following). */
  afterId?: number;
  /** At most this many (default 1000, max 10000). The newest `limit` entries, returned oldest first. */
  limit?: number;
}

export interface LogRepository {
  /** Appends entries in one transaction, assigning increasing ids. */
  appendMany(entries: readonly LogEntry[]): Promise<void>;
  /** Matching entries in ascending id order (the newest `limit` of them). */
  query(query: LogQuery): Promise<LogEntry[]>;
  /**
   * Retention: deletes entries older than `olderThan` and, per function, all but the newest
   * `maxPerFunction`. Returns how many were deleted.
   */
  prune(options: { olderThan: number; maxPerFunction: number }): Promise<number>;
}
