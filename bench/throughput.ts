/**
 * Warm throughput: autocannon against Gust's hello function and against the raw Node `http`
 * hello-world, same settings, each warmed up first. The ratio is the figure design.md asks to keep:
 * Gust's warm path relative to the fastest thing Node can do on this machine. The two alternate
 * over rounds, so a burst of load from a neighbour on this shared machine does not land on one only.
 * CPU use of each server (and of Gust's instance processes, and of autocannon) is recorded too:
 * with 2 cores, where the CPU goes explains the ratio.
 */
import type { BenchContext } from './lib/context.js';
import type { HelloTargets } from './lib/hello-targets.js';
import { getJson } from './lib/http.js';
import { describeFailures, type LoadResult, type LoadSettings, measureLoad } from './lib/load.js';
import type { BenchRow } from './lib/rows.js';

interface FunctionInstances {
  instances: { busy: number; idle: number };
}

const mean = (values: readonly number[]) => values.reduce((sum, x) => sum + x, 0) / values.length;

export async function runThroughputBench(ctx: BenchContext, targets: HelloTargets): Promise<BenchRow[]> {
  const rounds = ctx.quick ? 1 : 2;
  const warmupSec = ctx.quick ? 1 : 5;
  const settings: LoadSettings = { connections: 50, durationSec: ctx.quick ? 2 : 10, expectBody: 'hello' };
  const how = `autocannon, ${settings.connections} connections, ${rounds} alternating rounds of ${settings.durationSec} s each, after a ${warmupSec} s warm-up of each server`;

  const servers = [
    { name: 'raw node:http', url: targets.rawUrl, pid: targets.raw.process.pid, runs: [] as LoadResult[] },
    {
      name: 'gust GET /hello',
      url: targets.gustUrl,
      pid: targets.gust.process.pid,
      runs: [] as LoadResult[],
    },
  ] as const;
  for (const server of servers) {
    ctx.progress(`throughput: warming up ${server.name} (${warmupSec} s)`);
    await measureLoad(server.url, server.pid, { ...settings, durationSec: warmupSec });
  }
  for (let round = 1; round <= rounds; round++) {
    for (const server of servers) {
      ctx.progress(`throughput: ${server.name}, round ${round} of ${rounds} (${settings.durationSec} s)`);
      server.runs.push(await measureLoad(server.url, server.pid, settings));
    }
  }
  const { instances } = await getJson<FunctionInstances>(`${targets.gust.url}/_gust/v1/functions/hello`);

  const [raw, gust] = servers;
  const rawRps = mean(raw.runs.map((r) => r.requestsPerSec));
  const gustRps = mean(gust.runs.map((r) => r.requestsPerSec));
  const roundRatios = gust.runs.map((g, i) => (g.requestsPerSec / raw.runs[i]!.requestsPerSec).toFixed(3));
  for (const server of servers) {
    for (const run of server.runs) {
      const failures = describeFailures(run);
      if (failures !== '') ctx.observe(`throughput: ${server.name} answered badly under load: ${failures}`);
    }
  }
  const cpu = (runs: readonly LoadResult[], pick: (r: LoadResult) => number) => mean(runs.map(pick));
  return [
    { name: 'warm throughput, raw node:http', value: rawRps, unit: 'req/s', note: how },
    { name: 'warm throughput, gust GET /hello', value: gustRps, unit: 'req/s' },
    {
      name: 'warm throughput ratio gust / raw',
      value: gustRps / rawRps,
      unit: 'x',
      target: { atLeast: 0.5 },
      note: `ratio of the means; per round: ${roundRatios.join(', ')}`,
    },
    { name: 'under load p99 latency, raw', value: mean(raw.runs.map((r) => r.latencyP99Ms)), unit: 'ms' },
    { name: 'under load p99 latency, gust', value: mean(gust.runs.map((r) => r.latencyP99Ms)), unit: 'ms' },
    { name: 'gust hello instances after load', value: instances.busy + instances.idle, unit: 'instances' },
    {
      name: 'CPU under load, raw server',
      value: cpu(raw.runs, (r) => r.cpuPercent.server),
      unit: '% core',
      note: 'percent of one core over the measured runs; the machine has 2 cores (200%); autocannon runs in the benchmark process',
    },
    {
      name: 'CPU under load, autocannon vs raw',
      value: cpu(raw.runs, (r) => r.cpuPercent.loadGenerator),
      unit: '% core',
    },
    {
      name: 'CPU under load, gust server process',
      value: cpu(gust.runs, (r) => r.cpuPercent.server),
      unit: '% core',
    },
    {
      name: 'CPU under load, gust instance processes',
      value: cpu(gust.runs, (r) => r.cpuPercent.serverChildren),
      unit: '% core',
    },
    {
      name: 'CPU under load, autocannon vs gust',
      value: cpu(gust.runs, (r) => r.cpuPercent.loadGenerator),
      unit: '% core',
    },
  ];
}
