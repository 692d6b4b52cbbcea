/**
 * Redelivery after a crash: the time from `kill -9` of the Gust server to all the work it had in
 * flight being delivered again, after a restart on the same data dir.
 *
 * The app: a queue with a 10 s visibility timeout and a function triggered by it (batchSize 1,
 * maximumConcurrency 4) that takes 2 s per message and appends each delivery it gets (message id,
 * receive count, time) to a file. Send 20 messages; once 4 are in flight, wait 1 s (half their
 * work), note which messages are leased and until when, SIGKILL the server, and start it again at
 * once on the same data dir. Then poll until the queue is empty and read the delivery file.
 *
 * A crashed server renews no leases, so its messages come back when their lease ends: at most one
 * visibility timeout after the last renewal (Gust's consumers renew every third of it while a batch
 * runs). The other messages, never received, are taken by the new server as soon as it is up.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeQueueApp } from './lib/apps.js';
import { type BenchContext, subDir } from './lib/context.js';
import { getJson, sleep } from './lib/http.js';
import { isAlive, killSurvivors, type ProcessId } from './lib/proc.js';
import type { BenchRow } from './lib/rows.js';
import { type RunningServer, startGustServer } from './lib/servers.js';
import { sendAll, waitForQueue } from './lib/sqs.js';

const QUEUE = 'slow';
const VISIBILITY_TIMEOUT_SEC = 10;
const WORK_MS = 2000;
const CONCURRENCY = 4;
const MESSAGES = 20;
const POLL_MS = 50;

/** Records every delivery, then works WORK_MS. The file is appended with one write per line. */
const HANDLER = `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  const at = Date.now();
  for (const r of event.Records) {
    const line = { id: r.messageId, receiveCount: Number(r.attributes.ApproximateReceiveCount), at };
    appendFileSync(process.env.BENCH_DELIVERIES, JSON.stringify(line) + '\\n');
  }
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_WORK_MS)));
};
`;

interface Delivery {
  id: string;
  receiveCount: number;
  /** Date.now() in the function. */
  at: number;
}

interface MessageView {
  id: string;
  receiveCount: number;
  visibleAt: number;
}

export async function runQueueRedeliveryBench(ctx: BenchContext): Promise<BenchRow[]> {
  const messages = ctx.quick ? 8 : MESSAGES;
  const dir = await subDir(ctx, 'queue-redelivery');
  const appDir = join(dir, 'app');
  const dataDir = join(dir, 'data');
  const deliveriesFile = join(dir, 'deliveries.jsonl');
  await writeQueueApp(appDir, {
    service: 'bench-redelivery',
    queue: QUEUE,
    visibilityTimeout: VISIBILITY_TIMEOUT_SEC,
    functionName: 'slow',
    handlerSource: HANDLER,
    trigger: { batchSize: 1, maximumConcurrency: CONCURRENCY },
    timeout: 10,
    environment: { BENCH_DELIVERIES: deliveriesFile, BENCH_WORK_MS: String(WORK_MS) },
  });
  const start = (label: string) => startGustServer({ label, appDir, dataDir, workDir: dir });

  ctx.progress(`queue redelivery: ${messages} messages of ${WORK_MS} ms, kill -9 while ${CONCURRENCY} run`);
  let server: RunningServer = await start('gust (redelivery, first)');
  let family: ProcessId[] = [];
  try {
    await sendAll(server.url, QUEUE, messages, 1, (i) => `{"job":${i}}`);
    const first = server;
    const died = () =>
      first.process.exitStatus() === null ? undefined : `the server exited:\n${first.process.tail()}`;
    await waitForQueue(server.url, QUEUE, (s) => s.inFlight >= Math.min(CONCURRENCY, messages), {
      timeoutMs: 30_000,
      pollMs: 10,
      giveUp: died,
    });
    await sleep(WORK_MS / 2);
    const { messages: before } = await getJson<{ messages: MessageView[] }>(
      `${server.url}/_gust/v1/queues/${QUEUE}/messages?limit=100`,
    );
    const now = Date.now();
    const leased = before.filter((m) => m.receiveCount > 0 && m.visibleAt > now);

    const killedAt = Date.now();
    family = await server.process.crash();
    server = await start('gust (redelivery, restarted)');
    const readyAt = Date.now();
    const again = server;
    const empty = await waitForQueue(server.url, QUEUE, (s) => s.total === 0, {
      timeoutMs: 120_000,
      pollMs: POLL_MS,
      giveUp: () =>
        again.process.exitStatus() === null
          ? undefined
          : `the restarted server exited:\n${again.process.tail()}`,
    });
    const emptyAt = performance.timeOrigin + empty.at;

    // Instances of the killed server lose their IPC channel and should exit by themselves.
    const orphans = family.filter(isAlive);
    if (orphans.length > 0)
      ctx.observe(
        `redelivery: ${orphans.length} processes of the killed server were still alive after its restart`,
      );

    const deliveries = (await readFile(deliveriesFile, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Delivery);
    const leasedIds = new Set(leased.map((m) => m.id));
    const redeliveredAt = new Map<string, number>();
    for (const d of deliveries) {
      if (leasedIds.has(d.id) && d.at > killedAt && !redeliveredAt.has(d.id)) redeliveredAt.set(d.id, d.at);
    }
    const lastRedelivery = Math.max(...redeliveredAt.values());
    const leaseLeft = Math.max(...leased.map((m) => m.visibleAt - killedAt));
    const unexpected = deliveries.filter((d) => d.receiveCount > 1 && !leasedIds.has(d.id)).length;
    if (redeliveredAt.size !== leased.length)
      ctx.observe(
        `redelivery: ${leased.length} messages were leased at the kill, ${redeliveredAt.size} delivered again`,
      );
    if (unexpected > 0)
      ctx.observe(
        `redelivery: ${unexpected} deliveries of messages that were not in flight at the kill had receiveCount > 1`,
      );
    const distinct = new Set(deliveries.map((d) => d.id)).size;
    if (distinct !== messages) ctx.observe(`redelivery: ${messages} messages sent, ${distinct} delivered`);

    const s = (ms: number) => ms / 1000;
    return [
      {
        name: 'redelivery: kill -9 to in-flight messages delivered again',
        value: s(lastRedelivery - killedAt),
        unit: 's',
        note: `queue visibilityTimeout ${VISIBILITY_TIMEOUT_SEC} s; function takes ${WORK_MS} ms per message, batchSize 1, maximumConcurrency ${CONCURRENCY}; ${messages} messages sent, server killed with SIGKILL ${WORK_MS / 2} ms after ${CONCURRENCY} were in flight and restarted at once on the same data dir; deliveries timed by the function itself (first delivery after the kill of each message leased at the kill)`,
      },
      {
        name: 'redelivery: restart healthy to in-flight messages delivered again',
        value: s(lastRedelivery - readyAt),
        unit: 's',
      },
      { name: 'redelivery: lease left at the kill (max)', value: s(leaseLeft), unit: 's' },
      { name: 'redelivery: kill -9 to every message deleted', value: s(emptyAt - killedAt), unit: 's' },
      { name: 'redelivery: restart, spawn to healthy', value: server.startMs, unit: 'ms' },
      { name: 'redelivery: messages in flight at the kill', value: leased.length, unit: 'messages' },
      {
        name: 'redelivery: deliveries in all',
        value: deliveries.length,
        unit: `for ${messages} msgs`,
      },
    ];
  } finally {
    const leftover = await server.stop();
    if (leftover > 0)
      ctx.observe(`${server.process.label}: ${leftover} processes outlived the server after SIGTERM`);
    await sleep(200);
    killSurvivors(family);
  }
}
