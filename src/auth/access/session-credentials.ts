import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { invalidCredentials } from '../credentials/auth-errors.js';
import type { MasterKey } from '../secrets/master-key.js';

/**
 * Short-lived credentials for a function's role, as Lambda gives its functions: an access key id,
 * a secret and a session token, in the instance's environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so an AWS SDK client inside the function signs its
 * calls to Gust with them.
 *
 * They are stateless: the token carries the function's name and the expiry, sealed with an HMAC
 * under a key derived from the master key, and the secret is derived from the token. Nothing is
 * stored, every node with the master key can check them, and they cannot be forged or extended.
 */

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ms epoch. */
  expiresAt: number;
}

export interface SessionClaims {
  functionName: string;
  expiresAt: number;
}

/** Session access key ids start with GS (API keys with GK), like AWS's ASIA and AKIA. */
export const SESSION_KEY_PREFIX = 'GS';
const TOKEN_VERSION = 'gs1';

export interface SessionIssuer {
  issue(functionName: string, now: number): SessionCredentials;
  /** The claims and the secret of a valid token for `accessKeyId`; throws ERR_INVALID_CREDENTIALS otherwise. */
  verify(sessionToken: string, accessKeyId: string, now: number): { claims: SessionClaims; secret: string };
}

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export function createSessionIssuer(masterKey: MasterKey, ttlMs = DEFAULT_SESSION_TTL_MS): SessionIssuer {
  const raw = masterKey.key.export();
  const key = Buffer.from(
    hkdfSync('sha256', raw, Buffer.alloc(0), 'gust function session credentials v1', 32),
  );
  raw.fill(0);
  const mac = (label: string, payload: string): Buffer =>
    createHmac('sha256', key).update(`${label}\n${payload}`).digest();
  const keyIdOf = (payload: string): string =>
    SESSION_KEY_PREFIX + createHash('sha256').update(payload).digest('hex').slice(0, 18).toUpperCase();

  return {
    issue(functionName, now) {
      const expiresAt = now + ttlMs;
      const payload = Buffer.from(
        JSON.stringify({ f: functionName, e: expiresAt, n: randomBytes(9).toString('base64url') }),
      ).toString('base64url');
      const token = `${TOKEN_VERSION}.${payload}.${mac('token', payload).toString('base64url')}`;
      return {
        accessKeyId: keyIdOf(payload),
        secretAccessKey: mac('secret', payload).toString('base64url'),
        sessionToken: token,
        expiresAt,
      };
    },
    verify(sessionToken, accessKeyId, now) {
      const parts = sessionToken.split('.');
      const payload = parts[1] ?? '';
      const given = Buffer.from(parts[2] ?? '', 'base64url');
      const expected = mac('token', payload);
      if (
        parts.length !== 3 ||
        parts[0] !== TOKEN_VERSION ||
        given.length !== expected.length ||
        !timingSafeEqual(given, expected)
      ) {
        throw invalidCredentials('The session token is not one Gust issued (or it was changed).');
      }
      if (keyIdOf(payload) !== accessKeyId) {
        throw invalidCredentials(`The access key id '${accessKeyId}' does not belong to the session token.`);
      }
      const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { f: string; e: number };
      if (body.e <= now) expired(body.e);
      return {
        claims: { functionName: body.f, expiresAt: body.e },
        secret: mac('secret', payload).toString('base64url'),
      };
    },
  };
}

function expired(at: number): never {
  throw invalidCredentials(
    `The session credentials expired at ${new Date(at).toISOString()}; the instance that holds them is replaced before that, so they were copied out of it.`,
  );
}
