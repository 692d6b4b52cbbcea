import type { InvocationStatus, LambdaErrorPayload, Trigger } from '../core/types.js';

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeOptions {
  /** "$LATEST" (default), a published version number, or an alias name. */
  qualifier?: string;
  trigger: Trigger;
  invocationType?: InvocationType;
  /** Use this request id instead of minting one (the gateway's id, so logs and response agree). */
  requestId?: string;
  /** Return the last 4 KB of the invocation's log (X-Amz-Log-Type: Tail). */
  logTail?: boolean;
  /** Incoming trace header to continue, if any. */
  traceId?: string;
  clientContext?: string;
}

export interface InvokeResult {
  requestId: string;
  functionName: string;
  executedVersion: string;
  status: InvocationStatus | 'accepted' | 'dry-run';
  /** The function's result as JSON text, when status is success. */
  payload: string | null;
  /** Lambda's error payload, when status is error or timeout. */
  error: LambdaErrorPayload | null;
  /** The last 4 KB of this invocation's log lines, when logTail was asked for. */
  logTail: string | null;
  durationMs: number;
  cold: boolean;
}

/**
 * The one path into a function. HTTP routes, the Invoke API, queues, events, schedules and workflow
 * Tasks all call `invoke`. It resolves the version, enforces concurrency limits (throwing
 * ERR_TOO_MANY_REQUESTS), acquires an instance, enforces the timeout, and records the invocation and
 * its logs.
 *
 * Throws GustError only for problems before the function runs (unknown function or qualifier,
 * throttled, shutting down). A function that fails resolves with status error/timeout.
 */
export interface Invoker {
  invoke(functionName: string, payload: string, options: InvokeOptions): Promise<InvokeResult>;
  /** Number of invocations currently running, overall and per function. */
  inFlight(): { total: number; byFunction: Record<string, number> };
  /** Counters since start. */
  counters(): { invocations: number; throttles: number; errors: number; coldStarts: number };
  start(): Promise<void>;
  /** Stops accepting work and waits (up to `graceMs`) for running invocations. */
  stop(graceMs?: number): Promise<void>;
}
