/**
 * Enqueue latency: sequential SendMessage calls on one kept-alive connection to a queue without a
 * consumer, each timed from sending the request to the end of the answer (so it includes the
 * SQLite commit). Two clients, alternating in blocks of 100 so machine noise hits both: the SQS JSON
 * protocol over plain node:http (what Gust costs), and @aws-sdk/client-sqs (what an application
 * sees: the SDK adds its own serialisation, signing and MD5 checks).
 */
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BENCH_AUTH, BENCH_KEY } from './lib/auth.js';
import { type BenchContext, subDir } from './lib/context.js';
import { singleConnectionAgent } from './lib/http.js';
import type { BenchRow } from './lib/rows.js';
import { startGustServer } from './lib/servers.js';
import { queueStats, queueUrl, sqsCall } from './lib/sqs.js';
import { summarize } from './lib/stats.js';

const QUEUE = 'latency';
const REQUESTS = 2000;
const WARMUP = 200;
const BLOCK = 100;

export async function runQueueLatencyBench(ctx: BenchContext): Promise<BenchRow[]> {
  const requests = ctx.quick ? 400 : REQUESTS;
  const warmup = ctx.quick ? 50 : WARMUP;
  const dir = await subDir(ctx, 'queue-latency');
  const server = await startGustServer({
    label: 'gust (enqueue latency)',
    dataDir: join(dir, 'data'),
    workDir: dir,
  });
  const rawAgent = singleConnectionAgent();
  const sdkAgent = singleConnectionAgent();
  const sdk = new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: BENCH_KEY,
    requestHandler: { httpAgent: sdkAgent },
  });
  try {
    const created = await fetch(`${server.url}/_gust/v1/queues`, {
      method: 'POST',
      headers: { ...BENCH_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ name: QUEUE }),
    });
    if (created.status !== 201)
      throw new Error(`creating queue ${QUEUE}: ${created.status} ${await created.text()}`);
    const QueueUrl = queueUrl(server.url, QUEUE);
    let n = 0;
    const raw = async () =>
      (await sqsCall(rawAgent, server.url, 'SendMessage', { QueueUrl, MessageBody: `{"job":${n++}}` })).ms;
    const viaSdk = async () => {
      const start = performance.now();
      const output = await sdk.send(new SendMessageCommand({ QueueUrl, MessageBody: `{"job":${n++}}` }));
      const ms = performance.now() - start;
      if (output.MessageId === undefined) throw new Error('SendMessage via the SDK: no MessageId');
      return ms;
    };

    ctx.progress(
      `queue enqueue latency: ${requests} SendMessage calls each, raw protocol and @aws-sdk/client-sqs`,
    );
    for (let i = 0; i < warmup; i++) {
      await raw();
      await viaSdk();
    }
    const rawMs: number[] = [];
    const sdkMs: number[] = [];
    for (let block = 0; block < requests / BLOCK; block++) {
      for (let i = 0; i < BLOCK; i++) rawMs.push(await raw());
      for (let i = 0; i < BLOCK; i++) sdkMs.push(await viaSdk());
    }
    const stats = await queueStats(server.url, QUEUE);
    if (stats.total !== n) ctx.observe(`enqueue latency: sent ${n} messages, the queue holds ${stats.total}`);

    const r = summarize(rawMs);
    const s = summarize(sdkMs);
    return [
      {
        name: 'enqueue latency p50, SendMessage',
        value: r.p50,
        unit: 'ms',
        note: `${requests} sequential SendMessage calls per client on one kept-alive connection, after ${warmup} warm-up, alternating blocks of ${BLOCK} between the raw SQS JSON protocol (node:http) and @aws-sdk/client-sqs; request sent to answer received, SQLite commit included`,
      },
      { name: 'enqueue latency p99, SendMessage', value: r.p99, unit: 'ms' },
      { name: 'enqueue latency max, SendMessage', value: r.max, unit: 'ms' },
      { name: 'enqueue latency p50, SendMessage via AWS SDK', value: s.p50, unit: 'ms' },
      { name: 'enqueue latency p99, SendMessage via AWS SDK', value: s.p99, unit: 'ms' },
    ];
  } finally {
    sdk.destroy();
    rawAgent.destroy();
    sdkAgent.destroy();
    const leftover = await server.stop();
    if (leftover > 0)
      ctx.observe(`${server.process.label}: ${leftover} processes outlived the server after SIGTERM`);
  }
}
