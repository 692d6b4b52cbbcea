import { GustError } from '../../core/errors.js';
import type {
  AliasRecord,
  FunctionConfig,
  FunctionRecord,
  FunctionVersion,
  PublishedVersion,
} from '../../core/types.js';
import type { FunctionRepository } from '../store.js';
import type { PgDatabase } from './executor.js';
import { ADVISORY_LOCK_CLASS } from './postgres-migrate.js';

interface FunctionRow {
  name: string;
  service: string;
  latest_version_id: string;
  created_at: number;
  updated_at: number;
}

interface VersionRow {
  function_name: string;
  version_id: string;
  code_hash: string;
  code_size_bytes: number;
  config: string;
  created_at: number;
}

interface PublishedRow {
  function_name: string;
  number: number;
  version_id: string;
  created_at: number;
}

interface AliasRow {
  function_name: string;
  name: string;
  target: string;
  updated_at: number;
}

const toFunction = (r: FunctionRow): FunctionRecord => ({
  name: r.name,
  service: r.service,
  latestVersionId: r.latest_version_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toVersion = (r: VersionRow): FunctionVersion => ({
  functionName: r.function_name,
  versionId: r.version_id,
  codeHash: r.code_hash,
  codeSizeBytes: r.code_size_bytes,
  // Written by putVersion from a FunctionConfig; JSON keeps absent optional fields absent.
  config: JSON.parse(r.config) as FunctionConfig,
  createdAt: r.created_at,
});

const toPublished = (r: PublishedRow): PublishedVersion => ({
  functionName: r.function_name,
  number: r.number,
  versionId: r.version_id,
  createdAt: r.created_at,
});

const toAlias = (r: AliasRow): AliasRecord => ({
  functionName: r.function_name,
  name: r.name,
  target: r.target,
  updatedAt: r.updated_at,
});

const VERSION_COLUMNS = 'function_name, version_id, code_hash, code_size_bytes, config, created_at';

/** Functions, content versions, published versions and aliases in PostgreSQL. */
export class PgFunctionRepository implements FunctionRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async putVersion(v: FunctionVersion): Promise<void> {
    await this.#db.run(
      `INSERT INTO function_versions (${VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [v.functionName, v.versionId, v.codeHash, v.codeSizeBytes, JSON.stringify(v.config), v.createdAt],
    );
  }

  async getVersion(functionName: string, versionId: string): Promise<FunctionVersion | undefined> {
    const row = await this.#db.one<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM function_versions WHERE function_name = $1 AND version_id = $2`,
      [functionName, versionId],
    );
    return row && toVersion(row);
  }

  async listVersions(functionName: string): Promise<FunctionVersion[]> {
    // Ties on created_at go to the later insert: `seq` is an identity column, as SQLite's rowid.
    const rows = await this.#db.rows<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM function_versions WHERE function_name = $1
       ORDER BY created_at DESC, seq DESC`,
      [functionName],
    );
    return rows.map(toVersion);
  }

  async putFunction(r: FunctionRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO functions (name, service, latest_version_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET service = excluded.service,
         latest_version_id = excluded.latest_version_id, created_at = excluded.created_at,
         updated_at = excluded.updated_at`,
      [r.name, r.service, r.latestVersionId, r.createdAt, r.updatedAt],
    );
  }

  async getFunction(name: string): Promise<FunctionRecord | undefined> {
    const row = await this.#db.one<FunctionRow>('SELECT * FROM functions WHERE name = $1', [name]);
    return row && toFunction(row);
  }

  async listFunctions(): Promise<FunctionRecord[]> {
    return (await this.#db.rows<FunctionRow>('SELECT * FROM functions ORDER BY name')).map(toFunction);
  }

  async deleteFunction(name: string): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      await tx.run('DELETE FROM aliases WHERE function_name = $1', [name]);
      await tx.run('DELETE FROM published_versions WHERE function_name = $1', [name]);
      await tx.run('DELETE FROM function_versions WHERE function_name = $1', [name]);
      return (await tx.run('DELETE FROM functions WHERE name = $1', [name])) > 0;
    });
  }

  async publishVersion(functionName: string, versionId: string, now: number): Promise<PublishedVersion> {
    return this.#db.transaction(async (tx) => {
      // Publishes of one function serialize on this lock (held to commit), so two nodes never read
      // the same newest number; the function row cannot be locked instead, it may not exist yet.
      await tx.run('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        ADVISORY_LOCK_CLASS,
        `publish:${functionName}`,
      ]);
      const stored = await tx.one(
        'SELECT 1 AS found FROM function_versions WHERE function_name = $1 AND version_id = $2',
        [functionName, versionId],
      );
      if (stored === undefined) {
        throw new GustError(
          'ERR_VERSION_NOT_FOUND',
          `Cannot publish version ${versionId} of function ${functionName}: that version is not stored.`,
          { details: { functionName, versionId } },
        );
      }
      const newest = await tx.one<PublishedRow>(
        'SELECT * FROM published_versions WHERE function_name = $1 ORDER BY number DESC LIMIT 1',
        [functionName],
      );
      if (newest !== undefined && newest.version_id === versionId) return toPublished(newest);
      const published = { functionName, number: (newest?.number ?? 0) + 1, versionId, createdAt: now };
      await tx.run(
        'INSERT INTO published_versions (function_name, number, version_id, created_at) VALUES ($1, $2, $3, $4)',
        [functionName, published.number, versionId, now],
      );
      return published;
    });
  }

  async getPublishedVersion(functionName: string, number: number): Promise<PublishedVersion | undefined> {
    const row = await this.#db.one<PublishedRow>(
      'SELECT * FROM published_versions WHERE function_name = $1 AND number = $2',
      [functionName, number],
    );
    return row && toPublished(row);
  }

  async listPublishedVersions(functionName: string): Promise<PublishedVersion[]> {
    const rows = await this.#db.rows<PublishedRow>(
      'SELECT * FROM published_versions WHERE function_name = $1 ORDER BY number',
      [functionName],
    );
    return rows.map(toPublished);
  }

  async putAlias(a: AliasRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO aliases (function_name, name, target, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (function_name, name) DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at`,
      [a.functionName, a.name, a.target, a.updatedAt],
    );
  }

  async getAlias(functionName: string, name: string): Promise<AliasRecord | undefined> {
    const row = await this.#db.one<AliasRow>('SELECT * FROM aliases WHERE function_name = $1 AND name = $2', [
      functionName,
      name,
    ]);
    return row && toAlias(row);
  }

  async listAliases(functionName: string): Promise<AliasRecord[]> {
    const rows = await this.#db.rows<AliasRow>(
      'SELECT * FROM aliases WHERE function_name = $1 ORDER BY name',
      [functionName],
    );
    return rows.map(toAlias);
  }

  async deleteAlias(functionName: string, name: string): Promise<boolean> {
    return (
      (await this.#db.run('DELETE FROM aliases WHERE function_name = $1 AND name = $2', [
        functionName,
        name,
      ])) > 0
    );
  }
}
