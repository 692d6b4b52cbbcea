import { createHash } from 'node:crypto';
import { access, constants, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type {
  FunctionRecord,
  FunctionVersion,
  HttpRouteConfig,
  PublishedVersion,
  ResolvedVersion,
} from '../core/types.js';
import type { Store } from '../store/store.js';
import type { CodeStore, StoredCode } from './code-store.js';
import type {
  DeployHook,
  DeployReport,
  FunctionDetail,
  FunctionRegistry,
  FunctionSummary,
  RouteEntry,
} from './control-plane.js';
import { type Manifest, type ManifestFunction, normaliseTemplate, readManifest } from './manifest.js';

export interface RegistryDeps {
  store: Store;
  code: CodeStore;
  clock: Clock;
  /** The platform-wide concurrency limit: reserved concurrency across functions may not exceed it. */
  maxConcurrency: number;
  /** Folders never copied into function code (the data directory when it sits inside the app). */
  excludeFromCode?: readonly string[];
}

interface Entry {
  record: FunctionRecord;
  latest: FunctionVersion;
  /** Content versions this node has loaded, by versionId (latest and every published one). */
  versions: Map<string, FunctionVersion>;
  published: Map<number, PublishedVersion>;
}

const LATEST = '$LATEST';

/**
 * Functions, versions and routes, served from memory and written through the store. Deploys are
 * serialised, so the in-memory view always matches one committed deploy.
 */
export function createFunctionRegistry(deps: RegistryDeps): FunctionRegistry {
  const entries = new Map<string, Entry>();
  const listeners = new Set<() => void>();
  const hooks: DeployHook[] = [];
  let routes: RouteEntry[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  const serialise = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const changed = () => {
    routes = [...entries.values()].flatMap((e) =>
      e.latest.config.routes.map((r) => routeEntry(r, e.record.name)),
    );
    for (const listener of listeners) listener();
  };

  const loadEntry = async (record: FunctionRecord): Promise<Entry | undefined> => {
    const latest = await deps.store.functions.getVersion(record.name, record.latestVersionId);
    if (!latest) return undefined;
    const entry: Entry = {
      record,
      latest,
      versions: new Map([[latest.versionId, latest]]),
      published: new Map(),
    };
    for (const p of await deps.store.functions.listPublishedVersions(record.name)) {
      entry.published.set(p.number, p);
      if (!entry.versions.has(p.versionId)) {
        const v = await deps.store.functions.getVersion(record.name, p.versionId);
        if (v) entry.versions.set(v.versionId, v);
      }
    }
    // On a cluster the code may have been deployed by another node: fetch it before it is run.
    if (deps.code.ensure) for (const v of entry.versions.values()) await deps.code.ensure(v.codeHash);
    return entry;
  };

  const mustGet = (name: string): Entry => {
    const entry = entries.get(name);
    if (!entry) throw functionNotFound(name);
    return entry;
  };

  /** Reads every function from the store and swaps the whole view in at once. */
  const loadAll = async (): Promise<void> => {
    const fresh = new Map<string, Entry>();
    for (const record of await deps.store.functions.listFunctions()) {
      const entry = await loadEntry(record);
      if (entry) fresh.set(record.name, entry);
    }
    entries.clear();
    for (const [name, entry] of fresh) entries.set(name, entry);
    changed();
  };

  /** Tells the other nodes sharing the store to reload (a no-op signal on SQLite). */
  const broadcast = (what: string) => deps.store.signals.publish('functions', what);

  let subscribed = false;

  return {
    async load() {
      await serialise(loadAll);
      if (subscribed) return;
      subscribed = true;
      // Another node deployed, deleted or published: load its committed view (serialised with
      // this node's own deploys, so the in-memory view still matches one committed state).
      deps.store.signals.subscribe('functions', (_payload, fromThisNode) => {
        if (fromThisNode) return;
        serialise(loadAll).catch((error: unknown) => {
          console.error('gust: could not reload functions after a change on another node:', error);
        });
      });
    },

    deployDirectory(dir, options) {
      return serialise(async () => {
        const manifest = await readManifest(dir);
        if (options?.authorize !== undefined) {
          const declaredNames = new Set(manifest.functions.map((f) => f.name));
          const removed = [...entries.values()]
            .filter((e) => e.record.service === manifest.service && !declaredNames.has(e.record.name))
            .map((e) => e.record.name);
          options.authorize(manifest, removed);
        }
        const prepared = await prepare(manifest, dir, deps);
        checkAgainstOtherServices(manifest, prepared, entries, deps.maxConcurrency);
        for (const hook of hooks) await hook.check?.(manifest, { dir });
        const now = deps.clock.now();
        const report: DeployReport = { service: manifest.service, functions: [], removed: [] };
        for (const { fn, version } of prepared) {
          const existing = entries.get(fn.name);
          const unchanged = existing?.latest.versionId === version.versionId;
          if (!unchanged) {
            await deps.store.functions.putVersion(version);
            const record: FunctionRecord = {
              name: fn.name,
              service: manifest.service,
              latestVersionId: version.versionId,
              createdAt: existing?.record.createdAt ?? now,
              updatedAt: now,
            };
            await deps.store.functions.putFunction(record);
            const entry: Entry = existing ?? {
              record,
              latest: version,
              versions: new Map(),
              published: new Map(),
            };
            const previous = entry.latest;
            entry.record = record;
            entry.latest = version;
            const stillPublished = [...entry.published.values()].some(
              (p) => p.versionId === previous.versionId,
            );
            if (previous.versionId !== version.versionId && !stillPublished)
              entry.versions.delete(previous.versionId);
            entry.versions.set(version.versionId, version);
            entries.set(fn.name, entry);
          }
          report.functions.push({
            name: fn.name,
            versionId: version.versionId,
            changed: !unchanged,
            routes: version.config.routes.map((r) => ({
              method: r.method,
              path: r.path,
              functionName: fn.name,
            })),
          });
        }
        const declared = new Set(manifest.functions.map((f) => f.name));
        for (const entry of [...entries.values()]) {
          if (entry.record.service === manifest.service && !declared.has(entry.record.name)) {
            await deps.store.functions.deleteFunction(entry.record.name);
            entries.delete(entry.record.name);
            report.removed.push(entry.record.name);
          }
        }
        // Capabilities apply their parts (queues, ...) before listeners hear of the change, so what
        // the new functions point at exists when consumers start.
        for (const hook of hooks) await hook.apply?.(manifest, report, { dir });
        if (report.functions.some((f) => f.changed) || report.removed.length > 0) changed();
        broadcast(manifest.service);
        return report;
      });
    },

    resolve(name, qualifier) {
      const entry = mustGet(name);
      if (qualifier === undefined || qualifier === '' || qualifier === LATEST) {
        return { version: entry.latest, executedVersion: LATEST };
      }
      if (/^[1-9][0-9]*$/.test(qualifier)) {
        const published = entry.published.get(Number(qualifier));
        const version = published && entry.versions.get(published.versionId);
        if (!version) {
          throw new GustError('ERR_VERSION_NOT_FOUND', `Function '${name}' has no version ${qualifier}.`, {
            awsType: 'ResourceNotFoundException',
          });
        }
        return { version, executedVersion: qualifier } satisfies ResolvedVersion;
      }
      if (/^[A-Za-z0-9_-]{1,128}$/.test(qualifier)) {
        throw new GustError('ERR_VERSION_NOT_FOUND', `Function '${name}' has no alias '${qualifier}'.`, {
          awsType: 'ResourceNotFoundException',
        });
      }
      throw new GustError(
        'ERR_INVALID_QUALIFIER',
        `Qualifier '${qualifier}' is not valid: use $LATEST, a version number or an alias name.`,
        { awsType: 'InvalidParameterValueException' },
      );
    },

    liveVersionIds(name) {
      const entry = entries.get(name);
      if (!entry) return [];
      return [...new Set([entry.latest.versionId, ...[...entry.published.values()].map((p) => p.versionId)])];
    },

    codeDir: (version) => deps.code.path(version.codeHash),

    list() {
      return [...entries.values()]
        .map((e) => summary(e))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async get(name) {
      const entry = mustGet(name);
      const detail: FunctionDetail = {
        ...summary(entry),
        versions: await deps.store.functions.listVersions(name),
        published: await deps.store.functions.listPublishedVersions(name),
      };
      return detail;
    },

    delete(name) {
      return serialise(async () => {
        mustGet(name);
        await deps.store.functions.deleteFunction(name);
        entries.delete(name);
        changed();
        broadcast(name);
      });
    },

    publish(name) {
      return serialise(async () => {
        const entry = mustGet(name);
        const published = await deps.store.functions.publishVersion(
          name,
          entry.latest.versionId,
          deps.clock.now(),
        );
        entry.published.set(published.number, published);
        entry.versions.set(entry.latest.versionId, entry.latest);
        changed();
        broadcast(name);
        return published;
      });
    },

    routes: () => routes,

    addDeployHook(hook) {
      hooks.push(hook);
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function summary(entry: Entry): FunctionSummary {
  return { ...entry.record, config: entry.latest.config };
}

export function functionNotFound(name: string): GustError {
  return new GustError('ERR_FUNCTION_NOT_FOUND', `Function '${name}' does not exist.`, {
    awsType: 'ResourceNotFoundException',
  });
}

interface Prepared {
  fn: ManifestFunction;
  version: FunctionVersion;
}

/** Checks each function's code folder, stores the code and computes the version identity. */
/** Code folders checked, hashed and stored at once during a deploy. */
const PREPARE_CONCURRENCY = 16;

/** Checks each function's code folder, stores the code and computes the version identity. */
async function prepare(manifest: Manifest, dir: string, deps: RegistryDeps): Promise<Prepared[]> {
  const appReal = await realpath(dir);
  // Shared folders (code: . for many functions) are hashed and stored once.
  const byFolder = new Map<string, Promise<StoredCode>>();
  const prepareOne = async (fn: ManifestFunction): Promise<Prepared> => {
    const codeReal = await checkCodeFolder(fn, manifest.file, appReal);
    let stored = byFolder.get(codeReal);
    if (!stored) {
      stored = deps.code.put(codeReal, { exclude: deps.excludeFromCode ?? [] });
      byFolder.set(codeReal, stored);
    }
    const code = await stored;
    const versionId = createHash('sha256')
      .update(code.hash)
      .update('\0')
      .update(canonicalJson(fn.config))
      .digest('hex')
      .slice(0, 32);
    return {
      fn,
      version: {
        functionName: fn.name,
        versionId,
        codeHash: code.hash,
        codeSizeBytes: code.sizeBytes,
        config: fn.config,
        createdAt: deps.clock.now(),
      },
    };
  };
  const out: Prepared[] = new Array(manifest.functions.length);
  let next = 0;
  const worker = async () => {
    while (next < manifest.functions.length) {
      const i = next++;
      out[i] = await prepareOne(manifest.functions[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PREPARE_CONCURRENCY, manifest.functions.length) }, worker));
  return out;
}

/** The real path of a function's code folder, after checking it is a folder inside the app. */
async function checkCodeFolder(fn: ManifestFunction, file: string, appReal: string): Promise<string> {
  const field = `${file}: functions.${fn.name}.code`;
  const codeDir = resolve(appReal, fn.code);
  const inside = (p: string) => p === appReal || p.startsWith(appReal + sep);
  const outside = () =>
    new GustError(
      'ERR_INVALID_CODE',
      `${field}: ${fn.code} is outside the app folder; code must be inside it.`,
    );
  if (!inside(codeDir)) throw outside();
  let codeReal: string;
  try {
    codeReal = await realpath(codeDir);
  } catch {
    throw new GustError('ERR_INVALID_CODE', `${field}: folder ${fn.code} does not exist.`);
  }
  if (!inside(codeReal)) throw outside();
  if (!(await stat(codeReal)).isDirectory()) {
    throw new GustError('ERR_INVALID_CODE', `${field}: ${fn.code} is not a folder.`);
  }
  if (fn.config.runtime === 'provided') {
    try {
      await access(join(codeReal, 'bootstrap'), constants.X_OK);
    } catch {
      throw new GustError(
        'ERR_INVALID_CODE',
        `${field}: runtime provided needs an executable file named bootstrap at the root of ${fn.code}.`,
      );
    }
  }
  return codeReal;
}

/** A function name or route may belong to one service only; reserved concurrency must fit the platform. */
function checkAgainstOtherServices(
  manifest: Manifest,
  prepared: Prepared[],
  entries: Map<string, Entry>,
  maxConcurrency: number,
): void {
  const taken = new Map<string, string>();
  let reserved = 0;
  for (const e of entries.values()) {
    if (e.record.service === manifest.service) continue;
    reserved += e.latest.config.reservedConcurrency ?? 0;
    for (const r of e.latest.config.routes)
      taken.set(`${r.method} ${normaliseTemplate(r.path)}`, e.record.name);
  }
  for (const { fn } of prepared) {
    const owner = entries.get(fn.name);
    if (owner && owner.record.service !== manifest.service) {
      throw new GustError(
        'ERR_CONFLICT',
        `${manifest.file}: function '${fn.name}' already belongs to service '${owner.record.service}'; rename it or delete that function first.`,
      );
    }
    for (const r of fn.config.routes) {
      const other = taken.get(`${r.method} ${normaliseTemplate(r.path)}`);
      if (other) {
        throw new GustError(
          'ERR_CONFLICT',
          `${manifest.file}: route ${r.method} ${r.path} of function '${fn.name}' is already served by function '${other}' of another service.`,
        );
      }
    }
    reserved += fn.config.reservedConcurrency ?? 0;
  }
  if (reserved > maxConcurrency) {
    throw new GustError(
      'ERR_INVALID_MANIFEST',
      `${manifest.file}: reservedConcurrency adds up to ${reserved} across all functions, more than the platform's concurrency limit of ${maxConcurrency}.`,
      {
        details: {
          file: manifest.file,
          issues: [{ path: 'functions', message: 'too much reserved concurrency' }],
        },
      },
    );
  }
}

/** JSON with object keys sorted, so equal configurations hash equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A route as the gateway serves it: where it goes, and how it is guarded (auth, CORS, limits). */
function routeEntry(route: HttpRouteConfig, functionName: string): RouteEntry {
  const entry: RouteEntry = { method: route.method, path: route.path, functionName };
  if (route.auth !== undefined) entry.auth = route.auth;
  if (route.cors !== undefined) entry.cors = route.cors;
  if (route.rateLimit !== undefined) entry.rateLimit = route.rateLimit;
  return entry;
}
