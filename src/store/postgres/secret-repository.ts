import { GustError } from '../../core/errors.js';
import {
  AWSCURRENT,
  AWSPREVIOUS,
  MAX_UNLABELED_VERSIONS,
  type SecretRecord,
  type SecretRepository,
  type SecretValueKind,
  type SecretVersionRecord,
  type SecretVersionSelector,
} from '../secret-repository.js';
import type { PgDatabase, PgExecutor } from './executor.js';

interface SecretRow {
  name: string;
  arn_suffix: string;
  description: string;
  created_at: number;
  updated_at: number;
  last_rotated_at: number | null;
  deleted_at: number | null;
  deletion_date: number | null;
}

interface VersionRow {
  version_id: string;
  kind: string;
  value_enc: string;
  created_at: number;
  stages: string[] | null;
}

const toSecret = (row: SecretRow): SecretRecord => {
  const secret: SecretRecord = {
    name: row.name,
    arnSuffix: row.arn_suffix,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.last_rotated_at !== null) secret.lastRotatedAt = row.last_rotated_at;
  if (row.deleted_at !== null) secret.deletedAt = row.deleted_at;
  if (row.deletion_date !== null) secret.deletionDate = row.deletion_date;
  return secret;
};

const toVersion = (row: VersionRow): SecretVersionRecord => ({
  versionId: row.version_id,
  kind: row.kind as SecretValueKind,
  valueEncrypted: row.value_enc,
  createdAt: row.created_at,
  // Sorted here, as the SQLite backend sorts, so both order labels alike.
  stages: row.stages === null ? [] : [...row.stages].sort(),
});

/** A version with its labels as one array column (null when it has none). */
const VERSION_SELECT = `
  SELECT v.version_id, v.kind, v.value_enc, v.created_at,
    (SELECT array_agg(s.stage) FROM secret_stages s
      WHERE s.secret_name = v.secret_name AND s.version_id = v.version_id) AS stages
  FROM secret_versions v`;

/**
 * Secrets in PostgreSQL. Every change that touches more than one row runs in one transaction and
 * first locks the secret's row (`FOR UPDATE`), so changes to one secret from several nodes run one
 * after another: a label never ends up on two versions, and AWSCURRENT → AWSPREVIOUS never races.
 */
export class PgSecretRepository implements SecretRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async create(secret: SecretRecord, first?: SecretVersionRecord): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const inserted = await tx.run(
        `INSERT INTO secrets (name, arn_suffix, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO NOTHING`,
        [secret.name, secret.arnSuffix, secret.description, secret.createdAt, secret.updatedAt],
      );
      if (inserted === 0)
        throw new GustError('ERR_CONFLICT', `A secret named '${secret.name}' already exists.`);
      if (first !== undefined) await insertVersion(tx, secret.name, first);
    });
  }

  async get(name: string): Promise<SecretRecord | undefined> {
    const row = await this.#db.one<SecretRow>('SELECT * FROM secrets WHERE name = $1', [name]);
    return row === undefined ? undefined : toSecret(row);
  }

  async list(): Promise<SecretRecord[]> {
    return (await this.#db.rows<SecretRow>('SELECT * FROM secrets ORDER BY name')).map(toSecret);
  }

  async update(
    name: string,
    change: { description?: string; updatedAt?: number; lastRotatedAt?: number },
  ): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE secrets SET description = COALESCE($2, description), updated_at = COALESCE($3, updated_at),
         last_rotated_at = COALESCE($4, last_rotated_at)
       WHERE name = $1`,
      [name, change.description ?? null, change.updatedAt ?? null, change.lastRotatedAt ?? null],
    );
    return n > 0;
  }

  async putVersion(name: string, version: SecretVersionRecord): Promise<void> {
    await this.#db.transaction(async (tx) => {
      if (!(await lockSecret(tx, name))) {
        throw new GustError('ERR_SECRET_NOT_FOUND', `Secret '${name}' does not exist.`);
      }
      const exists = await tx.one(
        'SELECT 1 AS found FROM secret_versions WHERE secret_name = $1 AND version_id = $2',
        [name, version.versionId],
      );
      if (exists !== undefined) {
        throw new GustError('ERR_CONFLICT', `Secret '${name}' already has a version ${version.versionId}.`);
      }
      await insertVersion(tx, name, version);
      await tx.run('UPDATE secrets SET updated_at = $1 WHERE name = $2', [version.createdAt, name]);
      await pruneUnlabeled(tx, name);
    });
  }

  async moveStage(name: string, stage: string, toVersionId: string | null, at: number): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      if (!(await lockSecret(tx, name))) return false;
      if (toVersionId === null) {
        await tx.run('DELETE FROM secret_stages WHERE secret_name = $1 AND stage = $2', [name, stage]);
      } else {
        const target = await tx.one(
          'SELECT 1 AS found FROM secret_versions WHERE secret_name = $1 AND version_id = $2',
          [name, toVersionId],
        );
        if (target === undefined) return false;
        await attach(tx, name, stage, toVersionId);
      }
      await tx.run('UPDATE secrets SET updated_at = $1 WHERE name = $2', [at, name]);
      await pruneUnlabeled(tx, name);
      return true;
    });
  }

  async getVersion(name: string, by: SecretVersionSelector): Promise<SecretVersionRecord | undefined> {
    const row =
      'versionId' in by
        ? await this.#db.one<VersionRow>(`${VERSION_SELECT} WHERE v.secret_name = $1 AND v.version_id = $2`, [
            name,
            by.versionId,
          ])
        : await this.#db.one<VersionRow>(
            `${VERSION_SELECT} JOIN secret_stages l ON l.secret_name = v.secret_name AND l.version_id = v.version_id
             WHERE v.secret_name = $1 AND l.stage = $2`,
            [name, by.stage],
          );
    return row === undefined ? undefined : toVersion(row);
  }

  async listVersions(name: string): Promise<SecretVersionRecord[]> {
    const rows = await this.#db.rows<VersionRow>(
      `${VERSION_SELECT} WHERE v.secret_name = $1 ORDER BY v.created_at DESC, v.seq DESC`,
      [name],
    );
    return rows.map(toVersion);
  }

  async scheduleDeletion(name: string, deletedAt: number, deletionDate: number): Promise<boolean> {
    const n = await this.#db.run('UPDATE secrets SET deleted_at = $1, deletion_date = $2 WHERE name = $3', [
      deletedAt,
      deletionDate,
      name,
    ]);
    return n > 0;
  }

  async cancelDeletion(name: string): Promise<boolean> {
    const n = await this.#db.run(
      'UPDATE secrets SET deleted_at = NULL, deletion_date = NULL WHERE name = $1',
      [name],
    );
    return n > 0;
  }

  async delete(name: string): Promise<boolean> {
    // Versions and labels go with it (ON DELETE CASCADE).
    return (await this.#db.run('DELETE FROM secrets WHERE name = $1', [name])) > 0;
  }

  async purgeDue(now: number): Promise<string[]> {
    const rows = await this.#db.rows<{ name: string }>(
      `WITH gone AS (
         DELETE FROM secrets WHERE deletion_date IS NOT NULL AND deletion_date <= $1 RETURNING name)
       SELECT name FROM gone ORDER BY name`,
      [now],
    );
    return rows.map((r) => r.name);
  }
}

/** Locks a secret's row for the rest of the transaction; false when there is no such secret. */
async function lockSecret(tx: PgExecutor, name: string): Promise<boolean> {
  return (await tx.one('SELECT 1 AS found FROM secrets WHERE name = $1 FOR UPDATE', [name])) !== undefined;
}

async function insertVersion(tx: PgExecutor, name: string, v: SecretVersionRecord): Promise<void> {
  await tx.run(
    'INSERT INTO secret_versions (secret_name, version_id, kind, value_enc, created_at) VALUES ($1, $2, $3, $4, $5)',
    [name, v.versionId, v.kind, v.valueEncrypted, v.createdAt],
  );
  for (const stage of v.stages) await attach(tx, name, stage, v.versionId);
}

/** Puts `stage` on `versionId`; AWSCURRENT leaving another version makes that one AWSPREVIOUS. */
async function attach(tx: PgExecutor, name: string, stage: string, versionId: string): Promise<void> {
  const holder = (
    await tx.one<{ version_id: string }>(
      'SELECT version_id FROM secret_stages WHERE secret_name = $1 AND stage = $2',
      [name, stage],
    )
  )?.version_id;
  if (holder === versionId) return;
  const set = `INSERT INTO secret_stages (secret_name, stage, version_id) VALUES ($1, $2, $3)
    ON CONFLICT (secret_name, stage) DO UPDATE SET version_id = excluded.version_id`;
  await tx.run(set, [name, stage, versionId]);
  if (stage === AWSCURRENT && holder !== undefined) await tx.run(set, [name, AWSPREVIOUS, holder]);
}

/** Removes the oldest versions without a label beyond MAX_UNLABELED_VERSIONS. */
async function pruneUnlabeled(tx: PgExecutor, name: string): Promise<void> {
  await tx.run(
    `DELETE FROM secret_versions WHERE secret_name = $1 AND version_id = ANY(ARRAY(
       SELECT version_id FROM secret_versions v WHERE v.secret_name = $1
         AND NOT EXISTS (SELECT 1 FROM secret_stages s WHERE s.secret_name = v.secret_name AND s.version_id = v.version_id)
       ORDER BY v.created_at DESC, v.seq DESC OFFSET $2))`,
    [name, MAX_UNLABELED_VERSIONS],
  );
}
