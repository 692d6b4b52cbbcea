/**
 * `npm run bench`: every benchmark in one run, one table, and bench/results.json. Benchmarks are
 * not tests: nothing here fails on a missed target; the verdict column says it plainly.
 *
 * GUST_BENCH_QUICK=1 shortens everything, for checking the benchmarks themselves (not for results).
 * GUST_BENCH_KEEP=1 keeps the temp folder (generated apps, data dirs, server logs).
 * GUST_BENCH_ONLY=cluster,queue runs only the benchmarks whose name contains one of the words.
 * GUST_BENCH_POSTGRES_URL is the PostgreSQL of the cluster benchmarks (default
 * postgres://postgres@127.0.0.1:5432/test); each run uses fresh schemas and drops them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runClusterRedeliveryBench } from './cluster-redelivery.js';
import { runClusterThroughputBench } from './cluster-throughput.js';
import { runColdStartBench } from './cold-start.js';
import { runDeployMemoryBench } from './deploy-memory.js';
import { runLatencyBench } from './latency.js';
import { useBenchCredentials } from './lib/auth.js';
import { killAllChildrenNow } from './lib/child.js';
import type { BenchContext } from './lib/context.js';
import { startHelloTargets } from './lib/hello-targets.js';
import { dropPendingSchemas } from './lib/postgres.js';
import { machineInfo, writeResults } from './lib/results.js';
import type { BenchRow } from './lib/rows.js';
import { formatResultsTable } from './lib/table.js';
import { runQueueLatencyBench } from './queue-latency.js';
import { runQueueRedeliveryBench } from './queue-redelivery.js';
import { runQueueThroughputBench } from './queue-throughput.js';
import { runStoreBench } from './store-bench.js';
import { runThroughputBench } from './throughput.js';
import { runWorkflowBench } from './workflow-bench.js';

/** bench/results.json in the source tree (this file runs as dist/bench/run.js). */
const RESULTS_PATH = fileURLToPath(new URL('../../bench/results.json', import.meta.url));

const started = performance.now();
const machine = machineInfo();
const quick = process.env.GUST_BENCH_QUICK === '1';
const only = (process.env.GUST_BENCH_ONLY ?? '')
  .split(',')
  .map((word) => word.trim().toLowerCase())
  .filter((word) => word !== '');
/** A partial run does not replace the full results in the source tree. */
const resultsPath = only.length > 0 ? join(tmpdir(), 'gust-bench-only-results.json') : RESULTS_PATH;
const workDir = await mkdtemp(join(tmpdir(), 'gust-bench-'));
useBenchCredentials(join(workDir, 'cli-config'));
process.on('exit', killAllChildrenNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, killing child processes; leaving ${workDir}\n`);
    killAllChildrenNow();
    void dropPendingSchemas(3000).finally(() => process.exit(130));
  });
}

const observations: string[] = [];
const errors: { benchmark: string; message: string }[] = [];
const rows: BenchRow[] = [];
const ctx: BenchContext = {
  workDir,
  quick,
  observe: (message) => {
    observations.push(message);
    process.stderr.write(`bench: observed: ${message}\n`);
  },
  progress: (message) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[${seconds} s] ${message}\n`);
  },
};

/** Runs one benchmark; a failure is recorded and the run goes on with the next. */
async function bench(name: string, run: () => Promise<BenchRow[]>): Promise<void> {
  if (only.length > 0 && !only.some((word) => name.toLowerCase().includes(word))) return;
  try {
    rows.push(...(await run()));
  } catch (error) {
    const message = (error as Error).stack ?? String(error);
    errors.push({ benchmark: name, message });
    process.stderr.write(`bench: ${name} failed: ${message}\n`);
  }
}

process.stderr.write(
  `Gust benchmarks${quick ? ' (QUICK: not for results)' : ''}${only.length > 0 ? ` (only: ${only.join(', ')})` : ''}: node ${machine.node}, ${machine.cpuCount} x ${machine.cpuModel}, load ${machine.loadAverageAtStart.join(' ')}\nwork dir ${workDir}\n`,
);

await bench('warm path', async () => {
  ctx.progress('warm path: starting raw node:http and gust (hello app)');
  const targets = await startHelloTargets(ctx);
  try {
    return [...(await runThroughputBench(ctx, targets)), ...(await runLatencyBench(ctx, targets))];
  } finally {
    await targets.stop();
  }
});
await bench('cold start', () => runColdStartBench(ctx));
await bench('deploy and idle memory', () => runDeployMemoryBench(ctx));
await bench('queue throughput', () => runQueueThroughputBench(ctx));
await bench('queue enqueue latency', () => runQueueLatencyBench(ctx));
await bench('queue redelivery', () => runQueueRedeliveryBench(ctx));
await bench('cluster throughput', () => runClusterThroughputBench(ctx));
await bench('cluster redelivery', () => runClusterRedeliveryBench(ctx));
await bench('store', async () => {
  ctx.progress('store: SQLite write throughput');
  return runStoreBench();
});
await bench('workflows', async () => {
  ctx.progress('workflows: durable transitions on SQLite vs the pure engine');
  return runWorkflowBench(quick);
});

const durationSec = Math.round((performance.now() - started) / 1000);
console.log(
  `\nGust benchmarks, ${new Date().toISOString()}, ${durationSec} s, node ${machine.node}, ${machine.cpuCount} CPUs`,
);
console.log(formatResultsTable(rows));
for (const message of observations) console.log(`observed: ${message}`);
for (const { benchmark, message } of errors) console.log(`FAILED: ${benchmark}: ${message.split('\n')[0]}`);

await writeResults(resultsPath, {
  date: new Date().toISOString(),
  durationSec,
  quick,
  machine,
  loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
  rows,
  observations,
  errors,
});
console.log(`\nwrote ${resultsPath}`);

if (process.env.GUST_BENCH_KEEP === '1' || errors.length > 0) {
  console.log(`kept ${workDir} (generated apps, data dirs, server logs)`);
} else {
  await rm(workDir, { recursive: true, force: true });
}
