import { validateHeaderName, validateHeaderValue } from 'node:http';
import { GustError } from '../core/errors.js';
import type { InvokeResult } from '../invoker/types.js';

/** An HTTP response ready to write. Header names are lower-case. */
export interface HttpReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

/**
 * Headers a function may not set: framing and connection management belong to the gateway, and
 * the request id headers are always the gateway's own.
 */
const GATEWAY_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'trailer',
  'te',
  'x-request-id',
  'x-amzn-requestid',
]);

function invalid(message: string): GustError {
  return new GustError(
    'ERR_INVALID_FUNCTION_RESPONSE',
    `The function returned a response that cannot be mapped to HTTP: ${message}.`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseStatus(value: unknown): number {
  const status = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw invalid(`statusCode must be an integer from 200 to 599, got ${JSON.stringify(value)}`);
  }
  return status;
}

function headerValue(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(`header "${name}" must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}

function checkHeader(name: string, value: string): void {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  } catch {
    throw invalid(`header ${JSON.stringify(name)} has a name or value that is not allowed in HTTP`);
  }
}

/** Maps a result that has a statusCode: API Gateway's "customized" 2.0 response. */
function mapStructured(result: Record<string, unknown>): HttpReply {
  const status = parseStatus(result.statusCode);
  const headers: Record<string, string | string[]> = {};
  const cookies: string[] = [];
  if (result.headers !== undefined && result.headers !== null) {
    if (!isPlainObject(result.headers)) throw invalid('headers must be an object of strings');
    for (const [rawName, rawValue] of Object.entries(result.headers)) {
      if (rawValue === undefined || rawValue === null) continue;
      const name = rawName.toLowerCase();
      const value = headerValue(rawName, rawValue);
      checkHeader(rawName, value);
      if (GATEWAY_HEADERS.has(name)) continue;
      if (name === 'set-cookie') cookies.push(value);
      else headers[name] = value;
    }
  }
  if (result.cookies !== undefined && result.cookies !== null) {
    if (!Array.isArray(result.cookies)) throw invalid('cookies must be an array of strings');
    for (const cookie of result.cookies) {
      if (typeof cookie !== 'string') throw invalid('cookies must be an array of strings');
      checkHeader('set-cookie', cookie);
      cookies.push(cookie);
    }
  }
  if (cookies.length > 0) headers['set-cookie'] = cookies;

  const rawBody = result.body;
  if (rawBody !== undefined && rawBody !== null && typeof rawBody !== 'string') {
    throw invalid(
      `body must be a string, got ${Array.isArray(rawBody) ? 'an array' : typeof rawBody} (JSON.stringify it)`,
    );
  }
  const isBase64 = result.isBase64Encoded;
  if (isBase64 !== undefined && isBase64 !== null && typeof isBase64 !== 'boolean') {
    throw invalid('isBase64Encoded must be a boolean');
  }
  const text = rawBody ?? '';
  const body = isBase64 === true ? Buffer.from(text, 'base64') : text;
  if (body.length > 0 && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  return { status, headers, body };
}

/**
 * Maps a successful function result (JSON text) to HTTP as API Gateway does for payload format 2.0:
 * an object with `statusCode` is a response (`statusCode`, `headers`, `cookies` → one Set-Cookie
 * each, `body`, `isBase64Encoded`); any other JSON value is a 200 application/json response whose
 * body is the value's JSON, except a string, which is sent as is.
 * Throws 502 ERR_INVALID_FUNCTION_RESPONSE for a response it cannot map.
 */
export function mapFunctionPayload(payload: string): HttpReply {
  // Fast path, no parse: without "statusCode" anywhere it is not a response object, and unless it
  // is a JSON string (sent unquoted) the JSON text is the body as it stands.
  if (!payload.includes('"statusCode"') && payload.trimStart().charCodeAt(0) !== 34 /* '"' */) {
    return jsonReply(payload);
  }
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    throw invalid('the result is not valid JSON');
  }
  if (isPlainObject(value) && Object.hasOwn(value, 'statusCode')) return mapStructured(value);
  return jsonReply(typeof value === 'string' ? value : payload);
}

function jsonReply(body: string): HttpReply {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

/**
 * Maps an invocation's outcome to HTTP for an app route: success → mapFunctionPayload; a function
 * error → 502 ERR_FUNCTION_ERROR; a timeout → 504 ERR_FUNCTION_TIMEOUT. Messages name the request id
 * (to find the logs) but never the function's error message or stack.
 */
export function mapInvokeResult(result: InvokeResult, functionName: string): HttpReply {
  switch (result.status) {
    case 'success':
      return mapFunctionPayload(result.payload ?? 'null');
    case 'error':
      throw new GustError(
        'ERR_FUNCTION_ERROR',
        `Function '${functionName}' failed while handling this request. Its logs for request ${result.requestId} say why.`,
        { details: { functionName } },
      );
    case 'timeout':
      throw new GustError(
        'ERR_FUNCTION_TIMEOUT',
        `Function '${functionName}' timed out while handling this request (request ${result.requestId}).`,
        { details: { functionName } },
      );
    case 'throttled':
      throw new GustError(
        'ERR_TOO_MANY_REQUESTS',
        `Function '${functionName}' is at its concurrency limit; retry shortly.`,
        {
          details: { functionName },
        },
      );
    default:
      throw new Error(`invoker answered a synchronous HTTP invocation with status '${result.status}'`);
  }
}
