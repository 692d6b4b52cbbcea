import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GustError } from '../core/errors.js';

/** 1 to 255 printable ASCII characters (space included, though Node trims it at both ends). */
const KEY_RE = /^[\x20-\x7e]{1,255}$/;

/**
 * The request's Idempotency-Key, or undefined without one. Only called for endpoints that opted
 * in: elsewhere the header is the function's business. A key that is empty, longer than 255
 * characters, not printable ASCII, or given twice is 400 ERR_INVALID_PARAMETER.
 */
export function idempotencyKey(req: IncomingMessage): string | undefined {
  if (req.headers['idempotency-key'] === undefined) return undefined;
  // headersDistinct, because Node joins repeated unknown headers with ", " into one valid-looking key.
  const values = req.headersDistinct['idempotency-key'] ?? [];
  const [key] = values;
  if (values.length !== 1 || key === undefined || !KEY_RE.test(key)) {
    const problem =
      values.length > 1
        ? 'must be given once'
        : `must be 1 to 255 printable ASCII characters, got ${JSON.stringify(key ?? '')}`;
    throw new GustError('ERR_INVALID_PARAMETER', `The Idempotency-Key header ${problem}.`, {
      details: { parameter: 'Idempotency-Key' },
    });
  }
  return key;
}

/**
 * A hash of what makes a request this request, so that a key reused for a different one is
 * refused instead of answered with someone else's response. Parts are length-prefixed, so no two
 * different part lists hash alike.
 */
export function requestFingerprint(parts: readonly string[], body: Buffer | string): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}\n`);
  hash.update(body);
  return hash.digest('base64url');
}
