import type { Clock } from '../core/clock.js';
import { isGustError } from '../core/errors.js';
import { timeOrderedUuid } from '../core/ids.js';
import type { LambdaErrorPayload, ResolvedVersion, Trigger } from '../core/types.js';
import type { FunctionRegistry } from '../functions/control-plane.js';
import { DEFAULT_ASYNC } from '../functions/manifest.js';
import type { InvokeResult, Invoker } from '../invoker/types.js';
import type { AsyncInvocationRecord } from '../store/delivery-repositories.js';
import type { LeasedMessage } from '../store/queue-repository.js';
import type { Store } from '../store/store.js';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import { type Consumer, createConsumer, type DeliveryOutcome } from './consumer.js';
import { type DestinationCondition, destinationRecord, parseDestination } from './destinations.js';
import type { QueueService, SendInput } from './queue-service.js';
import {
  ASYNC_QUEUE,
  ASYNC_QUEUE_CONFIG,
  DEAD_LETTER_CONFIG,
  functionDeadLetterQueue,
} from './system-queues.js';

/** What an async invocation message carries besides its payload (the message body). */
interface AsyncMeta {
  kind: 'async';
  requestId: string;
  functionName: string;
  qualifier: string;
  trigger: Trigger;
  enqueuedAt: number;
}

export interface AsyncJob {
  functionName: string;
  qualifier: string;
  payload: string;
  requestId: string;
  trigger: Trigger;
}

export interface AsyncDeliveryDeps {
  queues: QueueService;
  store: Store;
  registry: FunctionRegistry;
  invoker: Invoker;
  clock: Clock;
  region: string;
  accountId: string;
  backoff?: BackoffPolicy;
  /** Invocations run at once from the async queue (default 32; function limits still apply). */
  concurrency?: number;
  /** Publishes an event to a bus, for `bus:` destinations. */
  publish?: (bus: string, entry: { source: string; detailType: string; detail: unknown }) => Promise<void>;
}

export interface AsyncDelivery {
  /** Accepts an asynchronous invocation durably: once this resolves, it will run. */
  enqueue(job: AsyncJob): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The message that asks for one asynchronous invocation. Schedules and event-bus rules build it to
 * enqueue in the same transaction as their own bookkeeping (a fired tick, a fan-out).
 */
export function asyncMessage(job: AsyncJob, now: number): SendInput {
  const meta: AsyncMeta = {
    kind: 'async',
    requestId: job.requestId,
    functionName: job.functionName,
    qualifier: job.qualifier,
    trigger: job.trigger,
    enqueuedAt: now,
  };
  return { body: job.payload, meta: meta as unknown as Record<string, unknown> };
}

/** How long a throttled invocation waits before it is tried again (it does not count as an attempt). */
const THROTTLE_DELAY_MS = 250;

/**
 * Asynchronous invocation through the durable queue, with Lambda's semantics: the request is stored
 * before 202 is answered; it runs through the one invoker; failures are retried up to
 * `maximumRetryAttempts` with backoff; events older than `maximumEventAge` are given up; the outcome
 * goes to the onSuccess / onFailure destination, and failures without one to the function's
 * dead-letter queue. Every state is recorded for `gust invocations show`.
 */
export function createAsyncDelivery(deps: AsyncDeliveryDeps): AsyncDelivery {
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const records = deps.store.asyncInvocations;
  let consumer: Consumer | undefined;

  const arn = (name: string, qualifier: string) =>
    `arn:aws:lambda:${deps.region}:${deps.accountId}:function:${name}:${qualifier}`;

  /**
   * Updates an invocation's status record. Schedules and event-bus rules enqueue in their own
   * transactions without one, so a missing record is created from the message on first delivery.
   */
  const update = async (
    requestId: string,
    patch: Partial<AsyncInvocationRecord>,
    message?: LeasedMessage,
  ) => {
    const now = deps.clock.now();
    const current = await records.get(requestId);
    if (current) {
      await records.put({ ...current, ...patch, updatedAt: now });
      return;
    }
    if (!message) return;
    const meta = message.meta as unknown as AsyncMeta;
    let maxAttempts = 1 + DEFAULT_ASYNC.maximumRetryAttempts;
    try {
      const policy = deps.registry.resolve(meta.functionName, meta.qualifier).version.config.async;
      if (policy) maxAttempts = 1 + policy.maximumRetryAttempts;
    } catch {
      // The function is gone; the record still says what happened to the request.
    }
    await records.put({
      requestId,
      functionName: meta.functionName,
      qualifier: meta.qualifier,
      status: 'queued',
      attempts: 0,
      maxAttempts,
      nextAttemptAt: null,
      lastError: null,
      destination: null,
      createdAt: meta.enqueuedAt,
      updatedAt: now,
      ...patch,
    });
  };

  const sendTo = async (target: string, record: Record<string, unknown>, success: boolean) => {
    const { kind, name } = parseDestination(target);
    const body = JSON.stringify(record);
    if (kind === 'queue') await deps.queues.send(name, [{ body }]);
    else if (kind === 'function') {
      const requestId = timeOrderedUuid(deps.clock.now());
      await service.enqueue({
        functionName: name,
        qualifier: '$LATEST',
        payload: body,
        requestId,
        trigger: 'async',
      });
    } else {
      if (!deps.publish) throw new Error(`destination ${target}: the event bus is not available`);
      await deps.publish(name, {
        source: 'lambda',
        detailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`,
        detail: record,
      });
    }
  };

  /** Sends a failure to onFailure, or the function's dead-letter queue; settles the message. */
  const fail = async (
    message: LeasedMessage,
    meta: AsyncMeta,
    resolved: ResolvedVersion | undefined,
    condition: DestinationCondition,
    result: InvokeResult | null,
    reason: string,
  ): Promise<DeliveryOutcome> => {
    const onFailure = resolved?.version.config.async?.onFailure;
    const lastError: LambdaErrorPayload = result?.error ?? { errorType: condition, errorMessage: reason };
    if (onFailure) {
      const record = destinationRecord({
        requestId: meta.requestId,
        functionArn: arn(meta.functionName, meta.qualifier),
        condition,
        approximateInvokeCount: message.receiveCount,
        requestPayload: message.body,
        result,
        reason,
        time: deps.clock.now(),
      });
      await sendTo(onFailure, record, false);
      await update(meta.requestId, {
        status: 'failed',
        destination: onFailure,
        lastError,
        nextAttemptAt: null,
      });
      return { kind: 'done' };
    }
    const dlq = functionDeadLetterQueue(meta.functionName);
    await deps.queues.putQueue(dlq, DEAD_LETTER_CONFIG, { kind: 'system', owner: null });
    await update(meta.requestId, {
      status: 'dead-lettered',
      destination: `dlq:${dlq}`,
      lastError,
      nextAttemptAt: null,
    });
    return {
      kind: 'dead-letter',
      toQueue: dlq,
      error: `${condition}: ${lastError.errorType}: ${lastError.errorMessage}`,
    };
  };

  const deliverOne = async (message: LeasedMessage): Promise<DeliveryOutcome> => {
    const meta = message.meta as unknown as AsyncMeta;
    const now = deps.clock.now();
    let resolved: ResolvedVersion;
    try {
      resolved = deps.registry.resolve(meta.functionName, meta.qualifier);
    } catch (error) {
      return fail(message, meta, undefined, 'FunctionNotFound', null, (error as Error).message);
    }
    const policy = resolved.version.config.async ?? DEFAULT_ASYNC;
    const maxAttempts = 1 + policy.maximumRetryAttempts;
    if (now - meta.enqueuedAt > policy.maximumEventAgeSec * 1000) {
      return fail(
        message,
        meta,
        resolved,
        'EventAgeExceeded',
        null,
        `The event is older than ${policy.maximumEventAgeSec} s.`,
      );
    }
    await update(
      meta.requestId,
      { status: 'running', attempts: message.receiveCount, nextAttemptAt: null },
      message,
    );
    let result: InvokeResult;
    try {
      result = await deps.invoker.invoke(meta.functionName, message.body, {
        qualifier: meta.qualifier,
        trigger: meta.trigger,
        requestId: meta.requestId,
      });
    } catch (error) {
      if (
        isGustError(error) &&
        (error.code === 'ERR_TOO_MANY_REQUESTS' || error.code === 'ERR_SHUTTING_DOWN')
      ) {
        await update(meta.requestId, { status: 'queued', attempts: message.receiveCount - 1 });
        return { kind: 'throttled', delayMs: THROTTLE_DELAY_MS };
      }
      return fail(message, meta, resolved, 'FunctionNotFound', null, (error as Error).message);
    }
    if (result.status === 'success') {
      const onSuccess = resolved.version.config.async?.onSuccess;
      if (onSuccess) {
        const record = destinationRecord({
          requestId: meta.requestId,
          functionArn: arn(meta.functionName, meta.qualifier),
          condition: 'Success',
          approximateInvokeCount: message.receiveCount,
          requestPayload: message.body,
          result,
          time: deps.clock.now(),
        });
        await sendTo(onSuccess, record, true);
      }
      await update(meta.requestId, { status: 'succeeded', destination: onSuccess ?? null, lastError: null });
      return { kind: 'done' };
    }
    if (message.receiveCount < maxAttempts) {
      const delayMs = backoffDelay(message.receiveCount, backoff);
      await update(meta.requestId, {
        status: 'retrying',
        lastError: result.error,
        nextAttemptAt: deps.clock.now() + delayMs,
      });
      return { kind: 'retry', error: `${result.error?.errorType}: ${result.error?.errorMessage}`, delayMs };
    }
    return fail(message, meta, resolved, 'RetriesExhausted', result, result.error?.errorMessage ?? 'failed');
  };

  const service: AsyncDelivery = {
    async enqueue(job) {
      const now = deps.clock.now();
      const resolved = deps.registry.resolve(job.functionName, job.qualifier);
      const policy = resolved.version.config.async ?? DEFAULT_ASYNC;
      await records.put({
        requestId: job.requestId,
        functionName: job.functionName,
        qualifier: job.qualifier,
        status: 'queued',
        attempts: 0,
        maxAttempts: 1 + policy.maximumRetryAttempts,
        nextAttemptAt: now,
        lastError: null,
        destination: null,
        createdAt: now,
        updatedAt: now,
      });
      await deps.queues.send(ASYNC_QUEUE, [asyncMessage(job, now)]);
    },

    async start() {
      await deps.queues.putQueue(ASYNC_QUEUE, ASYNC_QUEUE_CONFIG, { kind: 'system', owner: null });
      consumer = createConsumer(deps.queues, deps.clock, {
        queue: ASYNC_QUEUE,
        batchSize: 10,
        batchingWindowMs: 0,
        concurrency: Math.ceil((deps.concurrency ?? 32) / 10),
        backoff,
        deliver: (batch) => Promise.all(batch.map(deliverOne)),
      });
      consumer.start();
    },

    async stop() {
      await consumer?.stop();
    },
  };
  return service;
}
