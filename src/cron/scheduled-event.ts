import { randomUUID } from 'node:crypto';

/** The event EventBridge sends a scheduled rule's target (`aws.events`, "Scheduled Event"). */
export interface ScheduledEvent {
  version: '0';
  id: string;
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  account: string;
  /** The tick, not the moment it ran: ISO 8601 in UTC with whole seconds, `2026-01-01T12:00:00Z`. */
  time: string;
  region: string;
  /** The rule's ARN: `arn:aws:events:REGION:ACCOUNT:rule/NAME`. */
  resources: string[];
  detail: Record<string, never>;
}

export interface ScheduledEventOptions {
  /** The schedule's name, used as the rule name in the ARN. */
  ruleName: string;
  /** The tick (epoch ms). */
  tick: number;
  region: string;
  accountId: string;
  /** Event id; a random UUID by default. */
  id?: string;
}

/**
 * What a schedule's target receives unless the schedule gives its own `input`: the EventBridge
 * Scheduled Event, with the same fields in the same order, so handlers written for Lambda (and the
 * `ScheduledEvent` type of @types/aws-lambda) work unchanged.
 */
export function scheduledEvent(options: ScheduledEventOptions): ScheduledEvent {
  return {
    version: '0',
    id: options.id ?? randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: options.accountId,
    time: tickTime(options.tick),
    region: options.region,
    resources: [`arn:aws:events:${options.region}:${options.accountId}:rule/${options.ruleName}`],
    detail: {},
  };
}

/** `2026-01-01T12:00:00Z`: EventBridge writes event times with whole seconds. */
export function tickTime(tick: number): string {
  return new Date(Math.floor(tick / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
