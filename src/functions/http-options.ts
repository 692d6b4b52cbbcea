import { createPublicKey } from 'node:crypto';
import type { CorsConfig, HttpAuthConfig, HttpRouteConfig, RateLimitConfig } from '../core/types.js';
import {
  DEFAULT_AUTHORIZER_TTL_SEC,
  type ParsedCors,
  type ParsedHttpAuth,
  type ParsedRateLimit,
} from './http-options-schema.js';

/** A problem found in the manifest: dotted field path and what was expected. */
interface Issue {
  path: string;
  message: string;
}

/** What a route's object form may carry besides method and path. */
export interface ParsedRouteOptions {
  auth?: ParsedHttpAuth | undefined;
  cors?: ParsedCors | undefined;
  rateLimit?: ParsedRateLimit | undefined;
}

/** The app-wide defaults under `provider`. */
export interface ParsedProviderOptions {
  httpAuth?: ParsedHttpAuth | undefined;
  cors?: ParsedCors | undefined;
}

/**
 * Adds a route's auth, CORS and rate limit to `route`, applying the app's defaults. Values equal to
 * the platform defaults (auth `key`, no CORS, no limit) are left out, so a version's id changes
 * only when its route guards do.
 */
export function applyRouteOptions(
  route: HttpRouteConfig,
  /** The parsed `http:` event: its object form may hold ParsedRouteOptions, its shorthand does not. */
  http: object,
  provider: ParsedProviderOptions,
  at: string,
  issues: Issue[],
): void {
  const options = http as ParsedRouteOptions;
  const explicit = options.auth !== undefined;
  const auth = toAuth(
    options.auth ?? provider.httpAuth,
    explicit ? `${at}.auth` : 'provider.httpAuth',
    issues,
  );
  if (auth !== undefined && auth.type !== 'key') route.auth = auth;
  const corsWhere = options.cors !== undefined ? `${at}.cors` : 'provider.cors';
  const cors = toCors(options.cors ?? provider.cors, corsWhere, issues);
  if (cors !== undefined) route.cors = cors;
  if (options.rateLimit !== undefined) route.rateLimit = toRateLimit(options.rateLimit);
}

function toAuth(value: ParsedHttpAuth | undefined, at: string, issues: Issue[]): HttpAuthConfig | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { type: value };
  switch (value.type) {
    case 'none':
    case 'key':
      return { type: value.type };
    case 'authorizer':
      return {
        type: 'authorizer',
        function: value.function,
        identitySource: value.identitySource ?? ['$request.header.Authorization'],
        ttlSec: value.ttl ?? DEFAULT_AUTHORIZER_TTL_SEC,
      };
    case 'jwt': {
      const sources = (['jwksUrl', 'publicKey', 'secret'] as const).filter((k) => value[k] !== undefined);
      if (sources.length !== 1) {
        addIssue(issues, {
          path: at,
          message:
            sources.length === 0
              ? 'expected where the signing key comes from: one of jwksUrl, publicKey or secret'
              : `expected one of jwksUrl, publicKey or secret, got ${sources.join(' and ')}`,
        });
        return undefined;
      }
      if (value.publicKey !== undefined) {
        const problem = checkPublicKey(value.publicKey);
        if (problem !== undefined) {
          addIssue(issues, { path: `${at}.publicKey`, message: problem });
          return undefined;
        }
      }
      const jwt: HttpAuthConfig = { type: 'jwt', issuer: value.issuer, audience: value.audience };
      if (value.jwksUrl !== undefined) jwt.jwksUrl = value.jwksUrl;
      if (value.publicKey !== undefined) jwt.publicKey = value.publicKey;
      if (value.secret !== undefined) jwt.secret = value.secret;
      if (value.requiredClaims !== undefined) jwt.requiredClaims = value.requiredClaims;
      if (value.scopes !== undefined) jwt.scopes = value.scopes;
      return jwt;
    }
  }
}

/** Why `text` is not a usable public key (PEM or JWK JSON), or undefined when it is one. */
export function checkPublicKey(text: string): string | undefined {
  const trimmed = text.trim();
  // A private key would be accepted by createPublicKey (it derives the public half); refuse it so
  // that a secret never sits in a function's configuration by mistake.
  if (/PRIVATE KEY/.test(trimmed))
    return 'that is a private key: give the public key (-----BEGIN PUBLIC KEY-----)';
  try {
    if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as Record<string, unknown>;
      if ('d' in jwk || 'k' in jwk)
        return 'that JWK holds private or symmetric key material: give the public key';
      createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    } else {
      createPublicKey(trimmed);
    }
    return undefined;
  } catch (error) {
    return `expected a public key as PEM (-----BEGIN PUBLIC KEY-----) or a JWK as JSON: ${(error as Error).message}`;
  }
}

function toCors(value: ParsedCors | undefined, at: string, issues: Issue[]): CorsConfig | undefined {
  if (value === undefined || value === false) return undefined;
  const settings = value === true ? {} : value;
  const cors: CorsConfig = {
    allowOrigins: settings.allowOrigins ?? ['*'],
    allowMethods: (settings.allowMethods ?? ['*']).map((m) => m.toUpperCase()),
    allowHeaders: (settings.allowHeaders ?? ['*']).map((h) => h.toLowerCase()),
    exposeHeaders: (settings.exposeHeaders ?? []).map((h) => h.toLowerCase()),
    allowCredentials: settings.allowCredentials ?? false,
  };
  if (settings.maxAge !== undefined) cors.maxAgeSec = settings.maxAge;
  if (cors.allowCredentials && cors.allowOrigins.includes('*')) {
    // Browsers refuse credentialed responses that allow any origin; so does API Gateway.
    addIssue(issues, {
      path: `${at}.allowCredentials`,
      message: 'allowCredentials needs allowOrigins to name the origins: browsers refuse credentials with *',
    });
  }
  return cors;
}

function toRateLimit(value: ParsedRateLimit): RateLimitConfig {
  return { rate: value.rate, burst: value.burst ?? Math.max(1, Math.ceil(value.rate)) };
}

/** A route's authorizer must be a function of the same app, so the deploy brings it along. */
export function checkAuthorizers(
  functions: readonly { name: string; config: { routes: HttpRouteConfig[] } }[],
  issues: Issue[],
): void {
  const names = new Set(functions.map((f) => f.name));
  for (const fn of functions) {
    fn.config.routes.forEach((route) => {
      if (route.auth?.type !== 'authorizer' || names.has(route.auth.function)) return;
      issues.push({
        path: `functions.${fn.name}.events`,
        message: `route ${route.method} ${route.path}: authorizer function ${route.auth.function} is not declared in this manifest`,
      });
    });
  }
}

/** App-wide defaults are applied to every route: report a problem in one once, not per route. */
function addIssue(issues: Issue[], issue: Issue): void {
  if (!issues.some((i) => i.path === issue.path && i.message === issue.message)) issues.push(issue);
}
