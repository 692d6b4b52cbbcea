import type { LambdaErrorPayload } from '../core/types.js';
import type { InvokeOutcome } from './types.js';

/** Largest response a function may return (Lambda's synchronous limit, 6 MB). */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** How a process ended: an exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Go-style signal descriptions, as Lambda prints them ("signal: killed"). */
const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
  SIGFPE: 'floating point exception',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGPIPE: 'broken pipe',
};

/** "exit status 1", "signal: killed", ... */
export function describeExit(exit: ProcessExit): string {
  if (exit.signal) return `signal: ${SIGNAL_TEXT[exit.signal] ?? exit.signal}`;
  if (exit.code !== null) return `exit status ${exit.code}`;
  // The process could not be started at all (spawn error): no code, no signal.
  return 'exit status 127';
}

/**
 * The Runtime.ExitError payload for a process that ended. `requestId` is the running invocation
 * (null during init); `reason` is why Gust killed it, if it did (e.g. "out of memory: used 140 MB
 * of 128 MB").
 */
export function exitError(requestId: string | null, exit: ProcessExit, reason?: string): LambdaErrorPayload {
  const prefix = requestId === null ? '' : `RequestId: ${requestId} `;
  const detail = reason ? ` (${reason})` : '';
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `${prefix}Error: Runtime exited with error: ${describeExit(exit)}${detail}`,
  };
}

/** The exit Gust reports for a process it killed with SIGKILL. */
export const KILLED: ProcessExit = { code: null, signal: 'SIGKILL' };

/** The error for a response over MAX_RESPONSE_BYTES. */
export function responseTooLarge(): LambdaErrorPayload {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}

/** The error when initialization takes longer than the init timeout. */
export function initTimeoutError(timeoutMs: number): LambdaErrorPayload {
  return {
    errorType: 'Runtime.InitTimeout',
    errorMessage: `Error: Init phase timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
  };
}

/**
 * The outcome of invoking an instance that cannot take the call: dead (fatal, with its exit) or
 * already busy (one invocation at a time). Shared by every instance type.
 */
export function unavailableOutcome(
  requestId: string,
  state: { alive: boolean; exit: ProcessExit | null; killReason: string | undefined },
): InvokeOutcome {
  if (!state.alive) {
    return {
      ok: false,
      fatal: true,
      error: exitError(requestId, state.exit ?? KILLED, state.killReason),
      maxMemoryUsedMB: null,
    };
  }
  return {
    ok: false,
    fatal: false,
    error: {
      errorType: 'Runtime.InstanceBusy',
      errorMessage: 'The instance is already running an invocation',
    },
    maxMemoryUsedMB: null,
  };
}
