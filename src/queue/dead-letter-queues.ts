import type { QueueRecord } from '../store/queue-repository.js';
import { functionOfDeadLetterQueue, isFunctionDeadLetterQueue } from './queue-access.js';

/** A queue that receives failed messages: named as another queue's deadLetterQueue, or a function DLQ. */
export interface DeadLetterQueueInfo {
  name: string;
  /** The queues whose deadLetterQueue this is, by name. */
  sourceQueues: string[];
  /** For `gust-dlq-NAME`: the function whose failed asynchronous invocations land here. */
  functionName: string | null;
}

/** Every dead-letter queue among `queues`, ordered by name. Only queues that exist are listed. */
export function deadLetterQueues(queues: readonly QueueRecord[]): DeadLetterQueueInfo[] {
  const existing = new Set(queues.map((q) => q.name));
  const sources = new Map<string, string[]>();
  for (const q of queues) {
    const dlq = q.config.deadLetterQueue;
    if (dlq === null || !existing.has(dlq)) continue;
    sources.set(dlq, [...(sources.get(dlq) ?? []), q.name]);
  }
  for (const q of queues)
    if (isFunctionDeadLetterQueue(q.name) && !sources.has(q.name)) sources.set(q.name, []);
  return [...sources.entries()]
    .map(([name, sourceQueues]) => ({
      name,
      sourceQueues: sourceQueues.sort(),
      functionName: functionOfDeadLetterQueue(name),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The queues whose deadLetterQueue is `name` (ListDeadLetterSourceQueues). */
export function sourceQueuesOf(queues: readonly QueueRecord[], name: string): string[] {
  return queues
    .filter((q) => q.config.deadLetterQueue === name)
    .map((q) => q.name)
    .sort();
}
