import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { FunctionSummary } from '../functions/control-plane.js';
import type { InvokeOptions, Invoker } from '../invoker/types.js';
import { buildHttpEvent } from './apigw-event.js';
import { mapInvokeResult } from './apigw-response.js';
import type { Idempotency, Outcome } from './idempotency.js';
import { idempotencyKey, requestFingerprint } from './idempotency-key.js';
import { sendReplay } from './idempotent-outcome.js';
import { hasNoBody, readBody } from './read-body.js';
import type { RouteMatch, RouteTable } from './route-table.js';
import { send } from './send.js';
import type { RequestContext } from './types.js';

export interface AppRoutesDeps {
  invoker: Invoker;
  clock: Clock;
  accountId: string;
  maxBodyBytes: number;
  /** The current route table (replaced whenever the registry changes). */
  routes(): RouteTable;
  /** The deployed functions ($LATEST configuration): where routes opt in to idempotency. */
  functions(): readonly FunctionSummary[];
  idempotency: Idempotency;
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

function sourceIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The warm path: match the route, read the body (no await when there is none), build the 2.0
 * event, invoke, map the result. Nothing here is rebuilt per request.
 */
export function createAppRoutes(
  deps: AppRoutesDeps,
): (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void> {
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

  return async (req, res, ctx) => {
    const method = req.method ?? 'GET';
    const table = deps.routes();
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
    // The key is checked before the body is read: a malformed one fails fast.
    const policy = req.headers['idempotency-key'] === undefined ? undefined : policyFor(table, route);
    const key = policy === undefined ? undefined : idempotencyKey(req);
    const body = hasNoBody(req) ? EMPTY : await readBody(req, deps.maxBodyBytes);
    const event = buildHttpEvent({
      method,
      rawPath: ctx.path,
      rawQueryString: ctx.query,
      rawHeaders: req.rawHeaders,
      body,
      route,
      requestId: ctx.requestId,
      sourceIp: sourceIp(req),
      localPort: req.socket.localPort ?? 0,
      timeEpoch: deps.clock.now(),
      accountId: deps.accountId,
    });
    const options: InvokeOptions = { trigger: 'http', requestId: ctx.requestId };
    const traceId = req.headers['x-amzn-trace-id'];
    if (typeof traceId === 'string') options.traceId = traceId;
    const payload = JSON.stringify(event);
    if (policy === undefined || key === undefined) {
      const invoked = await deps.invoker.invoke(route.functionName, payload, options);
      const reply = mapInvokeResult(invoked, route.functionName);
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
    send(res, outcome.status, outcome.headers, outcome.body, ctx.requestId);
  };
}
