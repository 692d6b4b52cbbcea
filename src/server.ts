import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createFunctionRoles, rolePoliciesDeployHook } from './auth/access/function-roles.js';
import { type AccessControl, createAccessControl } from './auth/access/index.js';
import type { CreatedKey } from './auth/access/key-admin.js';
import { loadMasterKey } from './auth/secrets/master-key.js';
import { type Cluster, createCluster } from './cluster/cluster.js';
import { type Clock, systemClock } from './core/clock.js';
import { type IdSource, randomIds } from './core/ids.js';
import type { RateLimitConfig } from './core/types.js';
import { scheduleDeployHook } from './cron/deploy-schedules.js';
import { scheduleApi } from './cron/schedule-api.js';
import { createScheduler } from './cron/scheduler.js';
import { createEventsExtension } from './events/api/index.js';
import { createEventBus, ruleDeployHook } from './events/bus/index.js';
import { createLocalCodeStore } from './functions/code-store.js';
import type { DeployReport, FunctionRegistry } from './functions/control-plane.js';
import { readManifest } from './functions/manifest.js';
import { networkIsolationHook, productionDeployHook } from './functions/network-isolation.js';
import { createFunctionRegistry } from './functions/registry.js';
import { createSharedCodeStore } from './functions/shared-code-store.js';
import { unavailableFeatures } from './functions/unavailable-features.js';
import { createGateway } from './gateway/gateway.js';
import { createInvoker } from './invoker/invoker.js';
import { createRecorder, DEFAULT_RETENTION, type RetentionPolicy } from './invoker/recorder.js';
import type { Invoker } from './invoker/types.js';
import { type AsyncDelivery, createAsyncDelivery } from './queue/async-delivery.js';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './queue/backoff.js';
import { queueDeployHook } from './queue/deploy-queues.js';
import { createEventSourceMappings } from './queue/event-source-mappings.js';
import { createQueueExtension } from './queue/queue-extension.js';
import { createQueueService } from './queue/queue-service.js';
import { createInstancePool } from './runtime/pool.js';
import type { InstancePool } from './runtime/types.js';
import { environmentResolver, secretsDeployHook } from './secrets/secret-references.js';
import { createSecretsExtension } from './secrets/secrets-extension.js';
import { createSecretsService } from './secrets/secrets-service.js';
import { announceAdminKey, chooseSandbox, packageVersion, runStops } from './server-startup.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { workflowDeployHook } from './workflow/api/deploy-workflows.js';
import { createWorkflowExtension } from './workflow/api/workflow-extension.js';
import * as workflowEngine from './workflow/engine/index.js';
import { createWorkflowExecutor, type WorkflowExecutor } from './workflow/executor/executor.js';

/**
 * The only place where capabilities are wired together. Each is built by its createX(deps) and
 * started in dependency order; stop runs in reverse: gateway (no new requests), invoker (let running
 * invocations finish), instance pool (kill processes), recorder (flush logs), store.
 */

export const DEFAULT_PORT = 7800;
const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';
export const DEFAULT_MAX_CONCURRENCY = 100;

export interface GustOptions {
  /** An app folder to deploy at start (and on redeploy()). */
  appDir?: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /**
   * The store: absent (and no GUST_STORE_URL in `env`), the SQLite file DATA/gust.db; a
   * `postgres://user:pass@host:5432/db?schema=gust&poolSize=10` URL, a PostgreSQL database that
   * several nodes share (docs/operations.md).
   */
  storeUrl?: string;
  /** Idle instances are stopped after this long (default 5 minutes). */
  idleTimeoutMs?: number;
  /** Platform-wide concurrency limit (default 100). */
  maxConcurrency?: number;
  /** Pre-started generic Node.js processes (default 2; none when sandboxed). */
  genericPoolSize?: number;
  /**
   * 'bwrap': run every instance in a bubblewrap sandbox (docs/runtimes.md, "Sandbox"); Gust refuses
   * to start if bubblewrap cannot run. Default 'none'.
   */
  sandbox?: 'bwrap' | 'none';
  /**
   * Production mode: instances must run sandboxed (the sandbox defaults to 'bwrap'), and Gust refuses
   * to start without one unless `allowUnsandboxed` says to accept plain processes.
   */
  production?: boolean;
  allowUnsandboxed?: boolean;
  retention?: RetentionPolicy;
  /** Retry delays of queue deliveries: full jitter up to min(cap, base * 2^attempt). */
  backoff?: BackoffPolicy;
  /** Where the server's own messages go (default: stderr). */
  logger?: (line: string) => void;
  /**
   * Environment read at start: GUST_MASTER_KEY, GUST_STORE_URL, GUST_BOOTSTRAP_ACCESS_KEY_ID and
   * GUST_BOOTSTRAP_SECRET_ACCESS_KEY (default: process.env).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Where the admin key created on first start is saved for the CLI (`gust up` passes
   * ~/.config/gust/credentials.json or $GUST_CONFIG_DIR's). Absent: it is only printed.
   */
  credentialsFile?: string;
  /** Requests per second (token bucket) each API key may make; absent: no per-key limit. */
  keyRateLimit?: RateLimitConfig;
  clock?: Clock;
  ids?: IdSource;
}

export interface RunningGust {
  url: string;
  port: number;
  /** The result of deploying appDir at start, or null without one. */
  deployReport: DeployReport | null;
  /** The admin key this start created (first start of a data directory), with its secret. */
  bootstrapKey: CreatedKey | null;
  /** Deploys appDir again (for --watch). */
  redeploy(): Promise<DeployReport>;
  stop(): Promise<void>;
  /** The wired capabilities, for tests and benchmarks that drive them in-process. */
  readonly parts: {
    store: Store;
    registry: FunctionRegistry;
    invoker: Invoker;
    pool: InstancePool;
    access: AccessControl;
    cluster: Cluster;
    workflows: WorkflowExecutor;
  };
}

export async function startGust(options: GustOptions): Promise<RunningGust> {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const log = options.logger ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dataDir = resolve(options.dataDir);
  const maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  // An app that declares provider.production: true is started as --production would be.
  const declaresProduction =
    options.appDir !== undefined &&
    (await readManifest(options.appDir).then(
      (m) => m.production,
      () => false, // an unreadable manifest fails its deploy below, with its own error
    ));
  const production = options.production === true || declaresProduction;
  const sandbox = await chooseSandbox({ ...options, production }, log);
  // DATA/tmp holds instance scratch folders and deploy staging: nothing in it outlives the process
  // that made it, so what a crash (kill -9) left behind is cleared here.
  await rm(join(dataDir, 'tmp'), { recursive: true, force: true });
  await mkdir(join(dataDir, 'tmp'), { recursive: true });

  const env = options.env ?? process.env;
  const masterKey = await loadMasterKey({ dataDir, env });
  const opened = openStore({ storeUrl: options.storeUrl ?? env.GUST_STORE_URL, dataDir });
  const store = opened.store;
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  const secrets = createSecretsService({
    store,
    masterKey,
    clock,
    region: REGION,
    accountId: ACCOUNT_ID,
    log,
  });
  const registry = createFunctionRegistry({
    store,
    code:
      opened.codeBlobs === null
        ? createLocalCodeStore(join(dataDir, 'code'))
        : createSharedCodeStore(createLocalCodeStore(join(dataDir, 'code')), opened.codeBlobs, clock),
    clock,
    maxConcurrency,
    excludeFromCode: [dataDir],
  });
  await registry.load();
  const access: AccessControl = createAccessControl({
    store,
    masterKey,
    clock,
    functionRole: createFunctionRoles(registry),
    log,
  });
  registry.addDeployHook(rolePoliciesDeployHook(access.policySet));

  const pool = createInstancePool({
    clock,
    dataDir,
    ...(options.genericPoolSize !== undefined ? { genericPoolSize: options.genericPoolSize } : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    sandbox,
  });
  const recorder = createRecorder({
    store,
    clock,
    retention: options.retention ?? DEFAULT_RETENTION,
    onError: (message, error) => log(`gust: ${message}: ${(error as Error)?.message ?? error}`),
  });
  const queues = createQueueService({ store, clock });
  // The invoker hands Event invocations to the async queue, whose consumer runs them through the
  // invoker: the two are built one after the other and joined here.
  let asyncDelivery: AsyncDelivery | undefined;
  const version = await packageVersion();
  // This node among those sharing the store: heartbeats, and its share of global caps.
  let invokerRef: Invoker | undefined;
  const cluster = createCluster({
    nodes: store.nodes,
    clock,
    version,
    load: () => ({
      inFlight: invokerRef?.inFlight().total ?? 0,
      instances: pool.stats().instances.length,
      rssBytes: process.memoryUsage.rss(),
    }),
    log,
  });
  const invoker = createInvoker({
    registry,
    pool,
    recorder,
    clock,
    ids,
    maxConcurrency,
    region: REGION,
    accountId: ACCOUNT_ID,
    reservationShare: (reserved) => cluster.share(reserved),
    onSharesChange: (listener) => cluster.onMembershipChange(listener),
    platformEnvironment: (functionName) => {
      const credentials = access.functionCredentials(functionName);
      return {
        ...platformEnvironment,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
      };
    },
    // `${secret:NAME}` in a function's environment, and secret values kept out of logs and errors.
    resolveEnvironment: environmentResolver(secrets),
    redact: secrets.redact,
    enqueueAsync: (job) => {
      if (!asyncDelivery) throw new Error('async delivery is not started');
      return asyncDelivery.enqueue(job);
    },
  });
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const mappings = createEventSourceMappings({
    queues,
    registry,
    invoker,
    clock,
    region: REGION,
    accountId: ACCOUNT_ID,
    backoff,
  });
  registry.addDeployHook(unavailableFeatures);
  registry.addDeployHook(networkIsolationHook(sandbox, log));
  registry.addDeployHook(productionDeployHook(sandbox, options.allowUnsandboxed === true));
  registry.addDeployHook(queueDeployHook(queues));
  registry.addDeployHook(secretsDeployHook(secrets));
  // What the delivery capabilities (bus, scheduler) all need.
  const deliveryDeps = { store, queues, registry, clock, region: REGION, accountId: ACCOUNT_ID, log };
  const eventBus = createEventBus(deliveryDeps);
  registry.addDeployHook(ruleDeployHook(eventBus, store));
  registry.addDeployHook(scheduleDeployHook);
  const scheduler = createScheduler({
    ...deliveryDeps,
    // Top-level rules with a `schedule` fire like schedules and deliver through the bus.
    rules: {
      scheduled: () => eventBus.scheduledRules(),
      onChange: (listener) => eventBus.onRulesChange(listener),
      publish: (bus, event) => eventBus.publishPlatformEvent(bus, event),
    },
  });
  asyncDelivery = createAsyncDelivery({
    // `bus:` destinations publish the destination record as an event.
    publish: async (bus, entry) => {
      await eventBus.publish(bus, entry);
    },
    queues,
    store,
    registry,
    invoker,
    clock,
    region: REGION,
    accountId: ACCOUNT_ID,
    backoff,
  });
  // Workflows: Tasks run through the invoker, transitions travel through the gust-workflows queue.
  const workflows = createWorkflowExecutor({
    store,
    queues,
    invoker,
    engine: workflowEngine,
    clock,
    region: REGION,
    accountId: ACCOUNT_ID,
    putEvents: (entries) => eventBus.putEvents(entries),
    log,
  });
  registry.addDeployHook(workflowDeployHook(workflows.stateMachines, workflowEngine));
  const gateway = createGateway({
    invoker,
    registry,
    store,
    pool,
    clock,
    ids,
    version,
    cluster,
    storeKind: opened.kind,
    sandbox,
    config: {
      host: options.host,
      port: options.port,
      tmpDir: join(dataDir, 'tmp'),
      ...(options.keyRateLimit !== undefined ? { keyRateLimit: options.keyRateLimit } : {}),
    },
    access: { authenticator: access.authenticator, audit: access.audit },
    extensions: [
      access.extension,
      scheduleApi(scheduler),
      createEventsExtension(eventBus, clock),
      createQueueExtension({ queues, registry, clock, region: REGION, accountId: ACCOUNT_ID }),
      createSecretsExtension({ secrets, region: REGION, accountId: ACCOUNT_ID }),
      createWorkflowExtension(workflows, workflowEngine),
    ],
  });

  const stops: (() => Promise<void>)[] = [];
  /** Filled once the gateway has bound its port, before any instance starts. */
  let platformEnvironment: Record<string, string> = {};
  try {
    // Bind first (answering 503 until ready) so that functions learn the platform's URL.
    const { url, port } = await gateway.listen();
    platformEnvironment = functionPlatformEnvironment(url);
    invokerRef = invoker;
    // Counted by the other nodes before this one takes any work; its row goes once it has wound down.
    await cluster.start(url);
    stops.unshift(() => cluster.stop());
    access.start();
    stops.unshift(() => access.stop());
    await access.checkMasterKey();
    const bootstrap = await access.bootstrap(env);
    const bootstrapKey = bootstrap.created ? bootstrap.key : null;
    if (bootstrap.created)
      await announceAdminKey(bootstrap.key, bootstrap.source, url, options.credentialsFile, log);
    // Before any instance starts: references in environments and redaction read from it.
    await secrets.start();
    stops.unshift(async () => secrets.stop());
    await pool.start();
    stops.unshift(() => pool.stop());
    recorder.start();
    stops.unshift(() => recorder.stop());
    await invoker.start();
    stops.unshift(() => invoker.stop());
    queues.start();
    stops.unshift(async () => queues.stop());
    // Rules stored by earlier deploys are loaded before anything publishes (bus: destinations of
    // queued invocations) and before this start's deploy checks against them.
    await eventBus.start();
    stops.unshift(async () => eventBus.stop());
    await asyncDelivery.start();
    // Consumers stop before the invoker: no new work is taken while running invocations finish.
    stops.unshift(() => asyncDelivery?.stop() ?? Promise.resolve());
    await mappings.start();
    stops.unshift(() => mappings.stop());
    // After the async queue exists (ticks are enqueued there); stops before its consumer.
    await scheduler.start();
    stops.unshift(() => scheduler.stop());
    // After the queues and the invoker; stops (taking no new transitions) before the invoker does.
    await workflows.start();
    stops.unshift(() => workflows.stop());
    const deployReport = options.appDir ? await registry.deployDirectory(options.appDir) : null;
    await gateway.start();
    // Stopping begins with the gateway: no new requests while the rest winds down.
    stops.unshift(() => gateway.stop());

    let stopped: Promise<void> | undefined;
    return {
      url,
      port,
      deployReport,
      bootstrapKey,
      parts: { store, registry, invoker, pool, access, cluster, workflows },
      redeploy: () => {
        if (!options.appDir) throw new Error('redeploy() needs the appDir option');
        return registry.deployDirectory(options.appDir);
      },
      stop: () => {
        stopped ??= runStops(stops, log).finally(() => store.close());
        return stopped;
      },
    };
  } catch (error) {
    await gateway.stop();
    await runStops(stops, log);
    await store.close();
    throw error;
  }
}

/**
 * What every function's environment gets from the platform: the endpoints of the AWS-compatible
 * APIs Gust speaks (the SDK reads AWS_ENDPOINT_URL_<SERVICE>). The invoker adds the short-lived
 * credentials of the function's role. A function's own environment overrides any of these.
 */
export function functionPlatformEnvironment(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_LAMBDA: url,
    AWS_ENDPOINT_URL_SQS: url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
    AWS_ENDPOINT_URL_SFN: url,
    GUST_ENDPOINT: url,
  };
}
