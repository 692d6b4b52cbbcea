/**
 * Routing: which rules of a bus an event matches, and the queue message each of their targets
 * gets. Pure apart from ids: nothing is sent here, so an event's deliveries can be checked first
 * and then enqueued together with every other event's in one transaction.
 */
import { timeOrderedUuid } from '../../core/ids.js';
import { asyncMessage } from '../../queue/async-delivery.js';
import { checkMessage } from '../../queue/limits.js';
import type { SendInput } from '../../queue/queue-service.js';
import { ASYNC_QUEUE } from '../../queue/system-queues.js';
import type { CompiledRule } from './rule-set.js';
import { type BusEvent, type BusIdentity, parseTarget, ruleArn, WORKFLOW_STARTS_QUEUE } from './types.js';

/** One message to enqueue for one target of one matched rule. */
export interface Delivery {
  queue: string;
  input: SendInput;
  /** `function:NAME` or `queue:NAME`, for error messages. */
  target: string;
  rule: string;
}

export interface RoutedEvent {
  event: BusEvent;
  matchedRules: string[];
  deliveries: Delivery[];
}

/**
 * Matches `event` against `rules` and builds each target's message. A function target becomes an
 * asynchronous invocation (so it gets Lambda's retries, event age and dead-lettering); a queue
 * target gets the event as the message body. With an input transformer, the target gets the
 * transformed input instead of the event. Throws GustError ERR_MESSAGE_TOO_LARGE when one
 * target's input is over the queue's message limit.
 */
export function routeEvent(
  event: BusEvent,
  rules: readonly CompiledRule[],
  id: BusIdentity,
  now: number,
): RoutedEvent {
  const routed: RoutedEvent = { event, matchedRules: [], deliveries: [] };
  let eventJson: string | undefined;
  const ingestionTime = new Date(now).toISOString();
  for (const compiled of rules) {
    if (!compiled.pattern.matches(event)) continue;
    const { rule } = compiled;
    routed.matchedRules.push(rule.name);
    const input = compiled.transformer?.apply(event, {
      ruleName: rule.name,
      ruleArn: ruleArn(id, rule.bus, rule.name),
      ingestionTime,
    });
    for (const target of rule.targets) {
      const { kind, name } = parseTarget(target);
      let body: string;
      if (input === undefined) {
        eventJson ??= JSON.stringify(event);
        body = eventJson;
      } else if (kind === 'function' && !input.json) {
        // A function's event is JSON: plain-text input reaches it as a JSON string.
        body = JSON.stringify(input.text);
      } else body = input.text;
      checkMessage(body, {});
      if (kind === 'function') {
        const message = asyncMessage(
          {
            functionName: name,
            qualifier: '$LATEST',
            payload: body,
            requestId: timeOrderedUuid(now),
            trigger: 'event',
          },
          now,
        );
        routed.deliveries.push({ queue: ASYNC_QUEUE, input: message, target, rule: rule.name });
      } else if (kind === 'workflow') {
        // The execution is named after the event and rule, so a redelivery starts nothing twice.
        const start = JSON.stringify({
          workflow: name,
          name: `${rule.name}-${event.id}`.slice(0, 80),
          input: body,
        });
        routed.deliveries.push({
          queue: WORKFLOW_STARTS_QUEUE,
          input: { body: start },
          target,
          rule: rule.name,
        });
      } else {
        routed.deliveries.push({ queue: name, input: { body }, target, rule: rule.name });
      }
    }
  }
  return routed;
}

/** Groups deliveries by queue, keeping their order, for one `sendBatches`. */
export function batchesOf(deliveries: readonly Delivery[]): { queue: string; inputs: SendInput[] }[] {
  const byQueue = new Map<string, SendInput[]>();
  for (const d of deliveries) {
    const list = byQueue.get(d.queue) ?? [];
    list.push(d.input);
    byQueue.set(d.queue, list);
  }
  return [...byQueue].map(([queue, inputs]) => ({ queue, inputs }));
}
