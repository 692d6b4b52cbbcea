/**
 * Cold start: an app of 100 functions, each with its own code folder, started with `gust up`
 * (which deploys it). Each function is then called once, in turn, on one kept-alive connection;
 * the time from sending the request to the end of the response of that FIRST invocation is the
 * cold start as a client sees it. Two variants, each on a fresh server:
 *
 * - spaced: 100 ms between requests, so the pool of pre-started generic processes can refill;
 * - burst: back to back, which outruns the refill and shows what a cold start costs without it.
 *
 * Afterwards the invocation records are read to confirm that each first call really was cold.
 */
import { join } from 'node:path';
import type { InvocationRecord } from '../src/core/types.js';
import { writeManyFunctionsApp } from './lib/apps.js';
import { type BenchContext, subDir } from './lib/context.js';
import { getJson, singleConnectionAgent, sleep, timedRequest } from './lib/http.js';
import type { BenchRow } from './lib/rows.js';
import { startGustServer } from './lib/servers.js';
import { summarize } from './lib/stats.js';

const FUNCTIONS = 100;
const SPACING_MS = 100;
/** After health answers: time for the generic pool (default 2 processes) to be started and ready. */
const SETTLE_MS = 2000;

interface Variant {
  label: string;
  gapMs: number;
}

interface VariantResult {
  clientMs: number[];
  initMs: number[];
  coldRecords: number;
  bad: number;
  startMs: number;
}

export async function runColdStartBench(ctx: BenchContext): Promise<BenchRow[]> {
  const count = ctx.quick ? 20 : FUNCTIONS;
  const appDir = await subDir(ctx, 'cold/app');
  const names = await writeManyFunctionsApp(appDir, { service: 'bench-cold', count, code: 'distinct' });

  const rows: BenchRow[] = [];
  const variants: Variant[] = [
    { label: `spaced ${SPACING_MS} ms`, gapMs: SPACING_MS },
    { label: 'burst', gapMs: 0 },
  ];
  for (const [index, variant] of variants.entries()) {
    ctx.progress(`cold start: ${count} functions, ${variant.label}`);
    const result = await measureVariant(ctx, appDir, names, variant, index);
    const client = summarize(result.clientMs);
    const init = summarize(result.initMs);
    if (index === 0) {
      rows.push({
        name: `gust up with ${count} functions: spawn to healthy`,
        value: result.startMs,
        unit: 'ms',
      });
    }
    if (result.bad > 0)
      ctx.observe(`cold start (${variant.label}): ${result.bad} responses were not 200 f{i}`);
    rows.push(
      {
        name: `cold start p50, ${variant.label}`,
        value: client.p50,
        unit: 'ms',
        target: { atMost: 15 },
        note: `first request to each of ${count} functions, request to full response, one kept-alive connection, ${variant.gapMs} ms apart; generic pool at its default size (2; gust up --prewarm N raises it)`,
      },
      { name: `cold start p99, ${variant.label}`, value: client.p99, unit: 'ms', target: { atMost: 50 } },
      { name: `cold start max, ${variant.label}`, value: client.max, unit: 'ms' },
      { name: `server-side initDurationMs p50, ${variant.label}`, value: init.p50, unit: 'ms' },
      {
        name: `records with cold: true, ${variant.label}`,
        value: result.coldRecords,
        unit: `of ${count}`,
        target: { atLeast: count },
      },
    );
  }
  return rows;
}

async function measureVariant(
  ctx: BenchContext,
  appDir: string,
  names: readonly string[],
  variant: Variant,
  index: number,
): Promise<VariantResult> {
  const dir = await subDir(ctx, `cold/run-${index}`);
  const server = await startGustServer({
    label: `gust (cold ${variant.gapMs === 0 ? 'burst' : 'spaced'})`,
    appDir,
    dataDir: join(dir, 'data'),
    workDir: dir,
  });
  const agent = singleConnectionAgent();
  const result: VariantResult = { clientMs: [], initMs: [], coldRecords: 0, bad: 0, startMs: server.startMs };
  try {
    await sleep(SETTLE_MS);
    // Opens the connection, so the first timed request does not pay for it.
    await timedRequest(agent, `${server.url}/_gust/v1/health`);
    for (const name of names) {
      const response = await timedRequest(agent, `${server.url}/${name}`);
      if (response.status !== 200 || response.body !== name) result.bad += 1;
      result.clientMs.push(response.ms);
      if (variant.gapMs > 0) await sleep(variant.gapMs);
    }
    // The recorder writes records in batches (every 50 ms by default).
    await sleep(500);
    for (const name of names) {
      const { invocations } = await getJson<{ invocations: InvocationRecord[] }>(
        `${server.url}/_gust/v1/functions/${name}/invocations?limit=10`,
      );
      for (const record of invocations) {
        if (!record.cold) continue;
        result.coldRecords += 1;
        if (record.initDurationMs !== null) result.initMs.push(record.initDurationMs);
      }
    }
  } finally {
    agent.destroy();
    const leftover = await server.stop();
    if (leftover > 0)
      ctx.observe(`${server.process.label}: ${leftover} instance processes outlived the server`);
  }
  return result;
}
