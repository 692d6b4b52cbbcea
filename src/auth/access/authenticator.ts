import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../core/clock.js';
import { keepBody, readBody } from '../../gateway/read-body.js';
import { invalidCredentials, unauthenticated } from '../credentials/auth-errors.js';
import { verifyBearer } from '../credentials/bearer.js';
import { BEARER_TOKEN_PREFIX } from '../credentials/key-format.js';
import { detectAuthScheme } from '../credentials/scheme.js';
import { verifySigV4 } from '../credentials/sigv4.js';
import type { Caller } from './caller.js';
import type { KeyRing } from './key-ring.js';
import type { SessionIssuer } from './session-credentials.js';

/** The request target as the gateway parsed it. */
export interface RequestTarget {
  /** Path, still percent-encoded, without the query. */
  path: string;
  /** Query string without '?'. */
  query: string;
}

export interface Authenticator {
  /**
   * Who sent `req`: checks its bearer token or SigV4 signature and returns the caller. Throws
   * 401 ERR_UNAUTHENTICATED without credentials, 400/403 for bad ones. To check a signature the
   * body is read here (at most `bodyLimit` bytes) and kept for the handler.
   */
  authenticate(req: IncomingMessage, target: RequestTarget, bodyLimit: number): Promise<Caller>;
  /** Forgets remembered bearer checks (a key was disabled or deleted). */
  forget(keyId?: string): void;
}

export interface AuthenticatorDeps {
  keys: KeyRing;
  sessions: SessionIssuer;
  /** The role of a deployed function, or undefined when it no longer exists. */
  functionRole(functionName: string): Promise<Caller | undefined>;
  clock: Clock;
  /** Called after a key authenticated (to note when it was last used). */
  onKeyUsed?(keyId: string): void;
}

/** How long a verified bearer token is remembered: scrypt costs ~90 ms, far too much per request. */
const BEARER_CACHE_MS = 5 * 60 * 1000;
const BEARER_CACHE_MAX = 10_000;

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  /** sha256(token) → key id and until when the check stands. The token itself is never kept. */
  const verifiedBearers = new Map<string, { keyId: string; until: number }>();

  async function bearer(header: string): Promise<Caller> {
    const digest = createHash('sha256').update(header).digest('base64');
    const now = deps.clock.now();
    const remembered = verifiedBearers.get(digest);
    if (remembered !== undefined && remembered.until > now) {
      const key = await deps.keys.get(remembered.keyId);
      if (key !== undefined) return key.caller;
      verifiedBearers.delete(digest);
    }
    const { accessKeyId } = await verifyBearer(
      header,
      async (id) => (await deps.keys.get(id))?.record.secretHash,
    );
    const key = await deps.keys.get(accessKeyId);
    if (key === undefined) throw invalidCredentials(`The access key '${accessKeyId}' is not active.`);
    if (verifiedBearers.size >= BEARER_CACHE_MAX) verifiedBearers.clear();
    verifiedBearers.set(digest, { keyId: accessKeyId, until: now + BEARER_CACHE_MS });
    deps.onKeyUsed?.(accessKeyId);
    return key.caller;
  }

  async function sigv4(req: IncomingMessage, target: RequestTarget, bodyLimit: number): Promise<Caller> {
    const body = await readBody(req, bodyLimit);
    keepBody(req, body);
    let session: { functionName: string } | undefined;
    const identity = await verifySigV4(
      {
        method: req.method ?? 'GET',
        url: target.query === '' ? target.path : `${target.path}?${target.query}`,
        headers: req.headers,
        body,
      },
      async (id) => (await deps.keys.get(id))?.secret(),
      deps.clock.now(),
      {
        sessionSecret: async (token, accessKeyId) => {
          const verified = deps.sessions.verify(token, accessKeyId, deps.clock.now());
          session = verified.claims;
          return verified.secret;
        },
      },
    );
    if (session !== undefined) {
      const role = await deps.functionRole(session.functionName);
      if (role === undefined) {
        throw invalidCredentials(
          `The session belongs to function '${session.functionName}', which no longer exists.`,
        );
      }
      return role;
    }
    const key = await deps.keys.get(identity.accessKeyId);
    if (key === undefined)
      throw invalidCredentials(`The access key '${identity.accessKeyId}' is not active.`);
    deps.onKeyUsed?.(identity.accessKeyId);
    return key.caller;
  }

  return {
    async authenticate(req, target, bodyLimit) {
      const header = req.headers.authorization;
      const scheme = detectAuthScheme(header, target.query);
      if (scheme === 'none') {
        throw unauthenticated(
          `The request has no credentials: send 'Authorization: Bearer ${BEARER_TOKEN_PREFIX}<access key id>_<secret>' or sign it with AWS Signature Version 4 (docs/authentication.md).`,
        );
      }
      if (scheme === 'bearer') return bearer(header ?? '');
      return sigv4(req, target, bodyLimit);
    },
    forget(keyId) {
      if (keyId === undefined) {
        verifiedBearers.clear();
        return;
      }
      for (const [digest, entry] of verifiedBearers)
        if (entry.keyId === keyId) verifiedBearers.delete(digest);
    },
  };
}
