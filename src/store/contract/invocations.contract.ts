import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InvocationRecord } from '../../core/types.js';
import type { MakeStore } from './fixtures.js';
import { invocation, T0, withStore } from './fixtures.js';

const ids = (records: InvocationRecord[]): string[] => records.map((r) => r.requestId);

/** `count` records for `functionName`, ids `${prefix}0...`, each started 1 ms after the last. */
function series(count: number, prefix: string, functionName = 'orders'): InvocationRecord[] {
  return Array.from({ length: count }, (_, i) =>
    invocation(`${prefix}${i}`, { functionName, startedAt: T0 + i }),
  );
}

/** Registers the InvocationRepository tests. */
export function invocationContract(makeStore: MakeStore): void {
  test('an invocation record reads back field for field, including nulls, booleans and fractions', async () => {
    await withStore(makeStore, async (store) => {
      const failed = invocation('req-err', {
        executedVersion: '3',
        trigger: 'queue',
        durationMs: 1034.27,
        billedDurationMs: 1035,
        cold: true,
        initDurationMs: 211.5,
        status: 'error',
        errorType: 'TypeError',
        errorMessage: "Cannot read properties of undefined (reading 'id')",
        memoryMB: 1024,
        maxMemoryUsedMB: 87.25,
      });
      const ok = invocation('req-ok');
      await store.invocations.insertMany([failed, ok]);
      assert.deepEqual(await store.invocations.get('req-err'), failed);
      assert.deepEqual(await store.invocations.get('req-ok'), ok);
      assert.equal(await store.invocations.get('missing'), undefined);
    });
  });

  test('inserting a record whose requestId exists replaces the stored record', async () => {
    await withStore(makeStore, async (store) => {
      await store.invocations.insertMany([invocation('req-1', { status: 'success' })]);
      const replacement = invocation('req-1', { status: 'timeout', durationMs: 3000, errorType: 'Timeout' });
      await store.invocations.insertMany([replacement]);
      assert.deepEqual(await store.invocations.get('req-1'), replacement);
      assert.equal((await store.invocations.list({})).length, 1);
    });
  });

  test('an empty batch inserts nothing', async () => {
    await withStore(makeStore, async (store) => {
      await store.invocations.insertMany([]);
      assert.deepEqual(await store.invocations.list({}), []);
    });
  });

  test('a batch with one invalid record stores none of the batch', async () => {
    await withStore(makeStore, async (store) => {
      // A record the type system would reject, to make the batch fail part-way through.
      const invalid = { ...invocation('req-bad'), functionName: null } as unknown as InvocationRecord;
      await assert.rejects(store.invocations.insertMany([invocation('req-good'), invalid]));
      assert.equal(await store.invocations.get('req-good'), undefined);
    });
  });

  test('list returns records newest first, optionally for one function', async () => {
    await withStore(makeStore, async (store) => {
      await store.invocations.insertMany([
        invocation('a', { functionName: 'orders', startedAt: T0 + 10 }),
        invocation('b', { functionName: 'payments', startedAt: T0 + 30 }),
        invocation('c', { functionName: 'orders', startedAt: T0 + 20 }),
      ]);
      await store.invocations.insertMany([invocation('d', { functionName: 'orders', startedAt: T0 + 5 })]);
      assert.deepEqual(ids(await store.invocations.list({})), ['b', 'c', 'a', 'd']);
      assert.deepEqual(ids(await store.invocations.list({ functionName: 'orders' })), ['c', 'a', 'd']);
      assert.deepEqual(await store.invocations.list({ functionName: 'missing' }), []);
    });
  });

  test('records that started in the same millisecond list the later-inserted one first', async () => {
    await withStore(makeStore, async (store) => {
      await store.invocations.insertMany([invocation('m'), invocation('z'), invocation('a')]);
      assert.deepEqual(ids(await store.invocations.list({})), ['a', 'z', 'm']);
    });
  });

  test('list pages backwards with before and limit', async () => {
    await withStore(makeStore, async (store) => {
      await store.invocations.insertMany([...series(10, 'o'), ...series(10, 'p', 'payments')]);
      const page1 = await store.invocations.list({ functionName: 'orders', limit: 4 });
      assert.deepEqual(ids(page1), ['o9', 'o8', 'o7', 'o6']);
      const page2 = await store.invocations.list({
        functionName: 'orders',
        limit: 4,
        before: page1.at(-1)!.startedAt,
      });
      assert.deepEqual(ids(page2), ['o5', 'o4', 'o3', 'o2']);
      const page3 = await store.invocations.list({ functionName: 'orders', limit: 4, before: T0 + 2 });
      assert.deepEqual(ids(page3), ['o1', 'o0']);
      assert.deepEqual(ids(await store.invocations.list({ before: T0 + 1, limit: 10 })).sort(), ['o0', 'p0']);
    });
  });

  test('list returns 50 records by default and never more than 1000', async () => {
    await withStore(makeStore, async (store) => {
      const records = series(1100, 'r');
      for (let i = 0; i < records.length; i += 100)
        await store.invocations.insertMany(records.slice(i, i + 100));
      const byDefault = await store.invocations.list({});
      assert.equal(byDefault.length, 50);
      assert.equal(byDefault[0]?.requestId, 'r1099');
      assert.equal((await store.invocations.list({ limit: 5000 })).length, 1000);
      assert.equal((await store.invocations.list({ functionName: 'orders', limit: 1001 })).length, 1000);
      assert.equal((await store.invocations.list({ limit: 7 })).length, 7);
    });
  });

  test('deleteOlderThan removes records started before the cutoff and returns how many went', async () => {
    await withStore(makeStore, async (store) => {
      await store.invocations.insertMany([...series(5, 'o'), ...series(5, 'p', 'payments')]);
      assert.equal(await store.invocations.deleteOlderThan(T0 + 3), 6);
      assert.deepEqual(ids(await store.invocations.list({})).sort(), ['o3', 'o4', 'p3', 'p4']);
      assert.equal(await store.invocations.get('o2'), undefined);
      assert.equal(await store.invocations.deleteOlderThan(T0 + 3), 0);
    });
  });

  test('deleteOlderThan removes large numbers of records completely', async () => {
    await withStore(makeStore, async (store) => {
      const records = series(5000, 'r');
      for (let i = 0; i < records.length; i += 500)
        await store.invocations.insertMany(records.slice(i, i + 500));
      assert.equal(await store.invocations.deleteOlderThan(T0 + 4990), 4990);
      assert.equal((await store.invocations.list({ limit: 1000 })).length, 10);
    });
  });
}
