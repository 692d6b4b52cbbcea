import type { Clock, TimerHandle } from '../core/clock.js';
import { timeOrderedUuid } from '../core/ids.js';
import type { ScheduleConfig } from '../core/types.js';
import type { FunctionRegistry } from '../functions/control-plane.js';
import { asyncMessage } from '../queue/async-delivery.js';
import type { QueueService } from '../queue/queue-service.js';
import { ASYNC_QUEUE } from '../queue/system-queues.js';
import type { NewMessage } from '../store/queue-repository.js';
import type { Store } from '../store/store.js';
import { DEFAULT_GRACE_MS, dueTicks, latestTick } from './due-ticks.js';
import { parseScheduleConfig, scheduleId } from './schedule-config.js';
import { scheduledEvent } from './scheduled-event.js';
import {
  createScheduledRuleDelivery,
  SCHEDULED_EVENTS_QUEUE,
  type ScheduledRuleDelivery,
  type ScheduledRules,
} from './scheduled-rules.js';

export { SCHEDULED_EVENTS_QUEUE, type ScheduledRules } from './scheduled-rules.js';

import type { MissedTickPolicy, Schedule } from './types.js';

export interface SchedulerDeps {
  store: Pick<Store, 'schedules'> & Partial<Pick<Store, 'signals'>>;
  /** Told when a tick was enqueued, so the async consumer runs it at once. */
  queues: QueueService;
  /** Scheduled event rules (top-level rules with `schedule`); absent: function schedules only. */
  rules?: ScheduledRules;
  registry: Pick<FunctionRegistry, 'list' | 'onChange'>;
  clock: Clock;
  region: string;
  accountId: string;
  /** How late a tick found at start may be and still fire under `skip` (default 60 s). */
  graceMs?: number;
  /** Where failures go (a tick that could not be enqueued, a schedule that no longer parses). */
  log?: (line: string) => void;
}

/** One schedule as `GET /_gust/v1/schedules` and `gust schedules ls` show it. */
export interface ScheduleStatus {
  /** `function/name`, or `rule:bus/name` for a scheduled rule. */
  id: string;
  /** The function a function schedule runs; null for a scheduled rule. */
  functionName: string | null;
  /** `bus/name` of a scheduled rule (which delivers to the rule's targets); null for a function's. */
  rule: string | null;
  name: string;
  /** The normalised description: `rate(5 minutes)`, `cron(0 9 ? * MON-FRI *) Europe/Paris`. */
  expression: string;
  timezone: string;
  enabled: boolean;
  missed: MissedTickPolicy;
  /** The tick the scheduler waits for (epoch ms); null when disabled or when it never fires again. */
  nextTick: number | null;
  /** The last tick fired (its scheduled time, not when it ran), from the store; null if none. */
  lastTick: number | null;
  /** Why the schedule cannot run (it no longer parses), else null. */
  error: string | null;
}

export interface Scheduler {
  /** Reads the deployed schedules, fires what is due (by each schedule's missed-tick policy), arms timers. */
  start(): Promise<void>;
  /** Cancels every timer and waits for a tick being enqueued. */
  stop(): Promise<void>;
  /** Every deployed schedule, enabled or not, sorted by id. */
  list(): Promise<ScheduleStatus[]>;
  /** Resolves once registry changes and fires in progress are done (for tests). */
  idle(): Promise<void>;
}

/**
 * A timer never sleeps longer than this: timers run on a monotonic clock, so a long sleep would miss
 * a wall-clock change, and Node's setTimeout cannot wait more than 24.8 days. Waking up early just
 * re-arms for the same tick.
 */
const MAX_SLEEP_MS = 60_000;
/** After a failed enqueue (store busy, queue missing) the tick is tried again, backing off to 1 min. */
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 60_000;

interface Entry {
  readonly id: string;
  readonly functionName: string;
  /** Set for a scheduled rule (then functionName is empty). */
  readonly rule?: { bus: string; name: string };
  readonly config: ScheduleConfig;
  /** What makes a redeploy a change for the scheduler (the event index is not part of it). */
  readonly key: string;
  readonly schedule: Schedule | null;
  readonly error: string | null;
  /** False once the entry is replaced or removed: its timer callbacks then do nothing. */
  active: boolean;
  timer: TimerHandle | undefined;
  /** The tick the timer is armed for; null when no timer is armed. */
  pending: number | null;
  failures: number;
}

/**
 * Fires the deployed schedules. Each enabled schedule has one timer, armed for its next tick; when
 * it is due, `fireTick` records the tick and enqueues the async invocation in one transaction, with
 * a compare-and-set on the last fired tick. So:
 *
 * - a tick fires once: never twice after a restart, and never twice when several schedulers share
 *   the store (each computes the same ticks, the first to record one wins, the others do nothing);
 * - a timer that fires late (busy event loop, suspended machine) fires the latest tick that fell
 *   due since the one it was armed for, once; earlier ones are not replayed;
 * - at start, and when a schedule is (re)deployed, ticks missed while nothing was running follow
 *   the schedule's policy (`dueTicks`): `skip` fires only an on-time tick, `run-latest` the latest;
 * - the target runs through the async queue, so it is retried and dead-lettered like any async
 *   invocation, with trigger `schedule`.
 *
 * All work runs one step at a time on one promise chain, so a registry change never races a fire.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { clock } = deps;
  const graceMs = deps.graceMs ?? DEFAULT_GRACE_MS;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const entries = new Map<string, Entry>();
  let chain: Promise<void> = Promise.resolve();
  let running = false;
  let unsubscribe: (() => void) | undefined;

  /** Runs `step` after everything queued before it; a failing step is logged, never fatal. */
  const enqueue = (step: () => Promise<void>): Promise<void> => {
    chain = chain.then(step).catch((error: unknown) => {
      log(`gust: scheduler: ${error instanceof Error ? error.message : String(error)}`);
    });
    return chain;
  };

  const setTimer = (entry: Entry, tick: number, delayMs: number) => {
    entry.timer?.cancel();
    entry.pending = tick;
    const wait = Math.min(Math.max(0, delayMs), MAX_SLEEP_MS);
    entry.timer = clock.setTimeout(() => void enqueue(() => wake(entry)), wait);
  };

  /** Arms the timer for the first tick strictly after `after`; none if the schedule has ended. */
  const arm = (entry: Entry, after: number) => {
    const next = entry.schedule?.next(after) ?? null;
    if (next === null) {
      entry.timer?.cancel();
      entry.timer = undefined;
      entry.pending = null;
      return;
    }
    setTimer(entry, next, next - clock.now());
  };

  const disarm = (entry: Entry) => {
    entry.active = false;
    entry.timer?.cancel();
    entry.timer = undefined;
    entry.pending = null;
  };

  /** A scheduled rule's tick: its Scheduled Event, to be published on its bus. */
  const ruleMessage = (rule: { bus: string; name: string }, tick: number, now: number): NewMessage => {
    const ruleName = rule.bus === 'default' ? rule.name : `${rule.bus}/${rule.name}`;
    const event = scheduledEvent({
      ruleName,
      tick,
      region: deps.region,
      accountId: deps.accountId,
      id: timeOrderedUuid(now),
    });
    return { id: timeOrderedUuid(now), body: JSON.stringify({ bus: rule.bus, event }), attributes: {} };
  };

  /** Records `tick` and enqueues its invocation, once. False if that failed (to be tried again). */
  const fire = async (entry: Entry, tick: number): Promise<boolean> => {
    const { config } = entry;
    const now = clock.now();
    if (entry.rule !== undefined) {
      try {
        if (
          await deps.store.schedules.fireTick(
            entry.id,
            tick,
            SCHEDULED_EVENTS_QUEUE,
            ruleMessage(entry.rule, tick, now),
            now,
          )
        ) {
          deps.queues.notify(SCHEDULED_EVENTS_QUEUE);
        }
        entry.failures = 0;
        return true;
      } catch (error) {
        entry.failures++;
        log(
          `gust: scheduled rule ${entry.id}: could not fire the tick of ${new Date(tick).toISOString()}: ${error instanceof Error ? error.message : String(error)}`,
        );
        return false;
      }
    }
    const payload =
      config.input ??
      JSON.stringify(
        scheduledEvent({ ruleName: config.name, tick, region: deps.region, accountId: deps.accountId }),
      );
    const request = asyncMessage(
      {
        functionName: entry.functionName,
        qualifier: '$LATEST',
        payload,
        requestId: timeOrderedUuid(now),
        trigger: 'schedule',
      },
      now,
    );
    const message: NewMessage = { id: timeOrderedUuid(now), body: request.body, attributes: {} };
    if (request.meta !== undefined) message.meta = request.meta;
    try {
      // False when this tick (or a later one) was already fired, by an earlier run or another node.
      if (await deps.store.schedules.fireTick(entry.id, tick, ASYNC_QUEUE, message, now)) {
        deps.queues.notify(ASYNC_QUEUE);
      }
      entry.failures = 0;
      return true;
    } catch (error) {
      entry.failures++;
      log(
        `gust: schedule ${entry.id}: could not fire the tick of ${new Date(tick).toISOString()} ` +
          `(attempt ${entry.failures}): ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
  };

  /** The timer of `entry` went off: fire what is due, then arm for the next tick. */
  const wake = async (entry: Entry) => {
    const pending = entry.pending;
    if (!running || !entry.active || pending === null || entry.schedule === null) return;
    entry.timer = undefined;
    const now = clock.now();
    if (now < pending) {
      setTimer(entry, pending, pending - now); // woke early (long sleep, or the clock went back)
      return;
    }
    // However late the timer is, the latest tick since the one it was armed for fires, once.
    const tick = latestTick(entry.schedule, pending - 1, now) ?? pending;
    if (!(await fire(entry, tick))) {
      if (entry.active) setTimer(entry, tick, retryDelay(entry.failures));
      return;
    }
    if (entry.active) arm(entry, now);
  };

  /** A schedule that was just deployed, or found at start: apply its missed-tick policy, then arm. */
  const begin = async (entry: Entry) => {
    if (entry.schedule === null || !entry.config.enabled) return;
    const now = clock.now();
    const last = await deps.store.schedules.lastFired(entry.id);
    const [due] = dueTicks(entry.schedule, last, now, entry.config.missed, { graceMs });
    if (due !== undefined && !(await fire(entry, due))) {
      if (entry.active) setTimer(entry, due, retryDelay(entry.failures));
      return;
    }
    if (entry.active) arm(entry, now);
  };

  const sync = async () => {
    if (!running) return;
    const wanted = new Map<
      string,
      { functionName: string; config: ScheduleConfig; rule?: { bus: string; name: string } }
    >();
    for (const fn of deps.registry.list()) {
      for (const config of fn.config.schedules ?? []) {
        wanted.set(scheduleId(fn.name, config.name), { functionName: fn.name, config });
      }
    }
    for (const r of deps.rules?.scheduled() ?? []) {
      if (r.schedule === undefined) continue;
      const config: ScheduleConfig = {
        name: r.name,
        eventIndex: 0,
        expression: r.schedule.expression,
        enabled: r.schedule.enabled,
        missed: 'skip',
      };
      if (r.schedule.timezone !== undefined) config.timezone = r.schedule.timezone;
      wanted.set(`rule:${r.bus}/${r.name}`, { functionName: '', config, rule: { bus: r.bus, name: r.name } });
    }
    for (const [id, entry] of entries) {
      if (wanted.get(id) === undefined || keyOf(wanted.get(id)?.config) !== entry.key) {
        disarm(entry);
        entries.delete(id);
      }
    }
    for (const [id, { functionName, config, rule }] of wanted) {
      if (entries.has(id)) continue;
      const entry = createEntry(id, functionName, config, rule);
      if (entry.error !== null) log(`gust: schedule ${id} cannot run: ${entry.error}`);
      entries.set(id, entry);
      await begin(entry);
    }
    // Deleted schedules are forgotten; disabled ones keep their last tick, so that re-enabling one
    // soon after a tick cannot fire that tick again. Only where this node's view is the whole truth
    // (one node): a node of a cluster may not have loaded another node's deploy yet, and forgetting
    // a tick it does not know of would let that tick fire twice.
    if (deps.store.signals?.crossNode !== true) await deps.store.schedules.deleteExcept([...wanted.keys()]);
  };

  let ruleDelivery: ScheduledRuleDelivery | undefined;
  const idle = async () => {
    for (;;) {
      const current = chain;
      await current;
      if (current === chain) return;
    }
  };

  return {
    async start() {
      if (running) return;
      running = true;
      const fromRegistry = deps.registry.onChange(() => void enqueue(sync));
      const fromRules = deps.rules?.onChange(() => void enqueue(sync));
      unsubscribe = () => {
        fromRegistry();
        fromRules?.();
      };
      if (deps.rules !== undefined) {
        ruleDelivery = createScheduledRuleDelivery({ queues: deps.queues, clock, rules: deps.rules, log });
        await ruleDelivery.start();
      }
      await enqueue(sync);
    },

    async stop() {
      running = false;
      unsubscribe?.();
      unsubscribe = undefined;
      for (const entry of entries.values()) disarm(entry);
      entries.clear();
      await idle();
      await ruleDelivery?.stop();
      ruleDelivery = undefined;
    },

    async list() {
      await idle(); // so that a deploy that just returned is reflected
      const out: ScheduleStatus[] = [];
      for (const entry of [...entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
        const { config, schedule } = entry;
        out.push({
          id: entry.id,
          functionName: entry.rule === undefined ? entry.functionName : null,
          rule: entry.rule === undefined ? null : `${entry.rule.bus}/${entry.rule.name}`,
          name: config.name,
          expression: schedule?.describe() ?? config.expression,
          timezone: schedule?.timezone ?? config.timezone ?? 'UTC',
          enabled: config.enabled,
          missed: config.missed,
          nextTick: config.enabled ? entry.pending : null,
          lastTick: await deps.store.schedules.lastFired(entry.id),
          error: entry.error,
        });
      }
      return out;
    },

    idle,
  };
}

function createEntry(
  id: string,
  functionName: string,
  config: ScheduleConfig,
  rule?: { bus: string; name: string },
): Entry {
  let schedule: Schedule | null = null;
  let error: string | null = null;
  try {
    schedule = parseScheduleConfig(config);
  } catch (e) {
    // The deploy hook refuses bad expressions; this catches one that stopped parsing since (a time
    // zone missing from a newer tz database), so one schedule cannot stop the others.
    error = e instanceof Error ? e.message : String(e);
  }
  return {
    id,
    functionName,
    ...(rule !== undefined ? { rule } : {}),
    config,
    key: keyOf(config),
    schedule,
    error,
    active: true,
    timer: undefined,
    pending: null,
    failures: 0,
  };
}

function keyOf(config: ScheduleConfig | undefined): string {
  if (config === undefined) return '';
  const { expression, timezone, input, enabled, missed } = config;
  return JSON.stringify([expression, timezone ?? null, input ?? null, enabled, missed]);
}

function retryDelay(failures: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
}
