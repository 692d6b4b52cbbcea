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
import type { PgDatabase } from './executor.js';

/** API keys in PostgreSQL. */
export class PgKeyRepository implements KeyRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async create(key: ApiKeyRecord): Promise<void> {
    // ON CONFLICT DO NOTHING: of two nodes creating one id, exactly one inserts.
    const inserted = await this.#db.run(
      `INSERT INTO api_keys (id, name, secret_hash, secret_enc, policies, status, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [
        key.id,
        key.name,
        key.secretHash,
        key.secretEncrypted,
        JSON.stringify(key.policies),
        key.status,
        key.createdAt,
        key.createdBy,
      ],
    );
    if (inserted === 0) throw new GustError('ERR_CONFLICT', `An API key with id '${key.id}' already exists.`);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.#db.one<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    return row === undefined ? undefined : toKey(row);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.#db.rows<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')).map(toKey);
  }

  async update(id: string, change: { status?: KeyStatus; policies?: string[] }): Promise<boolean> {
    const n = await this.#db.run(
      'UPDATE api_keys SET status = COALESCE($2, status), policies = COALESCE($3, policies) WHERE id = $1',
      [id, change.status ?? null, change.policies === undefined ? null : JSON.stringify(change.policies)],
    );
    return n > 0;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM api_keys WHERE id = $1', [id])) > 0;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.#db.run('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, id]);
  }

  async count(): Promise<number> {
    return (await this.#db.one<{ n: number }>('SELECT COUNT(*) AS n FROM api_keys'))?.n ?? 0;
  }
}

/** Named policies in PostgreSQL. */
export class PgPolicyRepository implements PolicyRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async put(policy: StoredPolicy): Promise<void> {
    await this.#db.run(
      `INSERT INTO policies (name, description, document, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET description = excluded.description, document = excluded.document,
         updated_at = excluded.updated_at`,
      [policy.name, policy.description, policy.document, policy.createdAt, policy.updatedAt],
    );
  }

  async get(name: string): Promise<StoredPolicy | undefined> {
    const row = await this.#db.one<PolicyRow>('SELECT * FROM policies WHERE name = $1', [name]);
    return row === undefined ? undefined : toPolicy(row);
  }

  async list(): Promise<StoredPolicy[]> {
    return (await this.#db.rows<PolicyRow>('SELECT * FROM policies ORDER BY name')).map(toPolicy);
  }

  async delete(name: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM policies WHERE name = $1', [name])) > 0;
  }
}

/** The audit log in PostgreSQL: one statement per batch, queried newest first. */
export class PgAuditRepository implements AuditRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async appendMany(entries: readonly NewAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const cols: unknown[][] = [[], [], [], [], [], [], [], [], []];
    for (const e of entries) {
      const values = [
        e.at,
        e.principal,
        e.action,
        e.resource,
        e.outcome,
        e.status,
        e.sourceIp,
        e.requestId,
        e.reason ?? null,
      ];
      for (const [i, value] of values.entries()) cols[i]?.push(value);
    }
    // ORDER BY the array position: ids are drawn in the order the entries were given.
    await this.#db.run(
      `INSERT INTO audit_log (at, principal, action, resource, outcome, status, source_ip, request_id, reason)
       SELECT a, p, ac, r, o, s, ip, rq, re
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[],
         $8::text[], $9::text[]) WITH ORDINALITY AS x (a, p, ac, r, o, s, ip, rq, re, n)
       ORDER BY n`,
      cols,
    );
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      args.push(value);
      where.push(sql(`$${args.length}`));
    };
    if (query.principal !== undefined) add((p) => `principal = ${p}`, query.principal);
    if (query.action !== undefined) add((p) => `action = ${p}`, query.action);
    // A prefix match without LIKE's wildcards.
    if (query.resource !== undefined) add((p) => `starts_with(resource, ${p})`, query.resource);
    if (query.outcome !== undefined) add((p) => `outcome = ${p}`, query.outcome);
    if (query.since !== undefined) add((p) => `at >= ${p}`, query.since);
    if (query.beforeId !== undefined) add((p) => `id < ${p}`, query.beforeId);
    const limit = clampLimit(query.limit, AUDIT_QUERY_LIMIT);
    args.push(limit);
    const rows = await this.#db.rows<AuditRow>(
      `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${args.length}`,
      args,
    );
    return rows.map(toAudit);
  }
}
