/**
 * Added latency at one connection: sequential requests on one kept-alive connection to each
 * server, timed with performance.now() from sending the request to the end of the response body
 * (autocannon's 1 ms histogram is too coarse for sub-millisecond answers). Requests alternate
 * between the servers in blocks, so a noisy neighbour on this shared machine hurts both alike.
 */
import type { Agent } from 'node:http';
import type { BenchContext } from './lib/context.js';
import type { HelloTargets } from './lib/hello-targets.js';
import { singleConnectionAgent, timedRequest } from './lib/http.js';
import type { BenchRow } from './lib/rows.js';
import { summarize } from './lib/stats.js';

const BLOCK = 100;

interface Series {
  url: string;
  agent: Agent;
  samples: number[];
  /** Responses other than 200 `hello`. */
  bad: number;
}

async function sample(series: Series, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await timedRequest(series.agent, series.url);
    if (response.status !== 200 || response.body !== 'hello') series.bad += 1;
    series.samples.push(response.ms);
  }
}

export async function runLatencyBench(ctx: BenchContext, targets: HelloTargets): Promise<BenchRow[]> {
  const warmup = ctx.quick ? 50 : 200;
  const measured = ctx.quick ? 300 : 2000;
  ctx.progress(`latency: ${measured} sequential requests to each server, alternating in blocks of ${BLOCK}`);

  const series = (url: string): Series => ({ url, agent: singleConnectionAgent(), samples: [], bad: 0 });
  const raw = series(targets.rawUrl);
  const gust = series(targets.gustUrl);
  try {
    await sample(raw, warmup);
    await sample(gust, warmup);
    raw.samples = [];
    gust.samples = [];
    for (let done = 0; done < measured; done += BLOCK) {
      await sample(raw, Math.min(BLOCK, measured - done));
      await sample(gust, Math.min(BLOCK, measured - done));
    }
  } finally {
    raw.agent.destroy();
    gust.agent.destroy();
  }

  if (gust.bad > 0) ctx.observe(`latency: gust gave ${gust.bad} responses other than 200 'hello'`);
  const rawMs = summarize(raw.samples);
  const gustMs = summarize(gust.samples);
  const how = `${measured} sequential requests each on one kept-alive connection, after ${warmup} warm-up`;
  return [
    { name: 'one connection p50, raw', value: rawMs.p50, unit: 'ms', note: how },
    { name: 'one connection p99, raw', value: rawMs.p99, unit: 'ms' },
    { name: 'one connection p50, gust', value: gustMs.p50, unit: 'ms' },
    { name: 'one connection p99, gust', value: gustMs.p99, unit: 'ms' },
    { name: 'added latency p50 (gust - raw)', value: gustMs.p50 - rawMs.p50, unit: 'ms' },
    { name: 'added latency p99 (gust - raw)', value: gustMs.p99 - rawMs.p99, unit: 'ms' },
  ];
}
