import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { GustError } from '../core/errors.js';
import { readBody } from '../gateway/read-body.js';

/**
 * Largest control API body for queues: a batch of ten 256 KB messages, JSON-escaped, fits easily;
 * the size of each message is checked against SQS's limit afterwards, with its own error.
 */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * Reads a JSON request body (an empty body is `{}`) and parses it with `schema`. A body that is not
 * JSON is 400 ERR_INVALID_JSON; one that does not fit the schema is 400 ERR_INVALID_PARAMETER naming
 * the field (`details.parameter`) and what was expected.
 */
export async function readJsonBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const raw = await readBody(req, MAX_BODY_BYTES);
  let value: unknown = {};
  if (raw.length > 0) {
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new GustError('ERR_INVALID_JSON', `The request body is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const parameter = issue?.path.map(String).join('.') || 'body';
  throw new GustError('ERR_INVALID_PARAMETER', `${parameter}: ${issue?.message ?? 'invalid value'}.`, {
    details: { parameter },
  });
}
