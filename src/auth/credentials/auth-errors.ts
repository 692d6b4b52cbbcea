import { GustError } from '../../core/errors.js';

/**
 * The errors request authentication throws. Each carries the name AWS's JSON-protocol services
 * (Lambda, SQS, EventBridge: every AWS API Gust offers) give the same failure, so the AWS SDKs
 * raise the exception class their users expect, and so their clock-skew correction recognises
 * an expired signature (it looks for InvalidSignatureException among others).
 *
 * Messages never contain a secret, a signature Gust computed, or a bearer token.
 */

/** Credentials are present but cannot be parsed (AWS: IncompleteSignature). */
export function malformedAuthorization(message: string, details?: Record<string, unknown>): GustError {
  return new GustError('ERR_MALFORMED_AUTHORIZATION', message, {
    awsType: 'IncompleteSignatureException',
    ...(details === undefined ? {} : { details }),
  });
}

/** No credentials at all, or a scheme Gust does not take (AWS: MissingAuthenticationToken). */
export function unauthenticated(message: string): GustError {
  return new GustError('ERR_UNAUTHENTICATED', message, {
    awsType: 'MissingAuthenticationTokenException',
    headers: { 'www-authenticate': 'Bearer realm="gust"' },
  });
}

/** Unknown access key id, wrong bearer secret, or a session token (AWS: InvalidClientTokenId). */
export function invalidCredentials(message: string): GustError {
  return new GustError('ERR_INVALID_CREDENTIALS', message, { awsType: 'UnrecognizedClientException' });
}

/** The signature or the signed body hash does not match (AWS: SignatureDoesNotMatch). */
export function invalidSignature(message: string, details?: Record<string, unknown>): GustError {
  return new GustError('ERR_INVALID_SIGNATURE', message, {
    awsType: 'InvalidSignatureException',
    ...(details === undefined ? {} : { details }),
  });
}

/**
 * The request's time is outside the allowed skew, or a presigned URL expired (AWS: RequestExpired).
 * AWS's JSON services report this as InvalidSignatureException with a "Signature expired" message.
 */
export function requestExpired(message: string, details: Record<string, unknown>): GustError {
  return new GustError('ERR_REQUEST_EXPIRED', message, { awsType: 'InvalidSignatureException', details });
}
