import { randomBytes } from 'node:crypto';

/**
 * The shape of Gust API keys. An access key id is public (it appears in every SigV4 request, in
 * logs and in the key list); the secret is shown once, when the key is created, and is never stored
 * in the clear.
 *
 * - Access key id: `GK` + 18 characters of RFC 4648 base32 (`A-Z`, `2-7`): 20 characters like an
 *   AWS access key id, so tools that check the length accept it; 90 random bits.
 * - Secret: 40 characters of base64url (`A-Z a-z 0-9 - _`), from 30 random bytes (240 bits), the
 *   length of an AWS secret access key.
 * - Bearer token: `gust_<access key id>_<secret>` (66 characters). The prefix makes a leaked token
 *   easy to recognise for secret scanners and people; the id has a fixed length and never contains
 *   `_`, so the split is unambiguous even though the secret may contain `_`.
 */

export const ACCESS_KEY_ID_PREFIX = 'GK';
export const ACCESS_KEY_ID_LENGTH = 20;
export const SECRET_LENGTH = 40;
export const BEARER_TOKEN_PREFIX = 'gust_';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ACCESS_KEY_ID_PATTERN = /^GK[A-Z2-7]{18}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{40}$/;

/** An access key id and its secret, as handed to a user once. */
export interface KeyPair {
  accessKeyId: string;
  secret: string;
}

/** Random bytes come from node:crypto unless a test injects its own. */
export type RandomBytes = (size: number) => Buffer;

/** A new access key id: `GK` followed by 18 random base32 characters. */
export function generateAccessKeyId(random: RandomBytes = randomBytes): string {
  // 18 characters × 5 bits = 90 bits; each byte's low 5 bits pick a character, so no bias.
  const bytes = random(ACCESS_KEY_ID_LENGTH - ACCESS_KEY_ID_PREFIX.length);
  let id = ACCESS_KEY_ID_PREFIX;
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

/** A new secret: 30 random bytes as 40 base64url characters. */
export function generateSecret(random: RandomBytes = randomBytes): string {
  return random(30).toString('base64url');
}

/** A new key pair. */
export function generateKeyPair(random: RandomBytes = randomBytes): KeyPair {
  return { accessKeyId: generateAccessKeyId(random), secret: generateSecret(random) };
}

export function isAccessKeyId(value: string): boolean {
  return ACCESS_KEY_ID_PATTERN.test(value);
}

export function isSecret(value: string): boolean {
  return SECRET_PATTERN.test(value);
}

/** The bearer token for a key pair: `gust_<accessKeyId>_<secret>`. */
export function formatBearerToken(key: KeyPair): string {
  return `${BEARER_TOKEN_PREFIX}${key.accessKeyId}_${key.secret}`;
}

/** Why a string is not a bearer token, or the key pair it holds. Never echoes the secret. */
export type BearerTokenParse = { ok: true; key: KeyPair } | { ok: false; problem: string };

/** Splits a bearer token into its key pair, saying what is wrong when it is not one. */
export function parseBearerToken(token: string): BearerTokenParse {
  if (!token.startsWith(BEARER_TOKEN_PREFIX)) {
    return { ok: false, problem: `it does not start with '${BEARER_TOKEN_PREFIX}'` };
  }
  const idStart = BEARER_TOKEN_PREFIX.length;
  const idEnd = idStart + ACCESS_KEY_ID_LENGTH;
  const accessKeyId = token.slice(idStart, idEnd);
  if (!isAccessKeyId(accessKeyId)) {
    return {
      ok: false,
      problem: `after '${BEARER_TOKEN_PREFIX}' it must have a 20-character access key id (GK and 18 of A-Z, 2-7)`,
    };
  }
  if (token[idEnd] !== '_') {
    return { ok: false, problem: `the access key id must be followed by '_' and the secret` };
  }
  const secret = token.slice(idEnd + 1);
  if (!isSecret(secret)) {
    return {
      ok: false,
      problem: `the secret must be ${SECRET_LENGTH} characters of A-Z, a-z, 0-9, '-' and '_' (it has ${secret.length})`,
    };
  }
  return { ok: true, key: { accessKeyId, secret } };
}
