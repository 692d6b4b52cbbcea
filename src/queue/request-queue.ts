import type { Clock } from '../core/clock.js';
import { type Consumer, createConsumer, type DeliveryOutcome } from './consumer.js';
import type { QueueService } from './queue-service.js';

/**
 * A system queue of requests that one capability hands another durably (a scheduled rule's event
 * to publish, a workflow to start): created at start, consumed ten at a time, each body handled on
 * its own. `handle` answers `done` (also for a request it reports and drops) or throws to have the
 * message retried (and in the end dead-lettered, as any queue message).
 */
export interface RequestQueue {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createRequestQueue(deps: {
  queues: QueueService;
  clock: Clock;
  queue: string;
  handle(body: string): Promise<void>;
  log(line: string): void;
}): RequestQueue {
  let consumer: Consumer | undefined;
  const deliverOne = async (body: string): Promise<DeliveryOutcome> => {
    try {
      await deps.handle(body);
      return { kind: 'done' };
    } catch (error) {
      deps.log(`gust: ${deps.queue}: ${error instanceof Error ? error.message : String(error)}; retrying`);
      return { kind: 'retry', error: String(error), delayMs: 1000 };
    }
  };
  return {
    async start() {
      await deps.queues.putQueue(
        deps.queue,
        { visibilityTimeoutSec: 30, retentionSec: 14 * 24 * 3600 },
        { kind: 'system', owner: null },
      );
      consumer = createConsumer(deps.queues, deps.clock, {
        queue: deps.queue,
        batchSize: 10,
        batchingWindowMs: 0,
        concurrency: 1,
        deliver: (batch) => Promise.all(batch.map((message) => deliverOne(message.body))),
        onError: (error) => deps.log(`gust: ${deps.queue} failed: ${(error as Error)?.message ?? error}`),
      });
      consumer.start();
    },
    async stop() {
      await consumer?.stop();
      consumer = undefined;
    },
  };
}
