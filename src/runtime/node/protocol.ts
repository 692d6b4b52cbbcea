import type { LambdaErrorPayload, LogLevel } from '../../core/types.js';

/**
 * Messages on the IPC channel between the pool (parent) and a Node.js bootstrap (child). One
 * channel carries logs and results, so a result always arrives after the lines logged before it.
 *
 * Life of a process: spawn → `ready` → (generic, waiting) → `load` → `loaded` | `init-error` →
 * (`invoke` → `log`/`write`* → `result`)*.
 */

/** Sent by the parent once, to give a generic process its function. */
export interface LoadMessage {
  type: 'load';
  functionName: string;
  functionVersion: string;
  handler: string;
  codeDir: string;
  memoryMB: number;
  logGroupName: string;
  logStreamName: string;
  /** The complete process.env the function will see. */
  env: Record<string, string>;
}

export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  /** The event as JSON text. */
  payload: string;
  deadline: number;
  invokedFunctionArn: string;
  traceId: string;
  /** Decoded client context JSON text, if any. */
  clientContext?: string;
}

export type ParentMessage = LoadMessage | InvokeMessage;

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'loaded' }
  | { type: 'init-error'; error: LambdaErrorPayload }
  /** A console.* call: one formatted message. */
  | { type: 'log'; stream: 'stdout' | 'stderr'; level: LogLevel; message: string }
  /** Raw text written with process.stdout/stderr.write. */
  | { type: 'write'; stream: 'stdout' | 'stderr'; text: string }
  | {
      type: 'result';
      requestId: string;
      ok: true;
      payload: string;
      /** process.resourceUsage().maxRSS, in KB. */
      maxRssKB: number;
    }
  | {
      type: 'result';
      requestId: string;
      ok: false;
      error: LambdaErrorPayload;
      /** True when the process exits right after (uncaught exception, unhandled rejection). */
      fatal: boolean;
      maxRssKB: number;
    };

const LEVELS = new Set<string>(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);

function isErrorPayload(value: unknown): value is LambdaErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.errorType === 'string' &&
    typeof e.errorMessage === 'string' &&
    (e.trace === undefined || (Array.isArray(e.trace) && e.trace.every((l) => typeof l === 'string')))
  );
}

/**
 * Checks an IPC message field by field. The function's own code runs in the child and can call
 * process.send with anything, so nothing from the channel is trusted before this.
 */
export function isChildMessage(value: unknown): value is ChildMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  const stream = m.stream === 'stdout' || m.stream === 'stderr';
  switch (m.type) {
    case 'ready':
    case 'loaded':
      return true;
    case 'init-error':
      return isErrorPayload(m.error);
    case 'log':
      return stream && typeof m.level === 'string' && LEVELS.has(m.level) && typeof m.message === 'string';
    case 'write':
      return stream && typeof m.text === 'string';
    case 'result':
      if (typeof m.requestId !== 'string' || typeof m.maxRssKB !== 'number') return false;
      return m.ok === true
        ? typeof m.payload === 'string'
        : m.ok === false && typeof m.fatal === 'boolean' && isErrorPayload(m.error);
    default:
      return false;
  }
}
