import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../store.js';
import type { ExecutionRecord, Transition, Wake } from '../workflow-repository.js';
import type { MakeStore } from './fixtures.js';
import { queueRecord, T0, withStore } from './fixtures.js';

const QUEUE = 'wf';
let seq = 0;
const wake: Wake = {
  queue: QUEUE,
  message: (executionId) => ({
    id: `m-${String(++seq).padStart(8, '0')}`,
    body: executionId,
    attributes: {},
  }),
};

const execution = (id: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id,
  rootId: id,
  parentId: null,
  groupSeq: null,
  branchIndex: null,
  groupLimit: null,
  stateMachine: id.split(':')[0] ?? id,
  name: id.split(':')[1] ?? id,
  status: 'RUNNING',
  input: '{}',
  output: null,
  error: null,
  cause: null,
  definition: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
  state: '{"at":"A"}',
  version: 1,
  actionSeq: null,
  startedAt: T0,
  stoppedAt: null,
  updatedAt: T0,
  redriveCount: 0,
  redriveAt: null,
  callbackToken: null,
  ...overrides,
});

const child = (parent: string, index: number, status: 'RUNNING' | 'PENDING', limit: number) =>
  execution(`${parent}/2.${index}`, {
    rootId: parent,
    parentId: parent,
    groupSeq: 2,
    branchIndex: index,
    groupLimit: limit,
    status,
  });

/** A transition of `e` from its version to the next, with nothing else. */
const next = (e: ExecutionRecord, patch: Partial<ExecutionRecord> = {}, extra: Partial<Transition> = {}) =>
  ({
    execution: { ...e, ...patch, version: e.version + 1 },
    expectedVersion: e.version,
    events: [],
    wake,
    now: T0 + 10,
    ...extra,
  }) satisfies Transition;

const woken = async (store: Store) =>
  (await store.queues.peek(QUEUE, { limit: 100 })).map((m) => m.body).sort();

async function ready(store: Store, body: (store: Store) => Promise<void>) {
  await store.queues.putQueue(queueRecord(QUEUE, { dedupeWindowSec: 0 }));
  await body(store);
}

/** Registers the WorkflowRepository tests. */
export function workflowContract(makeStore: MakeStore): void {
  test('state machines are stored, listed by name, replaced and deleted', async () => {
    await withStore(makeStore, async (store) => {
      const sm = {
        name: 'orders',
        definition: '{}',
        type: 'STANDARD' as const,
        service: 'shop',
        revision: 1,
        createdAt: T0,
        updatedAt: T0,
      };
      await store.workflows.putStateMachine(sm);
      await store.workflows.putStateMachine({ ...sm, name: 'a-first', service: null });
      assert.deepEqual(
        (await store.workflows.listStateMachines()).map((s) => s.name),
        ['a-first', 'orders'],
      );
      await store.workflows.putStateMachine({ ...sm, definition: '{"x":1}', revision: 2, updatedAt: T0 + 5 });
      assert.deepEqual(await store.workflows.getStateMachine('orders'), {
        ...sm,
        definition: '{"x":1}',
        revision: 2,
        updatedAt: T0 + 5,
      });
      assert.equal(await store.workflows.deleteStateMachine('orders'), true);
      assert.equal(await store.workflows.deleteStateMachine('orders'), false);
      assert.equal(await store.workflows.getStateMachine('orders'), undefined);
    });
  });

  test('creating an execution stores it with its events and wakes it; the same id returns the existing one', async () => {
    await withStore(makeStore, (s) =>
      ready(s, async (store) => {
        const e = execution('orders:one');
        const events = [{ type: 'ExecutionStarted', timestamp: T0, body: '{"type":"ExecutionStarted"}' }];
        assert.deepEqual(await store.workflows.createExecution(e, events, [], wake, T0), { created: true });
        assert.deepEqual(await store.workflows.getExecution('orders:one'), e);
        assert.deepEqual(await store.workflows.history('orders:one'), [{ id: 1, ...events[0] }]);
        assert.deepEqual(await woken(store), ['orders:one']);
        const again = await store.workflows.createExecution({ ...e, input: '{"x":1}' }, events, [], wake, T0);
        assert.deepEqual(again, { created: false, existing: e });
        assert.equal((await store.workflows.history('orders:one')).length, 1);
      }),
    );
  });

  test('a commit compares and sets the version: a stale save changes nothing', async () => {
    await withStore(makeStore, (s) =>
      ready(s, async (store) => {
        const e = execution('orders:cas');
        await store.workflows.createExecution(e, [], [], wake, T0);
        const event = { type: 'PassStateEntered', timestamp: T0 + 1, body: '{}' };
        assert.equal(
          await store.workflows.commit(next(e, { state: '{"at":"B"}' }, { events: [event] })),
          true,
        );
        assert.equal(
          await store.workflows.commit(next(e, { state: '{"at":"C"}' }, { events: [event] })),
          false,
        );
        const saved = await store.workflows.getExecution('orders:cas');
        assert.equal(saved?.state, '{"at":"B"}');
        assert.equal(saved?.version, 2);
        assert.deepEqual(
          (await store.workflows.history('orders:cas')).map((h) => h.id),
          [1],
        );
      }),
    );
  });

  test('history is numbered per root execution and pages both ways', async () => {
    await withStore(makeStore, (s) =>
      ready(s, async (store) => {
        const e = execution('orders:h');
        const ev = (n: number) => ({ type: `E${n}`, timestamp: T0 + n, body: `{"n":${n}}` });
        await store.workflows.createExecution(e, [ev(1), ev(2)], [], wake, T0);
        await store.workflows.commit(next(e, {}, { events: [ev(3), ev(4), ev(5)] }));
        const ids = async (o: Parameters<Store['workflows']['history']>[1]) =>
          (await store.workflows.history('orders:h', o)).map((h) => h.id);
        assert.deepEqual(await ids({}), [1, 2, 3, 4, 5]);
        assert.deepEqual(await ids({ afterId: 2, limit: 2 }), [3, 4]);
        assert.deepEqual(await ids({ reverse: true, limit: 2 }), [5, 4]);
        assert.deepEqual(await ids({ reverse: true, afterId: 4 }), [3, 2, 1]);
      }),
    );
  });

  test('executions are listed per state machine, newest first, top-level only, by status', async () => {
    await withStore(makeStore, (s) =>
      ready(s, async (store) => {
        await store.workflows.createExecution(execution('orders:a'), [], [], wake, T0);
        await store.workflows.createExecution(
          execution('orders:b', { startedAt: T0 + 5, status: 'SUCCEEDED' }),
          [],
          [],
          wake,
          T0,
        );
        await store.workflows.createExecution(execution('other:c'), [], [], wake, T0);
        const names = async (q: Partial<Parameters<Store['workflows']['listExecutions']>[0]>) =>
          (await store.workflows.listExecutions({ stateMachine: 'orders', ...q })).map((e) => e.name);
        assert.deepEqual(await names({}), ['b', 'a']);
        assert.deepEqual(await names({ status: 'RUNNING' }), ['a']);
        assert.deepEqual(await names({ before: T0 + 5 }), ['a']);
        assert.deepEqual(await names({ limit: 1 }), ['b']);
      }),
    );
  });

  test('a finished child starts a pending sibling, and the last one wakes the parent', async () => {
    await withStore(makeStore, (s) =>
      ready(s, async (store) => {
        const parent = execution('orders:p');
        await store.workflows.createExecution(parent, [], [], wake, T0);
        const kids = [child('orders:p', 0, 'RUNNING', 1), child('orders:p', 1, 'PENDING', 1)];
        await store.queues.purge(QUEUE);
        await store.workflows.commit(
          next(parent, { actionSeq: 2 }, { children: kids, wakeNow: [kids[0]!.id] }),
        );
        assert.deepEqual(await woken(store), ['orders:p/2.0']);
        assert.equal((await store.workflows.childCounts('orders:p', 2)).PENDING, 1);

        await store.queues.purge(QUEUE);
        const done = { status: 'SUCCEEDED' as const, output: '1', stoppedAt: T0 + 10 };
        await store.workflows.commit(next(kids[0]!, done, { finished: {} }));
        assert.deepEqual(await woken(store), ['orders:p/2.1']);
        const second = await store.workflows.getExecution('orders:p/2.1');
        assert.equal(second?.status, 'RUNNING');

        await store.queues.purge(QUEUE);
        await store.workflows.commit(
          next(second!, { status: 'FAILED', error: 'E', cause: 'C' }, { finished: {} }),
        );
        assert.deepEqual(await woken(store), ['orders:p']);
        assert.deepEqual(await store.workflows.childResults('orders:p', 2), [
          { index: 0, status: 'SUCCEEDED', output: '1', error: null, cause: null },
          { index: 1, status: 'FAILED', output: null, error: 'E', cause: 'C' },
        ]);
        const counts = await store.workflows.childCounts('orders:p', 2);
        assert.equal(counts.SUCCEEDED + counts.FAILED, 2);
      }),
    );
  });

  test('an execution that ends aborts its running descendants and clears its timers', async () => {
    await withStore(makeStore, (s) =>
      ready(s, async (store) => {
        const parent = execution('orders:x');
        await store.workflows.createExecution(parent, [], [], wake, T0);
        const kid = child('orders:x', 0, 'RUNNING', 0);
        const timer = { id: 'orders:x:wait', executionId: 'orders:x', kind: 'wait', dueAt: T0 + 1000 };
        await store.workflows.commit(next(parent, { actionSeq: 2 }, { children: [kid], timers: [timer] }));
        assert.equal(await store.workflows.nextTimerDue(), T0 + 1000);
        await store.workflows.commit(
          next({ ...parent, version: 2 }, { status: 'ABORTED', stoppedAt: T0 + 20 }, { finished: {} }),
        );
        assert.equal((await store.workflows.getExecution(kid.id))?.status, 'ABORTED');
        assert.equal(await store.workflows.nextTimerDue(), null);
      }),
    );
  });

  test('due timers wake their executions once, and later timers wait', async () => {
    await withStore(makeStore, (s) =>
      ready(s, async (store) => {
        const e = execution('orders:t');
        const timers = [
          { id: 't1', executionId: e.id, kind: 'wait', dueAt: T0 + 100 },
          { id: 't2', executionId: e.id, kind: 'execution', dueAt: T0 + 5000 },
        ];
        await store.workflows.createExecution(e, [], timers, wake, T0);
        await store.queues.purge(QUEUE);
        assert.equal(await store.workflows.fireDueTimers(T0 + 50, 10, wake), 0);
        assert.equal(await store.workflows.fireDueTimers(T0 + 100, 10, wake), 1);
        assert.deepEqual(await woken(store), ['orders:t']);
        assert.equal(await store.workflows.fireDueTimers(T0 + 100, 10, wake), 0);
        assert.equal(await store.workflows.nextTimerDue(), T0 + 5000);
        // clearTimers keeps the execution's own deadline.
        await store.workflows.commit(next(e, {}, { clearTimers: true }));
        assert.equal(await store.workflows.nextTimerDue(), T0 + 5000);
      }),
    );
  });

  test('a task token is settled once, wakes its execution, and takes heartbeats only while waiting', async () => {
    await withStore(makeStore, (s) =>
      ready(s, async (store) => {
        const e = execution('orders:k');
        await store.workflows.createExecution(e, [], [], wake, T0);
        const token = {
          token: 'tok-1',
          executionId: e.id,
          stateMachine: 'orders',
          status: 'waiting' as const,
          dispatched: false,
          outcome: null,
          createdAt: T0,
          heartbeatAt: T0,
        };
        await store.workflows.commit(next(e, { actionSeq: 2 }, { tokens: [token] }));
        await store.workflows.markDispatched('tok-1');
        assert.equal(await store.workflows.heartbeat('tok-1', T0 + 7), true);
        assert.deepEqual(await store.workflows.getToken('tok-1'), {
          ...token,
          dispatched: true,
          heartbeatAt: T0 + 7,
        });
        await store.queues.purge(QUEUE);
        assert.equal(await store.workflows.settleToken('tok-1', '{"ok":1}', wake, T0 + 8), true);
        assert.equal(await store.workflows.settleToken('tok-1', '{"ok":2}', wake, T0 + 9), false);
        assert.equal(await store.workflows.heartbeat('tok-1', T0 + 9), false);
        assert.equal((await store.workflows.getToken('tok-1'))?.outcome, '{"ok":1}');
        assert.deepEqual(await woken(store), ['orders:k']);
        assert.equal(await store.workflows.getToken('nope'), undefined);
      }),
    );
  });

  test('an execution started by a .sync task settles its caller token when it ends', async () => {
    await withStore(makeStore, (s) =>
      ready(s, async (store) => {
        const caller = execution('outer:c');
        await store.workflows.createExecution(caller, [], [], wake, T0);
        const token = {
          token: 'sync-1',
          executionId: caller.id,
          stateMachine: 'outer',
          status: 'waiting' as const,
          dispatched: true,
          outcome: null,
          createdAt: T0,
          heartbeatAt: T0,
        };
        await store.workflows.commit(next(caller, {}, { tokens: [token] }));
        const inner = execution('inner:i', { callbackToken: 'sync-1' });
        await store.workflows.createExecution(inner, [], [], wake, T0);
        await store.queues.purge(QUEUE);
        await store.workflows.commit(
          next(
            inner,
            { status: 'SUCCEEDED', output: '{}' },
            { finished: { callbackOutcome: '{"ok":"done"}' } },
          ),
        );
        assert.equal((await store.workflows.getToken('sync-1'))?.outcome, '{"ok":"done"}');
        assert.deepEqual(await woken(store), ['outer:c']);
      }),
    );
  });
}
