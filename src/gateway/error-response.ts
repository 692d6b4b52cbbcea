import { channel } from 'node:diagnostics_channel';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { type ErrorCode, GustError } from '../core/errors.js';
import { send } from './send.js';

/** How an error body is shaped: Gust's own, or Gust's plus the fields the AWS SDKs read. */
export type ErrorStyle = 'gust' | 'aws' | 'aws-json';

/**
 * Unexpected (non-GustError) failures are published here with their request id, so telemetry can
 * log them with stack traces. Clients never see more than the request id.
 */
export const internalErrorChannel = channel('gust:gateway:internal-error');

/** The AWS error name for codes that the Invoke API can answer with (x-amzn-ErrorType). */
const AWS_ERROR_TYPES: Partial<Record<ErrorCode, string>> = {
  ERR_FUNCTION_NOT_FOUND: 'ResourceNotFoundException',
  ERR_VERSION_NOT_FOUND: 'ResourceNotFoundException',
  ERR_TOO_MANY_REQUESTS: 'TooManyRequestsException',
  ERR_INVALID_JSON: 'InvalidRequestContentException',
  ERR_PAYLOAD_TOO_LARGE: 'RequestTooLargeException',
  ERR_INVALID_PARAMETER: 'InvalidParameterValueException',
  ERR_INVALID_QUALIFIER: 'InvalidParameterValueException',
  ERR_INVALID_INVOCATION_TYPE: 'InvalidParameterValueException',
};

/** The AWS error name for a GustError: its own awsType, else the table, else ServiceException. */
export function awsErrorType(error: GustError): string {
  return error.awsType ?? AWS_ERROR_TYPES[error.code] ?? 'ServiceException';
}

/** Turns anything thrown into the GustError the client sees; unexpected errors are reported, not shown. */
export function toClientError(error: unknown, requestId: string): GustError {
  if (error instanceof GustError) return error;
  if (internalErrorChannel.hasSubscribers) {
    internalErrorChannel.publish({ requestId, error });
  } else {
    console.error(`gust gateway: internal error in request ${requestId}:`, error);
  }
  return new GustError(
    'ERR_INTERNAL',
    `Internal error. The server log has the details under request id ${requestId}.`,
    { cause: error },
  );
}

/**
 * The one place where errors become HTTP responses:
 * `{"error": {"code", "message", "requestId", ...details}}` with the error's status and headers.
 * The `aws` style adds `Type` ("User" for 4xx, "Service" for 5xx), `message` and the
 * x-amzn-ErrorType header, which is what @aws-sdk clients parse.
 */
export function sendError(
  res: ServerResponse,
  thrown: unknown,
  requestId: string,
  style: ErrorStyle,
  extraHeaders?: (error: GustError) => Record<string, string>,
): void {
  const error = toClientError(thrown, requestId);
  if (res.headersSent) {
    // Too late for a proper error response: cutting the connection is the only honest signal left.
    res.destroy();
    return;
  }
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/json' };
  if (error.headers) {
    for (const [name, value] of Object.entries(error.headers)) headers[name.toLowerCase()] = value;
  }
  if (error.status === 429 && headers['retry-after'] === undefined) headers['retry-after'] = '1';
  const body: Record<string, unknown> = {
    error: { ...error.details, code: error.code, message: error.message, requestId },
  };
  if (style === 'aws') {
    headers['x-amzn-ErrorType'] = awsErrorType(error);
    body.Type = error.status < 500 ? 'User' : 'Service';
    body.message = error.message;
  } else if (style === 'aws-json') {
    // AWS JSON 1.0/1.1 protocols: the SDKs read __type (and message) from the body.
    headers['content-type'] = 'application/x-amz-json-1.0';
    headers['x-amzn-ErrorType'] = awsErrorType(error);
    body.__type = awsErrorType(error);
    body.message = error.message;
  }
  if (extraHeaders) Object.assign(headers, extraHeaders(error));
  send(res, error.status, headers, JSON.stringify(body), requestId);
}
