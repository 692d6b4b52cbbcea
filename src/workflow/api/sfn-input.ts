import { type ErrorCode, GustError } from '../../core/errors.js';
import { invalidField } from '../executor/errors.js';

/** Reading Step Functions request fields (AWS JSON 1.0, camelCase), and its error names. */
export type SfnInput = Record<string, unknown>;

export function requiredString(input: SfnInput, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') throw invalidField(field, 'a non-empty string');
  return value;
}

export function optionalString(input: SfnInput, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidField(field, 'a string');
  return value;
}

export function optionalInteger(
  input: SfnInput,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidField(field, `a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Epoch milliseconds as the epoch seconds AWS JSON timestamps are. */
export const seconds = (ms: number | null | undefined): number | undefined =>
  ms === null || ms === undefined ? undefined : ms / 1000;

/** `nextToken`: an opaque offset into a listing. */
export function pageOf(input: SfnInput, defaultSize: number): { offset: number; size: number } {
  const size = optionalInteger(input, 'maxResults', 0, 1000) || defaultSize;
  const token = optionalString(input, 'nextToken');
  const offset = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString(), 10);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new GustError('ERR_INVALID_PARAMETER', 'nextToken is not one this API returned.', {
      awsType: 'InvalidToken',
      details: { parameter: 'nextToken' },
    });
  }
  return { offset, size };
}

export const nextTokenOf = (offset: number): string => Buffer.from(String(offset)).toString('base64url');

/** Step Functions' exception for Gust errors that carry no awsType of their own. */
const BY_CODE: Partial<Record<ErrorCode, string>> = {
  ERR_INVALID_PARAMETER: 'ValidationException',
  ERR_INVALID_JSON: 'SerializationException',
  ERR_INVALID_DEFINITION: 'InvalidDefinition',
  ERR_ACCESS_DENIED: 'AccessDeniedException',
  ERR_NOT_FOUND: 'UnknownOperationException',
};

/** An error in the shape Step Functions clients expect (`__type` one of its exception names). */
export function toSfnError(error: GustError): GustError {
  const awsType =
    error.awsType ??
    BY_CODE[error.code] ??
    (error.status >= 500 ? 'InternalServerError' : 'ValidationException');
  if (awsType === error.awsType) return error;
  return new GustError(error.code, error.message, {
    cause: error,
    awsType,
    status: error.status,
    ...(error.details !== undefined ? { details: error.details } : {}),
    ...(error.headers !== undefined ? { headers: error.headers } : {}),
  });
}
