import type {
  CorsConfig,
  FunctionConfig,
  FunctionRecord,
  FunctionVersion,
  HttpAuthConfig,
  PublishedVersion,
  RateLimitConfig,
  ResolvedVersion,
} from '../core/types.js';
import type { Manifest } from './manifest.js';

/** A manifest route bound to the function it triggers. */
export interface RouteEntry {
  /** Upper-case method or ANY. */
  method: string;
  /** Path template from the manifest: /users/{id}, /files/{proxy+}. */
  path: string;
  functionName: string;
  /** Who may call it; absent: a Gust API key allowed function:Invoke (the default). */
  auth?: HttpAuthConfig;
  cors?: CorsConfig;
  rateLimit?: RateLimitConfig;
}

export interface DeployedFunctionReport {
  name: string;
  versionId: string;
  /** False when code and configuration were unchanged (the deploy was a no-op for it). */
  changed: boolean;
  routes: RouteEntry[];
}

export interface DeployReport {
  service: string;
  functions: DeployedFunctionReport[];
  /** Functions of this service that the manifest no longer declares, and so were deleted. */
  removed: string[];
  /**
   * What the deploy accepted but this server cannot honour (for example `network: none` without a
   * sandbox), one sentence each. Absent when there is nothing to say.
   */
  warnings?: string[];
}

export interface FunctionSummary extends FunctionRecord {
  config: FunctionConfig;
}

export interface FunctionDetail extends FunctionSummary {
  versions: FunctionVersion[];
  published: PublishedVersion[];
}

export interface DeployOptions {
  authorize?(manifest: Manifest, removedFunctions: readonly string[]): void;
}

/**
 * A capability's part in deploys: it checks the parts of the manifest it owns before anything is
 * stored (throwing GustError refuses the whole deploy), and applies them after the functions are.
 */
export interface DeployHook {
  /** `context.dir` is the app folder, for parts kept in files of their own (workflow definitions). */
  check?(manifest: Manifest, context?: DeployContext): Promise<void>;
  apply?(manifest: Manifest, report: DeployReport, context?: DeployContext): Promise<void>;
}

/** What a deploy hook knows besides the manifest. */
export interface DeployContext {
  /** The app folder being deployed (a staging folder for uploads), alive until the deploy ends. */
  dir: string;
}

/**
 * Functions, versions and routes: what deploy writes and what the invoker and gateway read.
 * Reads are served from memory; writes go through the store first.
 */
export interface FunctionRegistry {
  /** Loads every function from the store into memory. */
  load(): Promise<void>;
  /**
   * Deploys the app in `dir` (a folder with gust.yaml). Throws ERR_INVALID_MANIFEST / ERR_INVALID_CODE.
   * `authorize`, when given, sees what the deploy would change before anything is stored and throws
   * to refuse it (the caller's rights: function:Deploy on each function, queue:Create, ...).
   */
  deployDirectory(dir: string, options?: DeployOptions): Promise<DeployReport>;
  /** Resolves name + qualifier. Throws ERR_FUNCTION_NOT_FOUND / ERR_VERSION_NOT_FOUND / ERR_INVALID_QUALIFIER. */
  resolve(name: string, qualifier?: string): ResolvedVersion;
  /** Versions that can still be invoked ($LATEST's and every published one), from memory. */
  liveVersionIds(name: string): string[];
  /** Absolute path of a version's code. */
  codeDir(version: FunctionVersion): string;
  list(): FunctionSummary[];
  get(name: string): Promise<FunctionDetail>;
  delete(name: string): Promise<void>;
  publish(name: string): Promise<PublishedVersion>;
  /** Every HTTP route of every function. */
  routes(): RouteEntry[];
  /** Called after any change to functions or routes. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Adds a capability's deploy hook (queues, rules, schedules). */
  addDeployHook(hook: DeployHook): void;
}
