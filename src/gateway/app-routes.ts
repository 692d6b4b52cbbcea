import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { FunctionSummary } from '../functions/control-plane.js';
import type { InvokeOptions, Invoker } from '../invoker/types.js';
import { buildHttpEvent, type HttpApiEvent, type HttpEventAuthorizer } from './apigw-event.js';
import { mapInvokeResult } from './apigw-response.js';
import type { RunAuthenticated } from './authenticated.js';
import { dropFunctionCorsHeaders, isPreflight } from './cors.js';
import type { Idempotency, Outcome } from './idempotency.js';
import { idempotencyKey, requestFingerprint } from './idempotency-key.js';
import { sendReplay } from './idempotent-outcome.js';
import { hasNoBody, readBody } from './read-body.js';
import { type RouteGuard, RouteGuards } from './route-guards.js';
import type { RouteMatch, RouteTable } from './route-table.js';
import { send } from './send.js';
import { rateLimited } from './token-bucket.js';
import type { RequestContext } from './types.js';

export interface AppRoutesDeps {
  invoker: Invoker;
  clock: Clock;
  region: string;
  accountId: string;
  maxBodyBytes: number;
  /** The current route table (replaced whenever the registry changes). */
  routes(): RouteTable;
  /** The deployed functions ($LATEST configuration): where routes opt in to idempotency. */
  functions(): readonly FunctionSummary[];
  idempotency: Idempotency;
  /** Runs a `key` route for an authenticated caller, as the APIs are run (authenticated.ts). */
  runAuthenticated: RunAuthenticated;
}

const EMPTY = Buffer.alloc(0);

/** Function errors are responses too: a repeat gets the same 502 or 504 instead of a second run. */
const REPLAYED_ERRORS: ReadonlySet<string> = new Set([
  'ERR_FUNCTION_ERROR',
  'ERR_INVALID_FUNCTION_RESPONSE',
  'ERR_FUNCTION_TIMEOUT',
]);

interface RoutePolicy {
  ttlMs: number;
  timeoutMs: number;
}

/** Routes that honour Idempotency-Key, by `functionName\nrouteKey`. */
function idempotentRoutes(functions: readonly FunctionSummary[]): Map<string, RoutePolicy> {
  const policies = new Map<string, RoutePolicy>();
  for (const fn of functions) {
    for (const route of fn.config.routes) {
      if (route.idempotencyTtlSec === undefined) continue;
      policies.set(`${fn.name}\n${route.method} ${route.path}`, {
        ttlMs: route.idempotencyTtlSec * 1000,
        timeoutMs: fn.config.timeoutSec * 1000,
      });
    }
  }
  return policies;
}

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void>;

/**
 * The warm path: match the route, pass its guards (CORS, rate limit, auth), read the body (no
 * await when there is none), build the 2.0 event, invoke, map the result. Nothing here is rebuilt
 * per request: guards are compiled once per route table (route-guards.ts).
 *
 * Order, as API Gateway: a CORS preflight is answered before anything else (browsers send no
 * credentials on one); then the route's rate limit (cheap, and it blunts credential guessing);
 * then auth, before the body is read, so an unauthenticated client cannot make Gust buffer it.
 */
export function createAppRoutes(deps: AppRoutesDeps): Handler {
  const guards = new RouteGuards({
    invoker: deps.invoker,
    clock: deps.clock,
    region: deps.region,
    accountId: deps.accountId,
  });
  // Invariant: `policies` was built for `policiesOf`; both are rebuilt when the table is replaced.
  let policiesOf: RouteTable | undefined;
  let policies = new Map<string, RoutePolicy>();
  const policyFor = (table: RouteTable, route: RouteMatch): RoutePolicy | undefined => {
    if (policiesOf !== table) {
      policies = idempotentRoutes(deps.functions());
      policiesOf = table;
    }
    return policies.get(`${route.functionName}\n${route.routeKey}`);
  };

  const eventOf = (
    req: IncomingMessage,
    ctx: RequestContext,
    method: string,
    route: RouteMatch,
    body: Buffer,
  ): HttpApiEvent =>
    buildHttpEvent({
      method,
      rawPath: ctx.path,
      rawQueryString: ctx.query,
      rawHeaders: req.rawHeaders,
      body,
      route,
      requestId: ctx.requestId,
      sourceIp: ctx.sourceIp,
      localPort: req.socket.localPort ?? 0,
      timeEpoch: deps.clock.now(),
      accountId: deps.accountId,
    });

  /** Answers a CORS preflight for a route with CORS; false when the request is not one of those. */
  const preflight = (
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    table: RouteTable,
  ): boolean => {
    const requested = String(req.headers['access-control-request-method']).toUpperCase();
    const target = table.match(requested, ctx.path);
    if (target === null) return false;
    const cors = guards.of(table, target.entry).cors;
    if (cors === undefined) return false;
    const headers = cors.preflight(
      req.headers.origin,
      requested,
      req.headers['access-control-request-headers'],
    );
    send(res, 204, headers ?? {}, null, ctx.requestId);
    return true;
  };

  /** A `key` route: the caller's API key must allow function:Invoke on the route's function. */
  const withKey = async (
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    method: string,
    route: RouteMatch,
    guard: RouteGuard,
  ): Promise<void> => {
    await deps.runAuthenticated(req, res, ctx, deps.maxBodyBytes, async () => {
      ctx.auth.require('function:Invoke', guard.resource);
      await serve(req, res, ctx, method, route, guard, undefined);
    });
  };

  const serve = async (
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    method: string,
    route: RouteMatch,
    guard: RouteGuard,
    authorizer: HttpEventAuthorizer | undefined,
  ): Promise<void> => {
    const table = deps.routes();
    // The key is checked before the body is read: a malformed one fails fast.
    const policy = req.headers['idempotency-key'] === undefined ? undefined : policyFor(table, route);
    const key = policy === undefined ? undefined : idempotencyKey(req);
    const body = hasNoBody(req) ? EMPTY : await readBody(req, deps.maxBodyBytes);
    const event = eventOf(req, ctx, method, route, body);
    if (authorizer !== undefined) event.requestContext.authorizer = authorizer;
    const options: InvokeOptions = { trigger: 'http', requestId: ctx.requestId };
    const traceId = req.headers['x-amzn-trace-id'];
    if (typeof traceId === 'string') options.traceId = traceId;
    const payload = JSON.stringify(event);
    if (policy === undefined || key === undefined) {
      const invoked = await deps.invoker.invoke(route.functionName, payload, options);
      const reply = mapInvokeResult(invoked, route.functionName);
      if (guard.cors !== undefined) dropFunctionCorsHeaders(reply.headers);
      send(res, reply.status, reply.headers, reply.body, ctx.requestId);
      return;
    }
    const result = await deps.idempotency.run(
      {
        scope: `route:${route.routeKey}`,
        key,
        fingerprint: requestFingerprint([method, ctx.path, ctx.query], body),
        requestId: ctx.requestId,
        ttlMs: policy.ttlMs,
        timeoutMs: policy.timeoutMs,
      },
      async (): Promise<Outcome> => {
        // Throttling and failures before the function ran throw: nothing is stored, a retry runs.
        const invoked = await deps.invoker.invoke(route.functionName, payload, options);
        try {
          const reply = mapInvokeResult(invoked, route.functionName);
          return { kind: 'response', status: reply.status, headers: reply.headers, body: reply.body };
        } catch (error) {
          if (error instanceof GustError && REPLAYED_ERRORS.has(error.code)) return { kind: 'error', error };
          throw error;
        }
      },
    );
    if (result.replayed) return sendReplay(res, result.stored, 'gust');
    const { outcome } = result;
    if (outcome.kind === 'error') throw outcome.error;
    if (guard.cors !== undefined) dropFunctionCorsHeaders(outcome.headers);
    send(res, outcome.status, outcome.headers, outcome.body, ctx.requestId);
  };

  return async (req, res, ctx) => {
    const method = req.method ?? 'GET';
    const table = deps.routes();
    if (method === 'OPTIONS' && isPreflight(method, req.headers) && preflight(req, res, ctx, table)) return;
    const route = table.match(method, ctx.path);
    if (route === null) {
      const allow = table.allowedMethods(ctx.path);
      if (allow.length > 0) {
        throw new GustError(
          'ERR_METHOD_NOT_ALLOWED',
          `${method} is not allowed on ${ctx.path}; allowed: ${allow.join(', ')}.`,
          {
            headers: { allow: allow.join(', ') },
          },
        );
      }
      throw new GustError('ERR_ROUTE_NOT_FOUND', `No route matches ${method} ${ctx.path}.`);
    }
    const guard = guards.of(table, route.entry);
    // Before anything can fail, so that errors carry the CORS headers too (or the browser hides them).
    if (guard.cors !== undefined) guard.cors.decorate(res, req.headers.origin);
    if (guard.bucket !== undefined) {
      const wait = guard.bucket.take(deps.clock.now());
      if (wait > 0) {
        throw rateLimited(
          `Rate exceeded: route ${guard.routeKey} is over its rate limit.`,
          wait,
          'RouteRateLimitExceeded',
        );
      }
    }
    switch (guard.auth) {
      case 'none':
        return serve(req, res, ctx, method, route, guard, undefined);
      case 'key':
        return withKey(req, res, ctx, method, route, guard);
      case 'jwt': {
        const jwt = await (guard.jwt as NonNullable<RouteGuard['jwt']>).verify(req.headers.authorization);
        return serve(req, res, ctx, method, route, guard, { jwt });
      }
      case 'authorizer': {
        const authorizer = guard.authorizer as NonNullable<RouteGuard['authorizer']>;
        const context = await authorizer.authorize(req, ctx.query, method, () =>
          eventOf(req, ctx, method, route, EMPTY),
        );
        return serve(req, res, ctx, method, route, guard, { lambda: context ?? {} });
      }
    }
  };
}
