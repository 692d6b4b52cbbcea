import type { LambdaErrorPayload, LogLevel, RuntimeName } from '../core/types.js';
import type { SandboxNetwork } from './sandbox/bwrap.js';

/** Everything an instance needs to run one version of a function. */
export interface FunctionSpec {
  functionName: string;
  /** Content hash: instances are only reused for the same versionId. */
  versionId: string;
  /** "$LATEST" or a published number: becomes AWS_LAMBDA_FUNCTION_VERSION / context.functionVersion. */
  executedVersion: string;
  runtime: RuntimeName;
  handler: string;
  /** Absolute path of the function's code (read-only for the function). */
  codeDir: string;
  memoryMB: number;
  timeoutSec: number;
  /** The function's own environment from the manifest. Nothing of the platform's environment. */
  environment: Record<string, string>;
  region: string;
  accountId: string;
  /**
   * Network access when sandboxed: 'none' (own empty network namespace; a `provided` function
   * reaches its Runtime API through a relay to a Unix socket) or 'outbound' (the host's network).
   * Default 'outbound'. Cannot be enforced unsandboxed (Gust warns at deploy and in health).
   */
  network?: SandboxNetwork;
}

export interface InvokeRequest {
  requestId: string;
  /** The event as JSON text. */
  payload: string;
  /** Epoch milliseconds by which the invocation must finish. */
  deadline: number;
  invokedFunctionArn: string;
  /** X-Ray style trace header value (Root=...;Parent=...;Sampled=...). */
  traceId: string;
  /** Base64 JSON client context, if the caller sent one. */
  clientContext?: string;
}

export type InvokeOutcome =
  | {
      ok: true /** The result as JSON text ("null" when the handler returned undefined). */;
      payload: string;
      maxMemoryUsedMB: number | null;
    }
  | {
      ok: false;
      error: LambdaErrorPayload;
      /** True when the instance cannot be used again (it crashed, exited or was killed). */
      fatal: boolean;
      maxMemoryUsedMB: number | null;
    };

/** A line the function wrote. `level` is set for console.* output from the Node.js runtime. */
export interface InstanceLogLine {
  time: number;
  stream: 'stdout' | 'stderr';
  level: LogLevel | null;
  message: string;
}

export type LogListener = (line: InstanceLogLine) => void;

/** One running, initialized sandbox of a function version. Serves one invocation at a time. */
export interface Instance {
  readonly id: string;
  readonly spec: FunctionSpec;
  /** False once the process has exited or was killed. */
  readonly alive: boolean;
  /**
   * Runs one invocation. Never rejects: every failure is an outcome. Lines written during the
   * invocation are passed to `onLog` before the returned promise settles.
   */
  invoke(request: InvokeRequest, onLog: LogListener): Promise<InvokeOutcome>;
  /** Kills the process now (used on timeout). A pending invoke settles with a fatal outcome. */
  kill(reason: string): void;
}

export type AcquireResult =
  | { ok: true; instance: Instance; cold: boolean /** Null when warm. */; initDurationMs: number | null }
  | {
      ok: false;
      /** Init failed: Runtime.ImportModuleError, Runtime.HandlerNotFound, Runtime.ExitError, ... */
      error: LambdaErrorPayload;
      initDurationMs: number | null;
    };

export interface PoolInstanceInfo {
  id: string;
  functionName: string;
  versionId: string;
  pid: number | undefined;
  busy: boolean;
  provisioned: boolean;
  idleSince: number | null;
}

export interface PoolStats {
  /** Generic, pre-started Node.js processes waiting to be given a function. */
  genericReady: number;
  instances: PoolInstanceInfo[];
}

/**
 * Instance pools for every function: pre-started generic processes, warm instances per version,
 * scale-to-zero and provisioned concurrency. It does not enforce concurrency limits or timeouts:
 * the invoker does.
 */
export interface InstancePool {
  /**
   * An initialized instance for `spec`, warm if one is idle, otherwise cold (a generic process
   * specialised for the function, or a new process for `provided`). Lines printed during init go to
   * `onInitLog`. The instance is exclusively the caller's until `release`.
   */
  acquire(spec: FunctionSpec, onInitLog: LogListener): Promise<AcquireResult>;
  /** Gives an instance back after an invocation. Dead instances are discarded. */
  release(instance: Instance): void;
  /**
   * Keeps `count` initialized instances of `spec` at all times (0 removes the guarantee). Replaces
   * any that die. Instances of other versions of the same function stop being provisioned.
   */
  setProvisioned(spec: FunctionSpec, count: number): void;
  /**
   * Stops idle instances of `functionName` whose versionId is not in `keepVersionIds`; busy ones are
   * stopped when released. Used after a redeploy or delete.
   */
  retire(functionName: string, keepVersionIds: readonly string[]): void;
  stats(): PoolStats;
  start(): Promise<void>;
  /** Kills every process and closes every Runtime API server. */
  stop(): Promise<void>;
}
