import { types } from 'node:util';
import type { LambdaErrorPayload } from '../../core/types.js';
import type { Handler } from './handler-loader.js';
import type { InvokeMessage, LoadMessage } from './protocol.js';

/**
 * One invocation of a Node.js handler, inside the instance process: the Lambda `context` object,
 * the async and callback handler contracts, and result/error serialization, following the Lambda
 * Node.js runtime (aws-lambda-nodejs-runtime-interface-client).
 */

export type InvocationResult = { ok: true; payload: string } | { ok: false; error: LambdaErrorPayload };

function looksLikeError(value: unknown): value is Error {
  if (types.isNativeError(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.message === 'string' && typeof v.stack === 'string';
}

/**
 * Lambda's error shape. An Error gives its name (or constructor name), message and stack lines; any
 * other value gives `typeof value` as the type and its string form as the message, as Lambda does
 * (`throw "boom"` → `{"errorType":"string","errorMessage":"boom"}`).
 */
export function toErrorPayload(value: unknown): LambdaErrorPayload {
  try {
    if (looksLikeError(value)) {
      const name = typeof value.name === 'string' && value.name !== '' ? value.name : value.constructor?.name;
      return {
        errorType: name || 'Error',
        errorMessage: String(value.message),
        trace: typeof value.stack === 'string' ? value.stack.split('\n') : [],
      };
    }
    if (value === null || value === undefined)
      return { errorType: 'string', errorMessage: 'handled', trace: [] };
    return { errorType: typeof value, errorMessage: String(value), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** JSON text of a handler's result; `undefined` becomes "null". Not serializable → Lambda's error. */
export function serializeResult(value: unknown): InvocationResult {
  try {
    return { ok: true, payload: JSON.stringify(value === undefined ? null : value) ?? 'null' };
  } catch {
    return { ok: false, error: toErrorPayload(new Error('Unable to stringify response body')) };
  }
}

function parseClientContext(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `handler` once. `finish` is called exactly once with the outcome, whichever comes first of:
 * the returned promise settling, the callback (3-argument handlers) or context.succeed/fail/done,
 * or a synchronous throw. A handler with fewer than 3 parameters that returns a plain value
 * finishes with that value.
 */
export function runHandler(
  handler: Handler,
  fn: LoadMessage,
  request: InvokeMessage,
  finish: (result: InvocationResult) => void,
): void {
  let finished = false;
  const succeed = (value: unknown): void => {
    if (finished) return;
    finished = true;
    finish(serializeResult(value));
  };
  const fail = (error: unknown): void => {
    if (finished) return;
    finished = true;
    finish({ ok: false, error: toErrorPayload(error) });
  };
  const callback = (err?: unknown, result?: unknown): void => {
    if (err !== undefined && err !== null) fail(err);
    else succeed(result);
  };

  let event: unknown;
  try {
    event = JSON.parse(request.payload);
  } catch (error) {
    fail(error);
    return;
  }

  let waitsForEmptyEventLoop = true;
  const context = {
    functionName: fn.functionName,
    functionVersion: fn.functionVersion,
    invokedFunctionArn: request.invokedFunctionArn,
    memoryLimitInMB: String(fn.memoryMB),
    awsRequestId: request.requestId,
    logGroupName: fn.logGroupName,
    logStreamName: fn.logStreamName,
    clientContext: parseClientContext(request.clientContext),
    identity: undefined,
    getRemainingTimeInMillis: () => request.deadline - Date.now(),
    /** Accepted for compatibility; Gust returns as soon as the callback is called either way. */
    get callbackWaitsForEmptyEventLoop() {
      return waitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      waitsForEmptyEventLoop = value;
    },
    succeed,
    fail: (error?: unknown) => fail(error ?? 'handled'),
    done: callback,
  };

  try {
    const returned = handler(event, context, callback);
    if (isPromiseLike(returned)) returned.then(succeed, fail);
    else if (handler.length < 3) succeed(returned);
  } catch (error) {
    fail(error);
  }
}
