import type {
  FunctionConfig,
  FunctionRecord,
  FunctionVersion,
  InvocationRecord,
  LogEntry,
} from '../../core/types.js';
import type { AsyncInvocationRecord } from '../delivery-repositories.js';
import type { NewMessage, QueueConfig, QueueRecord } from '../queue-repository.js';
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

/** SQS's defaults, with no dead-letter queue, no delay and a 5-minute dedupe window. */
export function queueConfig(overrides: Partial<QueueConfig> = {}): QueueConfig {
  return {
    visibilityTimeoutSec: 30,
    maxReceiveCount: null,
    deadLetterQueue: null,
    retentionSec: 4 * 24 * 3600,
    delaySec: 0,
    dedupeWindowSec: 300,
    ...overrides,
  };
}

export function queueRecord(name: string, config: Partial<QueueConfig> = {}, at = T0): QueueRecord {
  return { name, config: queueConfig(config), kind: 'user', owner: null, createdAt: at };
}

/** Message ids that sort in the order of `n`, as the time-ordered ids callers mint do. */
export const messageId = (n: number): string => `msg-${String(n).padStart(6, '0')}`;

export function newMessage(id: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return { id, body: `body of ${id}`, attributes: {}, ...overrides };
}

/** `count` messages with ids messageId(from), messageId(from + 1), ... */
export function newMessages(count: number, from = 1): NewMessage[] {
  return Array.from({ length: count }, (_, i) => newMessage(messageId(from + i)));
}

export function asyncInvocation(
  requestId: string,
  overrides: Partial<AsyncInvocationRecord> = {},
): AsyncInvocationRecord {
  return {
    requestId,
    functionName: 'orders',
    qualifier: '$LATEST',
    status: 'queued',
    attempts: 0,
    maxAttempts: 3,
    nextAttemptAt: T0,
    lastError: null,
    destination: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}
