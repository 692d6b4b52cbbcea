/**
 * The program inside every Node.js instance process. Started generic (no function yet) with a
 * minimal environment; the pool later sends `load`, after which the process belongs to one function
 * version for life. Talks to the pool only over the IPC channel (see protocol.ts).
 *
 * Output: console.* calls become structured `log` messages and process.stdout/stderr.write become
 * `write` messages, on the same channel as results, so every line logged before a result is
 * delivered before it. Bytes written to the real file descriptors (child processes, native code)
 * still reach the pool through the stdout/stderr pipes.
 */
import Module from 'node:module';
import { StringDecoder } from 'node:string_decoder';
import { format } from 'node:util';
import type { LambdaErrorPayload, LogLevel } from '../../core/types.js';
import { type Handler, loadHandler } from './handler-loader.js';
import { type InvocationResult, runHandler, toErrorPayload } from './invocation.js';
import type { ChildMessage, InvokeMessage, LoadMessage, ParentMessage } from './protocol.js';

type State = 'generic' | 'loading' | 'ready' | 'invoking' | 'dead';

let state: State = 'generic';
let fn: LoadMessage | null = null;
let handler: Handler | null = null;
let currentRequestId: string | null = null;

// Captured before any function code runs, so a function replacing process.send cannot cut us off.
const rawSend = process.send?.bind(process);

function send(message: ChildMessage, done?: () => void): void {
  if (!rawSend || !process.connected) {
    done?.();
    return;
  }
  rawSend(message, undefined, undefined, () => done?.());
}

const maxRssKB = (): number => process.resourceUsage().maxRSS;

// --- output capture ------------------------------------------------------------------------------

const CONSOLE_LEVELS: Array<[keyof Console, LogLevel, 'stdout' | 'stderr']> = [
  ['log', 'INFO', 'stdout'],
  ['info', 'INFO', 'stdout'],
  ['debug', 'DEBUG', 'stdout'],
  ['trace', 'TRACE', 'stderr'],
  ['warn', 'WARN', 'stderr'],
  ['error', 'ERROR', 'stderr'],
];

function logLine(stream: 'stdout' | 'stderr', level: LogLevel, message: string, done?: () => void): void {
  send({ type: 'log', stream, level, message }, done);
}

for (const [method, level, stream] of CONSOLE_LEVELS) {
  (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
    logLine(stream, level, format(...args));
}

function patchWrite(target: NodeJS.WriteStream, stream: 'stdout' | 'stderr'): void {
  const decoder = new StringDecoder('utf8');
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const cb = typeof encoding === 'function' ? encoding : callback;
    const text =
      typeof chunk === 'string'
        ? chunk
        : chunk instanceof Uint8Array
          ? decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
          : String(chunk);
    if (text !== '') send({ type: 'write', stream, text });
    if (typeof cb === 'function') process.nextTick(cb as () => void);
    return true;
  };
  target.write = write as typeof target.write;
}
patchWrite(process.stdout, 'stdout');
patchWrite(process.stderr, 'stderr');

// --- fatal errors --------------------------------------------------------------------------------

function errorLog(title: string, error: LambdaErrorPayload): string {
  return `${title} \t${JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace ?? [] })}`;
}

/**
 * An uncaught exception or unhandled rejection: report it for whatever is running (the invocation,
 * or init), then exit. The pool treats the instance as dead.
 */
function fatal(title: string, error: LambdaErrorPayload, exitCode: number): void {
  if (state === 'dead') return;
  const previous = state;
  state = 'dead';
  const exit = (): void => process.exit(exitCode);
  // If the channel is wedged, still exit.
  setTimeout(exit, 1000).unref();
  if (previous === 'invoking' && currentRequestId !== null) {
    logLine('stderr', 'ERROR', errorLog(title, error));
    send(
      { type: 'result', requestId: currentRequestId, ok: false, error, fatal: true, maxRssKB: maxRssKB() },
      exit,
    );
  } else if (previous === 'loading') {
    logLine('stderr', 'ERROR', errorLog(title, error));
    send({ type: 'init-error', error }, exit);
  } else {
    // Between invocations: nobody to report to but the log.
    logLine('stderr', 'ERROR', errorLog(title, error), exit);
  }
}

process.on('uncaughtException', (error) => fatal('Uncaught Exception', toErrorPayload(error), 129));
process.on('unhandledRejection', (reason) => {
  const cause = toErrorPayload(reason);
  const message = reason instanceof Error ? String(reason) : cause.errorMessage;
  fatal(
    'Unhandled Promise Rejection',
    {
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: message,
      trace: [`Runtime.UnhandledPromiseRejection: ${message}`, ...(cause.trace ?? []).slice(1)],
    },
    128,
  );
});
// The pool is gone: nothing will ever ask this process for anything again.
process.on('disconnect', () => process.exit(0));

// --- load and invoke -----------------------------------------------------------------------------

async function load(message: LoadMessage): Promise<void> {
  if (state !== 'generic') return;
  state = 'loading';
  fn = message;
  try {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, message.env);
    // NODE_PATH is read once at startup; re-read it now that the function's environment is in place.
    (Module as unknown as { _initPaths?: () => void })._initPaths?.();
    process.chdir(message.codeDir);
    handler = await loadHandler(message.codeDir, message.handler);
    if (state !== 'loading') return;
    state = 'ready';
    send({ type: 'loaded' });
  } catch (error) {
    if (state !== 'loading') return;
    state = 'dead';
    send({ type: 'init-error', error: toErrorPayload(error) });
  }
}

function invoke(message: InvokeMessage): void {
  const requestId = message.requestId;
  if (state !== 'ready' || !handler || !fn) {
    const error = {
      errorType: 'Runtime.InvalidState',
      errorMessage: `Instance cannot invoke in state ${state}`,
    };
    send({ type: 'result', requestId, ok: false, error, fatal: false, maxRssKB: maxRssKB() });
    return;
  }
  state = 'invoking';
  currentRequestId = requestId;
  if (message.traceId) process.env._X_AMZN_TRACE_ID = message.traceId;
  else delete process.env._X_AMZN_TRACE_ID;

  const finish = (result: InvocationResult): void => {
    if (state !== 'invoking' || currentRequestId !== requestId) return;
    state = 'ready';
    currentRequestId = null;
    // No "Invoke Error" line here: the invoker logs one for every failed invocation, of any runtime.
    if (result.ok) {
      send({ type: 'result', requestId, ok: true, payload: result.payload, maxRssKB: maxRssKB() });
    } else {
      send({ type: 'result', requestId, ok: false, error: result.error, fatal: false, maxRssKB: maxRssKB() });
    }
  };
  runHandler(handler, fn, message, finish);
}

process.on('message', (message: ParentMessage) => {
  if (message?.type === 'load') void load(message);
  else if (message?.type === 'invoke') invoke(message);
});

send({ type: 'ready' });
