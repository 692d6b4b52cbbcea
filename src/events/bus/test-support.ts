/** A real event bus on an in-memory store, with a fake registry and clock, for tests. */
import { FakeClock } from '../../core/clock.js';
import type { EventRuleConfig, FunctionConfig } from '../../core/types.js';
import { FakeRegistry } from '../../gateway/test-support.js';
import { createQueueService, type QueueService } from '../../queue/queue-service.js';
import { ASYNC_QUEUE } from '../../queue/system-queues.js';
import { createSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { createEventBus, type EventBus } from './event-bus.js';

export interface BusFixture {
  bus: EventBus;
  store: Store;
  queues: QueueService;
  registry: FakeRegistry;
  clock: FakeClock;
  logged: string[];
  /** Bodies and metadata of the messages waiting in `queue`, oldest first. */
  messages(queue: string): Promise<{ body: string; meta: Record<string, unknown> | null }[]>;
  close(): Promise<void>;
}

/** A function rule as the manifest would produce it. */
export function functionRule(
  name: string,
  pattern: Record<string, unknown>,
  extra: Partial<EventRuleConfig> = {},
) {
  return { name, eventIndex: 0, bus: 'default', pattern, ...extra } satisfies EventRuleConfig;
}

/**
 * Builds the bus after `setup` has added functions and top-level rules (so `start` sees them).
 * The async queue and the queues named in `queues` exist.
 */
export async function busFixture(
  setup: {
    functions?: Record<string, Partial<FunctionConfig>>;
    queues?: string[];
    topLevel?: Parameters<Store['rules']['replaceForService']>[1];
  } = {},
): Promise<BusFixture> {
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  const queues = createQueueService({ store, clock });
  await queues.putQueue(ASYNC_QUEUE, {}, { kind: 'system', owner: null });
  for (const q of setup.queues ?? []) await queues.putQueue(q);
  const registry = new FakeRegistry();
  for (const [name, config] of Object.entries(setup.functions ?? {})) registry.add(name, config);
  if (setup.topLevel) await store.rules.replaceForService('shop', setup.topLevel);
  const logged: string[] = [];
  const bus = createEventBus({
    store,
    queues,
    registry,
    clock,
    region: 'eu-west-1',
    accountId: '123456789012',
    log: (line) => logged.push(line),
  });
  await bus.start();
  return {
    bus,
    store,
    queues,
    registry,
    clock,
    logged,
    async messages(queue) {
      const stored = await queues.peek(queue, 100);
      return stored.map((m) => ({ body: m.body, meta: (m.meta ?? null) as Record<string, unknown> | null }));
    },
    async close() {
      bus.stop();
      await store.close();
    },
  };
}
