import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { RouteEntry } from '../functions/control-plane.js';
import type { Invoker } from '../invoker/types.js';
import { CompiledCors } from './cors.js';
import { createJwtVerifier, JwksCache, type JwtVerifier } from './jwt-auth.js';
import { DecisionCache, LambdaAuthorizer } from './lambda-authorizer.js';
import type { RouteTable } from './route-table.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Everything that stands between a request and a route's function, compiled from the route's
 * manifest settings once per route table: who may call (auth), CORS, and the route's rate limit.
 */
export interface RouteGuard {
  readonly functionName: string;
  /** "GET /orders": the route key, for messages. */
  readonly routeKey: string;
  /** `gust:function:NAME`: what a key must be allowed to function:Invoke. */
  readonly resource: string;
  readonly auth: 'none' | 'key' | 'jwt' | 'authorizer';
  readonly jwt?: JwtVerifier;
  readonly authorizer?: LambdaAuthorizer;
  readonly cors?: CompiledCors;
  /** Shared by every caller of the route. */
  readonly bucket?: TokenBucket;
}

export interface RouteGuardsDeps {
  invoker: Invoker;
  clock: Clock;
  region: string;
  accountId: string;
}

/**
 * The guards of the current route table. They are rebuilt when the table is replaced (never per
 * request); what must outlive a rebuild is kept here: fetched JWKS, cached authorizer decisions,
 * and the tokens left in each route's bucket (so a deploy does not reset a route's limit).
 */
export class RouteGuards {
  readonly #deps: RouteGuardsDeps;
  readonly #jwks = new JwksCache();
  readonly #decisions = new DecisionCache();
  #buckets = new Map<string, TokenBucket>();
  #table: RouteTable | undefined;
  #guards = new Map<RouteEntry, RouteGuard>();

  constructor(deps: RouteGuardsDeps) {
    this.#deps = deps;
  }

  /** The guard of `entry`, a route of `table`. */
  of(table: RouteTable, entry: RouteEntry): RouteGuard {
    if (this.#table !== table) this.#rebuild(table);
    const guard = this.#guards.get(entry);
    // Invariant: every entry of the table has a guard; this only guards against a stray entry.
    return guard ?? this.#compile(entry, new Map());
  }

  #rebuild(table: RouteTable): void {
    const guards = new Map<RouteEntry, RouteGuard>();
    const buckets = new Map<string, TokenBucket>();
    const urls = new Set<string>();
    for (const entry of table.entries) {
      guards.set(entry, this.#compile(entry, buckets));
      if (entry.auth?.type === 'jwt' && entry.auth.jwksUrl !== undefined) urls.add(entry.auth.jwksUrl);
    }
    this.#jwks.retain(urls);
    this.#guards = guards;
    this.#buckets = buckets;
    this.#table = table;
  }

  #compile(entry: RouteEntry, buckets: Map<string, TokenBucket>): RouteGuard {
    const routeKey = `${entry.method} ${entry.path}`;
    const auth = entry.auth ?? { type: 'key' as const };
    const guard: {
      -readonly [K in keyof RouteGuard]: RouteGuard[K];
    } = {
      functionName: entry.functionName,
      routeKey,
      resource: `gust:function:${entry.functionName}`,
      auth: auth.type,
    };
    if (auth.type === 'jwt') {
      try {
        guard.jwt = createJwtVerifier(auth, this.#deps.clock, this.#jwks);
      } catch (error) {
        // Keys are checked at deploy; a stored one that no longer loads refuses every request.
        const failure = new GustError(
          'ERR_AUTHORIZER_FAILED',
          `The JWT settings of route ${routeKey} cannot be used: ${(error as Error).message}`,
        );
        guard.jwt = { verify: () => Promise.reject(failure) };
      }
    } else if (auth.type === 'authorizer') {
      guard.authorizer = new LambdaAuthorizer(auth, { ...this.#deps, cache: this.#decisions });
    }
    if (entry.cors !== undefined) guard.cors = new CompiledCors(entry.cors);
    if (entry.rateLimit !== undefined) {
      const key = `${entry.functionName}\n${routeKey}\n${entry.rateLimit.rate}/${entry.rateLimit.burst}`;
      const bucket = this.#buckets.get(key) ?? new TokenBucket(entry.rateLimit, this.#deps.clock.now());
      buckets.set(key, bucket);
      guard.bucket = bucket;
    }
    return guard;
  }
}
