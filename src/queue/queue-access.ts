import { GustError } from '../core/errors.js';
import type { FunctionRegistry } from '../functions/control-plane.js';
import { isSystemQueue, SYSTEM_PREFIX } from './system-queues.js';

/**
 * What the public APIs (the SQS protocol and the control API) may do with Gust's own queues
 * (`gust-*`). They carry deliveries Gust makes itself, so users may look at them but not write to
 * them, reconfigure or delete them. The one exception: a function's dead-letter queue
 * (`gust-dlq-NAME`) holds failed deliveries for the user to inspect, consume, purge and redrive.
 */
export const FUNCTION_DLQ_PREFIX = `${SYSTEM_PREFIX}dlq-`;

export function isFunctionDeadLetterQueue(name: string): boolean {
  return name.startsWith(FUNCTION_DLQ_PREFIX);
}

/** The function whose dead-letter queue this is, or null. */
export function functionOfDeadLetterQueue(name: string): string | null {
  return isFunctionDeadLetterQueue(name) ? name.slice(FUNCTION_DLQ_PREFIX.length) : null;
}

function refuse(name: string, what: string): never {
  throw new GustError(
    'ERR_INVALID_PARAMETER',
    `Queue '${name}' is one of Gust's own queues (names starting with ${SYSTEM_PREFIX}): ${what}.`,
    { details: { parameter: 'QueueName', queue: name }, awsType: 'InvalidParameterValue' },
  );
}

/** Sending, creating, reconfiguring and deleting: user queues only. */
export function checkWritable(name: string): void {
  if (isSystemQueue(name)) refuse(name, 'it cannot be created, changed, deleted or sent to through the API');
}

/** Receiving, deleting messages, changing visibility, purging, redriving: user queues and function DLQs. */
export function checkConsumable(name: string): void {
  if (isSystemQueue(name) && !isFunctionDeadLetterQueue(name)) {
    refuse(name, 'Gust consumes it itself; only function dead-letter queues (gust-dlq-*) can be read');
  }
}

/** FIFO queues are a different product in SQS; Gust says so rather than failing on the name. */
export function checkNotFifo(name: string): void {
  if (name.endsWith('.fifo')) {
    throw new GustError(
      'ERR_INVALID_PARAMETER',
      `Queue '${name}': FIFO queues (.fifo) are not supported by Gust. Use a standard queue; deduplication ids work on standard queues too.`,
      { details: { parameter: 'QueueName' }, awsType: 'UnsupportedOperation' },
    );
  }
}

/** The functions that have `queue` as an event source (a `queue` event in their manifest). */
export function consumersOf(registry: Pick<FunctionRegistry, 'list'>, queue: string): string[] {
  return registry
    .list()
    .filter((fn) => fn.config.queues?.some((q) => q.queue === queue))
    .map((fn) => fn.name)
    .sort();
}

/**
 * A queue that deployed functions consume cannot be deleted: their consumers would keep failing
 * to find it. Their queue events go first (a deploy without them).
 */
export function checkNotConsumed(queue: string, consumers: readonly string[]): void {
  if (consumers.length > 0) {
    throw new GustError(
      'ERR_CONFLICT',
      `Queue '${queue}' is the event source of ${consumers.map((c) => `function '${c}'`).join(', ')}: deploy without those queue events before deleting it.`,
      { details: { queue, consumers }, awsType: 'InvalidParameterValue' },
    );
  }
}
