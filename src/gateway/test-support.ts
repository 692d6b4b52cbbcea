/**
 * Small fakes of the gateway's collaborators, for the gateway's tests: an invoker that records calls
 * and answers from a script, an in-memory registry, store and pool. Not used outside tests.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustingAccess } from '../auth/access/test-support.js';
import { FakeClock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import { sequentialIds } from '../core/ids.js';
import type {
  FunctionConfig,
  InvocationRecord,
  LogEntry,
  PublishedVersion,
  ResolvedVersion,
} from '../core/types.js';
import type {
  DeployReport,
  FunctionDetail,
  FunctionRegistry,
  FunctionSummary,
  RouteEntry,
} from '../functions/control-plane.js';
import type { InvokeOptions, InvokeResult, Invoker } from '../invoker/types.js';
import type { PoolStats } from '../runtime/types.js';
import type { AsyncInvocationRecord, IdempotencyRepository } from '../store/delivery-repositories.js';
import { createLocalSignals } from '../store/signals.js';
import type { InvocationQuery, LogQuery, Store } from '../store/store.js';
import { createGateway } from './gateway.js';
import type { GatewayAccess, GatewayConfig, GatewayExtension } from './types.js';

export interface InvokeCall {
  functionName: string;
  payload: string;
  options: InvokeOptions;
}

export type InvokeScript = (call: InvokeCall) => Partial<InvokeResult> | Promise<Partial<InvokeResult>>;

/** An Invoker that records every call and answers with `script` (default: the event echoed back). */
export class FakeInvoker implements Invoker {
  readonly calls: InvokeCall[] = [];
  script: InvokeScript = () => ({});

  async invoke(functionName: string, payload: string, options: InvokeOptions): Promise<InvokeResult> {
    const call = { functionName, payload, options };
    this.calls.push(call);
    const partial = await this.script(call);
    const type = options.invocationType ?? 'RequestResponse';
    return {
      requestId: options.requestId ?? 'minted',
      functionName,
      executedVersion: options.qualifier ?? '$LATEST',
      status: type === 'Event' ? 'accepted' : type === 'DryRun' ? 'dry-run' : 'success',
      payload: type === 'RequestResponse' ? '{"ok":true}' : null,
      error: null,
      logTail: null,
      durationMs: 1,
      cold: false,
      ...partial,
    };
  }
  inFlight() {
    return { total: 0, byFunction: {} };
  }
  counters() {
    return { invocations: this.calls.length, throttles: 0, errors: 0, coldStarts: 0 };
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** The event the last call carried, parsed. */
  lastEvent(): Record<string, unknown> {
    const call = this.calls.at(-1);
    if (!call) throw new Error('no invocation yet');
    return JSON.parse(call.payload) as Record<string, unknown>;
  }
}

export const sampleConfig: FunctionConfig = {
  runtime: 'nodejs20.x',
  handler: 'src/hello.handler',
  memoryMB: 256,
  timeoutSec: 10,
  environment: { GREETING: 'hi' },
  routes: [{ method: 'GET', path: '/hello/{name}' }],
};

/** An in-memory FunctionRegistry: functions are added with `add`, routes with `setRoutes`. */
export class FakeRegistry implements FunctionRegistry {
  readonly functions = new Map<string, FunctionSummary>();
  readonly published = new Map<string, PublishedVersion[]>();
  readonly deployedDirs: string[] = [];
  /** What deployDirectory read from gust.yaml, per call. */
  readonly deployedManifests: string[] = [];
  #routes: RouteEntry[] = [];
  readonly #listeners = new Set<() => void>();

  add(name: string, config: Partial<FunctionConfig> = {}): void {
    this.functions.set(name, {
      name,
      service: 'shop',
      latestVersionId: `v-${name}`,
      createdAt: 1_764_194_400_000,
      updatedAt: 1_764_194_400_000,
      config: { ...sampleConfig, ...config },
    });
  }

  setRoutes(routes: RouteEntry[]): void {
    this.#routes = routes;
    for (const listener of this.#listeners) listener();
  }

  async load(): Promise<void> {}

  async deployDirectory(dir: string): Promise<DeployReport> {
    this.deployedDirs.push(dir);
    const manifest = await readFile(join(dir, 'gust.yaml'), 'utf8').catch(() => {
      throw new GustError('ERR_INVALID_MANIFEST', 'No gust.yaml', {
        details: { file: 'gust.yaml', issues: [{ path: '', message: 'file not found' }] },
      });
    });
    this.deployedManifests.push(manifest);
    return { service: 'shop', functions: [], removed: [] };
  }

  resolve(name: string, qualifier?: string): ResolvedVersion {
    const fn = this.#require(name);
    if (qualifier !== undefined && qualifier !== '$LATEST') {
      throw new GustError('ERR_VERSION_NOT_FOUND', `Function '${name}' has no version ${qualifier}.`);
    }
    return {
      version: {
        functionName: name,
        versionId: fn.latestVersionId,
        codeHash: 'abc123',
        codeSizeBytes: 42,
        config: fn.config,
        createdAt: fn.createdAt,
      },
      executedVersion: '$LATEST',
    };
  }

  codeDir(): string {
    return '/nowhere';
  }

  list(): FunctionSummary[] {
    return [...this.functions.values()];
  }

  async get(name: string): Promise<FunctionDetail> {
    const fn = this.#require(name);
    return {
      ...fn,
      versions: [this.resolve(name).version],
      published: [...(this.published.get(name) ?? [])],
    };
  }

  async delete(name: string): Promise<void> {
    this.#require(name);
    this.functions.delete(name);
  }

  async publish(name: string): Promise<PublishedVersion> {
    const fn = this.#require(name);
    const list = this.published.get(name) ?? [];
    const last = list.at(-1);
    if (last && last.versionId === fn.latestVersionId) return last;
    const next = { functionName: name, number: list.length + 1, versionId: fn.latestVersionId, createdAt: 5 };
    this.published.set(name, [...list, next]);
    return next;
  }

  routes(): RouteEntry[] {
    return this.#routes;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  addDeployHook(): void {}

  liveVersionIds(name: string): string[] {
    const fn = this.functions.get(name);
    return fn ? [fn.latestVersionId] : [];
  }

  #require(name: string): FunctionSummary {
    const fn = this.functions.get(name);
    if (!fn) throw new GustError('ERR_FUNCTION_NOT_FOUND', `Function '${name}' does not exist.`);
    return fn;
  }
}

/**
 * A Store with in-memory invocations, async invocation records and logs; the function repository is
 * not used by the gateway. Idempotency keys go to `idempotencyRepository` once a test sets one (a
 * real SQLite store's, for example).
 */
export class FakeStore {
  readonly records: InvocationRecord[] = [];
  readonly asyncRecords: AsyncInvocationRecord[] = [];
  idempotencyRepository: IdempotencyRepository | undefined;
  readonly logEntries: LogEntry[] = [];
  readonly invocationQueries: InvocationQuery[] = [];
  readonly logQueries: LogQuery[] = [];

  asStore(): Store {
    const unused = new Proxy(
      {},
      {
        get() {
          throw new Error('the gateway does not use the function repository');
        },
      },
    );
    return {
      functions: unused as Store['functions'],
      queues: unused as Store['queues'],
      asyncInvocations: {
        put: async () => {},
        get: async (id) => this.asyncRecords.find((r) => r.requestId === id),
        list: async (q) =>
          this.asyncRecords.filter((r) => r.functionName === q.functionName).slice(0, q.limit),
        deleteOlderThan: async () => 0,
      },
      idempotency: {
        claim: (...args) => this.#idempotency().claim(...args),
        complete: (...args) => this.#idempotency().complete(...args),
        release: (...args) => this.#idempotency().release(...args),
        deleteExpired: (...args) => this.#idempotency().deleteExpired(...args),
      },
      schedules: unused as Store['schedules'],
      rules: unused as Store['rules'],
      keys: unused as Store['keys'],
      policies: unused as Store['policies'],
      audit: unused as Store['audit'],
      nodes: unused as Store['nodes'],
      signals: createLocalSignals(),
      secrets: unused as Store['secrets'],
      workflows: unused as Store['workflows'],
      invocations: {
        insertMany: async () => {},
        get: async (id) => this.records.find((r) => r.requestId === id),
        list: async (q) => {
          this.invocationQueries.push(q);
          return this.records.filter((r) => r.functionName === q.functionName).slice(0, q.limit);
        },
        deleteOlderThan: async () => 0,
      },
      logs: {
        appendMany: async () => {},
        query: async (q) => {
          this.logQueries.push(q);
          return this.logEntries.filter((e) => (e.id ?? 0) > (q.afterId ?? 0));
        },
        prune: async () => 0,
      },
      migrate: async () => {},
      schemaVersion: async () => 1,
      close: async () => {},
    };
  }

  #idempotency(): IdempotencyRepository {
    if (this.idempotencyRepository === undefined)
      throw new Error('set FakeStore.idempotencyRepository first');
    return this.idempotencyRepository;
  }
}

export function sampleRecord(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    requestId: 'req-1',
    functionName: 'hello',
    executedVersion: '$LATEST',
    versionId: 'v-hello',
    trigger: 'http',
    startedAt: 1_764_194_400_000,
    durationMs: 1.83,
    billedDurationMs: 2,
    cold: true,
    initDurationMs: 9.4,
    status: 'success',
    errorType: null,
    errorMessage: null,
    memoryMB: 256,
    maxMemoryUsedMB: 48,
    ...overrides,
  };
}

export function sampleAsyncRecord(overrides: Partial<AsyncInvocationRecord> = {}): AsyncInvocationRecord {
  return {
    requestId: 'a-1',
    functionName: 'hello',
    qualifier: '$LATEST',
    status: 'queued',
    attempts: 0,
    maxAttempts: 3,
    nextAttemptAt: 1_764_194_400_000,
    lastError: null,
    destination: null,
    createdAt: 1_764_194_400_000,
    updatedAt: 1_764_194_400_000,
    ...overrides,
  };
}

export interface TestGateway {
  url: string;
  port: number;
  invoker: FakeInvoker;
  registry: FakeRegistry;
  store: FakeStore;
  clock: FakeClock;
  pool: { stats(): PoolStats; value: PoolStats };
  stop(): Promise<void>;
}

/** Starts a gateway on a free port over fresh fakes (request ids are req-1, req-2, ...). */
export async function startTestGateway(
  config: Partial<GatewayConfig> = {},
  extensions: readonly GatewayExtension[] = [],
  /** Who requests are authenticated as (default: every request is an admin key's). */
  access: GatewayAccess = trustingAccess(),
): Promise<TestGateway> {
  const invoker = new FakeInvoker();
  const registry = new FakeRegistry();
  const store = new FakeStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 26, 22, 1, 19));
  const pool = {
    value: { genericReady: 0, instances: [] } as PoolStats,
    stats(): PoolStats {
      return this.value;
    },
  };
  const gateway = createGateway({
    invoker,
    registry,
    store: store.asStore(),
    pool,
    clock,
    ids: sequentialIds('req'),
    version: '0.1.0',
    storeKind: 'sqlite',
    config: { host: '127.0.0.1', port: 0, tmpDir: join(tmpdir(), 'gust-gateway-test'), ...config },
    extensions,
    access,
  });
  const { url, port } = await gateway.start();
  return { url, port, invoker, registry, store, clock, pool, stop: () => gateway.stop() };
}
