import type { IncomingMessage } from 'node:http';
import { GustError } from '../core/errors.js';

const EMPTY = Buffer.alloc(0);

/**
 * Bodies already read from the request before its handler ran (to check a SigV4 signature, which
 * covers the body). `readBody` and the deploy upload take them from here instead of the socket.
 */
const keptBodies = new WeakMap<IncomingMessage, Buffer>();

/** Remembers the body read from `req`, for the handler that reads it next. */
export function keepBody(req: IncomingMessage, body: Buffer): void {
  keptBodies.set(req, body);
}

/** The body read before the handler ran, if one was. */
export function keptBody(req: IncomingMessage): Buffer | undefined {
  return keptBodies.get(req);
}

/**
 * After a 413 the rest of an oversized body is read and thrown away (not buffered) so the client
 * sees the response and the keep-alive connection stays usable; past this many extra bytes the
 * connection is closed instead.
 */
const DISCARD_LIMIT = 16 * 1024 * 1024;

/** True when the request has no body at all (no Content-Length, or 0, and not chunked). */
export function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined;
}

function tooLarge(limit: number, size: number | undefined, closeConnection: boolean): GustError {
  const got = size === undefined ? 'more than that' : `${size} bytes`;
  return new GustError(
    'ERR_PAYLOAD_TOO_LARGE',
    `The request body is too large: the limit is ${limit} bytes, got ${got}.`,
    { details: { limit }, ...(closeConnection ? { headers: { connection: 'close' } } : {}) },
  );
}

/** Reads and discards what is left of a body we will not use; cuts the connection if it is huge. */
export function discardBody(req: IncomingMessage, maxBytes = DISCARD_LIMIT): void {
  let discarded = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) req.destroy();
  });
  req.resume();
}

/**
 * Throws 413 ERR_PAYLOAD_TOO_LARGE when the declared Content-Length already exceeds `limit`,
 * arranging for the unread body to be discarded (or the connection closed when it is huge).
 */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const header = req.headers['content-length'];
  if (header === undefined) return;
  // Node's parser has already rejected malformed Content-Length values.
  const declared = Number(header);
  if (declared <= limit) return;
  const close = declared - limit > DISCARD_LIMIT;
  if (close) req.pause();
  else discardBody(req);
  throw tooLarge(limit, declared, close);
}

/**
 * Reads the whole body into one Buffer, refusing more than `limit` bytes: the Content-Length is
 * checked first, and bytes are counted while streaming so a chunked body cannot exceed it either.
 * The warm path (no body) returns without awaiting anything.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (hasNoBody(req)) return Promise.resolve(EMPTY);
  const kept = keptBodies.get(req);
  if (kept !== undefined) {
    return kept.length > limit ? Promise.reject(tooLarge(limit, kept.length, false)) : Promise.resolve(kept);
  }
  try {
    checkDeclaredLength(req, limit);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        discardBody(req);
        reject(tooLarge(limit, undefined, false));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new GustError('ERR_BAD_REQUEST', 'The request body could not be read.', { cause: error }));
    };
    const onAborted = (): void => {
      cleanup();
      reject(
        new GustError('ERR_BAD_REQUEST', 'The client closed the connection before sending the whole body.'),
      );
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
