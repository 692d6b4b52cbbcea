import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timeOrderedUuid } from '../src/core/ids.js';
import type { InvocationRecord, LogEntry } from '../src/core/types.js';
import type { LeasedMessage, NewMessage } from '../src/store/queue-repository.js';
import { createSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';

/** One measured figure, as bench/run collects them. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** What the figure must reach (bench/run marks it met or MISSED). */
  target?: { atLeast?: number; atMost?: number };
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

/** Queue messages per phase, and per batch as a consumer receives and deletes them (SQS's maximum). */
const QUEUE_MESSAGES = 20_000;
const QUEUE_BATCH = 10;
const QUEUE = 'bench';

/** A small JSON body, as an event or an async invocation's payload would be. */
function queueBatch(): NewMessage[] {
  const now = Date.now();
  return Array.from({ length: QUEUE_BATCH }, () => {
    const id = timeOrderedUuid(now);
    return {
      id,
      body: JSON.stringify({ orderId: id, items: [{ sku: 'A-1', qty: 2 }], total: 19.9 }),
      attributes: { source: { DataType: 'String', StringValue: 'bench' } },
    };
  });
}

/** Messages per second over `batches` calls of `step` (each handling one batch). */
async function messagesPerSecond(
  batches: number,
  step: (batch: number) => Promise<unknown>,
): Promise<number> {
  const start = performance.now();
  for (let b = 0; b < batches; b++) await step(b);
  return Math.round((batches * QUEUE_BATCH) / ((performance.now() - start) / 1000));
}

const noopInvoke = async (_message: LeasedMessage): Promise<void> => {};

/**
 * The queue path in batches of 10: send alone, receive (lease) alone from a 20,000-message
 * backlog, deleteMessages alone, then end to end (send → receive → invoke a no-op → delete), the
 * loop a queue consumer runs.
 */
async function runQueueBench(store: Store): Promise<BenchResult[]> {
  const now = Date.now();
  await store.queues.putQueue({
    name: QUEUE,
    config: {
      visibilityTimeoutSec: 30,
      maxReceiveCount: 5,
      deadLetterQueue: `${QUEUE}-dlq`,
      retentionSec: 4 * 24 * 3600,
      delaySec: 0,
      dedupeWindowSec: 300,
    },
    kind: 'user',
    owner: null,
    createdAt: now,
  });
  const batches = QUEUE_MESSAGES / QUEUE_BATCH;
  const warmup = Array.from({ length: WARMUP_BATCHES }, queueBatch);
  for (const batch of warmup) await store.queues.send(QUEUE, batch, Date.now());
  await store.queues.purge(QUEUE);

  const toSend = Array.from({ length: batches }, queueBatch);
  const send = await messagesPerSecond(batches, (b) => store.queues.send(QUEUE, toSend[b] ?? [], Date.now()));
  const leased: string[][] = [];
  const receive = await messagesPerSecond(batches, async () => {
    const got = await store.queues.receive(QUEUE, {
      max: QUEUE_BATCH,
      visibilityTimeoutSec: 30,
      now: Date.now(),
    });
    leased.push(got.map((m) => m.receiptHandle));
  });
  const del = await messagesPerSecond(batches, (b) => store.queues.deleteMessages(QUEUE, leased[b] ?? []));
  const endToEnd = await messagesPerSecond(batches, async () => {
    await store.queues.send(QUEUE, queueBatch(), Date.now());
    const got = await store.queues.receive(QUEUE, {
      max: QUEUE_BATCH,
      visibilityTimeoutSec: 30,
      now: Date.now(),
    });
    for (const message of got) await noopInvoke(message);
    await store.queues.deleteMessages(
      QUEUE,
      got.map((m) => m.receiptHandle),
    );
  });
  const left = (await store.queues.stats(QUEUE, Date.now())).total;
  if (left !== 0) throw new Error(`queue bench left ${left} messages behind; receive or delete lost track`);
  return [
    { name: 'store.sqlite queues.send (batches of 10)', value: send, unit: 'messages/s' },
    { name: 'store.sqlite queues.receive (batches of 10, 20k backlog)', value: receive, unit: 'messages/s' },
    { name: 'store.sqlite queues.deleteMessages (batches of 10)', value: del, unit: 'messages/s' },
    {
      name: 'store.sqlite queue send → receive → no-op → delete (batches of 10)',
      value: endToEnd,
      unit: 'messages/s',
      target: { atLeast: 5000 },
    },
  ];
}

/**
 * Write throughput of the SQLite store on a temp file (WAL, synchronous = NORMAL), in batches of
 * 100 as the invoker writes them from the hot path, and the queue path in batches of 10.
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
      ...(await runQueueBench(store)),
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
