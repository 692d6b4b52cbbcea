import type { Clock, TimerHandle } from '../core/clock.js';
import type { LeasedMessage, QueueRecord } from '../store/queue-repository.js';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { QueueService } from './queue-service.js';

/** What became of one message of a batch. */
export type DeliveryOutcome =
  /** Delivered: the message is deleted. */
  | { kind: 'done' }
  /** Failed: tried again after a backoff delay (or `delayMs`), or dead-lettered when out of receives. */
  | { kind: 'retry'; error: string; delayMs?: number }
  /** Not tried (the target was at its concurrency limit): back after `delayMs`, the receive not counted. */
  | { kind: 'throttled'; delayMs: number }
  /** Give up now: move to `toQueue` with the reason. */
  | { kind: 'dead-letter'; toQueue: string; error: string };

export interface ConsumerOptions {
  queue: string;
  /** Messages per batch, 1 to 10. */
  batchSize: number;
  /** How long to wait for a batch to fill before delivering a partial one (ms). */
  batchingWindowMs: number;
  /** Batches delivered at once. */
  concurrency: number;
  backoff?: BackoffPolicy;
  /** Delivers one batch; returns one outcome per message, in order. Must not throw (a throw retries all). */
  deliver(batch: LeasedMessage[], queue: QueueRecord): Promise<DeliveryOutcome[]>;
  /** Reports failures of the consumer itself (store errors); it keeps going. */
  onError?: (error: unknown) => void;
}

export interface Consumer {
  start(): void;
  /** Stops leasing and waits for batches in flight to settle. */
  stop(): Promise<void>;
}

/**
 * Pulls batches from a queue and settles each message by its outcome. Leases protect against
 * crashes: a message whose batch never settles (the process died) becomes visible again when its
 * visibility timeout ends and is delivered again, so delivery is at least once.
 */
export function createConsumer(service: QueueService, clock: Clock, options: ConsumerOptions): Consumer {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const onError =
    options.onError ?? ((error) => console.error(`gust: consumer of ${options.queue} failed:`, error));
  const inFlight = new Set<Promise<void>>();
  let stopping: AbortController | undefined;
  let loop: Promise<void> | undefined;

  const settle = async (queue: QueueRecord, batch: LeasedMessage[], outcomes: DeliveryOutcome[]) => {
    const done: string[] = [];
    for (const [i, message] of batch.entries()) {
      const outcome = outcomes[i] ?? { kind: 'retry', error: 'no outcome for this message' };
      if (outcome.kind === 'done') done.push(message.receiptHandle);
      else if (outcome.kind === 'throttled') {
        await service.returnMessage(queue.name, message.receiptHandle, outcome.delayMs, {
          uncountReceive: true,
        });
      } else if (outcome.kind === 'dead-letter') {
        await service.moveToDeadLetter(queue.name, message.receiptHandle, outcome.toQueue, outcome.error);
      } else {
        const { maxReceiveCount, deadLetterQueue } = queue.config;
        if (deadLetterQueue && maxReceiveCount !== null && message.receiveCount >= maxReceiveCount) {
          const reason = `${outcome.error} (after ${message.receiveCount} receives)`;
          await service.moveToDeadLetter(queue.name, message.receiptHandle, deadLetterQueue, reason);
        } else {
          const delay = outcome.delayMs ?? backoffDelay(message.receiveCount, backoff);
          await service.returnMessage(queue.name, message.receiptHandle, delay, { lastError: outcome.error });
        }
      }
    }
    if (done.length > 0) await service.deleteMessages(queue.name, done);
  };

  /**
   * While a batch runs, its leases are renewed every third of the visibility timeout, so a slow
   * function keeps its messages while a dead consumer (a crashed process) loses them within one
   * timeout, and they are delivered again.
   */
  const heartbeat = (batch: LeasedMessage[], queue: QueueRecord) => {
    const seconds = queue.config.visibilityTimeoutSec;
    if (seconds <= 0) return () => {};
    let timer: TimerHandle | undefined;
    let stopped = false;
    const beat = () => {
      timer = clock.setTimeout(
        async () => {
          if (stopped) return;
          for (const m of batch) {
            await service.changeVisibility(queue.name, m.receiptHandle, seconds).catch(onError);
          }
          if (!stopped) beat();
        },
        Math.max(1000, (seconds * 1000) / 3),
      );
    };
    beat();
    return () => {
      stopped = true;
      timer?.cancel();
    };
  };

  const run = async (batch: LeasedMessage[], queue: QueueRecord) => {
    let outcomes: DeliveryOutcome[];
    const stopBeating = heartbeat(batch, queue);
    try {
      outcomes = await options.deliver(batch, queue);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      outcomes = batch.map(() => ({ kind: 'retry', error: text }));
    } finally {
      stopBeating();
    }
    try {
      await settle(queue, batch, outcomes);
    } catch (error) {
      // The leases run out and the messages come back: nothing is lost.
      onError(error);
    }
  };

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = clock.setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        timer.cancel();
        resolve();
      });
    });

  const pump = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      if (inFlight.size >= options.concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      try {
        const queue = await service.getQueue(options.queue);
        let batch = await service.receive(options.queue, { max: options.batchSize, waitTimeSec: 20, signal });
        if (batch.length === 0) continue;
        if (batch.length < options.batchSize && options.batchingWindowMs > 0 && !signal.aborted) {
          await sleep(options.batchingWindowMs, signal);
          const more = await service.receive(options.queue, { max: options.batchSize - batch.length });
          batch = batch.concat(more);
        }
        const work = run(batch, queue).finally(() => inFlight.delete(work));
        inFlight.add(work);
      } catch (error) {
        if (signal.aborted) break;
        onError(error);
        await sleep(1000, signal);
      }
    }
  };

  return {
    start() {
      if (loop) return;
      stopping = new AbortController();
      loop = pump(stopping.signal);
    },
    async stop() {
      stopping?.abort();
      await loop;
      await Promise.allSettled([...inFlight]);
      loop = undefined;
    },
  };
}
