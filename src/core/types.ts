/**
 * Domain types shared by every capability. Plain data only: no behaviour, no imports from the
 * rest of src/.
 */

export type RuntimeName = 'nodejs20.x' | 'provided';

/** An HTTP route that triggers a function, as declared in the manifest. */
export interface HttpRouteConfig {
  /** Upper-case method, or ANY. */
  method: string;
  /** Path template: /users/{id}, /files/{proxy+}. */
  path: string;
  /** Opt-in: an Idempotency-Key header is honoured for this long (seconds). */
  idempotencyTtlSec?: number;
  /**
   * Who may call the route. Absent means the default, `{ type: 'key' }` (a Gust API key allowed
   * function:Invoke); it is left out then so that versions deployed before it existed keep their ids.
   */
  auth?: HttpAuthConfig;
  /** CORS answered by the gateway (preflights and response headers). Absent: none. */
  cors?: CorsConfig;
  /** A token bucket shared by every caller of the route. Absent: no route limit. */
  rateLimit?: RateLimitConfig;
}

/** How an HTTP route authenticates its callers (docs/http-events.md, "Who may call a route"). */
export type HttpAuthConfig =
  | { type: 'none' }
  | { type: 'key' }
  | JwtAuthConfig
  | { type: 'authorizer'; function: string; identitySource: string[]; ttlSec: number };

/** A JWT bearer token checked against an issuer's keys (API Gateway's JWT authorizer). */
export interface JwtAuthConfig {
  type: 'jwt';
  issuer: string;
  /** The token's `aud` must hold at least one of these. */
  audience: string[];
  /** Exactly one of jwksUrl, publicKey (PEM or JWK JSON) and secret (HMAC) is set. */
  jwksUrl?: string;
  publicKey?: string;
  secret?: string;
  /** Claims that must be present with exactly this value (or, for a list claim, contain it). */
  requiredClaims?: Record<string, string | number | boolean>;
  /** The token's `scope`/`scp` must hold at least one of these. */
  scopes?: string[];
}

/** API Gateway HTTP API's CORS configuration, with its defaults applied. */
export interface CorsConfig {
  /** Origins allowed ('*' for any). */
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  /** Seconds a browser may cache a preflight answer. */
  maxAgeSec?: number;
  allowCredentials: boolean;
}

/** A token bucket: `rate` requests a second on average, bursts of up to `burst`. */
export interface RateLimitConfig {
  rate: number;
  burst: number;
}

/** A queue feeding a function (an event source mapping). */
export interface QueueEventConfig {
  queue: string;
  /** Messages per invocation, 1 to 10. */
  batchSize: number;
  /** Seconds to wait for a batch to fill. */
  maximumBatchingWindowSec: number;
  /** Batches delivered at once (at most the function's reserved concurrency). */
  maximumConcurrency: number;
}

/** An event-bus rule whose target is this function. */
export interface EventRuleConfig {
  /** Unique within the function: the rule is named `FUNCTION-N` unless given. */
  name: string;
  /** Where the rule is declared: its index in the function's `events` (for error messages). */
  eventIndex: number;
  bus: string;
  pattern: Record<string, unknown>;
  /** JSONPath-style input transformation (EventBridge InputTransformer). */
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
}

/** A schedule whose target is this function. */
export interface ScheduleConfig {
  name: string;
  /** Where the schedule is declared: its index in the function's `events` (for error messages). */
  eventIndex: number;
  /** rate(...), cron(...) (AWS forms), or a standard cron with `timezone`. */
  expression: string;
  timezone?: string;
  /** The event to send instead of the EventBridge Scheduled Event, as JSON text. */
  input?: string;
  enabled: boolean;
  /** What to do with ticks missed while Gust was down. */
  missed: 'skip' | 'run-latest';
}

/** A destination for async results: function:NAME, queue:NAME or bus:NAME. */
export type DestinationTarget = string;

/** How asynchronous invocations of a function are retried and where their outcomes go. */
export interface AsyncConfig {
  /** Retries after the first attempt, 0 or more (default 2). */
  maximumRetryAttempts: number;
  /** Seconds an event may wait before it is given up (default 6 hours). */
  maximumEventAgeSec: number;
  onSuccess?: DestinationTarget;
  onFailure?: DestinationTarget;
}

/** Everything that defines how a function runs. Part of a version's identity. */
export interface FunctionConfig {
  runtime: RuntimeName;
  /** `file.export` for nodejs20.x (file relative to the code root, no extension); free text for provided. */
  handler: string;
  memoryMB: number;
  timeoutSec: number;
  environment: Record<string, string>;
  reservedConcurrency?: number;
  provisionedConcurrency?: number;
  routes: HttpRouteConfig[];
  description?: string;
  queues?: QueueEventConfig[];
  rules?: EventRuleConfig[];
  schedules?: ScheduleConfig[];
  async?: AsyncConfig;
  /** Opt-in for the Invoke API: an Idempotency-Key header is honoured for this long (seconds). */
  idempotencyTtlSec?: number;
  /**
   * 'none': the instance gets its own empty network namespace (enforced only when instances are
   * sandboxed). Absent means 'outbound' (the host's network); it is left out then so that configurations
   * deployed before the setting existed keep their version ids.
   */
  network?: 'none';
  /**
   * The role's inline statements: what the function may do through Gust's API with the credentials
   * in its instance (AWS_ACCESS_KEY_ID, ...). Absent: nothing beyond what `policies` grant.
   */
  permissions?: RoleStatement[];
  /** Named policies (built-in or saved) the role also carries. */
  policies?: string[];
}

/** An IAM-style statement as declared (validated by src/auth/policy/document.ts). */
export interface RoleStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
}

/** An immutable, deployed version of a function: its code and configuration, identified by hash. */
export interface FunctionVersion {
  functionName: string;
  /** Content hash of code + configuration: the version's identity. */
  versionId: string;
  /** Content hash of the code folder; the code lives in the code store under this hash. */
  codeHash: string;
  codeSizeBytes: number;
  config: FunctionConfig;
  createdAt: number;
}

/** A function: a name, the app (service) that declared it, and which version $LATEST is. */
export interface FunctionRecord {
  name: string;
  service: string;
  latestVersionId: string;
  createdAt: number;
  updatedAt: number;
}

/** A numbered version created by publish: immutable pointer to a content version. */
export interface PublishedVersion {
  functionName: string;
  number: number;
  versionId: string;
  createdAt: number;
}

/** A named pointer to a published version (or $LATEST). Data model only for now. */
export interface AliasRecord {
  functionName: string;
  name: string;
  /** "$LATEST" or a published version number as a string. */
  target: string;
  updatedAt: number;
}

/** What a version resolves to when invoked with a qualifier. */
export interface ResolvedVersion {
  version: FunctionVersion;
  /** What Lambda calls the executed version: "$LATEST" or the published number. */
  executedVersion: string;
}

export type Trigger =
  | 'http'
  | 'authorizer'
  | 'invoke'
  | 'async'
  | 'queue'
  | 'event'
  | 'schedule'
  | 'workflow'
  | 'test';

export type InvocationStatus = 'success' | 'error' | 'timeout' | 'throttled';

/** The record kept for every invocation. */
export interface InvocationRecord {
  requestId: string;
  functionName: string;
  /** "$LATEST" or a published number. */
  executedVersion: string;
  versionId: string;
  trigger: Trigger;
  startedAt: number;
  durationMs: number;
  billedDurationMs: number;
  cold: boolean;
  initDurationMs: number | null;
  status: InvocationStatus;
  errorType: string | null;
  errorMessage: string | null;
  memoryMB: number;
  maxMemoryUsedMB: number | null;
}

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

/** One log line, attributed to the invocation running when it was written. */
export interface LogEntry {
  /** Assigned by the store; increases with insertion order. */
  id?: number;
  functionName: string;
  /** Null for lines an instance wrote between invocations (init, background work). */
  requestId: string | null;
  time: number;
  stream: 'stdout' | 'stderr' | 'platform';
  level: LogLevel | null;
  message: string;
}

/** The error payload Lambda returns for a failed invocation. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}
