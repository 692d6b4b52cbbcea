import diagnostics from 'node:diagnostics_channel';
import type { Clock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { IdSource } from '../core/ids.js';
import type {
  FunctionVersion,
  InvocationRecord,
  LambdaErrorPayload,
  LogEntry,
  LogLevel,
  ResolvedVersion,
  Trigger,
} from '../core/types.js';
import type { FunctionRegistry } from '../functions/control-plane.js';
import type { FunctionSpec, InstanceLogLine, InstancePool, InvokeOutcome } from '../runtime/types.js';
import { createConcurrencyLimiter } from './concurrency.js';
import { endLine, logTail, reportLine, startLine } from './log-format.js';
import type { Recorder } from './recorder.js';
import type { InvokeOptions, InvokeResult, Invoker } from './types.js';

/** Telemetry subscribes to these; the invoker never calls telemetry. */
export const invocationChannel = diagnostics.channel('gust:invocation');
export const throttleChannel = diagnostics.channel('gust:throttle');

export interface InvokerDeps {
  registry: FunctionRegistry;
  pool: InstancePool;
  recorder: Recorder;
  clock: Clock;
  ids: IdSource;
  maxConcurrency: number;
  region: string;
  accountId: string;
  /**
   * Variables the platform gives every function beneath its own environment (the function's values
   * win): where Gust's AWS-compatible APIs are, so SDK clients inside functions reach them unchanged,
   * and the short-lived credentials of the function's role.
   */
  platformEnvironment?: (functionName: string) => Record<string, string>;
  /**
   * This node's part of a function's reservedConcurrency when several nodes share the store (the
   * reservation is a cap over all of them; src/cluster/cluster.ts). Default: all of it.
   */
  reservationShare?: (reserved: number) => number;
  /** Subscribes to changes that alter `reservationShare` (nodes joining or leaving). */
  onSharesChange?: (listener: () => void) => () => void;
  /**
   * Replaces references to secrets (`${secret:NAME}`) in a function's own environment with their
   * values when an instance is specified. Synchronous: it reads values the secrets service keeps
   * in memory, so no store call sits between a request and its instance. Throws a GustError
   * (ERR_SECRET_NOT_FOUND) when a referenced secret is gone; the invocation fails with it before
   * anything runs.
   */
  resolveEnvironment?: (functionName: string, environment: Record<string, string>) => Record<string, string>;
  /**
   * Replaces secret values in what a function wrote and in its error, before they become log lines,
   * invocation records or an Invoke API answer. The result payload is the function's own answer and
   * is not changed.
   */
  redact?: (text: string) => string;
  /**
   * Accepts an `Event` invocation durably (the async queue). Resolves once it is stored; the queue's
   * consumer later runs it through this invoker with trigger 'async'.
   */
  enqueueAsync(job: {
    functionName: string;
    qualifier: string;
    payload: string;
    requestId: string;
    trigger: Trigger;
  }): Promise<void>;
}

/** A throttle event as published on `gust:throttle`. */
export interface ThrottleEvent {
  functionName: string;
  reason: string;
  time: number;
}

export function createInvoker(deps: InvokerDeps): Invoker {
  const limiter = createConcurrencyLimiter(deps.maxConcurrency);
  const running = new Set<Promise<unknown>>();
  const counters = { invocations: 0, throttles: 0, errors: 0, coldStarts: 0 };
  let stopping = false;
  let unsubscribe: (() => void) | undefined;
  let knownFunctions = new Set<string>();

  const redact = deps.redact ?? ((text: string) => text);

  const arn = (name: string, qualifier?: string) =>
    `arn:aws:lambda:${deps.region}:${deps.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;

  const specFor = (resolved: ResolvedVersion): FunctionSpec => {
    const { version } = resolved;
    return {
      functionName: version.functionName,
      versionId: version.versionId,
      executedVersion: resolved.executedVersion,
      runtime: version.config.runtime,
      handler: version.config.handler,
      codeDir: deps.registry.codeDir(version),
      memoryMB: version.config.memoryMB,
      timeoutSec: version.config.timeoutSec,
      environment: {
        ...deps.platformEnvironment?.(version.functionName),
        ...(deps.resolveEnvironment
          ? deps.resolveEnvironment(version.functionName, version.config.environment)
          : version.config.environment),
      },
      region: deps.region,
      accountId: deps.accountId,
      ...(version.config.network ? { network: version.config.network } : {}),
    };
  };

  /** Keeps limits and instances in step with what is deployed. */
  const syncWithRegistry = () => {
    const functions = deps.registry.list();
    const reservations = new Map<string, number>();
    const current = new Set<string>();
    for (const fn of functions) {
      current.add(fn.name);
      const reserved = fn.config.reservedConcurrency;
      if (reserved !== undefined) reservations.set(fn.name, deps.reservationShare?.(reserved) ?? reserved);
      const latest = deps.registry.resolve(fn.name);
      try {
        deps.pool.setProvisioned(specFor(latest), fn.config.provisionedConcurrency ?? 0);
      } catch {
        // Its environment cannot be resolved (a referenced secret is gone): nothing is started
        // ahead, and each invocation reports why.
      }
    }
    limiter.setReservations(reservations);
    for (const name of knownFunctions) if (!current.has(name)) deps.pool.retire(name, []);
    knownFunctions = current;
    for (const fn of functions) deps.pool.retire(fn.name, deps.registry.liveVersionIds(fn.name));
  };

  const runSync = async (
    resolved: ResolvedVersion,
    payload: string,
    requestId: string,
    options: InvokeOptions,
  ) => {
    const { version, executedVersion } = resolved;
    const name = version.functionName;
    const reserved = version.config.reservedConcurrency;
    const release = limiter.tryAcquire(
      name,
      reserved === undefined ? undefined : (deps.reservationShare?.(reserved) ?? reserved),
    );
    if (typeof release === 'string') {
      counters.throttles++;
      if (throttleChannel.hasSubscribers) {
        throttleChannel.publish({
          functionName: name,
          reason: release,
          time: deps.clock.now(),
        } satisfies ThrottleEvent);
      }
      throw new GustError(
        'ERR_TOO_MANY_REQUESTS',
        release === 'ReservedFunctionConcurrentInvocationLimitExceeded'
          ? `Rate exceeded: function '${name}' is running its reserved concurrency of ${version.config.reservedConcurrency}.`
          : `Rate exceeded: the platform is running its concurrency limit of ${deps.maxConcurrency} invocations.`,
        {
          awsType: 'TooManyRequestsException',
          headers: { 'Retry-After': '1' },
          details: { reason: release },
        },
      );
    }
    const work = execute(version, executedVersion, payload, requestId, options).finally(release);
    running.add(work);
    void work.finally(() => running.delete(work)).catch(() => undefined);
    return work;
  };

  const execute = async (
    version: FunctionVersion,
    executedVersion: string,
    payload: string,
    requestId: string,
    options: InvokeOptions,
  ): Promise<InvokeResult> => {
    const name = version.functionName;
    const spec = specFor({ version, executedVersion });
    const tail: LogEntry[] | undefined = options.logTail ? [] : undefined;
    const emit = (
      stream: LogEntry['stream'],
      level: LogLevel | null,
      message: string,
      time = deps.clock.now(),
    ) => {
      const text = redact(message);
      const entry: LogEntry = { functionName: name, requestId, time, stream, level, message: text };
      deps.recorder.log(entry);
      tail?.push(entry);
    };
    const onLine = (line: InstanceLogLine) => emit(line.stream, line.level, line.message, line.time);
    const startedAt = deps.clock.now();
    counters.invocations++;

    const acquired = await deps.pool.acquire(spec, onLine);
    let outcome: InvokeOutcome;
    let cold = true;
    let initDurationMs: number | null = acquired.initDurationMs;
    let timedOut = false;
    const t0 = deps.clock.monotonic();
    emit('platform', null, startLine(requestId, executedVersion));
    if (!acquired.ok) {
      outcome = { ok: false, error: acquired.error, fatal: true, maxMemoryUsedMB: null };
    } else {
      cold = acquired.cold;
      const { instance } = acquired;
      const timeoutMs = spec.timeoutSec * 1000;
      const timer = deps.clock.setTimeout(() => {
        timedOut = true;
        instance.kill('timeout');
      }, timeoutMs);
      outcome = await instance.invoke(
        {
          requestId,
          payload,
          deadline: deps.clock.now() + timeoutMs,
          invokedFunctionArn: arn(name, options.qualifier),
          traceId: options.traceId ?? traceIdFor(requestId, deps.clock.now()),
          ...(options.clientContext ? { clientContext: options.clientContext } : {}),
        },
        onLine,
      );
      timer.cancel();
      deps.pool.release(instance);
    }
    const durationMs = deps.clock.monotonic() - t0;
    if (cold) counters.coldStarts++;

    let error: LambdaErrorPayload | null = null;
    if (timedOut) {
      error = {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${requestId} Error: Task timed out after ${spec.timeoutSec.toFixed(2)} seconds`,
      };
      emit(
        'platform',
        null,
        `${new Date(deps.clock.now()).toISOString()} ${requestId} Task timed out after ${spec.timeoutSec.toFixed(2)} seconds`,
      );
    } else if (!outcome.ok) {
      error = redactError(outcome.error, redact);
      emit(
        'stderr',
        'ERROR',
        `${acquired.ok ? 'Invoke Error' : 'Init Error'} \t${JSON.stringify(outcome.error)}`,
      );
    }
    if (error) counters.errors++;
    const billedDurationMs = Math.max(1, Math.ceil(durationMs));
    emit('platform', null, endLine(requestId));
    emit(
      'platform',
      null,
      reportLine({
        requestId,
        durationMs,
        billedDurationMs,
        memoryMB: spec.memoryMB,
        maxMemoryUsedMB: outcome.maxMemoryUsedMB,
        initDurationMs: cold ? initDurationMs : null,
      }),
    );
    if (!cold) initDurationMs = null;

    const record: InvocationRecord = {
      requestId,
      functionName: name,
      executedVersion,
      versionId: version.versionId,
      trigger: options.trigger,
      startedAt,
      durationMs,
      billedDurationMs,
      cold,
      initDurationMs,
      status: timedOut ? 'timeout' : error ? 'error' : 'success',
      errorType: error?.errorType ?? null,
      errorMessage: error?.errorMessage ?? null,
      memoryMB: spec.memoryMB,
      maxMemoryUsedMB: outcome.maxMemoryUsedMB,
    };
    deps.recorder.record(record);
    if (invocationChannel.hasSubscribers) invocationChannel.publish(record);

    return {
      requestId,
      functionName: name,
      executedVersion,
      status: record.status,
      payload: outcome.ok && !timedOut ? outcome.payload : null,
      error,
      logTail: tail ? logTail(tail) : null,
      durationMs,
      cold,
    };
  };

  return {
    async invoke(functionName, payload, options) {
      if (stopping) {
        throw new GustError('ERR_SHUTTING_DOWN', 'Gust is shutting down and takes no new invocations.', {
          awsType: 'ServiceException',
        });
      }
      const resolved = deps.registry.resolve(functionName, options.qualifier);
      const requestId = options.requestId ?? deps.ids.requestId();
      const type = options.invocationType ?? 'RequestResponse';
      if (type === 'RequestResponse') return runSync(resolved, payload, requestId, options);
      const base: InvokeResult = {
        requestId,
        functionName,
        executedVersion: resolved.executedVersion,
        status: type === 'DryRun' ? 'dry-run' : 'accepted',
        payload: null,
        error: null,
        logTail: null,
        durationMs: 0,
        cold: false,
      };
      if (type === 'Event') {
        // Accepted only once stored: a crash after the 202 cannot lose it.
        await deps.enqueueAsync({
          functionName,
          qualifier: options.qualifier ?? '$LATEST',
          payload,
          requestId,
          trigger: options.trigger === 'invoke' || options.trigger === 'http' ? 'async' : options.trigger,
        });
      }
      return base;
    },
    inFlight: () => limiter.inFlight(),
    counters: () => ({ ...counters }),
    async start() {
      const fromRegistry = deps.registry.onChange(syncWithRegistry);
      const fromShares = deps.onSharesChange?.(syncWithRegistry);
      unsubscribe = () => {
        fromRegistry();
        fromShares?.();
      };
      syncWithRegistry();
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      unsubscribe?.();
      if (running.size === 0) return;
      await new Promise<void>((resolve) => {
        const timer = deps.clock.setTimeout(resolve, graceMs);
        void Promise.allSettled([...running]).then(() => {
          timer.cancel();
          resolve();
        });
      });
    },
  };
}

/**
 * An X-Ray style trace header, Root=1-{epoch seconds hex}-{24 hex};Parent={16 hex};Sampled=0, made
 * from the request id's random part: unique per invocation without another call for randomness.
 */
export function traceIdFor(requestId: string, now: number): string {
  const hex = requestId
    .replace(/[^0-9a-f]/gi, '')
    .toLowerCase()
    .padEnd(32, '0');
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${hex.slice(8, 32)};Parent=${hex.slice(16, 32)};Sampled=0`;
}

/**
 * The error with secret values replaced in every field (a `provided` function may add its own, such
 * as stackTrace). Redacting the JSON text works because the redactor also matches values as they
 * appear inside JSON strings, and its markers need no escaping.
 */
function redactError(error: LambdaErrorPayload, redact: (text: string) => string): LambdaErrorPayload {
  const json = JSON.stringify(error);
  const redacted = redact(json);
  if (redacted === json) return error;
  try {
    return JSON.parse(redacted) as LambdaErrorPayload;
  } catch {
    // A value that matched JSON's own punctuation: keep only the fields Lambda defines, each redacted.
    const fallback: LambdaErrorPayload = {
      errorType: redact(error.errorType),
      errorMessage: redact(error.errorMessage),
    };
    if (error.trace !== undefined) fallback.trace = error.trace.map(redact);
    return fallback;
  }
}
