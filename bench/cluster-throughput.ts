/**
 * End-to-end async message throughput on PostgreSQL with one, two and three Gust nodes, and the same
 * workload on SQLite (one node) for comparison.
 *
 * The app: a queue `work` and a function triggered by it (batchSize 10, maximumConcurrency 4: every
 * node runs its own consumer, so each node delivers up to 4 batches at once) that parses each
 * message's body and appends one line per batch (its node, the job numbers) to a file. A round sends
 * N messages with SendMessageBatch, split evenly over the nodes (6 calls in flight in all), and is
 * timed from the first send to the queue reporting total 0 once every send has been answered: each
 * message has then been delivered in a batch that succeeded and deleted. The file is read
 * afterwards to check that every job of the round was handled, and how the work spread over the
 * nodes.
 *
 * The PostgreSQL cluster grows in place (1 node, then 2, then 3, on one fresh schema), with a
 * warm-up round before each measurement so instances are started on every node. Each configuration
 * runs several rounds; the median is reported. CPU is read from /proc over the rounds: the Gust
 * nodes, their instance processes, and every `postgres` process on the machine.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeQueueApp } from './lib/apps.js';
import { createCluster } from './lib/cluster.js';
import { type BenchContext, subDir } from './lib/context.js';
import { checkPostgres } from './lib/postgres.js';
import { busyBetween, cpuBetween, cpuOfCommand, machineTicks, treeCpu } from './lib/proc.js';
import type { BenchRow } from './lib/rows.js';
import { type RunningServer, startGustServer } from './lib/servers.js';
import { sendAll, waitForQueue } from './lib/sqs.js';

const QUEUE = 'work';
const BATCH_SIZE = 10;
/** maximumConcurrency of the queue event, per node. */
const CONCURRENCY = 4;
/** SendMessageBatch calls in flight in all, split evenly over the nodes (6 divides by 1, 2 and 3). */
const SEND_IN_FLIGHT = 6;
const POLL_MS = 20;

const HANDLER = `import { appendFileSync } from 'node:fs';
const file = process.env.BENCH_HANDLED;
const node = process.env.GUST_ENDPOINT;
export const handler = async (event) => {
  const jobs = event.Records.map((r) => JSON.parse(r.body).job);
  appendFileSync(file, JSON.stringify({ node, jobs }) + '\\n');
};
`;

/** A sample message body: 64 characters of JSON, as in queue-throughput.ts. */
const body = (job: number) => JSON.stringify({ job, pad: 'x'.repeat(Math.max(0, 47 - String(job).length)) });

interface Round {
  msgPerSec: number;
  /** CPU seconds over the round. */
  nodesCpu: number;
  instancesCpu: number;
  postgresCpu: number;
  /** CPU seconds of the benchmark process itself (the sender and the poller). */
  benchCpu: number;
  /** Share of the machine's CPUs busy over the round (anyone's work), 0 to 1. */
  machineBusy: number;
  /** Share of the round spent until the last send was answered. */
  sendShare: number;
  /** Messages handled per node (by URL), duplicates included. */
  perNode: Map<string, number>;
  duplicates: number;
}

interface ConfigResult {
  label: string;
  nodes: number;
  rounds: Round[];
  median: Round;
}

export async function runClusterThroughputBench(ctx: BenchContext): Promise<BenchRow[]> {
  await checkPostgres();
  const messages = ctx.quick ? 600 : 3000;
  const roundsPerConfig = ctx.quick ? 1 : 3;
  const warmup = ctx.quick ? 100 : 300;
  const dir = await subDir(ctx, 'cluster-throughput');
  const appDir = join(dir, 'app');
  const handledFile = join(dir, 'handled.jsonl');
  await writeFile(handledFile, '');
  await writeQueueApp(appDir, {
    service: 'bench-cluster',
    queue: QUEUE,
    functionName: 'work',
    handlerSource: HANDLER,
    trigger: { batchSize: BATCH_SIZE, maximumConcurrency: CONCURRENCY },
    environment: { BENCH_HANDLED: handledFile },
  });

  /** Job numbers are unique over the whole benchmark, so one file serves every round. */
  let nextJob = 0;
  const sendRound = async (nodes: readonly RunningServer[], count: number) => {
    const first = nextJob;
    nextJob += count;
    await Promise.all(
      nodes.map((node, k) => {
        const from = first + Math.floor((count * k) / nodes.length);
        const to = first + Math.floor((count * (k + 1)) / nodes.length);
        return sendAll(node.url, QUEUE, to - from, SEND_IN_FLIGHT / nodes.length, (i) => body(from + i));
      }),
    );
    return first;
  };
  const giveUp = (nodes: readonly RunningServer[]) => () => {
    const dead = nodes.find((n) => n.process.exitStatus() !== null);
    return dead === undefined ? undefined : `${dead.process.label} exited:\n${dead.process.tail()}`;
  };
  const drained = (nodes: readonly RunningServer[], round: number) =>
    waitForQueue(nodes[round % nodes.length]!.url, QUEUE, (s) => s.total === 0, {
      timeoutMs: 120_000,
      pollMs: POLL_MS,
      giveUp: giveUp(nodes),
    });

  const measure = async (label: string, nodes: readonly RunningServer[]): Promise<ConfigResult> => {
    ctx.progress(
      `cluster throughput, ${label}: warm-up of ${warmup} messages, then ${roundsPerConfig} x ${messages}`,
    );
    await sendRound(nodes, warmup);
    await drained(nodes, 0);
    const rounds: Round[] = [];
    for (let r = 0; r < roundsPerConfig; r++) {
      const cpuBefore = nodes.map((n) => treeCpu(n.process.pid));
      const postgresBefore = cpuOfCommand('postgres');
      const machineBefore = machineTicks();
      const selfBefore = process.cpuUsage();
      const start = performance.now();
      const first = await sendRound(nodes, messages);
      const sentAt = performance.now();
      const empty = await drained(nodes, r);
      const self = process.cpuUsage(selfBefore);
      const machineBusy = busyBetween(machineBefore, machineTicks());
      const cpu = nodes.map((n, i) => cpuBetween(cpuBefore[i]!, treeCpu(n.process.pid)));
      const postgresCpu = cpuOfCommand('postgres') - postgresBefore;
      const handled = await handledJobs(handledFile, first, first + messages);
      if (handled.distinct !== messages)
        ctx.observe(
          `cluster throughput, ${label}: ${messages} messages sent, ${handled.distinct} distinct jobs handled by the time the queue was empty`,
        );
      rounds.push({
        msgPerSec: (messages / (empty.at - start)) * 1000,
        nodesCpu: cpu.reduce((sum, c) => sum + c.root, 0),
        instancesCpu: cpu.reduce((sum, c) => sum + c.descendants, 0),
        postgresCpu,
        benchCpu: (self.user + self.system) / 1e6,
        machineBusy,
        sendShare: (sentAt - start) / (empty.at - start),
        perNode: handled.perNode,
        duplicates: handled.total - handled.distinct,
      });
    }
    const sorted = [...rounds].sort((a, b) => a.msgPerSec - b.msgPerSec);
    return { label, nodes: nodes.length, rounds, median: sorted[Math.floor(sorted.length / 2)]! };
  };

  const results: ConfigResult[] = [];
  const sqliteDir = await subDir(ctx, 'cluster-throughput/sqlite');
  const sqlite = await startGustServer({
    label: 'gust (cluster throughput, SQLite)',
    appDir,
    dataDir: join(sqliteDir, 'data'),
    workDir: sqliteDir,
  });
  try {
    results.push(await measure('SQLite, 1 node', [sqlite]));
  } finally {
    const leftover = await sqlite.stop();
    if (leftover > 0) ctx.observe(`${sqlite.process.label}: ${leftover} processes outlived it after SIGTERM`);
  }

  const cluster = createCluster({
    label: 'cluster throughput',
    dir: await subDir(ctx, 'cluster-throughput/postgres'),
    appDir,
    schemaPrefix: 'gust_bench_tp',
  });
  try {
    for (let n = 1; n <= 3; n++) {
      ctx.progress(`cluster throughput: starting PostgreSQL node ${n}`);
      await cluster.addNode();
      results.push(await measure(`PostgreSQL, ${n} node${n > 1 ? 's' : ''}`, cluster.nodes));
    }
  } finally {
    const leftover = await cluster.stop();
    if (leftover > 0)
      ctx.observe(`cluster throughput: ${leftover} processes outlived the nodes after SIGTERM`);
  }

  return rowsOf(results, messages, roundsPerConfig, warmup);
}

interface Handled {
  distinct: number;
  /** Deliveries of jobs in the range, duplicates included. */
  total: number;
  perNode: Map<string, number>;
}

/** Reads the handler's file: how many jobs in [from, to) were handled, and where. */
async function handledJobs(file: string, from: number, to: number): Promise<Handled> {
  const seen = new Set<number>();
  const perNode = new Map<string, number>();
  let total = 0;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (line === '') continue;
    const { node, jobs } = JSON.parse(line) as { node: string; jobs: number[] };
    for (const job of jobs) {
      if (job < from || job >= to) continue;
      seen.add(job);
      total += 1;
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
  }
  return { distinct: seen.size, total, perNode };
}

const pct = (share: number) => (share * 100).toFixed(0);

function rowsOf(results: ConfigResult[], messages: number, rounds: number, warmup: number): BenchRow[] {
  const rows: BenchRow[] = [];
  const us = (cpuSec: number) => (cpuSec * 1e6) / messages;
  for (const result of results) {
    const { median } = result;
    const spread =
      result.nodes > 1
        ? `; messages handled per node in that round: ${[...median.perNode.values()].join(' / ')}`
        : '';
    const duplicates = result.rounds.reduce((sum, r) => sum + r.duplicates, 0);
    rows.push(
      {
        name: `cluster throughput, ${result.label}`,
        value: median.msgPerSec,
        unit: 'msg/s',
        note: `${result.label}: median of ${rounds} rounds (${result.rounds.map((r) => r.msgPerSec.toFixed(0)).join(', ')} msg/s) of ${messages} messages after a warm-up of ${warmup}; SendMessageBatch, ${SEND_IN_FLIGHT} calls in flight in all, spread evenly over the nodes; queue event batchSize ${BATCH_SIZE}, maximumConcurrency ${CONCURRENCY} per node; from the first send to the queue reporting total 0 (polled every ${POLL_MS} ms after the last send was answered)${spread}; the last send was answered ${pct(median.sendShare)}% into that round; ${duplicates} duplicate deliveries over the rounds`,
      },
      {
        name: `cluster machine CPU busy, ${result.label}`,
        value: median.machineBusy * 100,
        unit: '% of all',
        note: "share of all the machine's cores busy over the round (/proc/stat), whatever ran on them: Gust, PostgreSQL, the benchmark, other users of the machine",
      },
      {
        name: `cluster CPU per message, Gust nodes, ${result.label}`,
        value: us(median.nodesCpu),
        unit: 'us',
      },
      {
        name: `cluster CPU per message, instances, ${result.label}`,
        value: us(median.instancesCpu),
        unit: 'us',
      },
      {
        name: `cluster CPU per message, benchmark process, ${result.label}`,
        value: us(median.benchCpu),
        unit: 'us',
      },
    );
    if (result.label.startsWith('PostgreSQL'))
      rows.push({
        name: `cluster CPU per message, PostgreSQL server, ${result.label}`,
        value: us(median.postgresCpu),
        unit: 'us',
        note: 'every process named postgres on the machine, whoever else uses the database; backends that exited during a round are not counted',
      });
  }
  const rate = (label: string) => results.find((r) => r.label === label)?.median.msgPerSec ?? Number.NaN;
  const one = rate('PostgreSQL, 1 node');
  rows.push(
    {
      name: 'cluster throughput ratio, PostgreSQL 2 nodes / 1 node',
      value: rate('PostgreSQL, 2 nodes') / one,
      unit: 'x',
      note: 'ratio of the medians; all nodes, their instances, PostgreSQL and the benchmark share the same 2 cores, so adding nodes adds no CPU',
    },
    {
      name: 'cluster throughput ratio, PostgreSQL 3 nodes / 1 node',
      value: rate('PostgreSQL, 3 nodes') / one,
      unit: 'x',
    },
    {
      name: 'cluster throughput ratio, PostgreSQL 1 node / SQLite',
      value: one / rate('SQLite, 1 node'),
      unit: 'x',
    },
  );
  return rows;
}
