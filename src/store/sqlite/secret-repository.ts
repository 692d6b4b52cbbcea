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
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';

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
  stages: string | null;
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
  stages: row.stages === null ? [] : row.stages.split(',').sort(),
});

/** A version with its labels joined into one column (labels never contain a comma). */
const VERSION_SELECT = `
  SELECT v.version_id, v.kind, v.value_enc, v.created_at,
    (SELECT group_concat(s.stage, ',') FROM secret_stages s
      WHERE s.secret_name = v.secret_name AND s.version_id = v.version_id) AS stages
  FROM secret_versions v`;

function prepare(db: SqliteDatabase) {
  return {
    insertSecret: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO secrets (name, arn_suffix, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    get: db.prepare<[string], SecretRow>('SELECT * FROM secrets WHERE name = ?'),
    list: db.prepare<[], SecretRow>('SELECT * FROM secrets ORDER BY name'),
    setDescription: db.prepare<[string, string]>('UPDATE secrets SET description = ? WHERE name = ?'),
    setUpdated: db.prepare<[number, string]>('UPDATE secrets SET updated_at = ? WHERE name = ?'),
    setRotated: db.prepare<[number, string]>('UPDATE secrets SET last_rotated_at = ? WHERE name = ?'),
    insertVersion: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO secret_versions (secret_name, version_id, kind, value_enc, created_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    versionById: db.prepare<[string, string], VersionRow>(
      `${VERSION_SELECT} WHERE v.secret_name = ? AND v.version_id = ?`,
    ),
    versionByStage: db.prepare<[string, string], VersionRow>(
      `${VERSION_SELECT} JOIN secret_stages l ON l.secret_name = v.secret_name AND l.version_id = v.version_id
       WHERE v.secret_name = ? AND l.stage = ?`,
    ),
    versions: db.prepare<[string], VersionRow>(
      `${VERSION_SELECT} WHERE v.secret_name = ? ORDER BY v.created_at DESC, v.rowid DESC`,
    ),
    stageHolder: db.prepare<[string, string], { version_id: string }>(
      'SELECT version_id FROM secret_stages WHERE secret_name = ? AND stage = ?',
    ),
    setStage: db.prepare<[string, string, string]>(
      `INSERT INTO secret_stages (secret_name, stage, version_id) VALUES (?, ?, ?)
       ON CONFLICT (secret_name, stage) DO UPDATE SET version_id = excluded.version_id`,
    ),
    removeStage: db.prepare<[string, string]>(
      'DELETE FROM secret_stages WHERE secret_name = ? AND stage = ?',
    ),
    pruneUnlabeled: db.prepare<[string, string, number]>(
      `DELETE FROM secret_versions WHERE secret_name = ? AND version_id IN (
         SELECT version_id FROM secret_versions v WHERE v.secret_name = ?
           AND NOT EXISTS (SELECT 1 FROM secret_stages s WHERE s.secret_name = v.secret_name AND s.version_id = v.version_id)
         ORDER BY v.created_at DESC, v.rowid DESC LIMIT -1 OFFSET ?)`,
    ),
    schedule: db.prepare<[number, number, string]>(
      'UPDATE secrets SET deleted_at = ?, deletion_date = ? WHERE name = ?',
    ),
    cancel: db.prepare<[string]>('UPDATE secrets SET deleted_at = NULL, deletion_date = NULL WHERE name = ?'),
    delete: db.prepare<[string]>('DELETE FROM secrets WHERE name = ?'),
    due: db.prepare<[number], { name: string }>(
      'SELECT name FROM secrets WHERE deletion_date IS NOT NULL AND deletion_date <= ? ORDER BY name',
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/**
 * Secrets in SQLite. Every change that touches more than one row (a version and its labels, a
 * label moving with AWSCURRENT → AWSPREVIOUS, a purge) runs in one transaction, so a crash never
 * leaves a secret with no current version or two.
 */
export class SqliteSecretRepository implements SecretRepository {
  readonly #s: () => Statements;
  readonly #create: (secret: SecretRecord, first?: SecretVersionRecord) => void;
  readonly #putVersion: (name: string, version: SecretVersionRecord) => void;
  readonly #moveStage: (name: string, stage: string, to: string | null, at: number) => boolean;
  readonly #purge: (now: number) => string[];

  constructor(db: SqliteDatabase) {
    this.#s = prepareOnce(db, prepare);
    this.#create = db.transaction((secret: SecretRecord, first?: SecretVersionRecord) => {
      const s = this.#s();
      if (s.get.get(secret.name) !== undefined) {
        throw new GustError('ERR_CONFLICT', `A secret named '${secret.name}' already exists.`);
      }
      s.insertSecret.run(
        secret.name,
        secret.arnSuffix,
        secret.description,
        secret.createdAt,
        secret.updatedAt,
      );
      if (first !== undefined) this.#insertVersion(s, secret.name, first);
    });
    this.#putVersion = db.transaction((name: string, version: SecretVersionRecord) => {
      const s = this.#s();
      if (s.get.get(name) === undefined) {
        throw new GustError('ERR_SECRET_NOT_FOUND', `Secret '${name}' does not exist.`);
      }
      if (s.versionById.get(name, version.versionId) !== undefined) {
        throw new GustError('ERR_CONFLICT', `Secret '${name}' already has a version ${version.versionId}.`);
      }
      this.#insertVersion(s, name, version);
      s.setUpdated.run(version.createdAt, name);
      s.pruneUnlabeled.run(name, name, MAX_UNLABELED_VERSIONS);
    });
    this.#moveStage = db.transaction((name: string, stage: string, to: string | null, at: number) => {
      const s = this.#s();
      if (s.get.get(name) === undefined) return false;
      if (to === null) s.removeStage.run(name, stage);
      else if (s.versionById.get(name, to) === undefined) return false;
      else attach(s, name, stage, to);
      s.setUpdated.run(at, name);
      s.pruneUnlabeled.run(name, name, MAX_UNLABELED_VERSIONS);
      return true;
    });
    this.#purge = db.transaction((now: number) => {
      const s = this.#s();
      const names = s.due.all(now).map((r) => r.name);
      for (const name of names) s.delete.run(name);
      return names;
    });
  }

  #insertVersion(s: Statements, name: string, v: SecretVersionRecord): void {
    s.insertVersion.run(name, v.versionId, v.kind, v.valueEncrypted, v.createdAt);
    for (const stage of v.stages) attach(s, name, stage, v.versionId);
  }

  async create(secret: SecretRecord, first?: SecretVersionRecord): Promise<void> {
    this.#create(secret, first);
  }

  async get(name: string): Promise<SecretRecord | undefined> {
    const row = this.#s().get.get(name);
    return row === undefined ? undefined : toSecret(row);
  }

  async list(): Promise<SecretRecord[]> {
    return this.#s().list.all().map(toSecret);
  }

  async update(
    name: string,
    change: { description?: string; updatedAt?: number; lastRotatedAt?: number },
  ): Promise<boolean> {
    const s = this.#s();
    if (s.get.get(name) === undefined) return false;
    if (change.description !== undefined) s.setDescription.run(change.description, name);
    if (change.updatedAt !== undefined) s.setUpdated.run(change.updatedAt, name);
    if (change.lastRotatedAt !== undefined) s.setRotated.run(change.lastRotatedAt, name);
    return true;
  }

  async putVersion(name: string, version: SecretVersionRecord): Promise<void> {
    this.#putVersion(name, version);
  }

  async moveStage(name: string, stage: string, toVersionId: string | null, at: number): Promise<boolean> {
    return this.#moveStage(name, stage, toVersionId, at);
  }

  async getVersion(name: string, by: SecretVersionSelector): Promise<SecretVersionRecord | undefined> {
    const s = this.#s();
    const row =
      'versionId' in by ? s.versionById.get(name, by.versionId) : s.versionByStage.get(name, by.stage);
    return row === undefined ? undefined : toVersion(row);
  }

  async listVersions(name: string): Promise<SecretVersionRecord[]> {
    return this.#s().versions.all(name).map(toVersion);
  }

  async scheduleDeletion(name: string, deletedAt: number, deletionDate: number): Promise<boolean> {
    return this.#s().schedule.run(deletedAt, deletionDate, name).changes > 0;
  }

  async cancelDeletion(name: string): Promise<boolean> {
    return this.#s().cancel.run(name).changes > 0;
  }

  async delete(name: string): Promise<boolean> {
    return this.#s().delete.run(name).changes > 0;
  }

  async purgeDue(now: number): Promise<string[]> {
    return this.#purge(now);
  }
}

/** Puts `stage` on `versionId`; AWSCURRENT leaving another version makes that one AWSPREVIOUS. */
function attach(s: Statements, name: string, stage: string, versionId: string): void {
  const holder = s.stageHolder.get(name, stage)?.version_id;
  if (holder === versionId) return;
  s.setStage.run(name, stage, versionId);
  if (stage === AWSCURRENT && holder !== undefined) s.setStage.run(name, AWSPREVIOUS, holder);
}
