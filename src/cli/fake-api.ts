/**
 * Test double: a small HTTP server that answers like Gust's API (docs/api.md) with canned
 * responses, and records what it was sent. Used by the CLI's tests; not part of the CLI.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from './context.js';
import { runCli } from './main.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

/** Keyed by `METHOD /path` (no query string). */
export type FakeRoutes = Record<string, FakeResponse | ((request: FakeRequest) => FakeResponse)>;

export interface FakeApi {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeApi(routes: FakeRoutes): Promise<FakeApi> {
  const requests: FakeRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      const route = routes[`${request.method} ${request.path}`];
      const response: FakeResponse =
        typeof route === 'function'
          ? route(request)
          : (route ?? {
              status: 404,
              body: {
                error: {
                  code: 'ERR_ROUTE_NOT_FOUND',
                  message: `No route for ${request.path}.`,
                  requestId: 'r',
                },
              },
            });
      const text =
        response.body === undefined
          ? ''
          : typeof response.body === 'string'
            ? response.body
            : JSON.stringify(response.body);
      res.writeHead(response.status ?? 200, {
        'content-type': 'application/json',
        'x-request-id': 'req-fake-0001',
        ...response.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An in-memory CliIo: what the CLI wrote, and a way to send it a signal. */
export interface CapturedIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
  /** Delivers SIGINT (or another signal) to whoever subscribed through io.onSignal. */
  signal(signal?: NodeJS.Signals): void;
  /** Codes passed to io.exit. */
  exits: number[];
}

export function captureIo(overrides: Partial<CliIo> = {}): CapturedIo {
  let out = '';
  let err = '';
  const handlers = new Set<(signal: NodeJS.Signals) => void>();
  const exits: number[] = [];
  return {
    io: {
      stdout: { write: (chunk: string) => (out += chunk) },
      stderr: { write: (chunk: string) => (err += chunk) },
      env: {},
      onSignal: (handler) => {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
      exit: (code) => {
        exits.push(code);
      },
      ...overrides,
    },
    stdout: () => out,
    stderr: () => err,
    signal: (signal = 'SIGINT') => {
      for (const handler of [...handlers]) handler(signal);
    },
    exits,
  };
}

/** Runs `gust --endpoint URL ...args` in-process; resolves to the exit code and what was printed. */
export async function runAgainst(
  url: string,
  args: string[],
  overrides: Partial<CliIo> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo(overrides);
  const code = await runCli(['--endpoint', url, ...args], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}
