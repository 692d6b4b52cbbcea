import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionSpec } from './types.js';

/**
 * The environment a function sees, built the same way for both runtimes. It starts empty: nothing
 * of the platform's own environment leaks into a function (no credentials, no proxies, no
 * NODE_OPTIONS). See docs/runtimes.md for the list.
 */

/** Names a function's own environment cannot override (as in Lambda). Credentials are allowed. */
const RESERVED_NAMES = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/** True for names the platform sets and a function's environment may not override. */
export function isReservedEnvName(name: string): boolean {
  return name.startsWith('AWS_LAMBDA_') || RESERVED_NAMES.has(name);
}

/** Where Gust's own runtime code lives (Lambda's /var/runtime). */
export const RUNTIME_DIR = dirname(fileURLToPath(new URL('./node/bootstrap.js', import.meta.url)));

/** PATH for functions: the running Node.js first (so `node` resolves), then the usual system dirs. */
export const FUNCTION_PATH = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');

export const FUNCTION_LANG = 'en_US.UTF-8';

export type InitializationType = 'on-demand' | 'provisioned-concurrency';

export interface LambdaEnvOptions {
  /** The instance's private temporary directory (TMPDIR and HOME). */
  tmpDir: string;
  logStreamName: string;
  initializationType: InitializationType;
  /** host:port of the instance's Runtime API server (provided runtime only). */
  runtimeApi?: string;
}

/** The environment a process is spawned with before it knows its function (generic Node.js processes). */
export function minimalSpawnEnv(tmpDir: string): Record<string, string> {
  return { PATH: FUNCTION_PATH, LANG: FUNCTION_LANG, HOME: tmpDir };
}

/** `/aws/lambda/NAME`, as context.logGroupName and AWS_LAMBDA_LOG_GROUP_NAME. */
export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** A Lambda-shaped log stream name for one instance: `2026/01/31/[$LATEST]<32 hex>`. */
export function newLogStreamName(now: number, executedVersion: string): string {
  const d = new Date(now);
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${day}/[${executedVersion}]${randomBytes(16).toString('hex')}`;
}

/**
 * The complete environment of a function instance: Lambda's variables, then the function's own
 * values (which win over the defaults such as TZ, LANG, PATH or NODE_PATH), then the reserved names
 * again so a function cannot change them.
 */
export function buildLambdaEnv(spec: FunctionSpec, options: LambdaEnvOptions): Record<string, string> {
  const node = spec.runtime === 'nodejs20.x';
  const env: Record<string, string> = {
    PATH: FUNCTION_PATH,
    LANG: FUNCTION_LANG,
    TZ: ':UTC',
    HOME: options.tmpDir,
    TMPDIR: options.tmpDir,
  };
  if (node) env.NODE_PATH = spec.codeDir;
  for (const [name, value] of Object.entries(spec.environment)) {
    if (!isReservedEnvName(name)) env[name] = value;
  }
  const reserved: Record<string, string> = {
    _HANDLER: spec.handler,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.executedVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMB),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(spec.functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: options.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: options.initializationType,
    LAMBDA_TASK_ROOT: spec.codeDir,
    LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
  };
  if (node) reserved.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs20.x';
  if (options.runtimeApi !== undefined) reserved.AWS_LAMBDA_RUNTIME_API = options.runtimeApi;
  return Object.assign(env, reserved);
}
