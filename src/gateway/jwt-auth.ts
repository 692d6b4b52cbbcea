import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { JwtAuthConfig } from '../core/types.js';

/** What API Gateway puts under requestContext.authorizer.jwt: claims as strings, and the scopes. */
export interface JwtIdentity {
  claims: Record<string, string>;
  scopes: string[] | null;
}

/** Checks the bearer JWT of a request against one route's settings. */
export interface JwtVerifier {
  /** The token's identity; throws 401 (bad token), 403 (missing scope) or 500 (JWKS unreachable). */
  verify(authorization: string | undefined): Promise<JwtIdentity>;
}

/** Seconds of clock difference tolerated on exp, nbf and iat (issuers' clocks drift). */
export const JWT_CLOCK_TOLERANCE_SEC = 30;

const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
const SYMMETRIC = ['HS256', 'HS384', 'HS512'];

/**
 * Remote key sets by URL, shared by every route and kept across route-table rebuilds, so a deploy
 * does not refetch them. jose's remote set caches the keys (10 minutes) and refetches at most
 * every 30 s when a token names a key id it does not know (key rotation).
 */
export class JwksCache {
  readonly #sets = new Map<string, JWTVerifyGetKey>();

  get(url: string): JWTVerifyGetKey {
    let set = this.#sets.get(url);
    if (set === undefined) {
      set = createRemoteJWKSet(new URL(url), {
        timeoutDuration: 5000,
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
      });
      this.#sets.set(url, set);
    }
    return set;
  }

  /** Forgets the sets of URLs no route uses any more (called when the route table is rebuilt). */
  retain(urls: ReadonlySet<string>): void {
    for (const url of this.#sets.keys()) if (!urls.has(url)) this.#sets.delete(url);
  }
}

function refused(reason: string): GustError {
  // The token itself is never repeated: it is a credential.
  return new GustError('ERR_UNAUTHENTICATED', `The bearer token was refused: ${reason}.`, {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

/** Compiles a route's JWT settings: the key (or key set) and the checks, once per route table. */
export function createJwtVerifier(config: JwtAuthConfig, clock: Clock, jwks: JwksCache): JwtVerifier {
  let key: KeyObject | Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (config.secret !== undefined) {
    key = new TextEncoder().encode(config.secret);
    algorithms = SYMMETRIC;
  } else if (config.publicKey !== undefined) {
    const text = config.publicKey.trim();
    // Checked at deploy (functions/http-options.ts), so this does not throw for deployed routes.
    key = text.startsWith('{')
      ? createPublicKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' })
      : createPublicKey(text);
    algorithms = ASYMMETRIC;
  } else {
    key = jwks.get(config.jwksUrl ?? '');
    algorithms = ASYMMETRIC;
  }
  const options = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms,
    clockTolerance: JWT_CLOCK_TOLERANCE_SEC,
  };
  const required = Object.entries(config.requiredClaims ?? {});
  const scopes = config.scopes;

  return {
    async verify(authorization) {
      const token = bearerToken(authorization);
      let payload: JWTPayload;
      try {
        // jose's overloads differ for a key and a key-set function; both are handled the same here.
        const result = await jwtVerify(token, key as KeyObject, {
          ...options,
          currentDate: new Date(clock.now()),
        });
        payload = result.payload;
      } catch (error) {
        throw describeFailure(error, config);
      }
      for (const [claim, value] of required) {
        if (!claimMatches(payload[claim], value)) {
          throw refused(
            payload[claim] === undefined
              ? `it has no '${claim}' claim, which this route requires`
              : `its '${claim}' claim does not have the value this route requires`,
          );
        }
      }
      const granted = scopesOf(payload);
      if (scopes !== undefined && !scopes.some((s) => granted?.includes(s))) {
        throw new GustError(
          'ERR_ACCESS_DENIED',
          `The bearer token has none of the scopes this route requires: ${scopes.join(', ')}.`,
          { details: { requiredScopes: scopes } },
        );
      }
      return { claims: stringifyClaims(payload), scopes: granted };
    },
  };
}

function bearerToken(authorization: string | undefined): string {
  const value = authorization?.trim() ?? '';
  if (value === '') {
    throw new GustError(
      'ERR_UNAUTHENTICATED',
      "The request has no bearer token: this route takes a JWT in 'Authorization: Bearer <token>'.",
      { headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  // API Gateway takes the token alone or prefixed with "Bearer ".
  return /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value;
}

function describeFailure(error: unknown, config: JwtAuthConfig): GustError {
  const code = (error as { code?: string }).code;
  const claim = (error as { claim?: string }).claim;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return refused('it has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'iss') return refused(`its issuer (iss) is not ${config.issuer}`);
      if (claim === 'aud') return refused(`its audience (aud) is none of ${config.audience.join(', ')}`);
      if (claim === 'nbf') return refused('it is not valid yet (nbf)');
      return refused(`its '${claim ?? 'unknown'}' claim is not valid`);
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return refused(
        `its algorithm (alg) is not accepted here; expected ${config.secret !== undefined ? 'HS256, HS384 or HS512' : 'an RSA, ECDSA or EdDSA signature'}`,
      );
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return refused("its signature does not verify with the route's key");
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return refused("no key of the route's JWKS matches its key id (kid)");
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JWT_CLAIM_INVALID':
      return refused('it is not a well-formed signed JWT');
    default:
      if (config.jwksUrl !== undefined) {
        return new GustError(
          'ERR_AUTHORIZER_FAILED',
          `The route's JSON Web Key Set could not be fetched from ${config.jwksUrl}, so the token could not be checked.`,
          { cause: error },
        );
      }
      return refused('it could not be verified');
  }
}

function claimMatches(actual: unknown, expected: string | number | boolean): boolean {
  if (Array.isArray(actual)) return actual.some((v) => v === expected);
  return actual === expected;
}

/** `scope` (space-separated, OAuth 2.0) or `scp` (a list or a string), as API Gateway reads them. */
function scopesOf(payload: JWTPayload): string[] | null {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter((s) => s !== '');
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return null;
}

/** API Gateway passes claims as strings: lists as "[a b]", objects as JSON. */
function stringifyClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (typeof value === 'string') claims[name] = value;
    else if (Array.isArray(value))
      claims[name] = `[${value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ')}]`;
    else if (value !== null && typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}
