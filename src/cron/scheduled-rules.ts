import type { Clock } from '../core/clock.js';
import type { QueueService } from '../queue/queue-service.js';
import { createRequestQueue, type RequestQueue } from '../queue/request-queue.js';
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

/** Creates the queue at start, then publishes what it holds. */
export type ScheduledRuleDelivery = RequestQueue;

/** Publishes the Scheduled Events of fired rule ticks from their queue onto the bus. */
export function createScheduledRuleDelivery(deps: {
  queues: QueueService;
  clock: Clock;
  rules: ScheduledRules;
  log(line: string): void;
}): ScheduledRuleDelivery {
  // A bus or target that is gone throws: the message is retried, then dead-lettered.
  return createRequestQueue({
    queues: deps.queues,
    clock: deps.clock,
    queue: SCHEDULED_EVENTS_QUEUE,
    log: deps.log,
    handle: async (body) => {
      const { bus, event } = JSON.parse(body) as { bus: string; event: ScheduledEvent };
      await deps.rules.publish(bus, event);
    },
  });
}
