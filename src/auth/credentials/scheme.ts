import { unauthenticated } from './auth-errors.js';
import { hasPresignParams, parseQueryString } from './sigv4-parse.js';

/** How a request presents its credentials. */
export type AuthScheme = 'bearer' | 'sigv4' | 'none';

/**
 * Which verifier a request needs, from its Authorization header and query string: `bearer`
 * (verifyBearer), `sigv4` (verifySigV4: an AWS4-HMAC-SHA256 header or a presigned URL) or `none`.
 * An Authorization header in any other scheme (Basic, AWS signature version 2, ...) throws
 * ERR_UNAUTHENTICATED naming the scheme; SigV4a is sent to verifySigV4, which names it unsupported.
 */
export function detectAuthScheme(
  authorization: string | readonly string[] | undefined,
  rawQuery: string,
): AuthScheme {
  if (authorization === undefined || authorization === '') {
    // Cheap test first: most requests have no query, and few queries are presigned.
    if (rawQuery.includes('X-Amz-') && hasPresignParams(parseQueryString(rawQuery))) return 'sigv4';
    return 'none';
  }
  // Several Authorization headers: let the verifier of the first one's scheme reject them clearly.
  const first = typeof authorization === 'string' ? authorization : (authorization[0] ?? '');
  const scheme = first.split(' ', 1)[0] ?? '';
  if (scheme.toLowerCase() === 'bearer') return 'bearer';
  if (scheme.startsWith('AWS4-')) return 'sigv4';
  throw unauthenticated(
    `Gust does not take '${scheme.slice(0, 30)}' credentials: send 'Authorization: Bearer gust_...' or sign the request with AWS Signature Version 4.`,
  );
}
