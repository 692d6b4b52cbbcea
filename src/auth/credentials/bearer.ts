import { invalidCredentials, malformedAuthorization, unauthenticated } from './auth-errors.js';
import { BEARER_TOKEN_PREFIX, type KeyPair, parseBearerToken } from './key-format.js';
import { hashSecret, verifySecret } from './secret-hash.js';

/**
 * Bearer authentication: `Authorization: Bearer gust_<access key id>_<secret>`. The secret is
 * checked against the key's stored scrypt hash (secret-hash.ts).
 */

/** The stored scrypt hash of a key's secret, or undefined when no such key exists (or it is disabled). */
export type SecretHashLookup = (accessKeyId: string) => Promise<string | undefined>;

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Reads the key pair from an `Authorization: Bearer ...` header. Throws ERR_UNAUTHENTICATED when
 * there is no header, ERR_MALFORMED_AUTHORIZATION when it is not a well-formed Gust bearer token.
 * Messages never repeat the token.
 */
export function parseBearerAuthorization(header: string | readonly string[] | undefined): KeyPair {
  if (header === undefined || header === '') {
    throw unauthenticated(
      `The request has no credentials: send 'Authorization: Bearer ${BEARER_TOKEN_PREFIX}...' or sign it with AWS Signature Version 4.`,
    );
  }
  if (typeof header !== 'string') {
    throw malformedAuthorization(`Send one Authorization header, not ${header.length}.`);
  }
  const match = BEARER.exec(header);
  if (!match) {
    throw malformedAuthorization(
      `The Authorization header must be 'Bearer ' followed by one token (${BEARER_TOKEN_PREFIX}<access key id>_<secret>).`,
    );
  }
  const parsed = parseBearerToken(match[1] ?? '');
  if (!parsed.ok) throw malformedAuthorization(`The bearer token is not a Gust key: ${parsed.problem}.`);
  return parsed.key;
}

/** A hash of a random secret, verified when the key does not exist so both failures take as long. */
let decoyHash: Promise<string> | undefined;

/**
 * Verifies a bearer token and returns the access key id it belongs to. An unknown key and a wrong
 * secret give the same ERR_INVALID_CREDENTIALS, after the same amount of hashing, so the answer
 * does not tell which key ids exist.
 */
export async function verifyBearer(
  header: string | readonly string[] | undefined,
  lookupSecretHash: SecretHashLookup,
): Promise<{ accessKeyId: string }> {
  const { accessKeyId, secret } = parseBearerAuthorization(header);
  const stored = await lookupSecretHash(accessKeyId);
  decoyHash ??= hashSecret('decoy secret for unknown access key ids');
  const matches = await verifySecret(secret, stored ?? (await decoyHash));
  if (stored === undefined || !matches) {
    throw invalidCredentials(
      `The bearer token is not valid: access key '${accessKeyId}' does not exist, or the secret is not its secret.`,
    );
  }
  return { accessKeyId };
}
