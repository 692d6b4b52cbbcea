import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AsyncInvocationRecord } from '../delivery-repositories.js';
import type { MakeStore } from './fixtures.js';
import { asyncInvocation, newMessage, queueRecord, T0, withStore } from './fixtures.js';
import { isNotFound } from './queues.contract.js';

const requestIds = (records: AsyncInvocationRecord[]): string[] => records.map((r) => r.requestId);
const HOUR = 3_600_000;

/** Registers the AsyncInvocationRepository tests. */
export function asyncInvocationContract(makeStore: MakeStore): void {
  test('an async invocation record reads back field for field, including its error', async () => {
    await withStore(makeStore, async (store) => {
      const failed = asyncInvocation('req-1', {
        qualifier: 'live',
        status: 'dead-lettered',
        attempts: 3,
        nextAttemptAt: null,
        lastError: { errorType: 'TypeError', errorMessage: 'boom', trace: ['at handler (index.js:3:9)'] },
        destination: 'dlq:orders-dlq',
        updatedAt: T0 + 500,
      });
      await store.asyncInvocations.put(failed);
      await store.asyncInvocations.put(asyncInvocation('req-2'));
      assert.deepEqual(await store.asyncInvocations.get('req-1'), failed);
      assert.deepEqual(await store.asyncInvocations.get('req-2'), asyncInvocation('req-2'));
      assert.equal(await store.asyncInvocations.get('missing'), undefined);
    });
  });

  test('putting a record with an existing requestId replaces it', async () => {
    await withStore(makeStore, async (store) => {
      await store.asyncInvocations.put(asyncInvocation('req-1'));
      const running = asyncInvocation('req-1', { status: 'running', attempts: 1, updatedAt: T0 + 10 });
      await store.asyncInvocations.put(running);
      assert.deepEqual(await store.asyncInvocations.get('req-1'), running);
      assert.equal((await store.asyncInvocations.list({})).length, 1);
    });
  });

  test('list returns records newest first, optionally for one function, ties to the later put', async () => {
    await withStore(makeStore, async (store) => {
      await store.asyncInvocations.put(asyncInvocation('a', { createdAt: T0 + 10 }));
      await store.asyncInvocations.put(
        asyncInvocation('b', { functionName: 'payments', createdAt: T0 + 30 }),
      );
      await store.asyncInvocations.put(asyncInvocation('c', { createdAt: T0 + 20 }));
      await store.asyncInvocations.put(asyncInvocation('d', { createdAt: T0 + 20 }));
      // Replacing a record keeps its place among equal times.
      await store.asyncInvocations.put(asyncInvocation('c', { createdAt: T0 + 20, status: 'succeeded' }));
      assert.deepEqual(requestIds(await store.asyncInvocations.list({})), ['b', 'd', 'c', 'a']);
      assert.deepEqual(requestIds(await store.asyncInvocations.list({ functionName: 'orders' })), [
        'd',
        'c',
        'a',
      ]);
      assert.deepEqual(requestIds(await store.asyncInvocations.list({ limit: 2 })), ['b', 'd']);
      assert.deepEqual(await store.asyncInvocations.list({ functionName: 'missing' }), []);
    });
  });

  test('list returns 50 records by default and never more than 1000', async () => {
    await withStore(makeStore, async (store) => {
      for (let i = 0; i < 1010; i++) {
        await store.asyncInvocations.put(asyncInvocation(`r${i}`, { createdAt: T0 + i }));
      }
      const byDefault = await store.asyncInvocations.list({});
      assert.equal(byDefault.length, 50);
      assert.equal(byDefault[0]?.requestId, 'r1009');
      assert.equal((await store.asyncInvocations.list({ limit: 5000 })).length, 1000);
      assert.deepEqual(await store.asyncInvocations.list({ limit: 0 }), []);
    });
  });

  test('deleteOlderThan removes records created before the cutoff and returns how many', async () => {
    await withStore(makeStore, async (store) => {
      for (let i = 0; i < 5; i++)
        await store.asyncInvocations.put(asyncInvocation(`r${i}`, { createdAt: T0 + i }));
      assert.equal(await store.asyncInvocations.deleteOlderThan(T0 + 3), 3);
      assert.deepEqual(requestIds(await store.asyncInvocations.list({})), ['r4', 'r3']);
      assert.equal(await store.asyncInvocations.deleteOlderThan(T0 + 3), 0);
    });
  });
}

/** Registers the IdempotencyRepository tests. */
export function idempotencyContract(makeStore: MakeStore): void {
  test('the first claim of a key wins and later claims see the in-progress record', async () => {
    await withStore(makeStore, async (store) => {
      assert.deepEqual(await store.idempotency.claim('route:POST /orders', 'k1', T0, HOUR), {
        claimed: true,
      });
      assert.deepEqual(await store.idempotency.claim('route:POST /orders', 'k1', T0 + 5, HOUR), {
        claimed: false,
        record: {
          scope: 'route:POST /orders',
          key: 'k1',
          state: 'in-progress',
          response: null,
          createdAt: T0,
          expiresAt: T0 + HOUR,
        },
      });
      // Keys are unique within a scope only.
      assert.deepEqual(await store.idempotency.claim('function:orders', 'k1', T0, HOUR), { claimed: true });
    });
  });

  test('concurrent claims of one key let exactly one caller through', async () => {
    await withStore(makeStore, async (store) => {
      const claims = await Promise.all(
        Array.from({ length: 10 }, () => store.idempotency.claim('s', 'k', T0, HOUR)),
      );
      assert.equal(claims.filter((c) => c.claimed).length, 1);
    });
  });

  test('a completed key returns its stored response to later claims until it expires', async () => {
    await withStore(makeStore, async (store) => {
      await store.idempotency.claim('s', 'k', T0, 1000);
      await store.idempotency.complete('s', 'k', '{"status":201}', T0 + 500, HOUR);
      const expected = {
        claimed: false,
        record: {
          scope: 's',
          key: 'k',
          state: 'completed',
          response: '{"status":201}',
          createdAt: T0,
          expiresAt: T0 + 500 + HOUR,
        },
      };
      // The completion set a new expiry, past the claim's.
      assert.deepEqual(await store.idempotency.claim('s', 'k', T0 + 2000, 1000), expected);
      assert.deepEqual(await store.idempotency.claim('s', 'k', T0 + 500 + HOUR, 1000), { claimed: true });
    });
  });

  test('an expired claim can be taken over by a new caller', async () => {
    await withStore(makeStore, async (store) => {
      await store.idempotency.claim('s', 'k', T0, 1000);
      assert.equal((await store.idempotency.claim('s', 'k', T0 + 999, 1000)).claimed, false);
      assert.deepEqual(await store.idempotency.claim('s', 'k', T0 + 1000, 1000), { claimed: true });
      const seen = await store.idempotency.claim('s', 'k', T0 + 1001, 1000);
      assert.equal(seen.claimed, false);
      if (!seen.claimed)
        assert.deepEqual([seen.record.createdAt, seen.record.expiresAt], [T0 + 1000, T0 + 2000]);
    });
  });

  test('releasing a claim lets a retry claim the key, but a completed response stays', async () => {
    await withStore(makeStore, async (store) => {
      await store.idempotency.claim('s', 'k', T0, HOUR);
      await store.idempotency.release('s', 'k');
      assert.deepEqual(await store.idempotency.claim('s', 'k', T0 + 1, HOUR), { claimed: true });
      await store.idempotency.complete('s', 'k', 'done', T0 + 2, HOUR);
      await store.idempotency.release('s', 'k');
      const again = await store.idempotency.claim('s', 'k', T0 + 3, HOUR);
      assert.equal(again.claimed, false);
      if (!again.claimed) assert.equal(again.record.response, 'done');
      await store.idempotency.release('s', 'missing');
    });
  });

  test('completing a key with no live claim stores the response anyway', async () => {
    await withStore(makeStore, async (store) => {
      await store.idempotency.complete('s', 'k', 'done', T0, HOUR);
      assert.deepEqual(await store.idempotency.claim('s', 'k', T0 + 1, HOUR), {
        claimed: false,
        record: {
          scope: 's',
          key: 'k',
          state: 'completed',
          response: 'done',
          createdAt: T0,
          expiresAt: T0 + HOUR,
        },
      });
    });
  });

  test('deleteExpired removes expired records only and returns how many', async () => {
    await withStore(makeStore, async (store) => {
      await store.idempotency.claim('s', 'short', T0, 1000);
      await store.idempotency.claim('s', 'long', T0, HOUR);
      await store.idempotency.complete('s', 'done', 'r', T0, 2000);
      assert.equal(await store.idempotency.deleteExpired(T0 + 999), 0);
      assert.equal(await store.idempotency.deleteExpired(T0 + 2000), 2);
      assert.equal((await store.idempotency.claim('s', 'long', T0 + 2000, HOUR)).claimed, false);
    });
  });
}

/** Registers the ScheduleRepository tests. */
export function scheduleContract(makeStore: MakeStore): void {
  test('firing a tick records it and puts the message on the queue', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('cron'));
      assert.equal(await store.schedules.lastFired('nightly'), null);
      const message = newMessage('tick-1', { meta: { schedule: 'nightly' } });
      assert.equal(await store.schedules.fireTick('nightly', T0, 'cron', message, T0 + 7), true);
      assert.equal(await store.schedules.lastFired('nightly'), T0);
      const stored = await store.queues.getMessage('tick-1');
      assert.equal(stored?.queue, 'cron');
      assert.equal(stored?.sentAt, T0 + 7);
      assert.deepEqual(stored?.meta, { schedule: 'nightly' });
    });
  });

  test('a tick fires once: the same or an earlier tick changes nothing, a later one fires', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('cron'));
      assert.equal(await store.schedules.fireTick('s', T0 + 60_000, 'cron', newMessage('m1'), T0), true);
      assert.equal(await store.schedules.fireTick('s', T0 + 60_000, 'cron', newMessage('m2'), T0), false);
      assert.equal(await store.schedules.fireTick('s', T0, 'cron', newMessage('m3'), T0), false);
      assert.equal(await store.schedules.lastFired('s'), T0 + 60_000);
      assert.deepEqual(
        (await store.queues.peek('cron', { limit: 10 })).map((m) => m.id),
        ['m1'],
      );
      assert.equal(await store.schedules.fireTick('s', T0 + 120_000, 'cron', newMessage('m4'), T0), true);
      assert.equal(await store.schedules.lastFired('s'), T0 + 120_000);
      assert.equal((await store.queues.stats('cron', T0)).total, 2);
    });
  });

  test('concurrent fires of one tick enqueue one message', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('cron'));
      const fired = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.schedules.fireTick('s', T0, 'cron', newMessage(`m${i}`), T0),
        ),
      );
      assert.equal(fired.filter(Boolean).length, 1);
      assert.equal((await store.queues.stats('cron', T0)).total, 1);
    });
  });

  test("a fired tick's message gets the queue's delay", async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('cron', { delaySec: 30 }));
      await store.schedules.fireTick('s', T0, 'cron', newMessage('m'), T0);
      assert.equal((await store.queues.getMessage('m'))?.visibleAt, T0 + 30_000);
    });
  });

  test('firing into a queue that does not exist fails and does not record the tick', async () => {
    await withStore(makeStore, async (store) => {
      await assert.rejects(store.schedules.fireTick('s', T0, 'missing', newMessage('m'), T0), isNotFound);
      assert.equal(await store.schedules.lastFired('s'), null);
    });
  });

  test('deleteExcept forgets every schedule not listed and returns how many', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('cron'));
      for (const id of ['a', 'b', 'c'])
        await store.schedules.fireTick(id, T0, 'cron', newMessage(`m-${id}`), T0);
      assert.equal(await store.schedules.deleteExcept(['b', 'unknown']), 2);
      assert.equal(await store.schedules.lastFired('a'), null);
      assert.equal(await store.schedules.lastFired('b'), T0);
      assert.equal(await store.schedules.deleteExcept([]), 1);
      assert.equal(await store.schedules.lastFired('b'), null);
    });
  });
}
