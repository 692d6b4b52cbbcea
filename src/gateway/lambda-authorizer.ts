import type { IncomingMessage } from 'node:http';
import type { Clock } from '../core/clock.js';
import { GustError, isGustError } from '../core/errors.js';
import type { HttpAuthConfig } from '../core/types.js';
import { IDENTITY_SOURCE } from '../functions/http-options-schema.js';
import type { Invoker } from '../invoker/types.js';
import { type HttpApiEvent, parseQueryString } from './apigw-event.js';

type AuthorizerConfig = Extract<HttpAuthConfig, { type: 'authorizer' }>;

/** Where the authorizer's identity comes from: a header (lower-cased name) or a query parameter. */
interface IdentityPart {
  readonly from: 'header' | 'querystring';
  readonly name: string;
  readonly expression: string;
}

/** A remembered answer of an authorizer, for `ttl` seconds. */
interface Decision {
  until: number;
  allowed: boolean;
  context: Record<string, unknown> | undefined;
}

/** Cached decisions kept at most; past that, expired ones go first, then the oldest. */
const MAX_DECISIONS = 10_000;

/**
 * Decisions by authorizer and identity values, shared by every route (as API Gateway caches per
 * authorizer) and kept across route-table rebuilds.
 */
export class DecisionCache {
  readonly #entries = new Map<string, Decision>();

  get(key: string, now: number): Decision | undefined {
    const decision = this.#entries.get(key);
    if (decision === undefined) return undefined;
    if (decision.until > now) return decision;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, decision: Decision, now: number): void {
    if (this.#entries.size >= MAX_DECISIONS) {
      for (const [k, d] of this.#entries) if (d.until <= now) this.#entries.delete(k);
      const oldest = this.#entries.keys().next();
      if (this.#entries.size >= MAX_DECISIONS && oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, decision);
  }
}

export interface LambdaAuthorizerDeps {
  invoker: Invoker;
  clock: Clock;
  cache: DecisionCache;
  region: string;
  accountId: string;
}

/**
 * A Lambda request authorizer with API Gateway's simple response format (payload 2.0): the
 * function gets the request's authorizer event and answers `{ isAuthorized, context? }`. Returns
 * the context for the target's `requestContext.authorizer.lambda`; throws 401 when an identity
 * source is missing (the authorizer is not invoked), 403 when it says no, 500
 * ERR_AUTHORIZER_FAILED when it fails or answers something else (a failure is not cached).
 */
export class LambdaAuthorizer {
  readonly #config: AuthorizerConfig;
  readonly #deps: LambdaAuthorizerDeps;
  readonly #parts: IdentityPart[];
  readonly #ttlMs: number;

  constructor(config: AuthorizerConfig, deps: LambdaAuthorizerDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#ttlMs = config.ttlSec * 1000;
    this.#parts = config.identitySource.map((expression) => {
      const match = IDENTITY_SOURCE.exec(expression);
      const from = match?.[1] === 'querystring' ? 'querystring' : 'header';
      const name = match?.[2] ?? '';
      return { from, name: from === 'header' ? name.toLowerCase() : name, expression };
    });
  }

  /** Authorizes one request; `event` builds the request's 2.0 event (only on a cache miss). */
  async authorize(
    req: IncomingMessage,
    query: string,
    method: string,
    event: () => HttpApiEvent,
  ): Promise<Record<string, unknown> | undefined> {
    const identity = this.#identity(req, query);
    const now = this.#deps.clock.now();
    const key = `${this.#config.function}\n${this.#config.identitySource.join(',')}\n${identity.join('\n')}`;
    let decision = this.#ttlMs > 0 ? this.#deps.cache.get(key, now) : undefined;
    if (decision === undefined) {
      decision = await this.#ask(identity, method, event());
      if (this.#ttlMs > 0) {
        const answeredAt = this.#deps.clock.now();
        decision.until = answeredAt + this.#ttlMs;
        this.#deps.cache.set(key, decision, answeredAt);
      }
    }
    if (!decision.allowed) {
      throw new GustError('ERR_ACCESS_DENIED', "The route's authorizer refused this request.", {
        details: { authorizer: this.#config.function },
      });
    }
    return decision.context;
  }

  #identity(req: IncomingMessage, query: string): string[] {
    let params: Record<string, string> | undefined;
    return this.#parts.map((part) => {
      let value: string | undefined;
      if (part.from === 'header') {
        const raw = req.headers[part.name];
        value = Array.isArray(raw) ? raw.join(',') : raw;
      } else {
        params ??= parseQueryString(query) ?? {};
        value = params[part.name];
      }
      if (value === undefined || value === '') {
        throw new GustError(
          'ERR_UNAUTHENTICATED',
          `The request lacks ${part.expression}, which this route's authorizer needs.`,
          { details: { identitySource: part.expression } },
        );
      }
      return value;
    });
  }

  async #ask(identity: string[], method: string, event: HttpApiEvent): Promise<Decision> {
    const { region, accountId, invoker } = this.#deps;
    const name = this.#config.function;
    const payload = {
      version: '2.0',
      type: 'REQUEST',
      routeArn: `arn:aws:execute-api:${region}:${accountId}:${event.requestContext.apiId}/$default/${method}${event.rawPath}`,
      identitySource: identity,
      routeKey: event.routeKey,
      rawPath: event.rawPath,
      rawQueryString: event.rawQueryString,
      cookies: event.cookies,
      headers: event.headers,
      queryStringParameters: event.queryStringParameters,
      requestContext: event.requestContext,
      pathParameters: event.pathParameters,
    };
    let result: Awaited<ReturnType<Invoker['invoke']>>;
    try {
      result = await invoker.invoke(name, JSON.stringify(payload), { trigger: 'authorizer' });
    } catch (error) {
      // Throttling and shutdown are the platform's answers, not the authorizer's: pass them on.
      if (
        isGustError(error) &&
        (error.code === 'ERR_TOO_MANY_REQUESTS' || error.code === 'ERR_SHUTTING_DOWN')
      ) {
        throw error;
      }
      throw failed(name, `it could not be invoked: ${(error as Error).message}`, undefined, error);
    }
    if (result.status !== 'success' || result.payload === null) {
      throw failed(name, result.status === 'timeout' ? 'it timed out' : 'it failed', result.requestId);
    }
    let answer: unknown;
    try {
      answer = JSON.parse(result.payload);
    } catch {
      answer = undefined;
    }
    const response = answer as { isAuthorized?: unknown; context?: unknown } | null | undefined;
    if (typeof response !== 'object' || response === null || typeof response.isAuthorized !== 'boolean') {
      throw failed(name, 'it did not answer { "isAuthorized": true | false }', result.requestId);
    }
    const context = response.context;
    if (
      context !== undefined &&
      context !== null &&
      (typeof context !== 'object' || Array.isArray(context))
    ) {
      throw failed(name, 'its context is not an object', result.requestId);
    }
    return {
      until: 0,
      allowed: response.isAuthorized,
      context: (context ?? undefined) as Record<string, unknown> | undefined,
    };
  }
}

function failed(name: string, why: string, requestId: string | undefined, cause?: unknown): GustError {
  const logs = requestId === undefined ? '' : ` Its logs are under request id ${requestId}.`;
  return new GustError(
    'ERR_AUTHORIZER_FAILED',
    `The route's authorizer function '${name}' could not decide: ${why}.${logs}`,
    {
      details: { authorizer: name, ...(requestId === undefined ? {} : { authorizerRequestId: requestId }) },
      cause,
    },
  );
}
