import { type ErrorCode, GustError } from '../core/errors.js';

/** Secrets Manager's exception for Gust errors that carry no awsType of their own. */
const BY_CODE: Partial<Record<ErrorCode, string>> = {
  ERR_SECRET_NOT_FOUND: 'ResourceNotFoundException',
  ERR_CONFLICT: 'ResourceExistsException',
  ERR_INVALID_PARAMETER: 'InvalidParameterException',
  ERR_INVALID_JSON: 'InvalidParameterException',
  ERR_BAD_REQUEST: 'InvalidRequestException',
  ERR_ACCESS_DENIED: 'AccessDeniedException',
};

/**
 * An error in the shape Secrets Manager clients expect: `__type` is one of its exception names
 * (InternalServiceError for server faults). Code, message, status and details stay.
 */
export function toSecretsError(error: GustError): GustError {
  const awsType =
    error.awsType ??
    BY_CODE[error.code] ??
    (error.status >= 500 ? 'InternalServiceError' : 'InvalidRequestException');
  if (awsType === error.awsType) return error;
  const options: ConstructorParameters<typeof GustError>[2] = { cause: error, awsType, status: error.status };
  if (error.details !== undefined) options.details = error.details;
  if (error.headers !== undefined) options.headers = error.headers;
  return new GustError(error.code, error.message, options);
}
