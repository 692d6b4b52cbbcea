import { GustError } from '../core/errors.js';

/**
 * The errors of the secrets capability, each with the Secrets Manager exception the AWS SDKs map it
 * to (`__type`). Messages follow AWS's where it has one, and name the secret so a user can act.
 */

/** 404: no such secret (or no such version of it). */
export function secretNotFound(message: string, details?: Record<string, unknown>): GustError {
  return new GustError('ERR_SECRET_NOT_FOUND', message, {
    awsType: 'ResourceNotFoundException',
    ...(details ? { details } : {}),
  });
}

/** 409: a secret or version with this name or id exists already. */
export function secretExists(message: string): GustError {
  return new GustError('ERR_CONFLICT', message, { awsType: 'ResourceExistsException' });
}

/** 400: the request is valid but not in the secret's current state (for example it is deleted). */
export function invalidRequest(message: string): GustError {
  return new GustError('ERR_BAD_REQUEST', message, { awsType: 'InvalidRequestException' });
}

/** 400: a parameter has a value that is not allowed; `parameter` names it. */
export function invalidParameter(parameter: string, message: string): GustError {
  return new GustError('ERR_INVALID_PARAMETER', `${parameter}: ${message}`, {
    awsType: 'InvalidParameterException',
    details: { parameter },
  });
}

/** The message AWS gives for operations on a secret whose deletion is scheduled. */
export function markedForDeletion(name: string): GustError {
  return invalidRequest(
    `You can't perform this operation on the secret '${name}' because it was marked for deletion. ` +
      'Restore it first (RestoreSecret, or POST /_gust/v1/secrets/NAME/restore).',
  );
}
