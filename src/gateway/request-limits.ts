import type { ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_CODES, type ErrorCode, GustError } from '../core/errors.js';
import type { ResolvedGatewayConfig } from './types.js';

/**
 * Limits that keep one slow or oversized client from tying up the server: node:http enforces the
 * header size and the header/request deadlines (it checks them every `connectionsCheckingInterval`),
 * the gateway the URL length, and read-body.ts the body size.
 */
export function serverOptions(config: ResolvedGatewayConfig): ServerOptions {
  return {
    keepAlive: true,
    maxHeaderSize: config.maxHeaderBytes,
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Deadlines are checked this often; a quarter of the shortest keeps the overshoot small.
    connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(config.headersTimeoutMs / 4))),
  };
}

/** Throws 414 ERR_URI_TOO_LONG when the request target is longer than `max` characters. */
export function checkUrlLength(url: string, max: number): void {
  if (url.length <= max) return;
  throw new GustError(
    'ERR_URI_TOO_LONG',
    `The request target is ${url.length} characters long; the limit is ${max}. Send large inputs in the body.`,
    { details: { limit: max }, headers: { connection: 'close' } },
  );
}

const STATUS_TEXT: Partial<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * Answers what node:http could not turn into a request (its 'clientError'): headers too large
 * (431), a client too slow to send its request (408), or a malformed one (400), in the gateway's
 * error JSON, and closes the connection. There is no request object, so no route or handler is
 * involved; the answer is written to the socket directly.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, requestId: string): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [code, message] = describe(error);
  const status = ERROR_CODES[code];
  const body = JSON.stringify({ error: { code, message, requestId } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'content-type: application/json\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}

function describe(error: NodeJS.ErrnoException): [ErrorCode, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [
        'ERR_HEADERS_TOO_LARGE',
        'The request headers are too large for this server; send fewer or smaller headers (large cookies are the usual cause).',
      ];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return ['ERR_REQUEST_TIMEOUT', 'The request was not received in time; the connection is closed.'];
    default:
      return ['ERR_BAD_REQUEST', 'The request is not valid HTTP/1.1 and cannot be parsed.'];
  }
}
