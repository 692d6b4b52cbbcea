import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from 'find-my-way';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { InvocationRecord } from '../core/types.js';
import type { DeployReport, FunctionRegistry } from '../functions/control-plane.js';
import type { PoolStats } from '../runtime/types.js';
import type { AsyncInvocationRecord } from '../store/delivery-repositories.js';
import type { InvocationQuery, LogQuery, Store } from '../store/store.js';
import { receiveUpload } from './deploy-upload.js';
import { countInstances, withInstances } from './function-views.js';
import { integerParam, stringParam } from './query-params.js';
import { send, sendJson } from './send.js';
import type { ControlRoute, RequestContext } from './types.js';

export interface ControlApiDeps {
  registry: FunctionRegistry;
  store: Store;
  pool: { stats(): PoolStats };
  clock: Clock;
  version: string;
  storeKind: string;
  /** How instances are isolated, reported by /health. */
  sandbox?: string;
  tmpDir: string;
  maxDeployBytes: number;
  /** When the gateway started (clock.now()), for uptimeMs. */
  startedAt(): number;
  /** Endpoints other capabilities add. */
  extraRoutes?: readonly ControlRoute[];
}

/** `GET /_gust/v1/invocations/{requestId}` (docs/api.md). */
export interface InvocationView {
  requestId: string;
  functionName: string;
  /** The record of the invocation (of its latest attempt, for an async one); null until one ran. */
  invocation: InvocationRecord | null;
  /** The status of an asynchronous invocation; null for a synchronous one. */
  async: AsyncInvocationRecord | null;
}

type Params = Record<string, string | undefined>;
type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  params: Params,
) => Promise<void>;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const MAX_TIME = Number.MAX_SAFE_INTEGER;

function noop(): void {}

function param(params: Params, name: string): string {
  return params[name] ?? '';
}

/**
 * The control API (`/_gust/v1/...`) that the CLI and dashboard use: deploy, functions, versions,
 * invocations, logs, routes, health. docs/api.md is its specification.
 */
export function createControlApi(
  deps: ControlApiDeps,
): (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void> {
  const { registry, store } = deps;
  const router = Router({ maxParamLength: 512, querystringParser: () => ({}) });
  const on = (method: (typeof METHODS)[number], path: string, handler: Handler): void => {
    router.on(method, `/_gust/v1${path}`, noop, handler);
  };
  // Deploys run one at a time: each replaces what the previous one declared.
  let deployChain: Promise<unknown> = Promise.resolve();

  /** 404 ERR_FUNCTION_NOT_FOUND unless `name` is a deployed function. */
  const requireFunction = (name: string): void => {
    registry.resolve(name);
  };

  on('GET', '/health', async (_req, res, ctx) => {
    sendJson(
      res,
      200,
      {
        status: 'ok',
        version: deps.version,
        uptimeMs: Math.max(0, deps.clock.now() - deps.startedAt()),
        store: deps.storeKind,
        sandbox: deps.sandbox ?? 'none',
      },
      ctx.requestId,
    );
  });

  on('POST', '/deploy', async (req, res, ctx) => {
    const upload = await receiveUpload(req, { tmpDir: deps.tmpDir, maxBytes: deps.maxDeployBytes });
    let report: DeployReport;
    try {
      const run = deployChain.then(() => registry.deployDirectory(upload.appDir));
      deployChain = run.catch(noop);
      report = await run;
    } finally {
      // Removed before answering, so a client that sees the answer sees no leftovers.
      await upload.remove();
    }
    sendJson(res, 200, report, ctx.requestId);
  });

  on('GET', '/functions', async (_req, res, ctx) => {
    const counts = countInstances(deps.pool.stats());
    const functions = registry
      .list()
      .slice()
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((summary) => withInstances(summary, counts));
    sendJson(res, 200, { functions }, ctx.requestId);
  });

  on('GET', '/functions/:name', async (_req, res, ctx, params) => {
    const detail = await registry.get(param(params, 'name'));
    sendJson(res, 200, withInstances(detail, countInstances(deps.pool.stats())), ctx.requestId);
  });

  on('DELETE', '/functions/:name', async (_req, res, ctx, params) => {
    await registry.delete(param(params, 'name'));
    send(res, 204, {}, null, ctx.requestId);
  });

  on('POST', '/functions/:name/versions', async (_req, res, ctx, params) => {
    const name = param(params, 'name');
    // Publishing unchanged code returns the existing number: that is a 200, a new number a 201.
    const before = await registry.get(name);
    const published = await registry.publish(name);
    const existed = before.published.some((p) => p.number === published.number);
    const { functionName, number, versionId, createdAt } = published;
    sendJson(res, existed ? 200 : 201, { functionName, number, versionId, createdAt }, ctx.requestId);
  });

  on('GET', '/functions/:name/invocations', async (_req, res, ctx, params) => {
    const name = param(params, 'name');
    const query = new URLSearchParams(ctx.query);
    const limit = integerParam(query, 'limit', { min: 1, max: 1000 }) ?? 50;
    const before = integerParam(query, 'before', { min: 0, max: MAX_TIME });
    requireFunction(name);
    const q: InvocationQuery = { functionName: name, limit };
    if (before !== undefined) q.before = before;
    sendJson(res, 200, { invocations: await store.invocations.list(q) }, ctx.requestId);
  });

  on('GET', '/functions/:name/logs', async (_req, res, ctx, params) => {
    const name = param(params, 'name');
    const query = new URLSearchParams(ctx.query);
    const since = integerParam(query, 'since', { min: 0, max: MAX_TIME });
    const afterId = integerParam(query, 'afterId', { min: 0, max: MAX_TIME });
    const requestId = stringParam(query, 'requestId');
    const limit = integerParam(query, 'limit', { min: 1, max: 10_000 }) ?? 1000;
    requireFunction(name);
    const q: LogQuery = { functionName: name, limit };
    if (since !== undefined) q.since = since;
    if (afterId !== undefined) q.afterId = afterId;
    if (requestId !== undefined) q.requestId = requestId;
    const logs = await store.logs.query(q);
    const lastId = logs.at(-1)?.id ?? afterId ?? 0;
    sendJson(res, 200, { logs, lastId }, ctx.requestId);
  });

  on('GET', '/functions/:name/async', async (_req, res, ctx, params) => {
    const name = param(params, 'name');
    const query = new URLSearchParams(ctx.query);
    const limit = integerParam(query, 'limit', { min: 1, max: 1000 }) ?? 50;
    requireFunction(name);
    const asyncInvocations = await store.asyncInvocations.list({ functionName: name, limit });
    sendJson(res, 200, { asyncInvocations }, ctx.requestId);
  });

  // An async invocation has a status record from the moment it is accepted, and an invocation
  // record once an attempt ran; a synchronous one only the latter. Either is enough for a 200.
  on('GET', '/invocations/:requestId', async (_req, res, ctx, params) => {
    const requestId = param(params, 'requestId');
    const [invocation, asyncRecord] = await Promise.all([
      store.invocations.get(requestId),
      store.asyncInvocations.get(requestId),
    ]);
    const functionName = invocation?.functionName ?? asyncRecord?.functionName;
    if (functionName === undefined) {
      throw new GustError(
        'ERR_INVOCATION_NOT_FOUND',
        `No invocation with request id '${requestId}' is recorded.`,
        {
          details: { requestId },
        },
      );
    }
    const view: InvocationView = {
      requestId,
      functionName,
      invocation: invocation ?? null,
      async: asyncRecord ?? null,
    };
    sendJson(res, 200, view, ctx.requestId);
  });

  on('GET', '/routes', async (_req, res, ctx) => {
    sendJson(res, 200, { routes: registry.routes() }, ctx.requestId);
  });

  for (const route of deps.extraRoutes ?? []) on(route.method, route.path, route.handler);

  return async (req, res, ctx) => {
    const method = req.method ?? 'GET';
    const found = router.find(method as Router.HTTPMethod, ctx.path);
    if (found !== null) {
      await (found.store as Handler)(req, res, ctx, found.params);
      return;
    }
    const allow = METHODS.filter((m) => m !== method && router.find(m, ctx.path) !== null);
    if (allow.length > 0) {
      throw new GustError(
        'ERR_METHOD_NOT_ALLOWED',
        `${method} is not allowed on ${ctx.path}; use ${allow.join(' or ')}.`,
        {
          headers: { allow: allow.join(', ') },
        },
      );
    }
    throw new GustError(
      'ERR_NOT_FOUND',
      `There is no Gust API at ${ctx.path}. docs/api.md lists the endpoints.`,
    );
  };
}
