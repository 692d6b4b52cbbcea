/**
 * Losing a node: the time from `kill -9` of one of three Gust nodes sharing one PostgreSQL to every
 * message it held being handled by the other two.
 *
 * The app: a queue with a 5 s visibility timeout and a function triggered by it (batchSize 1,
 * maximumConcurrency 3 per node) that appends a `start` line (message id, node, receive count,
 * time) to a file, works 2 s, and appends a `done` line. 9 messages are sent: with 3 nodes taking
 * at most 3 each, every node holds 3. Once all 9 have started, half-way through the work of the
 * last message a chosen node started, that node is killed with SIGKILL. A survivor's queue view
 * gives, just before the kill, how long the killed node's leases had left.
 *
 * A dead node renews no leases (a live one renews every third of the visibility timeout while a
 * batch runs), so its messages come back when their leases end: the time to redelivery is bounded
 * below by what was left of them, at most one visibility timeout. The survivors, sleeping until the
 * next lease ends, take them at once; they are handled one work time (2 s) later.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeQueueApp } from './lib/apps.js';
import { createCluster } from './lib/cluster.js';
import { type BenchContext, subDir } from './lib/context.js';
import { getJson, sleep } from './lib/http.js';
import { checkPostgres } from './lib/postgres.js';
import { isAlive, killSurvivors, type ProcessId } from './lib/proc.js';
import type { BenchRow } from './lib/rows.js';
import { sendAll, waitForQueue } from './lib/sqs.js';

const QUEUE = 'slow';
const VISIBILITY_TIMEOUT_SEC = 5;
const WORK_MS = 2000;
/** maximumConcurrency per node. */
const CONCURRENCY = 3;
const NODES = 3;
const MESSAGES = NODES * CONCURRENCY;
const POLL_MS = 25;

const HANDLER = `import { appendFileSync } from 'node:fs';
const file = process.env.BENCH_DELIVERIES;
const node = process.env.GUST_ENDPOINT;
const log = (r, event) =>
  appendFileSync(file, JSON.stringify({ event, id: r.messageId, node, receiveCount: Number(r.attributes.ApproximateReceiveCount), at: Date.now() }) + '\\n');
export const handler = async (event) => {
  for (const r of event.Records) log(r, 'start');
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_WORK_MS)));
  for (const r of event.Records) log(r, 'done');
};
`;

interface Line {
  event: 'start' | 'done';
  id: string;
  node: string;
  receiveCount: number;
  /** Date.now() in the function. */
  at: number;
}

interface MessageView {
  id: string;
  receiveCount: number;
  visibleAt: number;
}

async function readLines(file: string): Promise<Line[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);
}

export async function runClusterRedeliveryBench(ctx: BenchContext): Promise<BenchRow[]> {
  await checkPostgres();
  const dir = await subDir(ctx, 'cluster-redelivery');
  const appDir = join(dir, 'app');
  const file = join(dir, 'deliveries.jsonl');
  await writeFile(file, '');
  await writeQueueApp(appDir, {
    service: 'bench-cluster-redelivery',
    queue: QUEUE,
    visibilityTimeout: VISIBILITY_TIMEOUT_SEC,
    functionName: 'slow',
    handlerSource: HANDLER,
    trigger: { batchSize: 1, maximumConcurrency: CONCURRENCY },
    timeout: 10,
    environment: { BENCH_DELIVERIES: file, BENCH_WORK_MS: String(WORK_MS) },
  });
  const cluster = createCluster({ label: 'cluster redelivery', dir, appDir, schemaPrefix: 'gust_bench_rd' });
  let family: ProcessId[] = [];
  try {
    ctx.progress(`cluster redelivery: starting ${NODES} PostgreSQL nodes`);
    for (let i = 0; i < NODES; i++) await cluster.addNode();
    const nodes = cluster.nodes;
    ctx.progress(
      `cluster redelivery: ${MESSAGES} messages of ${WORK_MS} ms, kill -9 of one node while each holds ${CONCURRENCY}`,
    );
    // One message at a time to each node in turn, so no node's local wake-up gets them all first.
    await Promise.all(
      nodes.map((node, k) =>
        sendAll(node.url, QUEUE, CONCURRENCY, 1, (i) => `{"job":${k * CONCURRENCY + i}}`),
      ),
    );

    // Wait until all messages have started, then pick the node to kill: the last one to start work.
    const deadline = performance.now() + 30_000;
    let started: Line[] = [];
    for (;;) {
      started = (await readLines(file)).filter((l) => l.event === 'start');
      if (new Set(started.map((l) => l.id)).size >= MESSAGES) break;
      if (performance.now() > deadline)
        throw new Error(`only ${started.length} of ${MESSAGES} messages started within 30 s`);
      await sleep(POLL_MS);
    }
    const byNode = new Map<string, Line[]>();
    for (const line of started) byNode.set(line.node, [...(byNode.get(line.node) ?? []), line]);
    if (byNode.size !== NODES)
      ctx.observe(
        `cluster redelivery: the ${MESSAGES} messages started on ${byNode.size} nodes, not ${NODES}: ${[...byNode.values()].map((l) => l.length).join(' / ')}`,
      );
    const victim = nodes.find((n) => n.url === started.at(-1)?.node) ?? nodes.at(-1)!;
    const survivor = nodes.find((n) => n !== victim)!;
    const held = byNode.get(victim.url) ?? [];
    const heldIds = new Set(held.map((l) => l.id));
    const lastStart = Math.max(...held.map((l) => l.at));
    await sleep(Math.max(0, lastStart + WORK_MS / 2 - Date.now()));

    const { messages: view } = await getJson<{ messages: MessageView[] }>(
      `${survivor.url}/_gust/v1/queues/${QUEUE}/messages?limit=100`,
    );
    const killedAt = Date.now();
    family = await victim.process.crash();
    const leaseLeft = Math.max(...view.filter((m) => heldIds.has(m.id)).map((m) => m.visibleAt - killedAt));

    // Every message the victim held, handled (a `done` line) by another node.
    const redelivered = new Map<string, number>();
    const handled = new Map<string, number>();
    const handledBy = (lines: Line[]) => {
      for (const l of lines) {
        if (!heldIds.has(l.id) || l.node === victim.url || l.at < killedAt) continue;
        const map = l.event === 'start' ? redelivered : handled;
        if (!map.has(l.id)) map.set(l.id, l.at);
      }
    };
    const until = performance.now() + 60_000;
    let lines: Line[] = [];
    for (;;) {
      lines = await readLines(file);
      redelivered.clear();
      handled.clear();
      handledBy(lines);
      if (handled.size >= heldIds.size) break;
      const dead = nodes.find((n) => n !== victim && n.process.exitStatus() !== null);
      if (dead !== undefined) throw new Error(`${dead.process.label} exited:\n${dead.process.tail()}`);
      if (performance.now() > until)
        throw new Error(
          `${handled.size} of ${heldIds.size} messages of the killed node handled 60 s after the kill`,
        );
      await sleep(POLL_MS);
    }
    const empty = await waitForQueue(survivor.url, QUEUE, (s) => s.total === 0, {
      timeoutMs: 30_000,
      pollMs: POLL_MS,
    });
    const emptyAt = performance.timeOrigin + empty.at;

    const lateDone = lines.filter((l) => l.node === victim.url && l.event === 'done' && l.at >= killedAt);
    if (lateDone.length > 0)
      ctx.observe(
        `cluster redelivery: instances of the killed node finished ${lateDone.length} messages after the kill (work done twice)`,
      );
    const orphans = family.filter(isAlive);
    if (orphans.length > 0)
      ctx.observe(
        `cluster redelivery: ${orphans.length} processes of the killed node were alive once its work was redone`,
      );
    const doneIds = new Set(
      lines.filter((l) => l.event === 'done' && l.node !== victim.url).map((l) => l.id),
    );
    const lost = [...new Set(lines.map((l) => l.id))].filter((id) => !doneIds.has(id) && !heldIds.has(id));
    if (lost.length > 0)
      ctx.observe(`cluster redelivery: ${lost.length} messages of the survivors never finished`);

    const s = (ms: number) => ms / 1000;
    return [
      {
        name: 'cluster redelivery: kill -9 of a node to its messages handled elsewhere',
        value: s(Math.max(...handled.values()) - killedAt),
        unit: 's',
        note: `${NODES} nodes on one PostgreSQL; queue visibilityTimeout ${VISIBILITY_TIMEOUT_SEC} s; function takes ${WORK_MS} ms per message, batchSize 1, maximumConcurrency ${CONCURRENCY} per node; ${MESSAGES} messages, so each node holds ${CONCURRENCY}; one node killed with SIGKILL ${WORK_MS / 2} ms after it started its last message; times taken by the function itself (its first start, and its end, on a surviving node of each message the killed node held). Bounded below by the lease the messages had left at the kill (next row but one) plus the work time`,
      },
      {
        name: 'cluster redelivery: kill -9 to its messages delivered again',
        value: s(Math.max(...redelivered.values()) - killedAt),
        unit: 's',
      },
      { name: 'cluster redelivery: lease left at the kill (max)', value: s(leaseLeft), unit: 's' },
      { name: 'cluster redelivery: kill -9 to the queue empty', value: s(emptyAt - killedAt), unit: 's' },
      { name: 'cluster redelivery: messages held by the killed node', value: heldIds.size, unit: 'messages' },
      {
        name: 'cluster redelivery: deliveries in all',
        value: lines.filter((l) => l.event === 'start').length,
        unit: `for ${MESSAGES} msgs`,
      },
    ];
  } finally {
    const leftover = await cluster.stop();
    if (leftover > 0)
      ctx.observe(`cluster redelivery: ${leftover} processes outlived the nodes after SIGTERM`);
    await sleep(200);
    killSurvivors(family);
  }
}
