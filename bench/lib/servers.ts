/**
 * Starts the servers the benchmarks drive, each as its own process: Gust via its CLI
 * (`node bin/gust.js up ...`), and the raw Node `http` baseline.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Child, startChild } from './child.js';
import { freePort, waitForOk } from './http.js';

/** The repository root (this file runs as dist/bench/lib/servers.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GUST_BIN = join(REPO_ROOT, 'bin', 'gust.js');
const RAW_SERVER = fileURLToPath(new URL('../raw-hello-server.js', import.meta.url));

export interface RunningServer {
  url: string;
  process: Child;
  /** From spawning the process to the first 200 from its health URL, in milliseconds. */
  startMs: number;
  /** Stops the process; resolves to how many of its descendants had to be killed afterwards. */
  stop(): Promise<number>;
}

export interface GustServerOptions {
  label: string;
  /** The app to deploy at start; without it Gust starts empty (run from `workDir`, which has no gust.yaml). */
  appDir?: string;
  dataDir: string;
  /** Where the process runs and its log file goes. */
  workDir: string;
  maxConcurrency?: number;
  /** `--store`: a postgres:// URL; SQLite in the data dir without it. */
  store?: string;
  /** Extra environment for the server (GUST_MASTER_KEY for nodes sharing one PostgreSQL). */
  env?: Readonly<Record<string, string>>;
  /** How long deploy-at-start may take (default 120 s). */
  healthTimeoutMs?: number;
}

export async function startGustServer(options: GustServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const args = [GUST_BIN, 'up'];
  if (options.appDir !== undefined) args.push(options.appDir);
  args.push('--port', String(port), '--data-dir', options.dataDir);
  if (options.maxConcurrency !== undefined) args.push('--max-concurrency', String(options.maxConcurrency));
  if (options.store !== undefined) args.push('--store', options.store);
  const url = `http://127.0.0.1:${port}`;
  return launch(
    options.label,
    args,
    options.workDir,
    url,
    `${url}/_gust/v1/health`,
    options.healthTimeoutMs,
    options.env,
  );
}

export async function startRawServer(workDir: string): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return launch('raw node:http', [RAW_SERVER, String(port)], workDir, url, `${url}/`, 10_000);
}

async function launch(
  label: string,
  args: string[],
  workDir: string,
  url: string,
  healthUrl: string,
  timeoutMs = 120_000,
  env?: Readonly<Record<string, string>>,
): Promise<RunningServer> {
  const logFile = join(workDir, `${label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.log`);
  const start = performance.now();
  const child = startChild({
    label,
    command: process.execPath,
    args,
    cwd: workDir,
    logFile,
    ...(env === undefined ? {} : { env }),
  });
  try {
    await waitForOk(healthUrl, timeoutMs, () => {
      const status = child.exitStatus();
      return status === null ? undefined : `${label} exited (${status}) before answering:\n${child.tail()}`;
    });
  } catch (error) {
    await child.stop(2000);
    throw error;
  }
  const startMs = performance.now() - start;
  return { url, process: child, startMs, stop: () => child.stop() };
}
