import type {
  FunctionConfig,
  FunctionRecord,
  FunctionVersion,
  InvocationRecord,
  LogEntry,
} from '../../core/types.js';
import type { Store } from '../store.js';

/** Makes a new, empty store that has not been migrated yet. */
export type MakeStore = () => Promise<Store>;

/** 2026-01-01T00:00:00Z: every fixture time is an offset from here. */
export const T0 = Date.UTC(2026, 0, 1);

/** Runs `body` against a new migrated store and closes it afterwards, even on failure. */
export async function withStore(makeStore: MakeStore, body: (store: Store) => Promise<void>): Promise<void> {
  const store = await makeStore();
  try {
    await store.migrate();
    await body(store);
  } finally {
    await store.close();
  }
}

/** A config with only the required fields (optional ones absent). */
export function minimalConfig(): FunctionConfig {
  return {
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    memoryMB: 128,
    timeoutSec: 3,
    environment: {},
    routes: [],
  };
}

export function version(functionName: string, versionId: string, createdAt = T0): FunctionVersion {
  return {
    functionName,
    versionId,
    codeHash: `code-${versionId}`,
    codeSizeBytes: 1234,
    config: minimalConfig(),
    createdAt,
  };
}

export function fn(name: string, latestVersionId = 'v1', at = T0): FunctionRecord {
  return { name, service: 'shop', latestVersionId, createdAt: at, updatedAt: at };
}

export function invocation(requestId: string, overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    requestId,
    functionName: 'orders',
    executedVersion: '$LATEST',
    versionId: 'v1',
    trigger: 'http',
    startedAt: T0,
    durationMs: 12.5,
    billedDurationMs: 13,
    cold: false,
    initDurationMs: null,
    status: 'success',
    errorType: null,
    errorMessage: null,
    memoryMB: 128,
    maxMemoryUsedMB: null,
    ...overrides,
  };
}

export function logLine(message: string, overrides: Partial<LogEntry> = {}): LogEntry {
  return {
    functionName: 'orders',
    requestId: 'req-1',
    time: T0,
    stream: 'stdout',
    level: 'INFO',
    message,
    ...overrides,
  };
}

/** `count` log lines for `functionName`, messages `${prefix}0`, `${prefix}1`, ... one ms apart. */
export function logLines(count: number, prefix: string, overrides: Partial<LogEntry> = {}): LogEntry[] {
  return Array.from({ length: count }, (_, i) => logLine(`${prefix}${i}`, { time: T0 + i, ...overrides }));
}
