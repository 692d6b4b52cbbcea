import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { isGustError } from '../core/errors.js';
import type { QueueEventConfig } from '../core/types.js';
import type { FunctionRegistry } from '../functions/control-plane.js';
import type { Invoker } from '../invoker/types.js';
import type { LeasedMessage, MessageAttribute } from '../store/queue-repository.js';
import type { BackoffPolicy } from './backoff.js';
import { type Consumer, createConsumer, type DeliveryOutcome } from './consumer.js';
import type { QueueService } from './queue-service.js';

export interface EventSourceMappingDeps {
  queues: QueueService;
  registry: FunctionRegistry;
  invoker: Invoker;
  clock: Clock;
  region: string;
  accountId: string;
  backoff?: BackoffPolicy;
}

/** How long a batch whose function is at its concurrency limit waits before it is offered again. */
const THROTTLE_DELAY_MS = 250;

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** SQS message attributes as the Lambda SQS event spells them (lower camel case). */
function eventAttributes(attributes: Record<string, MessageAttribute>) {
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attributes)) {
    out[name] = {
      stringValue: a.StringValue,
      binaryValue: a.BinaryValue,
      stringListValues: [],
      binaryListValues: [],
      dataType: a.DataType,
    };
  }
  return out;
}

/** The event Lambda gives a function for a batch of SQS messages. */
export function sqsEvent(
  batch: readonly LeasedMessage[],
  queueArn: string,
  region: string,
): { Records: unknown[] } {
  return {
    Records: batch.map((m) => ({
      messageId: m.id,
      receiptHandle: m.receiptHandle,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'gust',
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      },
      messageAttributes: eventAttributes(m.attributes),
      md5OfBody: md5(m.body),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}

/**
 * Reads a partial batch response. Returns the ids to retry, or null when the response reports
 * every message as failed (Lambda treats an unknown or empty identifier as a failure of the batch).
 */
export function failedItems(payload: string | null, batch: readonly LeasedMessage[]): Set<string> | null {
  if (payload === null) return new Set();
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return new Set();
  }
  if (typeof value !== 'object' || value === null || !('batchItemFailures' in value)) return new Set();
  const failures = (value as { batchItemFailures: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return null;
  const ids = new Set(batch.map((m) => m.id));
  const failed = new Set<string>();
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return null;
    failed.add(id);
  }
  return failed;
}

/**
 * Queue → function event source mappings: one consumer per function and queue, kept in step with
 * what is deployed. Messages are delivered in batches as Lambda's SQS event; the function's partial
 * batch response retries only the messages it names; throttled batches wait without using up a
 * receive; failures go back with backoff and, past the queue's maxReceiveCount, to its DLQ.
 */
export function createEventSourceMappings(deps: EventSourceMappingDeps) {
  const consumers = new Map<string, { consumer: Consumer; config: string }>();
  let unsubscribe: (() => void) | undefined;
  let syncing: Promise<void> = Promise.resolve();

  const arn = (queue: string) => `arn:aws:sqs:${deps.region}:${deps.accountId}:${queue}`;

  const deliverer = (functionName: string, mapping: QueueEventConfig) => async (batch: LeasedMessage[]) => {
    const payload = JSON.stringify(sqsEvent(batch, arn(mapping.queue), deps.region));
    let outcome: DeliveryOutcome;
    try {
      const result = await deps.invoker.invoke(functionName, payload, { trigger: 'queue' });
      if (result.status === 'success') {
        const failed = failedItems(result.payload, batch);
        if (failed === null)
          outcome = { kind: 'retry', error: 'the partial batch response named unknown messages' };
        else
          return batch.map((m) =>
            failed.has(m.id)
              ? { kind: 'retry' as const, error: 'reported in batchItemFailures' }
              : { kind: 'done' as const },
          );
      } else {
        outcome = { kind: 'retry', error: `${result.error?.errorType}: ${result.error?.errorMessage}` };
      }
    } catch (error) {
      if (
        isGustError(error) &&
        (error.code === 'ERR_TOO_MANY_REQUESTS' || error.code === 'ERR_SHUTTING_DOWN')
      ) {
        outcome = { kind: 'throttled', delayMs: THROTTLE_DELAY_MS };
      } else outcome = { kind: 'retry', error: (error as Error).message };
    }
    return batch.map(() => outcome);
  };

  const sync = async () => {
    const wanted = new Map<string, { functionName: string; mapping: QueueEventConfig }>();
    for (const fn of deps.registry.list()) {
      for (const mapping of fn.config.queues ?? [])
        wanted.set(`${fn.name}\u0000${mapping.queue}`, { functionName: fn.name, mapping });
    }
    for (const [key, running] of consumers) {
      const want = wanted.get(key);
      if (!want || JSON.stringify(want.mapping) !== running.config) {
        consumers.delete(key);
        await running.consumer.stop();
      }
    }
    for (const [key, { functionName, mapping }] of wanted) {
      if (consumers.has(key)) continue;
      const consumer = createConsumer(deps.queues, deps.clock, {
        queue: mapping.queue,
        batchSize: mapping.batchSize,
        batchingWindowMs: mapping.maximumBatchingWindowSec * 1000,
        concurrency: mapping.maximumConcurrency,
        ...(deps.backoff ? { backoff: deps.backoff } : {}),
        deliver: deliverer(functionName, mapping),
      });
      consumers.set(key, { consumer, config: JSON.stringify(mapping) });
      consumer.start();
    }
  };

  const resync = () => {
    syncing = syncing
      .then(sync)
      .catch((error) => console.error('gust: could not update queue triggers:', error));
  };

  return {
    async start() {
      unsubscribe = deps.registry.onChange(resync);
      resync();
      await syncing;
    },
    async stop() {
      unsubscribe?.();
      await syncing;
      await Promise.all([...consumers.values()].map((c) => c.consumer.stop()));
      consumers.clear();
    },
    /** Running mappings, for the API. */
    list: () =>
      [...consumers.keys()].map((k) => {
        const [functionName = '', queue = ''] = k.split('\u0000');
        return { functionName, queue };
      }),
  };
}
