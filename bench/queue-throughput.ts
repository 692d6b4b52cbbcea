/**
 * Queue throughput on SQLite: messages from send to a no-op function and deleted.
 *
 * For each batch size (10, then 1), on a fresh server: `gust up` an app whose queue `bench` has no
 * trigger yet (its function `noop` has no event), so the messages wait; send them all with
 * SendMessageBatch (10 per call, several calls at once) and time that (send throughput); then deploy
 * the same app with the function's `queue` event (POST /_gust/v1/deploy, as `gust deploy` does) and
 * time from sending that deploy until the queue is empty (polled every 50 ms near the end): every message has
 * then been delivered to the function in a batch that succeeded, and deleted. The server's CPU
 * (its own process, and its children: the function's instances and the pre-started generic
 * processes) is read from /proc over each phase.
 */
import { join } from 'node:path';
import { packApp } from '../src/cli/pack.js';
import { writeQueueApp } from './lib/apps.js';
import { type BenchContext, subDir } from './lib/context.js';
import { postDeploy } from './lib/deploy.js';
import { cpuBetween, treeCpu } from './lib/proc.js';
import type { BenchRow } from './lib/rows.js';
import { startGustServer } from './lib/servers.js';
import { type QueueStats, queueStats, sendAll, waitForQueue } from './lib/sqs.js';

const QUEUE = 'bench';
const FUNCTION = 'noop';
/** maximumConcurrency of the queue event: batches running at once. */
const CONCURRENCY = 4;
/** SendMessageBatch calls in flight while loading the queue. */
const SEND_IN_FLIGHT = 8;
/**
 * Polls of the queue's depth: every 50 ms near the end, less often while it is deep, because each
 * poll counts the queue's messages in the server (about 6.5 ms at 100,000 messages on the benchmark
 * machine): total / 200 ms keeps that under ~1.5% of the server's time at any depth.
 */
const POLL_MS = 50;
const pollInterval = (stats: QueueStats) => Math.max(POLL_MS, stats.total / 200);
/** The target for batches. */
const TARGET_BATCHED = 5000;
const NOOP = 'export const handler = async () => {};\n';

interface Variant {
  batchSize: number;
  messages: number;
}

export async function runQueueThroughputBench(ctx: BenchContext): Promise<BenchRow[]> {
  const variants: Variant[] = [
    { batchSize: 10, messages: ctx.quick ? 2000 : 100_000 },
    { batchSize: 1, messages: ctx.quick ? 500 : 20_000 },
  ];
  const rows: BenchRow[] = [];
  for (const variant of variants) rows.push(...(await measureVariant(ctx, variant)));
  return rows;
}

/** A sample message body: 64 characters of JSON, as a small job description might be. */
const body = (i: number) => JSON.stringify({ job: i, pad: 'x'.repeat(47 - String(i).length) });

async function measureVariant(ctx: BenchContext, { batchSize, messages }: Variant): Promise<BenchRow[]> {
  const dir = await subDir(ctx, `queue-throughput/batch-${batchSize}`);
  const appDir = join(dir, 'app');
  const app = {
    service: 'bench-queue',
    queue: QUEUE,
    functionName: FUNCTION,
    handlerSource: NOOP,
  };
  await writeQueueApp(appDir, app);
  ctx.progress(`queue throughput, batchSize ${batchSize}: sending ${messages} messages`);
  const server = await startGustServer({
    label: `gust (queue throughput ${batchSize})`,
    appDir,
    dataDir: join(dir, 'data'),
    workDir: dir,
  });
  const pid = server.process.pid;
  const died = () => {
    const status = server.process.exitStatus();
    return status === null ? undefined : `the server exited (${status}):\n${server.process.tail()}`;
  };
  try {
    const sendCpuBefore = treeCpu(pid);
    const selfBefore = process.cpuUsage();
    const send = await sendAll(server.url, QUEUE, messages, SEND_IN_FLIGHT, body);
    const self = process.cpuUsage(selfBefore);
    const sendCpu = cpuBetween(sendCpuBefore, treeCpu(pid));
    const loaded = await queueStats(server.url, QUEUE);
    if (send.sent !== messages || loaded.total !== messages || loaded.visible !== messages)
      ctx.observe(
        `queue throughput ${batchSize}: sent ${messages}, accepted ${send.sent}, queue holds ${JSON.stringify(loaded)}`,
      );

    await writeQueueApp(appDir, { ...app, trigger: { batchSize, maximumConcurrency: CONCURRENCY } });
    const archive = await packApp(appDir);
    ctx.progress(`queue throughput, batchSize ${batchSize}: deploying the trigger, draining`);
    const drainCpuBefore = treeCpu(pid);
    const start = performance.now();
    const deploy = await postDeploy(server.url, archive);
    const empty = await waitForQueue(server.url, QUEUE, (s) => s.total === 0, {
      timeoutMs: 300_000,
      pollMs: pollInterval,
      giveUp: died,
    });
    const drainMs = empty.at - start;
    const drainCpu = cpuBetween(drainCpuBefore, treeCpu(pid));
    if (deploy.changed !== 1)
      ctx.observe(`queue throughput ${batchSize}: the trigger deploy changed ${deploy.changed} functions`);

    const perMessageUs = (cpuSec: number) => (cpuSec * 1e6) / messages;
    const label = `batchSize ${batchSize}`;
    return [
      {
        name: `queue send (SendMessageBatch), ${messages} messages`,
        value: (send.sent / send.ms) * 1000,
        unit: 'msg/s',
        note: `SendMessageBatch of 10 messages of 64 bytes, ${SEND_IN_FLIGHT} calls in flight on kept-alive connections, into a queue without a consumer; the benchmark process itself used ${percent(self.user + self.system, send.ms)}% of a core`,
      },
      {
        name: `queue send, server CPU per message, ${messages} messages`,
        value: perMessageUs(sendCpu.root),
        unit: 'us',
      },
      {
        name: `queue throughput, ${label}`,
        value: (messages / drainMs) * 1000,
        unit: 'msg/s',
        ...(batchSize > 1 ? { target: { atLeast: TARGET_BATCHED } } : {}),
        note: `${messages} messages already in the queue; from POSTing the deploy that adds the queue event (maximumConcurrency ${CONCURRENCY}, no-op function) to the queue reporting total 0 (polled every max(${POLL_MS}, depth / 200) ms); the deploy took ${deploy.ms.toFixed(0)} ms of it; SQLite store`,
      },
      {
        name: `queue throughput, server CPU per message, ${label}`,
        value: perMessageUs(drainCpu.root),
        unit: 'us',
      },
      {
        name: `queue throughput, instances CPU per message, ${label}`,
        value: perMessageUs(drainCpu.descendants),
        unit: 'us',
      },
      {
        name: `queue throughput, server CPU, ${label}`,
        value: (drainCpu.root / drainMs) * 1e5,
        unit: '% core',
      },
    ];
  } finally {
    const leftover = await server.stop();
    if (leftover > 0)
      ctx.observe(
        `${server.process.label}: ${leftover} instance processes outlived the server after SIGTERM`,
      );
  }
}

/** Microseconds of CPU over milliseconds of wall time, as % of one core. */
function percent(cpuUs: number, wallMs: number): string {
  return ((cpuUs / 1000 / wallMs) * 100).toFixed(0);
}
