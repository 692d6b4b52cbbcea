import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry } from '../../core/types.js';
import type { MakeStore } from './fixtures.js';
import { logLine, logLines, T0, withStore } from './fixtures.js';

const messages = (entries: LogEntry[]): string[] => entries.map((e) => e.message);

/** Appends `entries` in batches of `size`, the way the invoker writes them. */
async function appendInBatches(
  append: (batch: LogEntry[]) => Promise<void>,
  entries: LogEntry[],
  size = 500,
) {
  for (let i = 0; i < entries.length; i += size) await append(entries.slice(i, i + size));
}

/** Registers the LogRepository tests. */
export function logContract(makeStore: MakeStore): void {
  test('appended entries read back field for field, with ids assigned by the store', async () => {
    await withStore(makeStore, async (store) => {
      const lines = [
        logLine('hello', { level: 'INFO' }),
        logLine('INIT_START Runtime Version: nodejs20.x', {
          requestId: null,
          level: null,
          stream: 'platform',
        }),
        logLine('boom\n  at handler (index.js:3:9)', { stream: 'stderr', level: 'ERROR', time: T0 + 7 }),
      ];
      await store.logs.appendMany(lines);
      const read = await store.logs.query({});
      assert.deepEqual(
        read.map(({ id: _id, ...rest }) => rest),
        lines,
      );
      for (const entry of read) assert.equal(typeof entry.id, 'number');
    });
  });

  test('ids increase in insertion order within and across batches', async () => {
    await withStore(makeStore, async (store) => {
      await store.logs.appendMany(logLines(3, 'a', { time: T0 + 100 }));
      await store.logs.appendMany([logLine('b0', { time: T0 }), logLine('b1', { functionName: 'payments' })]);
      const read = await store.logs.query({});
      assert.deepEqual(messages(read), ['a0', 'a1', 'a2', 'b0', 'b1']);
      const idList = read.map((e) => e.id ?? Number.NaN);
      for (let i = 1; i < idList.length; i++)
        assert.ok(idList[i]! > idList[i - 1]!, `ids ${idList.join(',')}`);
    });
  });

  test('an empty batch appends nothing', async () => {
    await withStore(makeStore, async (store) => {
      await store.logs.appendMany([]);
      assert.deepEqual(await store.logs.query({}), []);
    });
  });

  test('query filters by function, request, time and id, and combines the filters', async () => {
    await withStore(makeStore, async (store) => {
      await store.logs.appendMany([
        logLine('o1', { functionName: 'orders', requestId: 'r1', time: T0 + 1 }),
        logLine('p1', { functionName: 'payments', requestId: 'r2', time: T0 + 2 }),
        logLine('o-init', { functionName: 'orders', requestId: null, time: T0 + 3 }),
        logLine('o2', { functionName: 'orders', requestId: 'r3', time: T0 + 4 }),
        logLine('o3', { functionName: 'orders', requestId: 'r1', time: T0 + 5 }),
      ]);
      const all = await store.logs.query({});
      const idOf = (message: string) => all.find((e) => e.message === message)?.id ?? Number.NaN;

      assert.deepEqual(messages(await store.logs.query({ functionName: 'orders' })), [
        'o1',
        'o-init',
        'o2',
        'o3',
      ]);
      assert.deepEqual(messages(await store.logs.query({ requestId: 'r1' })), ['o1', 'o3']);
      assert.deepEqual(messages(await store.logs.query({ since: T0 + 3 })), ['o-init', 'o2', 'o3']);
      assert.deepEqual(messages(await store.logs.query({ afterId: idOf('o-init') })), ['o2', 'o3']);
      assert.deepEqual(
        messages(await store.logs.query({ functionName: 'orders', requestId: 'r1', since: T0 + 2 })),
        ['o3'],
      );
      assert.deepEqual(
        messages(await store.logs.query({ functionName: 'orders', afterId: idOf('o1'), since: T0 + 4 })),
        ['o2', 'o3'],
      );
      assert.deepEqual(await store.logs.query({ functionName: 'missing' }), []);
      assert.deepEqual(await store.logs.query({ afterId: idOf('o3') }), []);
    });
  });

  test('query returns the newest limit matching entries, oldest of them first', async () => {
    await withStore(makeStore, async (store) => {
      await store.logs.appendMany([...logLines(10, 'o'), ...logLines(10, 'p', { functionName: 'payments' })]);
      assert.deepEqual(messages(await store.logs.query({ functionName: 'orders', limit: 3 })), [
        'o7',
        'o8',
        'o9',
      ]);
      assert.deepEqual(messages(await store.logs.query({ limit: 2 })), ['p8', 'p9']);
    });
  });

  test('query returns 1000 entries by default and never more than 10000', async () => {
    await withStore(makeStore, async (store) => {
      await appendInBatches((b) => store.logs.appendMany(b), logLines(10_050, 'l'));
      const byDefault = await store.logs.query({});
      assert.equal(byDefault.length, 1000);
      assert.equal(byDefault.at(-1)?.message, 'l10049');
      assert.equal(byDefault[0]?.message, 'l9050');
      const clamped = await store.logs.query({ limit: 50_000 });
      assert.equal(clamped.length, 10_000);
      assert.equal(clamped[0]?.message, 'l50');
    });
  });

  test('prune deletes entries older than olderThan and returns how many went', async () => {
    await withStore(makeStore, async (store) => {
      await store.logs.appendMany([...logLines(5, 'o'), ...logLines(5, 'p', { functionName: 'payments' })]);
      assert.equal(await store.logs.prune({ olderThan: T0 + 2, maxPerFunction: 1000 }), 4);
      assert.deepEqual(messages(await store.logs.query({})), ['o2', 'o3', 'o4', 'p2', 'p3', 'p4']);
    });
  });

  test('prune keeps only the newest maxPerFunction entries of each function', async () => {
    await withStore(makeStore, async (store) => {
      await store.logs.appendMany([
        ...logLines(5, 'o'),
        ...logLines(2, 'p', { functionName: 'payments' }),
        ...logLines(4, 'i', { functionName: 'inventory' }),
      ]);
      assert.equal(await store.logs.prune({ olderThan: T0, maxPerFunction: 3 }), 3);
      assert.deepEqual(messages(await store.logs.query({})), [
        'o2',
        'o3',
        'o4',
        'p0',
        'p1',
        'i1',
        'i2',
        'i3',
      ]);
      assert.equal(await store.logs.prune({ olderThan: T0, maxPerFunction: 0 }), 8);
      assert.deepEqual(await store.logs.query({}), []);
    });
  });

  test('prune applies both rules together and counts each deleted entry once', async () => {
    await withStore(makeStore, async (store) => {
      await store.logs.appendMany([...logLines(6, 'o'), ...logLines(3, 'p', { functionName: 'payments' })]);
      // olderThan drops o0, o1, p0, p1; the cap of 3 then drops o2 as well.
      assert.equal(await store.logs.prune({ olderThan: T0 + 2, maxPerFunction: 3 }), 5);
      assert.deepEqual(messages(await store.logs.query({})), ['o3', 'o4', 'o5', 'p2']);
    });
  });

  test('prune handles large logs and leaves exactly what the rules keep', async () => {
    await withStore(makeStore, async (store) => {
      await appendInBatches(
        (b) => store.logs.appendMany(b),
        [...logLines(6000, 'o'), ...logLines(3000, 'p', { functionName: 'payments' })],
      );
      assert.equal(
        await store.logs.prune({ olderThan: T0 + 1000, maxPerFunction: 2500 }),
        1000 + 1000 + 2500,
      );
      assert.equal((await store.logs.query({ functionName: 'orders', limit: 10_000 })).length, 2500);
      assert.equal((await store.logs.query({ functionName: 'payments', limit: 10_000 })).length, 2000);
      assert.equal((await store.logs.query({ functionName: 'orders', limit: 1 }))[0]?.message, 'o5999');
    });
  });

  test('ids keep increasing after the newest entries are pruned', async () => {
    await withStore(makeStore, async (store) => {
      await store.logs.appendMany(logLines(3, 'old'));
      const before = await store.logs.query({});
      const lastId = before.at(-1)?.id ?? Number.NaN;
      await store.logs.prune({ olderThan: T0 + 1000, maxPerFunction: 0 });
      await store.logs.appendMany([logLine('new')]);
      const after = await store.logs.query({ afterId: lastId });
      assert.deepEqual(messages(after), ['new']);
    });
  });
}
