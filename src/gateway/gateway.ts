import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANONYMOUS_AUTH } from '../auth/access/request-auth.js';
import { GustError } from '../core/errors.js';
import { createAppRoutes } from './app-routes.js';
import { createAuthenticatedRunner } from './authenticated.js';
import { createAwsJsonHandler, isAwsJsonRequest } from './aws-json.js';
import { createControlApi } from './control-api.js';
import { type ErrorStyle, sendError } from './error-response.js';
import { createIdempotency } from './idempotency.js';
import { createInvokeApi } from './invoke-api.js';
import { createKeyRateLimit } from './key-rate-limit.js';
import { answerClientError, checkUrlLength, serverOptions } from './request-limits.js';
import { RouteTable } from './route-table.js';
import { type Gateway, type GatewayDeps, type RequestContext, resolveConfig } from './types.js';

export type { HttpApiEvent } from './apigw-event.js';
export type { Gateway, GatewayConfig, GatewayDeps } from './types.js';

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void>;

const HEALTH_PATH = '/_gust/v1/health';

/** How long stop() waits for requests in flight before closing their connections. */
const STOP_GRACE_MS = 5000;

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The HTTP gateway: one node:http server for the control API (`/_gust/`), the Lambda Invoke API
 * (`/2015-03-31/`) and the app's routes (everything else). Every response carries the request id;
 * every failure becomes an HTTP response in error-response.ts.
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const config = resolveConfig(deps.config);
  // Invariant: `table` is only ever replaced whole, when the registry reports a change.
  let table = new RouteTable([]);
  let unsubscribe: (() => void) | undefined;
  let startedAt = deps.clock.now();
  let listening = false;
  /** Until start(), a listening gateway answers every request with 503: the platform is starting. */
  let ready = false;
  let address: { url: string; port: number } | undefined;
  let stopping = false;
  let inFlight = 0;
  let onDrained: (() => void) | undefined;

  const idempotency = createIdempotency({ repository: deps.store.idempotency, clock: deps.clock });
  const runAuthenticated = createAuthenticatedRunner({
    access: deps.access,
    clock: deps.clock,
    keyLimits: createKeyRateLimit(config.keyRateLimit, deps.clock),
  });
  const app = createAppRoutes({
    invoker: deps.invoker,
    clock: deps.clock,
    region: config.region,
    accountId: config.accountId,
    maxBodyBytes: config.maxBodyBytes,
    routes: () => table,
    functions: () => deps.registry.list(),
    idempotency,
    runAuthenticated,
  });
  const invokeApi = createInvokeApi({
    invoker: deps.invoker,
    registry: deps.registry,
    idempotency,
    region: config.region,
    accountId: config.accountId,
    maxBodyBytes: config.maxBodyBytes,
  });
  const control = createControlApi({
    registry: deps.registry,
    store: deps.store,
    pool: deps.pool,
    clock: deps.clock,
    version: deps.version,
    storeKind: deps.storeKind,
    ...(deps.sandbox !== undefined ? { sandbox: deps.sandbox } : {}),
    tmpDir: config.tmpDir,
    maxDeployBytes: config.maxDeployBytes,
    startedAt: () => startedAt,
    extraRoutes: (deps.extensions ?? []).flatMap((e) => e.controlRoutes ?? []),
    ...(deps.cluster !== undefined ? { cluster: deps.cluster } : {}),
  });
  /** A handler that runs only for an authenticated caller (see authenticated.ts). */
  const authenticated =
    (handler: Handler, bodyLimit: (path: string) => number): Handler =>
    (req, res, ctx) =>
      runAuthenticated(req, res, ctx, bodyLimit(ctx.path), () => handler(req, res, ctx));

  const awsJson = createAwsJsonHandler({
    services: (deps.extensions ?? []).flatMap((e) => e.awsJson ?? []),
    maxBodyBytes: config.maxBodyBytes,
    baseUrl: (req) => `http://${req.headers.host ?? `${urlHost(config.host)}:${config.port}`}`,
  });

  async function run(
    handler: Handler,
    style: ErrorStyle,
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
  ): Promise<void> {
    try {
      await handler(req, res, ctx);
    } catch (error) {
      sendError(res, error, ctx.requestId, style);
    } finally {
      inFlight--;
      if (inFlight === 0 && onDrained !== undefined) onDrained();
    }
  }

  const bodyLimit = (): number => config.maxBodyBytes;
  const controlBodyLimit = (path: string): number =>
    path === '/_gust/v1/deploy' ? config.maxDeployBytes : config.maxBodyBytes;
  const protectedControl = authenticated(control, controlBodyLimit);
  const protectedInvokeApi = authenticated(invokeApi, bodyLimit);
  const protectedAwsJson = authenticated(awsJson, bodyLimit);

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const requestId = deps.ids.requestId();
    let url = req.url ?? '/';
    if (url.length > config.maxUrlLength) {
      void run(async () => checkUrlLength(url, config.maxUrlLength), 'gust', req, res, ctx0(requestId, req));
      return;
    }
    if (url.charCodeAt(0) !== 47 /* '/' */) {
      // Absolute-form request target (proxies): keep only path and query.
      try {
        const parsed = new URL(url);
        url = parsed.pathname + parsed.search;
      } catch {
        url = '/';
      }
    }
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const address = req.socket.remoteAddress ?? '';
    const sourceIp = address.startsWith('::ffff:') ? address.slice(7) : address;
    const ctx: RequestContext = {
      requestId,
      path,
      query: q === -1 ? '' : url.slice(q + 1),
      sourceIp,
      auth: ANONYMOUS_AUTH,
    };
    inFlight++;
    if (stopping) res.shouldKeepAlive = false;
    if (!ready) {
      void run(notReady, 'gust', req, res, ctx);
      return;
    }
    if (path.startsWith('/_gust/') || path === '/_gust') {
      // The one public endpoint: load balancers and `gust status` ask it without credentials.
      const isPublic = path === HEALTH_PATH && req.method === 'GET';
      void run(isPublic ? control : protectedControl, 'gust', req, res, ctx);
    } else if (path.startsWith('/2015-03-31/') || path === '/2015-03-31') {
      void run(protectedInvokeApi, 'aws', req, res, ctx);
    } else if (isAwsJsonRequest(req, path)) {
      void run(protectedAwsJson, 'aws-json', req, res, ctx);
    } else {
      void run(app, 'gust', req, res, ctx);
    }
  }

  const notReady: Handler = async () => {
    throw new GustError('ERR_STARTING', 'Gust is starting and not serving yet; retry in a moment.', {
      headers: { 'Retry-After': '1' },
      awsType: 'ServiceUnavailableException',
    });
  };

  /** The context of a request refused before its target was parsed. */
  const ctx0 = (requestId: string, req: IncomingMessage): RequestContext => {
    inFlight++;
    const sourceIp = req.socket.remoteAddress ?? '';
    return {
      requestId,
      path: '/',
      query: '',
      sourceIp,
      auth: ANONYMOUS_AUTH,
    };
  };

  const server = createServer(serverOptions(config), onRequest);
  // Longer than the idle timeouts of common proxies and load balancers (60 s), so they close first.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) =>
    answerClientError(error, socket, deps.ids.requestId()),
  );

  function rebuildRoutes(): void {
    try {
      table = new RouteTable(deps.registry.routes());
    } catch (error) {
      // Keep serving the previous table rather than none; report the failure.
      logRebuildFailure(error);
    }
  }

  return {
    async listen() {
      if (listening) throw new Error('gateway already listening');
      stopping = false;
      table = new RouteTable(deps.registry.routes());
      unsubscribe = deps.registry.onChange(rebuildRoutes);
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(config.port, config.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (error) {
        unsubscribe();
        unsubscribe = undefined;
        throw error;
      }
      listening = true;
      startedAt = deps.clock.now();
      const { port } = server.address() as AddressInfo;
      address = { url: `http://${urlHost(config.host)}:${port}`, port };
      return address;
    },

    async start() {
      const bound = listening && address ? address : await this.listen();
      ready = true;
      return bound;
    },

    async stop() {
      if (!listening) return;
      listening = false;
      ready = false;
      address = undefined;
      stopping = true;
      idempotency.stop();
      unsubscribe?.();
      unsubscribe = undefined;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = deps.clock.setTimeout(resolve, STOP_GRACE_MS);
          onDrained = () => {
            timer.cancel();
            resolve();
          };
        });
        onDrained = undefined;
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

function logRebuildFailure(error: unknown): void {
  console.error('gust gateway: could not rebuild the route table; still serving the previous one:', error);
}
