import type { Migration } from './migration.js';

/**
 * Secrets Manager (docs/secrets.md).
 *
 * - `secrets`: one row per secret name. `arn_suffix` is the 6 random characters AWS appends to a
 *   secret's ARN, so a name that is deleted and created again gets a new ARN. `deleted_at` and
 *   `deletion_date` are set while a deletion is scheduled (the secret cannot be read, and its
 *   name cannot be reused, until it is purged at `deletion_date`).
 * - `secret_versions`: the values, only ever as envelopes made by `encryptValue(masterKey, value,
 *   'secret:<name>')` (`value_enc`); `kind` says whether the plaintext was a SecretString or a
 *   SecretBinary.
 * - `secret_stages`: which version carries each staging label (AWSCURRENT, AWSPREVIOUS,
 *   AWSPENDING, or a custom one). The primary key makes a label unique within a secret, so moving
 *   one is a single UPDATE and no secret can end up with two current versions.
 */
export const secretsSchema: Migration = {
  id: 5,
  description: 'secrets, their encrypted versions and staging labels',
  sql: {
    sqlite: `
      CREATE TABLE secrets (
        name            TEXT PRIMARY KEY,
        arn_suffix      TEXT NOT NULL,
        description     TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        last_rotated_at INTEGER,
        deleted_at      INTEGER,
        deletion_date   INTEGER
      );
      CREATE TABLE secret_versions (
        secret_name TEXT NOT NULL REFERENCES secrets (name) ON DELETE CASCADE,
        version_id  TEXT NOT NULL,
        kind        TEXT NOT NULL,
        value_enc   TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (secret_name, version_id)
      );
      CREATE TABLE secret_stages (
        secret_name TEXT NOT NULL,
        stage       TEXT NOT NULL,
        version_id  TEXT NOT NULL,
        PRIMARY KEY (secret_name, stage),
        FOREIGN KEY (secret_name, version_id) REFERENCES secret_versions (secret_name, version_id) ON DELETE CASCADE
      );
      CREATE INDEX secrets_by_deletion_date ON secrets (deletion_date) WHERE deletion_date IS NOT NULL;
    `,
    postgres: `
      CREATE TABLE secrets (
        name            TEXT COLLATE "C" PRIMARY KEY,
        arn_suffix      TEXT   NOT NULL,
        description     TEXT   NOT NULL,
        created_at      BIGINT NOT NULL,
        updated_at      BIGINT NOT NULL,
        last_rotated_at BIGINT,
        deleted_at      BIGINT,
        deletion_date   BIGINT
      );
      CREATE TABLE secret_versions (
        secret_name TEXT COLLATE "C" NOT NULL REFERENCES secrets (name) ON DELETE CASCADE,
        version_id  TEXT   NOT NULL,
        kind        TEXT   NOT NULL,
        value_enc   TEXT   NOT NULL,
        created_at  BIGINT NOT NULL,
        seq         BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (secret_name, version_id)
      );
      CREATE TABLE secret_stages (
        secret_name TEXT COLLATE "C" NOT NULL,
        stage       TEXT NOT NULL,
        version_id  TEXT NOT NULL,
        PRIMARY KEY (secret_name, stage),
        FOREIGN KEY (secret_name, version_id) REFERENCES secret_versions (secret_name, version_id) ON DELETE CASCADE
      );
      CREATE INDEX secret_stages_by_version ON secret_stages (secret_name, version_id);
      CREATE INDEX secrets_by_deletion_date ON secrets (deletion_date) WHERE deletion_date IS NOT NULL;
    `,
  },
};
