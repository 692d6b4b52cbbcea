import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InvocationRecord, LogEntry } from '../src/core/types.js';
import { createSqliteStore } from '../src/store/sqlite/sqlite-store.js';

/** One measured figure, as bench/run collects them. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const BATCH = 100;
const BATCHES = 300;
const WARMUP_BATCHES = 20;

function invocationBatch(): InvocationRecord[] {
  const startedAt = Date.now();
  return Array.from({ length: BATCH }, (_, i) => ({
    // Random UUIDs, as the invoker mints them: they land all over the primary-key index.
    requestId: randomUUID(),
    functionName: `fn-${i % 10}`,
    executedVersion: '$LATEST',
    versionId: 'a1b2c3d4e5f6',
    trigger: 'http',
    startedAt: startedAt + i,
    durationMs: 3.27,
    billedDurationMs: 4,
    cold: i === 0,
    initDurationMs: i === 0 ? 120.5 : null,
    status: 'success',
    errorType: null,
    errorMessage: null,
    memoryMB: 128,
    maxMemoryUsedMB: 61.2,
  }));
}

function logBatch(batch: number): LogEntry[] {
  const time = Date.now();
  return Array.from({ length: BATCH }, (_, i) => ({
    functionName: `fn-${i % 10}`,
    requestId: `bench-${batch}-${i}`,
    time,
    stream: 'stdout',
    level: 'INFO',
    message: `2026-01-01T00:00:00.000Z\tbench-${batch}-${i}\tINFO\thandled order ${batch * BATCH + i} in 3 ms`,
  }));
}

/** Awaits `write(batch)` for warm-up plus measured batches; returns rows per second over the measured ones. */
async function rowsPerSecond<T>(
  make: (batch: number) => T[],
  write: (rows: T[]) => Promise<void>,
): Promise<number> {
  for (let b = 0; b < WARMUP_BATCHES; b++) await write(make(-1 - b));
  const batches = Array.from({ length: BATCHES }, (_, b) => make(b));
  const start = performance.now();
  for (const rows of batches) await write(rows);
  const seconds = (performance.now() - start) / 1000;
  return Math.round((BATCHES * BATCH) / seconds);
}

/**
 * Write throughput of the SQLite store on a temp file (WAL, synchronous = NORMAL), in batches of
 * 100 as the invoker writes them from the hot path.
 */
export async function runStoreBench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gust-store-bench-'));
  const store = createSqliteStore({ path: join(dir, 'bench.db') });
  try {
    await store.migrate();
    const invocations = await rowsPerSecond(invocationBatch, (rows) => store.invocations.insertMany(rows));
    const logs = await rowsPerSecond(logBatch, (rows) => store.logs.appendMany(rows));
    return [
      { name: 'store.sqlite invocations.insertMany (batches of 100)', value: invocations, unit: 'records/s' },
      { name: 'store.sqlite logs.appendMany (batches of 100)', value: logs, unit: 'lines/s' },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node dist/bench/store-bench.js` runs it on its own.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await runStoreBench());
}
