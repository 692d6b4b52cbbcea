/**
 * The event bus: buses by name, rules compiled in memory, and publishing. Publishing never delivers
 * anything itself: every matched target's delivery is a queue message, and all the messages of one
 * call are enqueued in one transaction before the call answers. So an event the bus accepted is
 * never lost, and each target is retried and dead-lettered on its own by the queue.
 */
import type { Clock } from '../../core/clock.js';
import { GustError, isGustError } from '../../core/errors.js';
import { timeOrderedUuid } from '../../core/ids.js';
import type { FunctionRegistry } from '../../functions/control-plane.js';
import type { QueueService } from '../../queue/queue-service.js';
import type { StoredRule } from '../../store/rule-repository.js';
import type { Store } from '../../store/store.js';
import {
  checkEntries,
  type EntryError,
  type EntryInput,
  isEntryError,
  isReservedSource,
  readEntry,
} from './entries.js';
import { batchesOf, type RoutedEvent, routeEvent } from './routing.js';
import { collectRules, destinationBuses, RuleCompiler, type RuleSet } from './rule-set.js';
import { type BusEvent, type BusIdentity, type BusRule, eventTime, type PublishResult } from './types.js';

export interface EventBusDeps extends BusIdentity {
  store: Store;
  queues: QueueService;
  registry: FunctionRegistry;
  clock: Clock;
  /** Where the bus reports rules it had to leave out (default: stderr). */
  log?: (line: string) => void;
}

/** PutEvents' answer: one result per entry, in order. */
export interface PutEventsOutput {
  FailedEntryCount: number;
  Entries: ({ EventId: string } | EntryError)[];
}

/** What the control API and destinations publish (Detail as an object, not text). */
export interface PublishInput {
  source: string;
  detailType: string;
  detail: unknown;
  resources?: string[];
}

export interface EventBus {
  readonly identity: BusIdentity;
  /** Loads the top-level rules from the store and follows function changes. Call before deploys. */
  start(): Promise<void>;
  stop(): void;
  /** EventBridge's PutEvents: entries fail one by one; throws only for a bad request as a whole. */
  putEvents(entries: unknown): Promise<PutEventsOutput>;
  /** Publishes one event. Throws GustError for an invalid input or an unknown bus. */
  publish(bus: string, input: PublishInput): Promise<PublishResult>;
  /** Publishes events built elsewhere (CloudEvents): all of them, or (throwing) none. */
  publishEvents(bus: string, events: readonly BusEvent[]): Promise<PublishResult[]>;
  /** Publishes an event the platform made itself (a scheduled rule's tick), `aws.*` source allowed. */
  publishPlatformEvent(bus: string, event: BusEvent): Promise<PublishResult>;
  /** Every rule, ordered by bus, then name. */
  rules(): readonly BusRule[];
  /** The top-level rules that fire on a schedule (EventBridge scheduled rules). */
  scheduledRules(): readonly StoredRule[];
  /** Called after the rules change (a deploy here or on another node). */
  onRulesChange(listener: () => void): () => void;
  /** Every bus, sorted. */
  buses(): string[];
  /** Replaces the top-level rules (after a deploy stored them) and rebuilds the rule set. */
  setTopLevelRules(rules: readonly StoredRule[]): void;
}

export function createEventBus(deps: EventBusDeps): EventBus {
  const identity: BusIdentity = { region: deps.region, accountId: deps.accountId };
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const compiler = new RuleCompiler();
  let topLevel: readonly StoredRule[] = [];
  let ruleSet: RuleSet = compiler.build([], [], () => {});
  let unsubscribe: (() => void) | undefined;

  const ruleListeners = new Set<() => void>();
  const rebuild = () => {
    const functions = deps.registry.list();
    ruleSet = compiler.build(collectRules(functions, topLevel), destinationBuses(functions), (rule, error) =>
      log(`gust: event rule '${rule.name}' on bus '${rule.bus}' is left out: ${(error as Error).message}`),
    );
    for (const listener of ruleListeners) listener();
  };

  const mustExist = (bus: string) => {
    if (!ruleSet.buses.has(bus)) throw busNotFound(bus);
  };

  const buildEvent = (input: EntryInput, now: number): BusEvent => ({
    version: '0',
    id: timeOrderedUuid(now),
    'detail-type': input.detailType,
    source: input.source,
    account: deps.accountId,
    time: input.time ?? eventTime(now),
    region: deps.region,
    resources: input.resources,
    detail: input.detail,
  });

  /** Routes one event; a problem with its targets fails it alone (GustError). */
  const route = async (bus: string, event: BusEvent, now: number): Promise<RoutedEvent> => {
    const routed = routeEvent(event, ruleSet.byBus.get(bus) ?? [], identity, now);
    for (const d of routed.deliveries) {
      try {
        await deps.queues.getQueue(d.queue);
      } catch (error) {
        if (!isGustError(error) || error.code !== 'ERR_QUEUE_NOT_FOUND') throw error;
        throw new GustError(
          'ERR_QUEUE_NOT_FOUND',
          `Rule '${d.rule}' on bus '${bus}' targets ${d.target}, which does not exist; nothing was delivered for this event.`,
          { details: { queue: d.queue } },
        );
      }
    }
    return routed;
  };

  /** Enqueues every delivery of `routed` in one transaction. */
  const commit = async (routed: readonly RoutedEvent[]) => {
    const deliveries = routed.flatMap((r) => r.deliveries);
    if (deliveries.length > 0) await deps.queues.sendBatches(batchesOf(deliveries));
  };

  const result = (bus: string, r: RoutedEvent): PublishResult => ({
    eventId: r.event.id,
    bus,
    matchedRules: r.matchedRules,
  });

  const bus: EventBus = {
    identity,
    async start() {
      topLevel = await deps.store.rules.list();
      rebuild();
      const fromRegistry = deps.registry.onChange(rebuild);
      // Another node's deploy may have replaced top-level rules: read them again.
      const fromOtherNodes = deps.store.signals.subscribe('functions', (_payload, fromThisNode) => {
        if (fromThisNode) return;
        deps.store.rules.list().then(
          (rules) => {
            topLevel = rules;
            rebuild();
          },
          (error: unknown) => log(`gust: could not reload event rules: ${(error as Error).message}`),
        );
      });
      unsubscribe = () => {
        fromRegistry();
        fromOtherNodes();
      };
    },
    stop() {
      unsubscribe?.();
    },
    scheduledRules: () => topLevel.filter((r) => r.schedule !== undefined),
    onRulesChange(listener) {
      ruleListeners.add(listener);
      return () => ruleListeners.delete(listener);
    },

    async putEvents(entries) {
      const list = checkEntries(entries);
      const now = deps.clock.now();
      const out: PutEventsOutput['Entries'] = [];
      const accepted: RoutedEvent[] = [];
      for (const entry of list) {
        const input = readEntry(entry);
        if (isEntryError(input)) {
          out.push(input);
          continue;
        }
        try {
          mustExist(input.bus);
          const routed = await route(input.bus, buildEvent(input, now), now);
          accepted.push(routed);
          out.push({ EventId: routed.event.id });
        } catch (error) {
          if (!isGustError(error)) throw error;
          out.push(entryError(error));
        }
      }
      await commit(accepted);
      return { FailedEntryCount: out.filter((e) => 'ErrorCode' in e).length, Entries: out };
    },

    async publish(busName, input) {
      const now = deps.clock.now();
      const entry = readEntry({
        Source: input.source,
        DetailType: input.detailType,
        Detail: input.detail,
        Resources: input.resources,
      });
      if (isEntryError(entry)) {
        throw new GustError('ERR_INVALID_PARAMETER', entry.ErrorMessage, {
          awsType: 'ValidationException',
        });
      }
      mustExist(busName);
      const routed = await route(busName, buildEvent(entry, now), now);
      await commit([routed]);
      return result(busName, routed);
    },

    async publishEvents(busName, events) {
      mustExist(busName);
      for (const event of events) {
        if (isReservedSource(event.source)) {
          throw new GustError(
            'ERR_INVALID_PARAMETER',
            `Events may not have the source '${event.source}': sources starting with 'aws.' are reserved for events the platform sends itself.`,
            { awsType: 'NotAuthorizedForSourceException', details: { parameter: 'source' } },
          );
        }
      }
      const now = deps.clock.now();
      const routed: RoutedEvent[] = [];
      for (const event of events) routed.push(await route(busName, event, now));
      await commit(routed);
      return routed.map((r) => result(busName, r));
    },

    async publishPlatformEvent(busName, event) {
      mustExist(busName);
      const now = deps.clock.now();
      const routed = await route(busName, event, now);
      await commit([routed]);
      return result(busName, routed);
    },

    rules: () => ruleSet.rules,
    buses: () => [...ruleSet.buses].sort(),
    setTopLevelRules(rules) {
      topLevel = rules;
      rebuild();
    },
  };
  return bus;
}

export function busNotFound(bus: string): GustError {
  return new GustError(
    'ERR_NOT_FOUND',
    `Event bus '${bus}' does not exist: 'default' always does, others once a rule in gust.yaml names them.`,
    { awsType: 'ResourceNotFoundException', details: { bus } },
  );
}

/** A GustError as a PutEvents result entry. */
function entryError(error: GustError): EntryError {
  const code =
    error.code === 'ERR_NOT_FOUND'
      ? 'ResourceNotFoundException'
      : error.code === 'ERR_MESSAGE_TOO_LARGE'
        ? 'InvalidArgument'
        : 'InternalFailure';
  return { ErrorCode: code, ErrorMessage: error.message };
}
