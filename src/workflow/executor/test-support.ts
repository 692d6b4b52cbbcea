import { FakeClock } from '../../core/clock.js';
import { FakeInvoker } from '../../gateway/test-support.js';
import { createQueueService, type QueueService } from '../../queue/queue-service.js';
import { createSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import * as engine from '../engine/index.js';
import { createWorkflowExecutor, type WorkflowExecutor } from './executor.js';

/** An executor on an in-memory store, a fake clock and a scripted invoker. */
export interface Harness {
  store: Store;
  clock: FakeClock;
  queues: QueueService;
  invoker: FakeInvoker;
  executor: WorkflowExecutor;
  /** Yields to the event loop until `check` holds (no time passes on the fake clock). */
  until(what: string, check: () => Promise<boolean> | boolean): Promise<void>;
  /** A second executor on the same store (another process after a crash). */
  restart(): Promise<WorkflowExecutor>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const clock = new FakeClock();
  const queues = createQueueService({ store, clock });
  const invoker = new FakeInvoker();
  let n = 0;
  const make = () =>
    createWorkflowExecutor({
      store,
      queues,
      invoker,
      engine,
      clock,
      region: 'us-east-1',
      accountId: '000000000000',
      uuid: () => `uuid-${++n}`,
      random: () => 0.5,
      log: (line) => process.env.GUST_DEBUG && console.error(line),
    });
  const executors = [make()];
  await executors[0]?.start();
  return {
    store,
    clock,
    queues,
    invoker,
    executor: executors[0] as WorkflowExecutor,
    async until(what, check) {
      for (let i = 0; i < 5000; i++) {
        if (await check()) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    async restart() {
      const next = make();
      executors.push(next);
      await next.start();
      return next;
    },
    async close() {
      for (const e of executors) await e.stop();
      await store.close();
    },
  };
}
