/**
 * One error type for the whole platform. Every failure a user can see carries a stable `code`
 * (listed in docs/errors.md, kept in step by a test), the HTTP status it maps to, and a message
 * that says what to do. Errors become HTTP responses in exactly one place: gateway/error-response.ts.
 */

/** Every error code Gust emits, with its HTTP status. docs/errors.md documents each one. */
export const ERROR_CODES = {
  ERR_BAD_REQUEST: 400,
  ERR_INVALID_JSON: 400,
  ERR_INVALID_PARAMETER: 400,
  ERR_INVALID_MANIFEST: 400,
  ERR_INVALID_SCHEDULE: 400,
  ERR_INVALID_CODE: 400,
  ERR_INVALID_QUALIFIER: 400,
  ERR_INVALID_INVOCATION_TYPE: 400,
  ERR_INVALID_PATTERN: 400,
  ERR_INVALID_CLOUDEVENT: 400,
  ERR_INVALID_POLICY: 400,
  ERR_INVALID_DEFINITION: 400,
  ERR_INVALID_ARN: 400,
  ERR_INVALID_NAME: 400,
  ERR_MESSAGE_TOO_LARGE: 400,
  ERR_INVALID_RECEIPT_HANDLE: 400,
  ERR_MALFORMED_AUTHORIZATION: 400,
  ERR_UNAUTHENTICATED: 401,
  ERR_INVALID_CREDENTIALS: 403,
  ERR_INVALID_SIGNATURE: 403,
  ERR_REQUEST_EXPIRED: 403,
  ERR_ACCESS_DENIED: 403,
  ERR_NOT_FOUND: 404,
  ERR_QUEUE_NOT_FOUND: 404,
  ERR_ROUTE_NOT_FOUND: 404,
  ERR_FUNCTION_NOT_FOUND: 404,
  ERR_VERSION_NOT_FOUND: 404,
  ERR_INVOCATION_NOT_FOUND: 404,
  ERR_KEY_NOT_FOUND: 404,
  ERR_POLICY_NOT_FOUND: 404,
  ERR_SECRET_NOT_FOUND: 404,
  ERR_WORKFLOW_NOT_FOUND: 404,
  ERR_EXECUTION_NOT_FOUND: 404,
  ERR_TASK_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_REQUEST_TIMEOUT: 408,
  ERR_CONFLICT: 409,
  ERR_WORKFLOW_EXISTS: 409,
  ERR_EXECUTION_EXISTS: 409,
  ERR_EXECUTION_NOT_REDRIVABLE: 409,
  ERR_TASK_TIMED_OUT: 409,
  ERR_IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_URI_TOO_LONG: 414,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_IDEMPOTENCY_KEY_MISMATCH: 422,
  ERR_TOO_MANY_REQUESTS: 429,
  ERR_HEADERS_TOO_LARGE: 431,
  ERR_INTERNAL: 500,
  ERR_AUTHORIZER_FAILED: 500,
  ERR_FUNCTION_ERROR: 502,
  ERR_INVALID_FUNCTION_RESPONSE: 502,
  ERR_FUNCTION_TIMEOUT: 504,
  ERR_SHUTTING_DOWN: 503,
  ERR_STARTING: 503,
  ERR_STORE_UNAVAILABLE: 503,
  ERR_SCHEMA_TOO_NEW: 500,
  ERR_MASTER_KEY: 500,
  ERR_SANDBOX_UNAVAILABLE: 500,
  ERR_SANDBOX_REQUIRED: 500,
  ERR_DECRYPTION_FAILED: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface GustErrorOptions {
  cause?: unknown;
  /** Extra machine-readable facts (field path, limit, ...) returned to the client. */
  details?: Record<string, unknown>;
  /** Overrides the status that the code implies (rarely needed). */
  status?: number;
  /** Response headers that belong with this error (for example Retry-After). */
  headers?: Record<string, string>;
  /** Name used by AWS-compatible APIs for this error (x-amzn-ErrorType), e.g. ResourceNotFoundException. */
  awsType?: string;
}

export class GustError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly awsType: string | undefined;

  constructor(code: ErrorCode, message: string, options: GustErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GustError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code];
    this.details = options.details;
    this.headers = options.headers;
    this.awsType = options.awsType;
  }
}

export function isGustError(value: unknown): value is GustError {
  return value instanceof GustError;
}

/** Turns anything thrown into a GustError, keeping the original as `cause`. */
export function toGustError(value: unknown): GustError {
  if (value instanceof GustError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new GustError('ERR_INTERNAL', `Internal error: ${message}`, { cause: value });
}
