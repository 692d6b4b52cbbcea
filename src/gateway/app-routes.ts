import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { InvokeOptions, Invoker } from '../invoker/types.js';
import { buildHttpEvent } from './apigw-event.js';
import { mapInvokeResult } from './apigw-response.js';
import { hasNoBody, readBody } from './read-body.js';
import type { RouteTable } from './route-table.js';
import { send } from './send.js';
import type { RequestContext } from './types.js';

export interface AppRoutesDeps {
  invoker: Invoker;
  clock: Clock;
  accountId: string;
  maxBodyBytes: number;
  /** The current route table (replaced whenever the registry changes). */
  routes(): RouteTable;
}

const EMPTY = Buffer.alloc(0);

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
    const result = await deps.invoker.invoke(route.functionName, JSON.stringify(event), options);
    const reply = mapInvokeResult(result, route.functionName);
    send(res, reply.status, reply.headers, reply.body, ctx.requestId);
  };
}
