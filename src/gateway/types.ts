import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditLog } from '../auth/access/audit-log.js';
import type { Authenticator } from '../auth/access/authenticator.js';
import type { RequestAuth } from '../auth/access/caller.js';
import type { Cluster } from '../cluster/cluster.js';
import type { Clock } from '../core/clock.js';
import type { GustError } from '../core/errors.js';
import type { IdSource } from '../core/ids.js';
import type { RateLimitConfig } from '../core/types.js';
import type { FunctionRegistry } from '../functions/control-plane.js';
import type { Invoker } from '../invoker/types.js';
import type { PoolStats } from '../runtime/types.js';
import type { Store } from '../store/store.js';

/** Settings of the HTTP gateway. */
export interface GatewayConfig {
  /** Interface to listen on, e.g. "127.0.0.1" or "0.0.0.0". */
  host: string;
  /** Port to listen on; 0 picks a free one (start() reports which). */
  port: number;
  /** Largest request body for app routes and the Invoke API (default 6 MB, as Lambda). */
  maxBodyBytes?: number;
  /** Largest compressed deploy archive (default 100 MB). */
  maxDeployBytes?: number;
  /** Folder under which deploy archives are unpacked into fresh staging folders. */
  tmpDir: string;
  /** AWS-style region reported in ARNs (default us-east-1). */
  region?: string;
  /** AWS-style account id reported in events and ARNs (default 000000000000). */
  accountId?: string;
  /** Longest request target (path and query) in characters; longer gets 414 (default 8192). */
  maxUrlLength?: number;
  /** Largest request line plus headers in bytes; larger gets 431 (default 16384, Node's). */
  maxHeaderBytes?: number;
  /** Time a client has to send its headers, in ms; slower is cut off with 408 (default 66 s). */
  headersTimeoutMs?: number;
  /** Time a client has to send its whole request, in ms (default 300 s, Node's). */
  requestTimeoutMs?: number;
  /**
   * Requests a second each API key may make across the HTTP API (app routes, Invoke API, control
   * API), as a token bucket; undefined: no per-key limit.
   */
  keyRateLimit?: RateLimitConfig;
}

/** Everything the gateway needs; built by the one wiring module (src/server.ts). */
export interface GatewayDeps {
  invoker: Invoker;
  registry: FunctionRegistry;
  store: Store;
  pool: { stats(): PoolStats };
  clock: Clock;
  ids: IdSource;
  /** Gust's version, reported by /_gust/v1/health. */
  version: string;
  /** Which store backs this server ("sqlite", "postgres"), reported by /_gust/v1/health. */
  storeKind: string;
  /** How instances are isolated ('bwrap' or 'none'), reported by /_gust/v1/health. */
  sandbox?: string;
  config: GatewayConfig;
  /** What other capabilities (queues, events, schedules) add to the HTTP API. */
  extensions?: readonly GatewayExtension[];
  /** Who is calling (bearer tokens, SigV4), and where audit entries go. */
  access: GatewayAccess;
  /** The nodes sharing the store, for health and `GET /_gust/v1/nodes` (absent: a lone node). */
  cluster?: Pick<Cluster, 'nodeId' | 'listNodes'>;
}

/** The part of access control the gateway runs on every request. */
export interface GatewayAccess {
  authenticator: Authenticator;
  audit: Pick<AuditLog, 'record'>;
}

export type ControlMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What a control route requires of its caller, checked by the gateway before the handler runs:
 * - `{ action, resource }`: `ctx.auth.require(action, resource(params))`;
 * - `{ inHandler }`: the handler checks (what it touches is known only from the body or the store,
 *   as for a deploy); `inHandler` says what it checks. The gateway's route test calls every route
 *   with a key that may do nothing and expects 403, so a handler that forgets its check is caught.
 * Only the health endpoint is public; it is not a ControlRoute.
 */
export type RouteAuthorization =
  | { readonly action: string; readonly resource: (params: Record<string, string | undefined>) => string }
  | { readonly inHandler: string };

/** A control API endpoint contributed by a capability. `path` is under /_gust/v1, with :params. */
export interface ControlRoute {
  method: ControlMethod;
  path: string;
  authorize: RouteAuthorization;
  handler(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    params: Record<string, string | undefined>,
  ): Promise<void>;
}

/**
 * An AWS JSON protocol service (SQS, EventBridge, Step Functions, Secrets Manager): requests are
 * `POST /` with `X-Amz-Target: Prefix.Operation` and a JSON body; answers are JSON, errors
 * `{"__type", "message"}`. The gateway parses and dispatches; the capability implements operations.
 */
export interface AwsJsonService {
  /** The part of X-Amz-Target before the dot: AmazonSQS, AWSEvents, ... */
  targetPrefix: string;
  /**
   * Checks, before the operation runs, that the caller may perform it: calls `ctx.auth.require`
   * for every action and resource it touches (a queue named by QueueUrl, each bus of PutEvents).
   * Throws for an operation the service does not know (the same error `handle` would give).
   */
  authorize(operation: string, input: Record<string, unknown>, ctx: AwsJsonContext): void;
  /** Runs one operation. Throws GustError (with awsType) for failures. */
  handle(operation: string, input: Record<string, unknown>, ctx: AwsJsonContext): Promise<unknown>;
  /** Extra headers for an error response (SQS's x-amzn-query-error, for instance). */
  errorHeaders?(error: GustError): Record<string, string>;
}

export interface AwsJsonContext extends RequestContext {
  /** The URL clients reached this server at (for QueueUrl and the like). */
  readonly baseUrl: string;
  readonly signal: AbortSignal;
}

export interface GatewayExtension {
  controlRoutes?: readonly ControlRoute[];
  awsJson?: readonly AwsJsonService[];
}

/** The HTTP server in front of everything: app routes, the Invoke API and the control API. */
export interface Gateway {
  /**
   * Binds the port and answers every request with 503 ERR_STARTING until start(). Lets the server
   * learn its address (port 0) before the rest of the platform starts.
   */
  listen(): Promise<{ url: string; port: number }>;
  /** Serves requests (listening first if listen() was not called). Resolves with the address bound. */
  start(): Promise<{ url: string; port: number }>;
  /**
   * Stops accepting connections, closes idle keep-alive connections and waits briefly for requests
   * in flight; connections still open after that are closed.
   */
  stop(): Promise<void>;
}

/** GatewayConfig with every default applied. */
export interface ResolvedGatewayConfig {
  host: string;
  port: number;
  maxBodyBytes: number;
  maxDeployBytes: number;
  tmpDir: string;
  region: string;
  accountId: string;
  maxUrlLength: number;
  maxHeaderBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keyRateLimit: RateLimitConfig | undefined;
}

export const DEFAULT_MAX_URL_LENGTH = 8192;
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
/** Just over the keep-alive timeout (65 s), so an idle keep-alive connection is never cut as slow. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 66_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;
export const DEFAULT_MAX_DEPLOY_BYTES = 100 * 1024 * 1024;

export function resolveConfig(config: GatewayConfig): ResolvedGatewayConfig {
  return {
    host: config.host,
    port: config.port,
    maxBodyBytes: config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxDeployBytes: config.maxDeployBytes ?? DEFAULT_MAX_DEPLOY_BYTES,
    tmpDir: config.tmpDir,
    region: config.region ?? 'us-east-1',
    accountId: config.accountId ?? '000000000000',
    maxUrlLength: config.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH,
    maxHeaderBytes: config.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
    headersTimeoutMs: config.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    keyRateLimit: config.keyRateLimit,
  };
}

/** What every handler knows about the request it serves. */
export interface RequestContext {
  /** Minted for this request; echoed in x-request-id and used as the invocation's awsRequestId. */
  readonly requestId: string;
  /** The path as received (still percent-encoded), without the query string. */
  readonly path: string;
  /** The query string as received, without '?' ('' when none). */
  readonly query: string;
  /**
   * Who is calling and what they may do. Set by the gateway once credentials are checked; before
   * that (and on public routes) the anonymous caller, who may do nothing.
   */
  auth: RequestAuth;
  /** The client's address (the socket's, without an IPv4-mapped prefix). */
  readonly sourceIp: string;
}
