/**
 * Event-bus rules declared at the top level of an app's gust.yaml (`rules:`). Rules that a
 * function declares under `events: - eventBridge` are part of its version and need no table.
 */

/** What a rule is, as declared: EventBridge pattern, targets and optional input transformer. */
export interface RuleDefinition {
  bus: string;
  name: string;
  /** The EventBridge event pattern, as declared (compiled by the event bus, not here). */
  pattern: Record<string, unknown>;
  /** `function:NAME` or `queue:NAME`, in declared order. */
  targets: string[];
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
  /**
   * A scheduled rule (EventBridge's ScheduleExpression): the scheduler publishes a Scheduled Event
   * for it at each tick, and `pattern` is the one that matches exactly those events.
   */
  schedule?: RuleSchedule;
}

/** When a scheduled rule fires: `rate(...)`, `cron(...)` (AWS forms) or a crontab line with a zone. */
export interface RuleSchedule {
  expression: string;
  timezone?: string;
  enabled: boolean;
}

/** A rule with the app (service) whose deploy declared it. */
export interface StoredRule extends RuleDefinition {
  service: string;
}

export interface RuleRepository {
  /**
   * Makes `rules` the whole set of `service`'s rules, in one transaction: the service's rules not
   * in the list are deleted. A rule is identified by bus and name; one with the same bus and name
   * that another service stored is taken over.
   */
  replaceForService(service: string, rules: readonly RuleDefinition[]): Promise<void>;
  /** Every stored rule, ordered by bus, then name. */
  list(): Promise<StoredRule[]>;
}
