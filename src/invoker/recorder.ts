import type { Clock, TimerHandle } from '../core/clock.js';
import type { InvocationRecord, LogEntry } from '../core/types.js';
import type { Store } from '../store/store.js';

export interface RetentionPolicy {
  /** Log lines older than this are deleted. */
  logsMaxAgeMs: number;
  /** At most this many log lines are kept per function (the newest). */
  logsMaxPerFunction: number;
  /** Invocation records older than this are deleted. */
  invocationsMaxAgeMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  logsMaxAgeMs: 7 * 24 * 3600_000,
  logsMaxPerFunction: 100_000,
  invocationsMaxAgeMs: 7 * 24 * 3600_000,
};

export interface RecorderDeps {
  store: Store;
  clock: Clock;
  retention?: RetentionPolicy;
  /** How long lines and records may wait before they are written (default 50 ms). */
  flushIntervalMs?: number;
  /** How often retention runs (default 1 minute). */
  pruneIntervalMs?: number;
  /** Where the recorder reports its own failures. */
  onError?: (message: string, error: unknown) => void;
}

/**
 * Writes invocation records and log lines to the store in batches, off the invocation's path:
 * callers hand entries over synchronously and never wait for the database.
 */
export interface Recorder {
  log(entry: LogEntry): void;
  record(record: InvocationRecord): void;
  /** Writes everything buffered now. */
  flush(): Promise<void>;
  start(): void;
  /** Flushes and stops the timers. */
  stop(): Promise<void>;
}

/** Beyond this many buffered items (the store is failing), the oldest are dropped, and said so. */
const MAX_BUFFERED = 200_000;
const BATCH = 1000;

export function createRecorder(deps: RecorderDeps): Recorder {
  const retention = deps.retention ?? DEFAULT_RETENTION;
  const flushInterval = deps.flushIntervalMs ?? 50;
  const pruneInterval = deps.pruneIntervalMs ?? 60_000;
  const onError = deps.onError ?? ((message, error) => console.error(`gust: ${message}`, error));
  let logs: LogEntry[] = [];
  let records: InvocationRecord[] = [];
  let flushTimer: TimerHandle | undefined;
  let pruneTimer: TimerHandle | undefined;
  let flushing: Promise<void> | undefined;
  let running = false;

  const scheduleFlush = () => {
    if (flushTimer || !running) return;
    flushTimer = deps.clock.setTimeout(() => {
      flushTimer = undefined;
      void flush();
    }, flushInterval);
  };

  const writeOnce = async () => {
    while (logs.length > 0 || records.length > 0) {
      const logBatch = logs.splice(0, BATCH);
      const recordBatch = records.splice(0, BATCH);
      try {
        if (logBatch.length > 0) await deps.store.logs.appendMany(logBatch);
        if (recordBatch.length > 0) await deps.store.invocations.insertMany(recordBatch);
      } catch (error) {
        // Put them back in order and try again on the next flush; cap what is kept.
        logs = logBatch.concat(logs);
        records = recordBatch.concat(records);
        const excess = logs.length + records.length - MAX_BUFFERED;
        if (excess > 0) {
          logs.splice(0, Math.min(excess, logs.length));
          onError(`dropped ${excess} buffered log lines/records because the store keeps failing`, error);
        } else onError('could not write invocation records and logs; will retry', error);
        scheduleFlush();
        return;
      }
    }
  };

  const flush = (): Promise<void> => {
    if (!flushing) {
      flushing = writeOnce().finally(() => {
        flushing = undefined;
      });
      return flushing;
    }
    // A flush is under way; run another after it so entries added meanwhile are written too.
    return flushing.then(() => flush());
  };

  const prune = async () => {
    const now = deps.clock.now();
    try {
      await deps.store.logs.prune({
        olderThan: now - retention.logsMaxAgeMs,
        maxPerFunction: retention.logsMaxPerFunction,
      });
      await deps.store.invocations.deleteOlderThan(now - retention.invocationsMaxAgeMs);
    } catch (error) {
      onError('retention of logs and invocation records failed', error);
    }
    if (running) pruneTimer = deps.clock.setTimeout(() => void prune(), pruneInterval);
  };

  return {
    log(entry) {
      logs.push(entry);
      if (logs.length >= BATCH) void flush();
      else scheduleFlush();
    },
    record(record) {
      records.push(record);
      if (records.length >= BATCH) void flush();
      else scheduleFlush();
    },
    flush,
    start() {
      running = true;
      pruneTimer = deps.clock.setTimeout(() => void prune(), pruneInterval);
    },
    async stop() {
      running = false;
      flushTimer?.cancel();
      pruneTimer?.cancel();
      flushTimer = undefined;
      await flush();
    },
  };
}
