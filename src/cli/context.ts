/**
 * What every command gets: the injected I/O (so tests run the CLI in-process), the global flags,
 * and an HTTP client for the chosen endpoint.
 */

import { usageError } from './cli-error.js';
import { createClient, type GustClient } from './client.js';
import type { StartGust } from './commands/up.js';
import { noCredentialsHint, resolveCredentials } from './credentials.js';

/** Anything with a `write(string)`: process.stdout, or an array-backed writer in tests. */
export interface Writer {
  write(chunk: string): unknown;
}

export type SignalHandler = (signal: NodeJS.Signals) => void;

/**
 * The CLI's connection to the outside world. Only stdout and stderr are required; every other seam
 * defaults to the real process.
 */
export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  /** Environment (GUST_ENDPOINT); defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory that relative paths are resolved against; defaults to process.cwd(). */
  cwd?: string;
  /** Subscribes to SIGINT/SIGTERM and returns an unsubscribe function; defaults to process signals. */
  onSignal?: (handler: SignalHandler) => () => void;
  /** Ends the process at once (a second Ctrl+C while shutting down); defaults to process.exit. */
  exit?: (code: number) => void;
  /** Clock for --since; defaults to Date.now. */
  now?: () => number;
  /** Starts the server for `gust up`; defaults to `startGust` from src/server.ts. */
  startGust?: StartGust;
}

export interface GlobalOptions {
  endpoint: string;
  json: boolean;
  debug: boolean;
}

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:7800';

export interface CliContext {
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly onSignal: (handler: SignalHandler) => () => void;
  readonly exit: (code: number) => void;
  readonly now: () => number;
  readonly startGust: StartGust | undefined;
  /** The global flags as given (valid once commander has parsed them, i.e. inside an action). */
  globals(): GlobalOptions;
  /** A client for `--endpoint` (or $GUST_ENDPOINT, or the default). */
  client(): GustClient;
  /** Writes a line to stdout. */
  out(line: string): void;
  /** Writes a line to stderr. */
  err(line: string): void;
  /** Writes a value as indented JSON to stdout (the --json output). */
  json(value: unknown): void;
  /** The exit code when the command returns normally; a command sets 1 for a function error. */
  exitCode: number;
}

interface RawGlobals {
  endpoint?: string;
  json?: boolean;
  debug?: boolean;
}

export function createContext(io: CliIo, rawGlobals: () => RawGlobals): CliContext {
  const env = io.env ?? process.env;
  const globals = (): GlobalOptions => {
    const raw = rawGlobals();
    return {
      endpoint: resolveEndpoint(raw.endpoint ?? env.GUST_ENDPOINT),
      json: raw.json === true,
      debug: raw.debug === true,
    };
  };
  return {
    stdout: io.stdout,
    stderr: io.stderr,
    env,
    cwd: io.cwd ?? process.cwd(),
    onSignal: io.onSignal ?? processSignals,
    exit: io.exit ?? ((code) => process.exit(code)),
    now: io.now ?? Date.now,
    startGust: io.startGust,
    globals,
    client: () => {
      const { endpoint } = globals();
      const credentials = resolveCredentials(env, endpoint);
      return createClient(
        credentials === undefined
          ? { endpoint, noCredentialsHint: noCredentialsHint(env, endpoint) }
          : { endpoint, credentials },
      );
    },
    out: (line) => io.stdout.write(`${line}\n`),
    err: (line) => io.stderr.write(`${line}\n`),
    json: (value) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    exitCode: 0,
  };
}

/** Validates an endpoint URL (http or https) and drops a trailing slash. */
export function resolveEndpoint(value: string | undefined): string {
  const text = value === undefined || value.trim() === '' ? DEFAULT_ENDPOINT : value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`--endpoint '${text}' is not a URL; expected something like ${DEFAULT_ENDPOINT}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--endpoint '${text}' must be an http:// or https:// URL.`);
  }
  return text.replace(/\/+$/, '');
}

function processSignals(handler: SignalHandler): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
