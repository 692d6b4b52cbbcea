import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ERROR_CODES, type ErrorCode, GustError } from '../core/errors.js';
import { type ErrorStyle, sendError } from './error-response.js';
import { send } from './send.js';

/** The header every replayed response carries. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * What a first request with an Idempotency-Key ended with, worth replaying: the response it sent,
 * or a GustError that stands for the function's own failure (502/504 on an app route).
 */
export type Outcome =
  | { kind: 'response'; status: number; headers: OutgoingHttpHeaders; body: string | Buffer | null }
  | { kind: 'error'; error: GustError };

/** A GustError as stored: everything sendError renders, nothing that is not JSON. */
export interface StoredError {
  code: string;
  message: string;
  status: number;
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  awsType?: string;
}

/** An Outcome as the idempotency record keeps it (JSON text in IdempotencyRecord.response). */
export type StoredOutcome = {
  /** The request id of the first request; replays answer with it. */
  requestId: string;
  fingerprint: string;
} & (
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string | string[]>;
      body: string /* base64 */;
    }
  | { kind: 'error'; error: StoredError }
);

/**
 * Headers not stored: framing and connection management are the replay's own, the request id
 * headers are set again by send(), and Date is the time of the replay.
 */
const NOT_STORED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'trailer',
  'te',
  'date',
  'x-request-id',
  'x-amzn-requestid',
]);

export function toStored(outcome: Outcome, requestId: string, fingerprint: string): StoredOutcome {
  if (outcome.kind === 'error') {
    const { error } = outcome;
    const stored: StoredError = { code: error.code, message: error.message, status: error.status };
    if (error.details !== undefined) stored.details = error.details;
    if (error.headers !== undefined) stored.headers = error.headers;
    if (error.awsType !== undefined) stored.awsType = error.awsType;
    return { requestId, fingerprint, kind: 'error', error: stored };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(outcome.headers)) {
    if (value === undefined || NOT_STORED.has(name.toLowerCase())) continue;
    headers[name] = typeof value === 'number' ? String(value) : value;
  }
  const body = outcome.body === null ? '' : Buffer.from(outcome.body).toString('base64');
  return { requestId, fingerprint, kind: 'response', status: outcome.status, headers, body };
}

/**
 * Sends a stored outcome again, as the first request's response (its request id included) plus
 * `Idempotent-Replayed: true`. A stored error is rendered by sendError, like any error.
 */
export function sendReplay(res: ServerResponse, stored: StoredOutcome, style: ErrorStyle): void {
  if (stored.kind === 'response') {
    const headers: OutgoingHttpHeaders = { ...stored.headers, [REPLAYED_HEADER]: 'true' };
    const body = stored.body === '' ? null : Buffer.from(stored.body, 'base64');
    send(res, stored.status, headers, body, stored.requestId);
    return;
  }
  const { error } = stored;
  const code: ErrorCode = error.code in ERROR_CODES ? (error.code as ErrorCode) : 'ERR_INTERNAL';
  const replayed = new GustError(code, error.message, {
    status: error.status,
    headers: { ...error.headers, [REPLAYED_HEADER]: 'true' },
    ...(error.details === undefined ? {} : { details: error.details }),
    ...(error.awsType === undefined ? {} : { awsType: error.awsType }),
  });
  sendError(res, replayed, stored.requestId, style);
}
