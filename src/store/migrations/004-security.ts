import type { Migration } from './migration.js';

/**
 * API keys, named policies and the audit log (docs/authentication.md, docs/policies.md).
 *
 * - `api_keys`: one row per access key id. The secret is kept twice, never in clear: as a slow
 *   scrypt hash (`secret_hash`, checked for bearer tokens) and encrypted under the master key
 *   (`secret_enc`, an envelope bound to `key:<id>`, needed to recompute SigV4 signatures).
 *   `policies` is a JSON array of policy names; `status` is 'active' or 'disabled'.
 * - `policies`: documents users saved by name (built-in policies are not stored).
 * - `audit_log`: append-only; nothing in Gust updates or deletes a row except retention pruning.
 */
export const securitySchema: Migration = {
  id: 4,
  description: 'API keys, policies and the audit log',
  sql: {
    sqlite: `
      CREATE TABLE api_keys (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        secret_hash  TEXT NOT NULL,
        secret_enc   TEXT NOT NULL,
        policies     TEXT NOT NULL,
        status       TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        created_by   TEXT NOT NULL,
        last_used_at INTEGER
      );
      CREATE TABLE policies (
        name        TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        document    TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      CREATE TABLE audit_log (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        at         INTEGER NOT NULL,
        principal  TEXT NOT NULL,
        action     TEXT NOT NULL,
        resource   TEXT NOT NULL,
        outcome    TEXT NOT NULL,
        status     INTEGER NOT NULL,
        source_ip  TEXT NOT NULL,
        request_id TEXT NOT NULL,
        reason     TEXT
      );
      CREATE INDEX audit_log_by_time ON audit_log (at);
      CREATE INDEX audit_log_by_principal ON audit_log (principal, id);
    `,
    postgres: `
      CREATE TABLE api_keys (
        id           TEXT COLLATE "C" PRIMARY KEY,
        name         TEXT   NOT NULL,
        secret_hash  TEXT   NOT NULL,
        secret_enc   TEXT   NOT NULL,
        policies     TEXT   NOT NULL,
        status       TEXT   NOT NULL,
        created_at   BIGINT NOT NULL,
        created_by   TEXT   NOT NULL,
        last_used_at BIGINT
      );
      CREATE TABLE policies (
        name        TEXT COLLATE "C" PRIMARY KEY,
        description TEXT   NOT NULL,
        document    TEXT   NOT NULL,
        created_at  BIGINT NOT NULL,
        updated_at  BIGINT NOT NULL
      );
      CREATE TABLE audit_log (
        id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at         BIGINT  NOT NULL,
        principal  TEXT    NOT NULL,
        action     TEXT    NOT NULL,
        resource   TEXT    NOT NULL,
        outcome    TEXT    NOT NULL,
        status     INTEGER NOT NULL,
        source_ip  TEXT    NOT NULL,
        request_id TEXT    NOT NULL,
        reason     TEXT
      );
      CREATE INDEX audit_log_by_time ON audit_log (at);
      CREATE INDEX audit_log_by_principal ON audit_log (principal, id);
    `,
  },
};
