import { GustError } from '../../core/errors.js';
import { AUDIT_QUERY_LIMIT, clampLimit } from '../query-limits.js';
import {
  type AuditRow,
  type KeyRow,
  type PolicyRow,
  toAudit,
  toKey,
  toPolicy,
} from '../rows/security-rows.js';
import type {
  ApiKeyRecord,
  AuditEntry,
  AuditQuery,
  AuditRepository,
  KeyRepository,
  KeyStatus,
  NewAuditEntry,
  PolicyRepository,
  StoredPolicy,
} from '../security-repositories.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';

function prepareKeys(db: SqliteDatabase) {
  return {
    insert: db.prepare<[string, string, string, string, string, string, number, string]>(
      `INSERT INTO api_keys (id, name, secret_hash, secret_enc, policies, status, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    get: db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?'),
    list: db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id'),
    setStatus: db.prepare<[string, string]>('UPDATE api_keys SET status = ? WHERE id = ?'),
    setPolicies: db.prepare<[string, string]>('UPDATE api_keys SET policies = ? WHERE id = ?'),
    delete: db.prepare<[string]>('DELETE FROM api_keys WHERE id = ?'),
    touch: db.prepare<[number, string]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM api_keys'),
  };
}

export class SqliteKeyRepository implements KeyRepository {
  readonly #s: () => ReturnType<typeof prepareKeys>;

  constructor(db: SqliteDatabase) {
    this.#s = prepareOnce(db, prepareKeys);
  }

  async create(key: ApiKeyRecord): Promise<void> {
    const s = this.#s();
    if (s.get.get(key.id) !== undefined) {
      throw new GustError('ERR_CONFLICT', `An API key with id '${key.id}' already exists.`);
    }
    s.insert.run(
      key.id,
      key.name,
      key.secretHash,
      key.secretEncrypted,
      JSON.stringify(key.policies),
      key.status,
      key.createdAt,
      key.createdBy,
    );
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.#s().get.get(id);
    return row === undefined ? undefined : toKey(row);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.#s().list.all().map(toKey);
  }

  async update(id: string, change: { status?: KeyStatus; policies?: string[] }): Promise<boolean> {
    const s = this.#s();
    if (s.get.get(id) === undefined) return false;
    if (change.status !== undefined) s.setStatus.run(change.status, id);
    if (change.policies !== undefined) s.setPolicies.run(JSON.stringify(change.policies), id);
    return true;
  }

  async delete(id: string): Promise<boolean> {
    return this.#s().delete.run(id).changes > 0;
  }

  async touch(id: string, at: number): Promise<void> {
    this.#s().touch.run(at, id);
  }

  async count(): Promise<number> {
    return this.#s().count.get()?.n ?? 0;
  }
}

function preparePolicies(db: SqliteDatabase) {
  return {
    put: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO policies (name, description, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET description = excluded.description, document = excluded.document,
         updated_at = excluded.updated_at`,
    ),
    get: db.prepare<[string], PolicyRow>('SELECT * FROM policies WHERE name = ?'),
    list: db.prepare<[], PolicyRow>('SELECT * FROM policies ORDER BY name'),
    delete: db.prepare<[string]>('DELETE FROM policies WHERE name = ?'),
  };
}

export class SqlitePolicyRepository implements PolicyRepository {
  readonly #s: () => ReturnType<typeof preparePolicies>;

  constructor(db: SqliteDatabase) {
    this.#s = prepareOnce(db, preparePolicies);
  }

  async put(policy: StoredPolicy): Promise<void> {
    this.#s().put.run(policy.name, policy.description, policy.document, policy.createdAt, policy.updatedAt);
  }

  async get(name: string): Promise<StoredPolicy | undefined> {
    const row = this.#s().get.get(name);
    return row === undefined ? undefined : toPolicy(row);
  }

  async list(): Promise<StoredPolicy[]> {
    return this.#s().list.all().map(toPolicy);
  }

  async delete(name: string): Promise<boolean> {
    return this.#s().delete.run(name).changes > 0;
  }
}

/** The audit log in SQLite: appended in one transaction per batch, queried newest first. */
export class SqliteAuditRepository implements AuditRepository {
  readonly #db: SqliteDatabase;
  readonly #append: (entries: readonly NewAuditEntry[]) => void;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    const insert = prepareOnce(db, (d) =>
      d.prepare<[number, string, string, string, string, number, string, string, string | null]>(
        `INSERT INTO audit_log (at, principal, action, resource, outcome, status, source_ip, request_id, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    );
    this.#append = db.transaction((entries: readonly NewAuditEntry[]) => {
      const st = insert();
      for (const e of entries) {
        st.run(
          e.at,
          e.principal,
          e.action,
          e.resource,
          e.outcome,
          e.status,
          e.sourceIp,
          e.requestId,
          e.reason ?? null,
        );
      }
    });
  }

  async appendMany(entries: readonly NewAuditEntry[]): Promise<void> {
    if (entries.length > 0) this.#append(entries);
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (query.principal !== undefined) {
      where.push('principal = ?');
      args.push(query.principal);
    }
    if (query.action !== undefined) {
      where.push('action = ?');
      args.push(query.action);
    }
    if (query.resource !== undefined) {
      // A prefix match without LIKE's wildcards: compare the leading characters.
      where.push('substr(resource, 1, ?) = ?');
      args.push(query.resource.length, query.resource);
    }
    if (query.outcome !== undefined) {
      where.push('outcome = ?');
      args.push(query.outcome);
    }
    if (query.since !== undefined) {
      where.push('at >= ?');
      args.push(query.since);
    }
    if (query.beforeId !== undefined) {
      where.push('id < ?');
      args.push(query.beforeId);
    }
    const limit = clampLimit(query.limit, AUDIT_QUERY_LIMIT);
    const sql = `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`;
    return (this.#db.prepare(sql).all(...args) as AuditRow[]).map(toAudit);
  }
}
