import { timingSafeEqual } from 'node:crypto';
import { GustError } from '../../core/errors.js';
import {
  invalidCredentials,
  invalidSignature,
  malformedAuthorization,
  requestExpired,
  unauthenticated,
} from './auth-errors.js';
import { computeSignature } from './canonical-signer.js';
import { sha256Hex } from './node-sha256.js';
import {
  formatAmzDate,
  hasPresignParams,
  parseAmzDate,
  parseAuthorizationHeader,
  parseHttpDate,
  parsePresignedQuery,
  parseQueryString,
  type QueryBag,
  type SigV4Claim,
  singleParam,
} from './sigv4-parse.js';

/**
 * Verifies AWS Signature Version 4 requests, in the Authorization header or as a presigned URL,
 * so that AWS SDKs and the AWS CLI can use a Gust key as their credentials. The order of checks:
 * parse strictly → timestamp within the allowed skew (replays of old requests fail here) → scope
 * day matches the timestamp → every signed header is present → key exists → body matches its
 * declared hash → signature recomputed with @smithy/signature-v4 and compared in constant time.
 */

/** A request as the gateway sees it. */
export interface SigV4Request {
  method: string;
  /** Path and query exactly as received (`req.url`), still percent-encoded. */
  url: string;
  /**
   * Request headers. `req.headersDistinct` is exact for repeated headers (joined with ',' as SigV4
   * says); `req.headers` joins them with ', ' and is fine for everything the AWS SDKs send.
   */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: Buffer;
}

/** The secret of an access key, or undefined when no such key exists (or it is disabled). */
export type SecretLookup = (accessKeyId: string) => Promise<string | undefined>;

export interface SigV4Options {
  /** How far the request's timestamp may be from `now`, either way (default 5 minutes, as AWS). */
  maxSkewMs?: number;
  /** When set, the credential scope must name this service (e.g. 'lambda'). */
  service?: string;
  /** When set, the credential scope must name this region. */
  region?: string;
  /**
   * Accepts session credentials: given the request's session token (X-Amz-Security-Token) and its
   * access key id, returns the session's secret, or throws ERR_INVALID_CREDENTIALS. Without it a
   * session token is refused.
   */
  sessionSecret?: (sessionToken: string, accessKeyId: string) => Promise<string>;
  /** Accept `x-amz-content-sha256: UNSIGNED-PAYLOAD`, which leaves the body unprotected (default true). */
  allowUnsignedPayload?: boolean;
}

/** Who signed the request, and what the signature covers. */
export interface SigV4Identity {
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: readonly string[];
  /** True for a presigned URL (query-string authentication). */
  presigned: boolean;
  /** False when the signature does not cover the body (UNSIGNED-PAYLOAD). */
  payloadSigned: boolean;
  /** The session token, for session credentials (accepted only with `sessionSecret`). */
  sessionToken?: string;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const HEX_SHA256 = /^[0-9a-f]{64}$/;

type HeaderMap = Map<string, string>;

function normalizeHeaders(headers: SigV4Request['headers']): HeaderMap {
  const map: HeaderMap = new Map();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = typeof value === 'string' ? value : value.join(',');
    const previous = map.get(key);
    map.set(key, previous === undefined ? joined : `${previous},${joined}`);
  }
  return map;
}

function describeSkew(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min.` : `${ms / 1000} s`;
}

/** The request's timestamp (X-Amz-Date, else Date) as ms and as YYYYMMDDTHHMMSSZ. */
function requestTime(
  claim: SigV4Claim,
  headers: HeaderMap,
  query: QueryBag,
): { ms: number; longDate: string } {
  if (claim.form === 'query') {
    const value = singleParam(query, 'X-Amz-Date') ?? '';
    const ms = parseAmzDate(value);
    if (ms === undefined) {
      throw malformedAuthorization(`X-Amz-Date must be a UTC time as YYYYMMDDTHHMMSSZ, not '${value}'.`);
    }
    return { ms, longDate: value };
  }
  const amzDate = headers.get('x-amz-date');
  if (amzDate !== undefined) {
    const ms = parseAmzDate(amzDate);
    if (ms === undefined) {
      throw malformedAuthorization(
        `The X-Amz-Date header must be a UTC time as YYYYMMDDTHHMMSSZ, not '${amzDate}'.`,
      );
    }
    return { ms, longDate: amzDate };
  }
  const date = headers.get('date');
  if (date === undefined) {
    throw malformedAuthorization('A SigV4-signed request needs an X-Amz-Date (or Date) header.');
  }
  const ms = parseHttpDate(date);
  if (ms === undefined) {
    throw malformedAuthorization(
      `The Date header must be an HTTP date such as 'Tue, 02 Jan 2024 03:04:05 GMT', not '${date}'.`,
    );
  }
  return { ms, longDate: formatAmzDate(ms) };
}

/** Rejects requests outside the replay window; presigned URLs are also bounded by X-Amz-Expires. */
function checkTime(
  claim: SigV4Claim,
  time: { ms: number; longDate: string },
  now: number,
  maxSkewMs: number,
): void {
  const details = {
    requestTime: new Date(time.ms).toISOString(),
    serverTime: new Date(now).toISOString(),
    maxSkewSeconds: maxSkewMs / 1000,
  };
  const skew = describeSkew(maxSkewMs);
  const nowText = formatAmzDate(now);
  if (time.ms > now + maxSkewMs) {
    throw requestExpired(
      `Signature not yet current: ${time.longDate} is still later than ${formatAmzDate(now + maxSkewMs)} (${nowText} + ${skew}). Check the client's clock.`,
      details,
    );
  }
  if (claim.form === 'query') {
    const expiresAt = time.ms + (claim.expiresSeconds ?? 0) * 1000;
    if (now > expiresAt) {
      throw requestExpired(
        `Request has expired: the presigned URL was valid until ${formatAmzDate(expiresAt)} (X-Amz-Date ${time.longDate} + X-Amz-Expires ${claim.expiresSeconds} s) and it is now ${nowText}. Presign it again.`,
        { ...details, expiresSeconds: claim.expiresSeconds },
      );
    }
    return;
  }
  if (time.ms < now - maxSkewMs) {
    throw requestExpired(
      `Signature expired: ${time.longDate} is now earlier than ${formatAmzDate(now - maxSkewMs)} (${nowText} - ${skew}). Check the client's clock; a signed request is accepted for ${skew} only.`,
      details,
    );
  }
}

/**
 * The hash the canonical request ends with. For a hash given in x-amz-content-sha256 the body must
 * match it; without the header it is the body's hash (presigned S3 URLs: UNSIGNED-PAYLOAD).
 */
function payloadHash(
  claim: SigV4Claim,
  headers: HeaderMap,
  query: QueryBag,
  body: Buffer,
  allowUnsigned: boolean,
): string {
  const declared =
    claim.form === 'header'
      ? headers.get('x-amz-content-sha256')
      : singleParam(query, 'X-Amz-Content-Sha256');
  if (declared === undefined) {
    return claim.form === 'query' && claim.credential.service === 's3' ? UNSIGNED_PAYLOAD : sha256Hex(body);
  }
  if (declared === UNSIGNED_PAYLOAD) {
    if (!allowUnsigned) {
      throw malformedAuthorization(
        'This endpoint needs a signed body: x-amz-content-sha256 cannot be UNSIGNED-PAYLOAD.',
      );
    }
    return declared;
  }
  if (declared.startsWith('STREAMING-')) {
    throw malformedAuthorization(
      `Gust does not take chunk-signed bodies (x-amz-content-sha256: ${declared.slice(0, 60)}): send the body in one piece.`,
    );
  }
  if (!HEX_SHA256.test(declared)) {
    throw malformedAuthorization(
      "x-amz-content-sha256 must be the body's SHA-256 as 64 lowercase hexadecimal digits, or UNSIGNED-PAYLOAD.",
    );
  }
  const actual = sha256Hex(body);
  if (actual !== declared) {
    throw invalidSignature(
      'The body does not match its x-amz-content-sha256: it was changed after signing, or the hash was computed over other bytes.',
    );
  }
  return declared;
}

/**
 * Verifies a SigV4-signed request and returns who signed it. Throws a GustError naming the problem:
 * ERR_UNAUTHENTICATED (no SigV4 credentials), ERR_MALFORMED_AUTHORIZATION (cannot be parsed),
 * ERR_REQUEST_EXPIRED (outside the skew, or a presigned URL past its expiry), ERR_INVALID_CREDENTIALS
 * (unknown key, or a session token), ERR_INVALID_SIGNATURE (signature or body hash mismatch).
 *
 * @param now milliseconds since the epoch, from the platform's Clock.
 */
export async function verifySigV4(
  request: SigV4Request,
  lookupSecret: SecretLookup,
  now: number,
  options: SigV4Options = {},
): Promise<SigV4Identity> {
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const headers = normalizeHeaders(request.headers);
  const queryStart = request.url.indexOf('?');
  const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const query = parseQueryString(queryStart === -1 ? '' : request.url.slice(queryStart + 1));
  if (!path.startsWith('/')) {
    throw new GustError(
      'ERR_BAD_REQUEST',
      `The request path must start with '/', not '${path.slice(0, 40)}'.`,
    );
  }

  const authorization = headers.get('authorization');
  const presigned = hasPresignParams(query);
  if (authorization !== undefined && presigned) {
    throw malformedAuthorization(
      'The request has both an Authorization header and X-Amz-* signature query parameters; use one.',
    );
  }
  if (authorization === undefined && !presigned) {
    throw unauthenticated(
      'The request is not signed: it has no Authorization header and no X-Amz-Signature.',
    );
  }
  const claim =
    authorization === undefined ? parsePresignedQuery(query) : parseAuthorizationHeader(authorization);
  const { credential } = claim;

  const sessionToken = headers.get('x-amz-security-token') ?? singleParam(query, 'X-Amz-Security-Token');
  if (sessionToken !== undefined && options.sessionSecret === undefined) {
    throw invalidCredentials(
      'The request carries an AWS session token, but Gust keys have none: unset AWS_SESSION_TOKEN (or the sessionToken credential) and sign with the Gust key alone.',
    );
  }

  const time = requestTime(claim, headers, query);
  checkTime(claim, time, now, maxSkewMs);
  if (credential.date !== time.longDate.slice(0, 8)) {
    throw malformedAuthorization(
      `The credential scope's date ${credential.date} must be the day of the request's time ${time.longDate}.`,
    );
  }
  if (options.service !== undefined && credential.service !== options.service) {
    throw malformedAuthorization(
      `The credential scope must name service '${options.service}', not '${credential.service}': sign for the service you call.`,
    );
  }
  if (options.region !== undefined && credential.region !== options.region) {
    throw malformedAuthorization(
      `The credential scope must name region '${options.region}', not '${credential.region}'.`,
    );
  }

  const signedValues: Record<string, string> = Object.create(null);
  for (const name of claim.signedHeaders) {
    const value = headers.get(name);
    if (value === undefined) {
      throw malformedAuthorization(`The signed header '${name}' is not in the request.`, { header: name });
    }
    signedValues[name] = value;
  }

  // Session credentials (a function's role) carry their secret, sealed, in the token.
  const secret =
    sessionToken !== undefined && options.sessionSecret !== undefined
      ? await options.sessionSecret(sessionToken, credential.accessKeyId)
      : await lookupSecret(credential.accessKeyId);
  if (secret === undefined) {
    throw invalidCredentials(
      `The access key id '${credential.accessKeyId}' does not exist (it was never issued, or was deleted).`,
    );
  }

  const hash = payloadHash(claim, headers, query, request.body, options.allowUnsignedPayload ?? true);
  let computed: Awaited<ReturnType<typeof computeSignature>>;
  try {
    computed = await computeSignature(
      {
        method: request.method,
        path,
        query,
        headers: signedValues,
        signedHeaders: claim.signedHeaders,
        payloadHash: hash,
        longDate: time.longDate,
        region: credential.region,
        service: credential.service,
        uriEscapePath: credential.service !== 's3',
      },
      credential.accessKeyId,
      secret,
    );
  } catch (cause) {
    // encodeURIComponent throws on text it cannot encode (a lone surrogate): the path is unusable.
    throw new GustError('ERR_BAD_REQUEST', 'The request path cannot be canonicalised for SigV4.', { cause });
  }
  const expected = Buffer.from(computed.signature, 'latin1');
  const given = Buffer.from(claim.signature, 'latin1');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw invalidSignature(
      `The request signature does not match the one Gust computed with the secret of access key '${credential.accessKeyId}'. Check the secret, and that nothing changed the request (path, query, signed headers, body) after signing.`,
      // As S3 does: what Gust signed, so a client author can diff it against their own. No secrets.
      { canonicalRequest: computed.canonicalRequest, stringToSign: computed.stringToSign },
    );
  }
  return {
    accessKeyId: credential.accessKeyId,
    region: credential.region,
    service: credential.service,
    signedHeaders: claim.signedHeaders,
    presigned: claim.form === 'query',
    payloadSigned: hash !== UNSIGNED_PAYLOAD,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
  };
}
