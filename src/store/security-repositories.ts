/**
 * Storage of the security capability (src/auth/): API keys, named policies and the audit log.
 * Secrets have their own repository.
 */

export type KeyStatus = 'active' | 'disabled';

/** An API key as stored. The secret is only ever here as a hash and as an encrypted envelope. */
export interface ApiKeyRecord {
  /** The access key id (GK + 18 base32 characters, or a bootstrap id). */
  id: string;
  /** A label chosen at creation ("ci-deployer"). */
  name: string;
  /** scrypt hash of the secret (src/auth/credentials/secret-hash.ts). */
  secretHash: string;
  /** The secret encrypted under the master key with context `key:<id>` (for SigV4). */
  secretEncrypted: string;
  /** Names of the policies the key carries (built-in or stored), in the order given. */
  policies: string[];
  status: KeyStatus;
  createdAt: number;
  /** Who created it: an access key id, or `bootstrap`. */
  createdBy: string;
  /** Last successful authentication, ms epoch (updated at most once a minute). */
  lastUsedAt?: number;
}

export interface KeyRepository {
  /** Inserts a key; throws ERR_CONFLICT when the id exists. */
  create(key: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, ordered by creation time, then id. */
  list(): Promise<ApiKeyRecord[]>;
  /** Changes status and/or policies; false when there is no such key. */
  update(id: string, change: { status?: KeyStatus; policies?: string[] }): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
  count(): Promise<number>;
}

export interface StoredPolicy {
  name: string;
  description: string;
  /** The policy document as JSON text, exactly as validated and saved. */
  document: string;
  createdAt: number;
  updatedAt: number;
}

export interface PolicyRepository {
  /** Creates or replaces a policy (keeping its createdAt when it existed). */
  put(policy: StoredPolicy): Promise<void>;
  get(name: string): Promise<StoredPolicy | undefined>;
  /** Every stored policy, ordered by name. */
  list(): Promise<StoredPolicy[]>;
  delete(name: string): Promise<boolean>;
}

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

export interface AuditEntry {
  /** Assigned by the store, increasing. */
  id: number;
  at: number;
  /** Who: an access key id, `function:NAME` for a function's role, or `anonymous`. */
  principal: string;
  /** A Gust action (`function:Deploy`) or a platform event (`auth:Authenticate`). */
  action: string;
  resource: string;
  /** allowed: authorized and the request succeeded; denied: refused by policy or credentials; failed: authorized, then failed. */
  outcome: AuditOutcome;
  /** The HTTP status of the answer. */
  status: number;
  sourceIp: string;
  requestId: string;
  /** Why it was denied, or what failed. */
  reason?: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface AuditQuery {
  principal?: string;
  /** Exact action name. */
  action?: string;
  /** Resource prefix. */
  resource?: string;
  outcome?: AuditOutcome;
  since?: number;
  /** Only entries with id below this (paging backwards). */
  beforeId?: number;
  /** At most this many (default 100, max 1000), newest first. */
  limit?: number;
}

export interface AuditRepository {
  appendMany(entries: readonly NewAuditEntry[]): Promise<void>;
  /** Newest first. */
  query(query: AuditQuery): Promise<AuditEntry[]>;
}
