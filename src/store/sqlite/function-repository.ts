import { GustError } from '../../core/errors.js';
import type {
  AliasRecord,
  FunctionConfig,
  FunctionRecord,
  FunctionVersion,
  PublishedVersion,
} from '../../core/types.js';
import type { FunctionRepository } from '../store.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';

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

function prepare(db: SqliteDatabase) {
  return {
    insertVersion: db.prepare<[string, string, string, number, string, number]>(
      `INSERT INTO function_versions (function_name, version_id, code_hash, code_size_bytes, config, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    getVersion: db.prepare<[string, string], VersionRow>(
      'SELECT * FROM function_versions WHERE function_name = ? AND version_id = ?',
    ),
    hasVersion: db
      .prepare<[string, string], number>(
        'SELECT 1 FROM function_versions WHERE function_name = ? AND version_id = ?',
      )
      .pluck(),
    // Ties on created_at (a fake clock, or two deploys in one millisecond) go to the later insert.
    listVersions: db.prepare<[string], VersionRow>(
      'SELECT * FROM function_versions WHERE function_name = ? ORDER BY created_at DESC, rowid DESC',
    ),
    upsertFunction: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO functions (name, service, latest_version_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET service = excluded.service,
         latest_version_id = excluded.latest_version_id, created_at = excluded.created_at,
         updated_at = excluded.updated_at`,
    ),
    getFunction: db.prepare<[string], FunctionRow>('SELECT * FROM functions WHERE name = ?'),
    listFunctions: db.prepare<[], FunctionRow>('SELECT * FROM functions ORDER BY name'),
    deleteAliases: db.prepare<[string]>('DELETE FROM aliases WHERE function_name = ?'),
    deletePublished: db.prepare<[string]>('DELETE FROM published_versions WHERE function_name = ?'),
    deleteVersions: db.prepare<[string]>('DELETE FROM function_versions WHERE function_name = ?'),
    deleteFunction: db.prepare<[string]>('DELETE FROM functions WHERE name = ?'),
    newestPublished: db.prepare<[string], PublishedRow>(
      'SELECT * FROM published_versions WHERE function_name = ? ORDER BY number DESC LIMIT 1',
    ),
    insertPublished: db.prepare<[string, number, string, number]>(
      'INSERT INTO published_versions (function_name, number, version_id, created_at) VALUES (?, ?, ?, ?)',
    ),
    getPublished: db.prepare<[string, number], PublishedRow>(
      'SELECT * FROM published_versions WHERE function_name = ? AND number = ?',
    ),
    listPublished: db.prepare<[string], PublishedRow>(
      'SELECT * FROM published_versions WHERE function_name = ? ORDER BY number',
    ),
    upsertAlias: db.prepare<[string, string, string, number]>(
      `INSERT INTO aliases (function_name, name, target, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (function_name, name) DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at`,
    ),
    getAlias: db.prepare<[string, string], AliasRow>(
      'SELECT * FROM aliases WHERE function_name = ? AND name = ?',
    ),
    listAliases: db.prepare<[string], AliasRow>(
      'SELECT * FROM aliases WHERE function_name = ? ORDER BY name',
    ),
    deleteAlias: db.prepare<[string, string]>('DELETE FROM aliases WHERE function_name = ? AND name = ?'),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Functions, content versions, published versions and aliases in SQLite. */
export class SqliteFunctionRepository implements FunctionRepository {
  readonly #s: () => Statements;
  readonly #deleteFunction: (name: string) => boolean;
  readonly #publish: (functionName: string, versionId: string, now: number) => PublishedVersion;

  constructor(db: SqliteDatabase) {
    const s = prepareOnce(db, prepare);
    this.#s = s;
    this.#deleteFunction = db.transaction((name: string) => {
      const st = s();
      st.deleteAliases.run(name);
      st.deletePublished.run(name);
      st.deleteVersions.run(name);
      return st.deleteFunction.run(name).changes > 0;
    });
    const publish = db.transaction((functionName: string, versionId: string, now: number) => {
      const st = s();
      if (st.hasVersion.get(functionName, versionId) === undefined) {
        throw new GustError(
          'ERR_VERSION_NOT_FOUND',
          `Cannot publish version ${versionId} of function ${functionName}: that version is not stored.`,
          { details: { functionName, versionId } },
        );
      }
      const newest = st.newestPublished.get(functionName);
      if (newest !== undefined && newest.version_id === versionId) return toPublished(newest);
      const published = { functionName, number: (newest?.number ?? 0) + 1, versionId, createdAt: now };
      st.insertPublished.run(functionName, published.number, versionId, now);
      return published;
    });
    // IMMEDIATE takes the write lock before reading the newest number, so publishes from other
    // connections to the same file serialize instead of racing for the same number.
    this.#publish = publish.immediate;
  }

  async putVersion(v: FunctionVersion): Promise<void> {
    this.#s().insertVersion.run(
      v.functionName,
      v.versionId,
      v.codeHash,
      v.codeSizeBytes,
      JSON.stringify(v.config),
      v.createdAt,
    );
  }

  async getVersion(functionName: string, versionId: string): Promise<FunctionVersion | undefined> {
    const row = this.#s().getVersion.get(functionName, versionId);
    return row && toVersion(row);
  }

  async listVersions(functionName: string): Promise<FunctionVersion[]> {
    return this.#s().listVersions.all(functionName).map(toVersion);
  }

  async putFunction(r: FunctionRecord): Promise<void> {
    this.#s().upsertFunction.run(r.name, r.service, r.latestVersionId, r.createdAt, r.updatedAt);
  }

  async getFunction(name: string): Promise<FunctionRecord | undefined> {
    const row = this.#s().getFunction.get(name);
    return row && toFunction(row);
  }

  async listFunctions(): Promise<FunctionRecord[]> {
    return this.#s().listFunctions.all().map(toFunction);
  }

  async deleteFunction(name: string): Promise<boolean> {
    return this.#deleteFunction(name);
  }

  async publishVersion(functionName: string, versionId: string, now: number): Promise<PublishedVersion> {
    return this.#publish(functionName, versionId, now);
  }

  async getPublishedVersion(functionName: string, number: number): Promise<PublishedVersion | undefined> {
    const row = this.#s().getPublished.get(functionName, number);
    return row && toPublished(row);
  }

  async listPublishedVersions(functionName: string): Promise<PublishedVersion[]> {
    return this.#s().listPublished.all(functionName).map(toPublished);
  }

  async putAlias(a: AliasRecord): Promise<void> {
    this.#s().upsertAlias.run(a.functionName, a.name, a.target, a.updatedAt);
  }

  async getAlias(functionName: string, name: string): Promise<AliasRecord | undefined> {
    const row = this.#s().getAlias.get(functionName, name);
    return row && toAlias(row);
  }

  async listAliases(functionName: string): Promise<AliasRecord[]> {
    return this.#s().listAliases.all(functionName).map(toAlias);
  }

  async deleteAlias(functionName: string, name: string): Promise<boolean> {
    return this.#s().deleteAlias.run(functionName, name).changes > 0;
  }
}
