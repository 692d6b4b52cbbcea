import type { Clock } from '../core/clock.js';
import { type Consumer, createConsumer } from '../queue/consumer.js';
import type { QueueService } from '../queue/queue-service.js';
import type { StoredRule } from '../store/rule-repository.js';
import type { ScheduledEvent } from './scheduled-event.js';

/** The event bus's scheduled rules, which the scheduler fires like function schedules. */
export interface ScheduledRules {
  scheduled(): readonly StoredRule[];
  onChange(listener: () => void): () => void;
  /** Publishes a rule's Scheduled Event on its bus (routed to the rule's targets). */
  publish(bus: string, event: ScheduledEvent): Promise<unknown>;
}

/**
 * The system queue of scheduled rules' ticks: firing a tick records it and enqueues the rule's
 * Scheduled Event here in one transaction; the consumer publishes it on the bus, whose routing
 * delivers it to the rule's targets (functions, queues, workflows).
 */
export const SCHEDULED_EVENTS_QUEUE = 'gust-scheduled-events';

export interface ScheduledRuleDelivery {
  /** Creates the queue and starts publishing what it holds. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Publishes the Scheduled Events of fired rule ticks from their queue onto the bus. */
export function createScheduledRuleDelivery(deps: {
  queues: QueueService;
  clock: Clock;
  rules: ScheduledRules;
  log(line: string): void;
}): ScheduledRuleDelivery {
  let consumer: Consumer | undefined;
  return {
    async start() {
      await deps.queues.putQueue(
        SCHEDULED_EVENTS_QUEUE,
        { visibilityTimeoutSec: 30, retentionSec: 14 * 24 * 3600 },
        { kind: 'system', owner: null },
      );
      consumer = createConsumer(deps.queues, deps.clock, {
        queue: SCHEDULED_EVENTS_QUEUE,
        batchSize: 10,
        batchingWindowMs: 0,
        concurrency: 1,
        deliver: (batch) =>
          Promise.all(
            batch.map(async (message) => {
              const { bus, event } = JSON.parse(message.body) as { bus: string; event: ScheduledEvent };
              try {
                await deps.rules.publish(bus, event);
                return { kind: 'done' as const };
              } catch (error) {
                // A bus or target that is gone: reported; the message is retried, then dead-lettered.
                deps.log(
                  `gust: scheduled rule on bus '${bus}': ${error instanceof Error ? error.message : String(error)}`,
                );
                return { kind: 'retry' as const, error: String(error), delayMs: 1000 };
              }
            }),
          ),
        onError: (error) =>
          deps.log(`gust: scheduled events queue failed: ${(error as Error)?.message ?? error}`),
      });
      consumer.start();
    },
    async stop() {
      await consumer?.stop();
      consumer = undefined;
    },
  };
}
