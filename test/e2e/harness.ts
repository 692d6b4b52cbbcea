import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/test/e2e/). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const GUST_BIN = join(REPO, 'bin', 'gust.js');

/**
 * The admin key every test server starts with (GUST_BOOTSTRAP_*), and that the harness's CLI runs,
 * `api()` and `invoke()` send. Tests of authentication make their own keys.
 */
export const ADMIN_KEY = {
  accessKeyId: 'GKE2EADMINKEY2345672',
  secretAccessKey: 'e2e-admin-secret-0123456789abcdefghijklm',
} as const;

/** `Authorization` for the admin key, as a header object. */
export const ADMIN_AUTH: Readonly<Record<string, string>> = {
  authorization: `Bearer gust_${ADMIN_KEY.accessKeyId}_${ADMIN_KEY.secretAccessKey}`,
};

/** The environment of a CLI process that uses the admin key. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GUST_ACCESS_KEY_ID: ADMIN_KEY.accessKeyId,
    GUST_SECRET_ACCESS_KEY: ADMIN_KEY.secretAccessKey,
    ...extra,
  };
}

/** Files of an app: path → content. A value of `{ content, executable: true }` makes it executable. */
export type AppFiles = Record<string, string | { content: string; executable: true }>;

/** Writes an app into a fresh temporary folder and returns its path. */
export function writeApp(files: AppFiles, parent?: string): string {
  const dir = parent ?? mkdtempSync(join(tmpdir(), 'gust-e2e-app-'));
  for (const [path, value] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof value === 'string') writeFileSync(full, value);
    else {
      writeFileSync(full, value.content);
      chmodSync(full, 0o755);
    }
  }
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningServer {
  url: string;
  appDir: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** Runs `gust ARGS --endpoint URL` as a separate process. */
  cli(args: string[], options?: { input?: string }): Promise<CliResult>;
  /** JSON from the control API (throws on a non-2xx status). */
  api<T = unknown>(path: string, init?: RequestInit): Promise<T>;
  stop(): Promise<void>;
  /** SIGKILLs the server (no shutdown at all) and keeps its folders for a restart. */
  kill9(): Promise<void>;
}

export interface StartOptions {
  /** Restart on the folders of an earlier server (after kill9) instead of writing a new app. */
  reuse?: { appDir: string; dataDir: string };
  idleTimeoutSec?: number;
  maxConcurrency?: number;
  extraArgs?: string[];
  /** Extra environment for the server process. */
  env?: NodeJS.ProcessEnv;
  /** false: start Gust without deploying an app (the files, if any, are only written). */
  app?: boolean;
}

/** Starts `gust up APP --port 0` as a child process and waits until it prints its URL. */
export async function startServer(files: AppFiles, options: StartOptions = {}): Promise<RunningServer> {
  const appDir = options.reuse?.appDir ?? writeApp(files);
  const dataDir = options.reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'gust-e2e-data-'));
  // Without an app, `gust up` runs in a folder with no gust.yaml and deploys nothing.
  const args =
    options.app === false
      ? [GUST_BIN, 'up', '--port', '0', '--data-dir', dataDir]
      : [GUST_BIN, 'up', appDir, '--port', '0', '--data-dir', dataDir];
  if (options.idleTimeoutSec !== undefined) args.push('--idle-timeout', String(options.idleTimeoutSec));
  if (options.maxConcurrency !== undefined) args.push('--max-concurrency', String(options.maxConcurrency));
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, {
    cwd: options.app === false ? appDir : process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GUST_BOOTSTRAP_ACCESS_KEY_ID: ADMIN_KEY.accessKeyId,
      GUST_BOOTSTRAP_SECRET_ACCESS_KEY: ADMIN_KEY.secretAccessKey,
      // Never touch the user's own CLI credentials file.
      GUST_CONFIG_DIR: join(dataDir, 'cli-config'),
      ...options.env,
    },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gust up did not print its URL in time:\n${output}`)),
      30_000,
    );
    const check = () => {
      const match = /https?:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match && Number(match[1]) !== 0) {
        clearTimeout(timer);
        resolveUrl(match[0]);
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gust up exited with ${code} before serving:\n${output}`));
    });
  });

  const server: RunningServer = {
    url,
    appDir,
    dataDir,
    process: child,
    output: () => output,
    cli: (cliArgs, cliOptions) => runCli([...cliArgs, '--endpoint', url], cliOptions),
    async api<T>(path: string, init?: RequestInit): Promise<T> {
      const res = await fetch(url + path, {
        ...init,
        headers: { ...ADMIN_AUTH, ...(init?.headers as Record<string, string> | undefined) },
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path} → ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(appDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
  return server;
}

/** Runs the gust CLI as its own process. */
export function runCli(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolveResult) => {
    const child = execFile(
      process.execPath,
      [GUST_BIN, ...args],
      { env: options.env ?? cliEnv(), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolveResult({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Invokes through the Lambda Invoke API and returns status, headers and parsed body. */
export async function invoke(
  url: string,
  name: string,
  payload: unknown = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const res = await fetch(`${url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    headers: { ...ADMIN_AUTH, ...headers },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: res.status, headers: res.headers, body, text };
}
