/**
 * Gust's queues from the outside: the SQS JSON protocol spoken directly over node:http (much less
 * CPU in the benchmark process than the AWS SDK, which matters on a 2-core machine), and the control
 * API's queue stats.
 */
import { Agent } from 'node:http';
import { BENCH_AUTH } from './auth.js';
import { getJson, type RequestBody, sleep, type TimedResponse, timedRequest } from './http.js';

/** The account id in Gust's queue URLs and ARNs. */
export const ACCOUNT_ID = '000000000000';

export function queueUrl(baseUrl: string, queue: string): string {
  return `${baseUrl}/${ACCOUNT_ID}/${queue}`;
}

/** The request of one SQS operation (`X-Amz-Target: AmazonSQS.Operation`, JSON body). */
export function sqsRequest(operation: string, input: unknown): RequestBody {
  return {
    headers: {
      ...BENCH_AUTH,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${operation}`,
    },
    data: JSON.stringify(input),
  };
}

/** Calls one SQS operation on `agent`'s connections; throws unless Gust answers 200. */
export async function sqsCall(
  agent: Agent,
  baseUrl: string,
  operation: string,
  input: unknown,
): Promise<TimedResponse> {
  const response = await timedRequest(agent, `${baseUrl}/`, 'POST', sqsRequest(operation, input));
  if (response.status !== 200)
    throw new Error(`SQS ${operation}: ${response.status} ${response.body.slice(0, 500)}`);
  return response;
}

export interface SendAllResult {
  /** From the first call sent to the last answer, in milliseconds. */
  ms: number;
  /** Messages Gust accepted (listed as Successful). */
  sent: number;
  calls: number;
}

/**
 * Sends `count` messages with SendMessageBatch, 10 per call, `inFlight` calls at once (each on its
 * own kept-alive connection). Throws if any entry fails.
 */
export async function sendAll(
  baseUrl: string,
  queue: string,
  count: number,
  inFlight: number,
  body: (i: number) => string,
): Promise<SendAllResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const url = queueUrl(baseUrl, queue);
  let next = 0;
  let sent = 0;
  let calls = 0;
  const worker = async () => {
    while (next < count) {
      const first = next;
      next = Math.min(count, next + 10);
      const entries = [];
      for (let i = first; i < next; i++) entries.push({ Id: `m${i}`, MessageBody: body(i) });
      const response = await sqsCall(agent, baseUrl, 'SendMessageBatch', { QueueUrl: url, Entries: entries });
      const output = JSON.parse(response.body) as { Successful?: unknown[]; Failed?: unknown[] };
      if ((output.Failed ?? []).length > 0)
        throw new Error(`SendMessageBatch: failed entries: ${JSON.stringify(output.Failed).slice(0, 500)}`);
      sent += output.Successful?.length ?? 0;
      calls += 1;
    }
  };
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    agent.destroy();
  }
  return { ms: performance.now() - start, sent, calls };
}

/** A queue's depth as `GET /_gust/v1/queues/NAME` reports it. */
export interface QueueStats {
  visible: number;
  inFlight: number;
  delayed: number;
  oldestAgeMs: number | null;
  total: number;
}

export async function queueStats(baseUrl: string, queue: string): Promise<QueueStats> {
  const view = await getJson<{ stats: QueueStats }>(`${baseUrl}/_gust/v1/queues/${queue}`);
  return view.stats;
}

export interface WaitOptions {
  timeoutMs: number;
  /** Between polls: fixed, or chosen from the last stats (each poll counts the queue's messages). */
  pollMs: number | ((stats: QueueStats) => number);
  /** Returns a reason to stop waiting (the server died), checked before each poll. */
  giveUp?: () => string | undefined;
}

/**
 * Polls the queue's stats every `pollMs` until `done(stats)`; resolves to those stats and the
 * `performance.now()` at which the answer that satisfied it arrived. Throws after `timeoutMs`.
 */
export async function waitForQueue(
  baseUrl: string,
  queue: string,
  done: (stats: QueueStats) => boolean,
  options: WaitOptions,
): Promise<{ stats: QueueStats; at: number }> {
  const deadline = performance.now() + options.timeoutMs;
  let last: QueueStats | undefined;
  for (;;) {
    const reason = options.giveUp?.();
    if (reason !== undefined) throw new Error(reason);
    last = await queueStats(baseUrl, queue);
    const at = performance.now();
    if (done(last)) return { stats: last, at };
    if (at > deadline)
      throw new Error(`queue ${queue}: still ${JSON.stringify(last)} after ${options.timeoutMs} ms`);
    await sleep(typeof options.pollMs === 'number' ? options.pollMs : options.pollMs(last));
  }
}
