/** Plain HTTP helpers: timed requests on a kept-alive connection, JSON reads, polling for health. */
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { BENCH_AUTH } from './auth.js';

export interface TimedResponse {
  status: number;
  body: string;
  /** From writing the request to the end of the response body, in milliseconds. */
  ms: number;
}

/**
 * A keep-alive agent with a single socket: sequential requests reuse one connection, so timings
 * exclude TCP connection setup.
 */
export function singleConnectionAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}

export interface RequestBody {
  headers: Record<string, string>;
  data: string;
}

/** Sends one request (with `body`, if given) and times it until the full response body has arrived. */
export function timedRequest(
  agent: Agent,
  url: string,
  method = 'GET',
  body?: RequestBody,
): Promise<TimedResponse> {
  return new Promise((resolve, reject) => {
    let start = 0;
    const headers =
      body === undefined ? {} : { ...body.headers, 'content-length': String(Buffer.byteLength(body.data)) };
    const req = request(url, { agent, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const ms = performance.now() - start;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    // The clock starts when the request is handed to the socket, not while the agent queues it.
    start = performance.now();
    req.end(body?.data);
  });
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: BENCH_AUTH });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `url` until it answers 200, `giveUp()` returns a reason to stop (the process died), or
 * `timeoutMs` passes.
 */
export async function waitForOk(
  url: string,
  timeoutMs: number,
  giveUp: () => string | undefined,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer yet';
  while (performance.now() < deadline) {
    const reason = giveUp();
    if (reason !== undefined) throw new Error(reason);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(25);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
