import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from 'find-my-way';
import type { Cluster } from '../cluster/cluster.js';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { InvocationRecord } from '../core/types.js';
import type { DeployReport, FunctionRegistry } from '../functions/control-plane.js';
import type { Manifest } from '../functions/manifest.js';
import { isolatedNetworkFunctions } from '../functions/network-isolation.js';
import type { PoolStats } from '../runtime/types.js';
import { findReferences } from '../secrets/secret-references.js';
import type { AsyncInvocationRecord } from '../store/delivery-repositories.js';
import type { InvocationQuery, LogQuery, Store } from '../store/store.js';
import { receiveUpload } from './deploy-upload.js';
import { countInstances, withInstances } from './function-views.js';
import { integerParam, stringParam } from './query-params.js';
import { functionView, routeView } from './route-views.js';
import { send, sendJson } from './send.js';
import type { ControlRoute, RequestContext, RouteAuthorization } from './types.js';

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
  /** The nodes sharing the store (absent: this node alone). */
  cluster?: Pick<Cluster, 'nodeId' | 'listNodes'>;
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

interface RouteEntry {
  handler: Handler;
  authorize: RouteAuthorization;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const MAX_TIME = Number.MAX_SAFE_INTEGER;

function noop(): void {}

/** 'ok' when the store answers a trivial query within a second, else 'unavailable'. */
async function storeReachable(store: Store, clock: Clock): Promise<'ok' | 'unavailable'> {
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<'unavailable'>((resolve) => {
    timer = clock.setTimeout(() => resolve('unavailable'), 1000);
  });
  try {
    return await Promise.race([store.schemaVersion().then(() => 'ok' as const), timeout]);
  } catch {
    return 'unavailable';
  } finally {
    timer?.cancel();
  }
}

/** The right to deliver to a trigger's target: `function:NAME`, `queue:NAME`, `bus:NAME` or `workflow:NAME`. */
function requireDelivery(ctx: RequestContext, target: string): void {
  const colon = target.indexOf(':');
  const kind = target.slice(0, colon);
  const name = target.slice(colon + 1);
  if (kind === 'function') ctx.auth.require('function:Invoke', `gust:function:${name}`);
  else if (kind === 'queue') ctx.auth.require('queue:Send', `gust:queue:${name}`);
  else if (kind === 'bus') ctx.auth.require('events:Put', `gust:bus:${name}`);
  else if (kind === 'workflow') ctx.auth.require('workflows:Start', `gust:workflow:${name}`);
}

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
  const on = (
    method: (typeof METHODS)[number],
    path: string,
    authorize: RouteAuthorization,
    handler: Handler,
  ): void => {
    const entry: RouteEntry = { handler, authorize };
    router.on(method, `/_gust/v1${path}`, noop, entry);
  };
  const fn = (action: string): RouteAuthorization => ({
    action,
    resource: (params) => `gust:function:${params.name ?? ''}`,
  });
  // Deploys run one at a time: each replaces what the previous one declared.
  let deployChain: Promise<unknown> = Promise.resolve();

  /** 404 ERR_FUNCTION_NOT_FOUND unless `name` is a deployed function. */
  const requireFunction = (name: string): void => {
    registry.resolve(name);
  };

  // Public: the gateway answers it before asking for credentials (load balancers call it).
  on('GET', '/health', { inHandler: 'nothing: public' }, async (_req, res, ctx) => {
    // A node whose store is unreachable still answers 200 (degraded): it keeps serving warm
    // invocations, and a load balancer that took every node out would serve nothing at all.
    const storeStatus = await storeReachable(store, deps.clock);
    sendJson(
      res,
      200,
      {
        status: storeStatus === 'ok' ? 'ok' : 'degraded',
        storeStatus,
        version: deps.version,
        uptimeMs: Math.max(0, deps.clock.now() - deps.startedAt()),
        store: deps.storeKind,
        sandbox: deps.sandbox ?? 'none',
        ...(deps.cluster !== undefined ? { node: deps.cluster.nodeId } : {}),
        // Functions that asked for `network: none`, which only the sandbox can enforce.
        ...((deps.sandbox ?? 'none') === 'none'
          ? { networkNotEnforced: isolatedNetworkFunctions(registry.list()) }
          : {}),
      },
      ctx.requestId,
    );
  });

  on(
    'POST',
    '/deploy',
    {
      inHandler:
        'function:Deploy on each function deployed or removed, queue:Create on each queue, workflows:Create on each workflow',
    },
    async (req, res, ctx) => {
      const upload = await receiveUpload(req, { tmpDir: deps.tmpDir, maxBytes: deps.maxDeployBytes });
      let report: DeployReport;
      try {
        const authorize = (manifest: Manifest, removed: readonly string[]): void => {
          for (const f of manifest.functions) ctx.auth.require('function:Deploy', `gust:function:${f.name}`);
          for (const name of removed) ctx.auth.require('function:Deploy', `gust:function:${name}`);
          for (const q of manifest.queues) ctx.auth.require('queue:Create', `gust:queue:${q.name}`);
          for (const w of manifest.workflows ?? [])
            ctx.auth.require('workflows:Create', `gust:workflow:${w.name}`);
          // Triggers act for the app later, with no caller. Wiring one to the app's own functions and
          // queues needs nothing more; wiring it to anything else needs the right to do what it will
          // do (consume that queue, invoke that function, send to that queue, publish on that bus).
          const own = new Set([
            ...manifest.functions.map((f) => `function:${f.name}`),
            ...manifest.queues.map((q) => `queue:${q.name}`),
            ...(manifest.workflows ?? []).map((w) => `workflow:${w.name}`),
          ]);
          const external = (target: string) => !own.has(target);
          for (const f of manifest.functions) {
            for (const q of f.config.queues ?? []) {
              if (external(`queue:${q.queue}`)) ctx.auth.require('queue:Receive', `gust:queue:${q.queue}`);
            }
            for (const target of [f.config.async?.onSuccess, f.config.async?.onFailure]) {
              if (target !== undefined && external(target)) requireDelivery(ctx, target);
            }
          }
          for (const rule of manifest.rules) {
            for (const target of rule.targets) if (external(target)) requireDelivery(ctx, target);
          }
          // A function that references a secret will hold its value: only a deployer who may read
          // the secret may hand it to code.
          for (const f of manifest.functions) {
            for (const ref of findReferences(f.config.environment)) {
              ctx.auth.require('secrets:Get', `gust:secret:${ref.secret}`);
            }
          }
          // Giving a function a role is giving it rights: the deployer must hold the right to attach
          // each policy (and `gust:policy:inline` for inline permissions), as IAM's PassRole.
          for (const f of manifest.functions) {
            if (f.config.permissions !== undefined) ctx.auth.require('policies:Attach', 'gust:policy:inline');
            for (const p of f.config.policies ?? []) ctx.auth.require('policies:Attach', `gust:policy:${p}`);
          }
        };
        const run = deployChain.then(() => registry.deployDirectory(upload.appDir, { authorize }));
        deployChain = run.catch(noop);
        report = await run;
      } finally {
        // Removed before answering, so a client that sees the answer sees no leftovers.
        await upload.remove();
      }
      sendJson(res, 200, report, ctx.requestId);
    },
  );

  on(
    'GET',
    '/functions',
    { action: 'function:List', resource: () => 'gust:function:*' },
    async (_req, res, ctx) => {
      const counts = countInstances(deps.pool.stats());
      const functions = registry
        .list()
        .slice()
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((summary) => withInstances(functionView(summary), counts));
      sendJson(res, 200, { functions }, ctx.requestId);
    },
  );

  on('GET', '/functions/:name', fn('function:Get'), async (_req, res, ctx, params) => {
    const detail = await registry.get(param(params, 'name'));
    sendJson(res, 200, withInstances(functionView(detail), countInstances(deps.pool.stats())), ctx.requestId);
  });

  on('DELETE', '/functions/:name', fn('function:Delete'), async (_req, res, ctx, params) => {
    await registry.delete(param(params, 'name'));
    send(res, 204, {}, null, ctx.requestId);
  });

  on('POST', '/functions/:name/versions', fn('function:Publish'), async (_req, res, ctx, params) => {
    const name = param(params, 'name');
    // Publishing unchanged code returns the existing number: that is a 200, a new number a 201.
    const before = await registry.get(name);
    const published = await registry.publish(name);
    const existed = before.published.some((p) => p.number === published.number);
    const { functionName, number, versionId, createdAt } = published;
    sendJson(res, existed ? 200 : 201, { functionName, number, versionId, createdAt }, ctx.requestId);
  });

  on(
    'GET',
    '/functions/:name/invocations',
    fn('function:ReadInvocations'),
    async (_req, res, ctx, params) => {
      const name = param(params, 'name');
      const query = new URLSearchParams(ctx.query);
      const limit = integerParam(query, 'limit', { min: 1, max: 1000 }) ?? 50;
      const before = integerParam(query, 'before', { min: 0, max: MAX_TIME });
      requireFunction(name);
      const q: InvocationQuery = { functionName: name, limit };
      if (before !== undefined) q.before = before;
      sendJson(res, 200, { invocations: await store.invocations.list(q) }, ctx.requestId);
    },
  );

  on('GET', '/functions/:name/logs', fn('function:ReadLogs'), async (_req, res, ctx, params) => {
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

  on('GET', '/functions/:name/async', fn('function:ReadInvocations'), async (_req, res, ctx, params) => {
    const name = param(params, 'name');
    const query = new URLSearchParams(ctx.query);
    const limit = integerParam(query, 'limit', { min: 1, max: 1000 }) ?? 50;
    requireFunction(name);
    const asyncInvocations = await store.asyncInvocations.list({ functionName: name, limit });
    sendJson(res, 200, { asyncInvocations }, ctx.requestId);
  });

  // An async invocation has a status record from the moment it is accepted, and an invocation
  // record once an attempt ran; a synchronous one only the latter. Either is enough for a 200.
  on(
    'GET',
    '/invocations/:requestId',
    { inHandler: "function:ReadInvocations on the invocation's function" },
    async (_req, res, ctx, params) => {
      const requestId = param(params, 'requestId');
      const [invocation, asyncRecord] = await Promise.all([
        store.invocations.get(requestId),
        store.asyncInvocations.get(requestId),
      ]);
      const functionName = invocation?.functionName ?? asyncRecord?.functionName;
      // Checked before saying whether it exists, on the function when known: a caller without the
      // right learns nothing about other functions' request ids.
      ctx.auth.require('function:ReadInvocations', `gust:function:${functionName ?? '*'}`);
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
    },
  );

  on('GET', '/nodes', { action: 'nodes:List', resource: () => 'gust:node:*' }, async (_req, res, ctx) => {
    const nodes = deps.cluster === undefined ? [] : await deps.cluster.listNodes();
    sendJson(res, 200, { nodes, self: deps.cluster?.nodeId ?? null }, ctx.requestId);
  });

  on(
    'GET',
    '/routes',
    { action: 'function:List', resource: () => 'gust:function:*' },
    async (_req, res, ctx) => {
      sendJson(res, 200, { routes: registry.routes().map(routeView) }, ctx.requestId);
    },
  );

  for (const route of deps.extraRoutes ?? []) on(route.method, route.path, route.authorize, route.handler);

  return async (req, res, ctx) => {
    const method = req.method ?? 'GET';
    const found = router.find(method as Router.HTTPMethod, ctx.path);
    if (found !== null) {
      const entry = found.store as RouteEntry;
      const rule = entry.authorize;
      if ('action' in rule) ctx.auth.require(rule.action, rule.resource(found.params));
      await entry.handler(req, res, ctx, found.params);
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
