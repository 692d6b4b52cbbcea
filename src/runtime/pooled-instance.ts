import type { Clock } from '../core/clock.js';
import type { LambdaErrorPayload } from '../core/types.js';
import type { InitializationType } from './lambda-env.js';
import type { SandboxLimits } from './sandbox/bwrap.js';
import type { Instance, LogListener } from './types.js';

/** What the pool needs from an instance beyond the public `Instance` port. */
export interface PooledInstance extends Instance {
  readonly pid: number | undefined;
  /** Resolves once the process has ended and its resources (tmp dir, server) are released. */
  readonly closed: Promise<void>;
  /** Calls `listener` once when the process ends (at once if it already has). */
  onExit(listener: () => void): void;
}

/** Settings every instance kind takes from the pool. */
export interface InstanceOptions {
  clock: Clock;
  /** How often RSS is polled while the instance is busy. */
  memoryPollMs: number;
  /** How long initialization may take before the instance is killed. */
  initTimeoutMs: number;
  /** Directory under which the instance's private tmp dir is created. */
  tmpRoot: string;
  /** Receives lines no invocation is listening to (for example during a provisioned start). */
  onUnattributedLog?: LogListener;
  /** Run the instance's process in a bubblewrap sandbox with these limits; absent: unsandboxed. */
  sandbox?: { limits: SandboxLimits };
}

export interface InitRequest {
  initializationType: InitializationType;
  /** Receives lines written during initialization. */
  onInitLog: LogListener;
}

/** The result of starting an instance: ready to invoke, or the init error to report. */
export type InitOutcome = { ok: true; instance: PooledInstance } | { ok: false; error: LambdaErrorPayload };
