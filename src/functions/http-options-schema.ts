import { z } from 'zod';

/**
 * The manifest's schemas for how an HTTP route is guarded: `auth`, `cors` and `rateLimit` on a
 * route, and their app-wide defaults `provider.httpAuth` and `provider.cors`. http-options.ts turns
 * the parsed values into HttpAuthConfig / CorsConfig / RateLimitConfig and checks what a schema
 * cannot (exactly one key source for a JWT, authorizers naming declared functions).
 */

export const AUTH_MODES = ['none', 'key', 'jwt', 'authorizer'] as const;
/** API Gateway's limit on an authorizer's cache time to live. */
export const AUTHORIZER_TTL_MAX_SEC = 3600;
export const DEFAULT_AUTHORIZER_TTL_SEC = 300;

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** `$request.header.NAME` or `$request.querystring.NAME`: where an authorizer's identity comes from. */
export const IDENTITY_SOURCE = /^\$request\.(header|querystring)\.([A-Za-z0-9!#$%&'*+.^_`|~-]+)$/;
const HTTP_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });
const list = (what: string) =>
  z.union(
    [
      text(what).transform((s) => [s]),
      z.array(text(what)).min(1, { error: `expected at least one ${what}` }),
    ],
    {
      error: `expected ${what}, or a list of them`,
    },
  );

const jwtAuth = z.strictObject({
  type: z.literal('jwt'),
  issuer: text('the issuer tokens carry in iss, e.g. https://auth.example.com/'),
  audience: list('an audience (a value of the aud claim)'),
  jwksUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL of a JSON Web Key Set' }).optional(),
  publicKey: text('a public key: PEM (-----BEGIN PUBLIC KEY-----) or a JWK as JSON').optional(),
  secret: z
    .string({ error: 'expected an HMAC secret' })
    .min(32, { error: 'expected an HMAC secret of at least 32 characters' })
    .optional(),
  requiredClaims: z
    .record(text('a claim name'), z.union([z.string(), z.number(), z.boolean()]), {
      error: 'expected a map of claim: value',
    })
    .optional(),
  scopes: z.array(text('a scope'), { error: 'expected a list of scopes' }).min(1).optional(),
});

const authorizerAuth = z.strictObject({
  type: z.literal('authorizer'),
  function: z
    .string({ error: 'expected the name of the authorizer function' })
    .regex(FUNCTION_NAME, { error: 'expected a function name of 1 to 64 letters, digits, - and _' }),
  identitySource: z
    .array(
      z.string().regex(IDENTITY_SOURCE, {
        error: 'expected $request.header.NAME or $request.querystring.NAME',
      }),
      { error: 'expected a list such as [$request.header.Authorization]' },
    )
    .min(1, { error: 'expected at least one identity source' })
    .optional(),
  ttl: z
    .number({ error: 'expected a cache time to live in seconds' })
    .int({ error: 'expected a whole number of seconds' })
    .min(0, { error: 'expected 0 (no cache) or more seconds' })
    .max(AUTHORIZER_TTL_MAX_SEC, { error: `expected at most ${AUTHORIZER_TTL_MAX_SEC} (seconds)` })
    .optional(),
});

const simpleAuth = z.strictObject({ type: z.enum(['none', 'key']) });

/** `auth: none | key` or `auth: { type: none | key | jwt | authorizer, ... }`. */
export const httpAuth = z.union(
  [
    z.enum(['none', 'key'], { error: 'expected none or key' }),
    z.discriminatedUnion('type', [simpleAuth, jwtAuth, authorizerAuth], {
      error: `expected type: one of ${AUTH_MODES.join(', ')}`,
    }),
  ],
  { error: 'expected none or key, or { type: jwt | authorizer, ... } (jwt and authorizer take settings)' },
);

const seconds = z
  .number({ error: 'expected a number of seconds' })
  .int({ error: 'expected a whole number of seconds' })
  .min(0, { error: 'expected 0 or more seconds' })
  .max(86_400, { error: 'expected at most 86400 (seconds)' });

const corsObject = z.strictObject({
  allowOrigins: z
    .array(
      z.string({ error: 'expected an origin' }).regex(/^(\*|https?:\/\/[^/\s]+)$/, {
        error: 'expected * or an origin such as https://app.example.com',
      }),
      { error: 'expected a list of origins' },
    )
    .optional(),
  allowMethods: z
    .array(z.string().regex(HTTP_TOKEN, { error: 'expected an HTTP method or *' }), {
      error: 'expected a list of methods',
    })
    .optional(),
  allowHeaders: z
    .array(z.string().regex(/^(\*|[A-Za-z0-9!#$%&'+.^_`|~-]+)$/, { error: 'expected a header name or *' }), {
      error: 'expected a list of header names',
    })
    .optional(),
  exposeHeaders: z
    .array(z.string().regex(/^(\*|[A-Za-z0-9!#$%&'+.^_`|~-]+)$/, { error: 'expected a header name or *' }), {
      error: 'expected a list of header names',
    })
    .optional(),
  maxAge: seconds.optional(),
  allowCredentials: z.boolean({ error: 'expected true or false' }).optional(),
});

/** `cors: true` (any origin), `cors: false` (none, overriding provider.cors), or the settings. */
export const cors = z.union([z.boolean(), corsObject], {
  error:
    'expected true, false, or { allowOrigins, allowMethods, allowHeaders, exposeHeaders, maxAge, allowCredentials }',
});

/** `rateLimit: { rate, burst }`: requests a second, and how many may come at once. */
export const rateLimit = z.strictObject(
  {
    rate: z
      .number({ error: 'expected requests per second' })
      .positive({ error: 'expected more than 0 requests per second' })
      .max(1_000_000, { error: 'expected at most 1000000 requests per second' }),
    burst: z
      .number({ error: 'expected a number of requests' })
      .int({ error: 'expected a whole number of requests' })
      .min(1, { error: 'expected at least 1 request' })
      .max(1_000_000, { error: 'expected at most 1000000 requests' })
      .optional(),
  },
  { error: 'expected { rate: requests per second, burst: requests }' },
);

/** The fields an `http:` event's object form takes besides method and path. */
export const httpRouteOptions = {
  auth: httpAuth.optional(),
  cors: cors.optional(),
  rateLimit: rateLimit.optional(),
};

export type ParsedHttpAuth = z.output<typeof httpAuth>;
export type ParsedCors = z.output<typeof cors>;
export type ParsedRateLimit = z.output<typeof rateLimit>;
