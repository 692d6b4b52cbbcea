import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGustError } from '../../core/errors.js';
import type { FunctionVersion } from '../../core/types.js';
import type { MakeStore } from './fixtures.js';
import { fn, T0, version, withStore } from './fixtures.js';

/** Registers the FunctionRepository tests: functions, versions, published versions, aliases. */
export function functionContract(makeStore: MakeStore): void {
  test('a stored function reads back as it was written, and an unknown name reads as undefined', async () => {
    await withStore(makeStore, async (store) => {
      await store.functions.putFunction(fn('orders', 'v1'));
      assert.deepEqual(await store.functions.getFunction('orders'), fn('orders', 'v1'));
      assert.equal(await store.functions.getFunction('missing'), undefined);
    });
  });

  test('putting a function with an existing name replaces its record', async () => {
    await withStore(makeStore, async (store) => {
      await store.functions.putFunction(fn('orders', 'v1', T0));
      const updated = {
        name: 'orders',
        service: 'billing',
        latestVersionId: 'v2',
        createdAt: T0,
        updatedAt: T0 + 5,
      };
      await store.functions.putFunction(updated);
      assert.deepEqual(await store.functions.getFunction('orders'), updated);
      assert.equal((await store.functions.listFunctions()).length, 1);
    });
  });

  test('listFunctions returns every function ordered by name', async () => {
    await withStore(makeStore, async (store) => {
      assert.deepEqual(await store.functions.listFunctions(), []);
      for (const name of ['payments', 'api', 'orders']) await store.functions.putFunction(fn(name));
      const names = (await store.functions.listFunctions()).map((f) => f.name);
      assert.deepEqual(names, ['api', 'orders', 'payments']);
    });
  });

  test('a stored version reads back with its full configuration', async () => {
    await withStore(makeStore, async (store) => {
      const full: FunctionVersion = {
        ...version('orders', 'v1'),
        config: {
          runtime: 'provided',
          handler: 'bootstrap',
          memoryMB: 512,
          timeoutSec: 30,
          environment: { TABLE: 'orders', EMPTY: '' },
          reservedConcurrency: 0,
          provisionedConcurrency: 2,
          routes: [
            { method: 'GET', path: '/orders/{id}' },
            { method: 'ANY', path: '/files/{proxy+}' },
          ],
          description: 'Takes orders — ünïcode too',
        },
      };
      await store.functions.putVersion(full);
      assert.deepEqual(await store.functions.getVersion('orders', 'v1'), full);
      assert.equal(await store.functions.getVersion('orders', 'v2'), undefined);
      assert.equal(await store.functions.getVersion('other', 'v1'), undefined);
    });
  });

  test('optional config fields that were absent are still absent when read back', async () => {
    await withStore(makeStore, async (store) => {
      await store.functions.putVersion(version('orders', 'v1'));
      const config = (await store.functions.getVersion('orders', 'v1'))?.config;
      assert.ok(config);
      for (const key of ['reservedConcurrency', 'provisionedConcurrency', 'description']) {
        assert.equal(key in config, false, `${key} should be absent`);
      }
      assert.deepEqual(config, version('orders', 'v1').config);
    });
  });

  test('putting a version whose versionId is already stored leaves the stored version unchanged', async () => {
    await withStore(makeStore, async (store) => {
      const first = version('orders', 'v1', T0);
      await store.functions.putVersion(first);
      await store.functions.putVersion({ ...first, codeHash: 'other', codeSizeBytes: 1, createdAt: T0 + 9 });
      assert.deepEqual(await store.functions.getVersion('orders', 'v1'), first);
      assert.equal((await store.functions.listVersions('orders')).length, 1);
    });
  });

  test('the same versionId under two functions is two separate versions', async () => {
    await withStore(makeStore, async (store) => {
      await store.functions.putVersion(version('orders', 'same', T0));
      await store.functions.putVersion(version('payments', 'same', T0 + 1));
      assert.equal((await store.functions.getVersion('orders', 'same'))?.createdAt, T0);
      assert.equal((await store.functions.getVersion('payments', 'same'))?.createdAt, T0 + 1);
    });
  });

  test("listVersions returns only that function's versions, newest first", async () => {
    await withStore(makeStore, async (store) => {
      await store.functions.putVersion(version('orders', 'a', T0 + 1));
      await store.functions.putVersion(version('orders', 'c', T0 + 3));
      await store.functions.putVersion(version('payments', 'x', T0 + 4));
      await store.functions.putVersion(version('orders', 'b', T0 + 2));
      const ids = (await store.functions.listVersions('orders')).map((v) => v.versionId);
      assert.deepEqual(ids, ['c', 'b', 'a']);
      assert.deepEqual(await store.functions.listVersions('missing'), []);
    });
  });

  test('versions created in the same millisecond list the later-stored one first', async () => {
    await withStore(makeStore, async (store) => {
      for (const id of ['m', 'z', 'a']) await store.functions.putVersion(version('orders', id, T0));
      const ids = (await store.functions.listVersions('orders')).map((v) => v.versionId);
      assert.deepEqual(ids, ['a', 'z', 'm']);
    });
  });

  test('deleting a function removes its versions, published versions and aliases, and nothing else', async () => {
    await withStore(makeStore, async (store) => {
      for (const name of ['orders', 'payments']) {
        await store.functions.putVersion(version(name, 'v1'));
        await store.functions.putFunction(fn(name, 'v1'));
        await store.functions.publishVersion(name, 'v1', T0);
        await store.functions.putAlias({ functionName: name, name: 'live', target: '1', updatedAt: T0 });
      }
      assert.equal(await store.functions.deleteFunction('orders'), true);

      assert.equal(await store.functions.getFunction('orders'), undefined);
      assert.deepEqual(await store.functions.listVersions('orders'), []);
      assert.deepEqual(await store.functions.listPublishedVersions('orders'), []);
      assert.deepEqual(await store.functions.listAliases('orders'), []);
      assert.equal(await store.functions.getAlias('orders', 'live'), undefined);

      assert.ok(await store.functions.getFunction('payments'));
      assert.equal((await store.functions.listVersions('payments')).length, 1);
      assert.equal((await store.functions.listPublishedVersions('payments')).length, 1);
      assert.equal((await store.functions.listAliases('payments')).length, 1);
    });
  });

  test('deleting a function that does not exist returns false', async () => {
    await withStore(makeStore, async (store) => {
      assert.equal(await store.functions.deleteFunction('missing'), false);
      await store.functions.putFunction(fn('orders'));
      assert.equal(await store.functions.deleteFunction('orders'), true);
      assert.equal(await store.functions.deleteFunction('orders'), false);
    });
  });

  test('a function deleted and deployed again publishes from number 1', async () => {
    await withStore(makeStore, async (store) => {
      await store.functions.putVersion(version('orders', 'v1'));
      await store.functions.putFunction(fn('orders', 'v1'));
      await store.functions.publishVersion('orders', 'v1', T0);
      await store.functions.deleteFunction('orders');
      await store.functions.putVersion(version('orders', 'v2'));
      assert.equal((await store.functions.publishVersion('orders', 'v2', T0)).number, 1);
    });
  });

  test('publishing numbers each function’s versions 1, 2, 3 independently', async () => {
    await withStore(makeStore, async (store) => {
      for (const id of ['a', 'b', 'c']) {
        await store.functions.putVersion(version('orders', id));
        await store.functions.putVersion(version('payments', id));
      }
      assert.deepEqual(await store.functions.publishVersion('orders', 'a', T0 + 1), {
        functionName: 'orders',
        number: 1,
        versionId: 'a',
        createdAt: T0 + 1,
      });
      assert.equal((await store.functions.publishVersion('payments', 'c', T0)).number, 1);
      assert.equal((await store.functions.publishVersion('orders', 'b', T0)).number, 2);
      assert.equal((await store.functions.publishVersion('orders', 'c', T0)).number, 3);
      assert.equal((await store.functions.publishVersion('payments', 'a', T0)).number, 2);
    });
  });

  test('publishing the content version the newest number points at returns that number again', async () => {
    await withStore(makeStore, async (store) => {
      await store.functions.putVersion(version('orders', 'a'));
      const first = await store.functions.publishVersion('orders', 'a', T0);
      const again = await store.functions.publishVersion('orders', 'a', T0 + 60_000);
      assert.deepEqual(again, first);
      assert.equal((await store.functions.listPublishedVersions('orders')).length, 1);
    });
  });

  test('publishing an older content version again gives it a new number', async () => {
    await withStore(makeStore, async (store) => {
      await store.functions.putVersion(version('orders', 'a'));
      await store.functions.putVersion(version('orders', 'b'));
      await store.functions.publishVersion('orders', 'a', T0);
      await store.functions.publishVersion('orders', 'b', T0);
      const republished = await store.functions.publishVersion('orders', 'a', T0);
      assert.equal(republished.number, 3);
      assert.equal(republished.versionId, 'a');
    });
  });

  test('concurrent publishes never share or skip a number', async () => {
    await withStore(makeStore, async (store) => {
      const ids = Array.from({ length: 10 }, (_, i) => `v${i}`);
      for (const id of ids) await store.functions.putVersion(version('orders', id));
      const published = await Promise.all(ids.map((id) => store.functions.publishVersion('orders', id, T0)));
      const numbers = published.map((p) => p.number).sort((a, b) => a - b);
      assert.deepEqual(numbers, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const again = await Promise.all(
        [1, 2, 3].map(() => store.functions.publishVersion('orders', 'v0', T0)),
      );
      assert.equal(new Set(again.map((p) => p.number)).size, 1, 'concurrent republish of one version');
    });
  });

  test('publishing a version that was never stored fails with ERR_VERSION_NOT_FOUND', async () => {
    await withStore(makeStore, async (store) => {
      await assert.rejects(store.functions.publishVersion('orders', 'ghost', T0), (error: unknown) => {
        return isGustError(error) && error.code === 'ERR_VERSION_NOT_FOUND';
      });
      assert.deepEqual(await store.functions.listPublishedVersions('orders'), []);
    });
  });

  test('published versions read back by number and list in ascending number order', async () => {
    await withStore(makeStore, async (store) => {
      for (const id of ['a', 'b', 'c']) {
        await store.functions.putVersion(version('orders', id));
        await store.functions.publishVersion('orders', id, T0);
      }
      assert.deepEqual(await store.functions.getPublishedVersion('orders', 2), {
        functionName: 'orders',
        number: 2,
        versionId: 'b',
        createdAt: T0,
      });
      assert.equal(await store.functions.getPublishedVersion('orders', 4), undefined);
      assert.equal(await store.functions.getPublishedVersion('payments', 1), undefined);
      const listed = await store.functions.listPublishedVersions('orders');
      assert.deepEqual(
        listed.map((p) => [p.number, p.versionId]),
        [
          [1, 'a'],
          [2, 'b'],
          [3, 'c'],
        ],
      );
    });
  });

  test('an alias is created, updated in place, listed by name and deleted once', async () => {
    await withStore(makeStore, async (store) => {
      const live = { functionName: 'orders', name: 'live', target: '1', updatedAt: T0 };
      await store.functions.putAlias(live);
      await store.functions.putAlias({
        functionName: 'orders',
        name: 'beta',
        target: '$LATEST',
        updatedAt: T0,
      });
      await store.functions.putAlias({ functionName: 'payments', name: 'live', target: '7', updatedAt: T0 });
      assert.deepEqual(await store.functions.getAlias('orders', 'live'), live);

      const moved = { ...live, target: '2', updatedAt: T0 + 1 };
      await store.functions.putAlias(moved);
      assert.deepEqual(await store.functions.getAlias('orders', 'live'), moved);
      assert.deepEqual(
        (await store.functions.listAliases('orders')).map((a) => [a.name, a.target]),
        [
          ['beta', '$LATEST'],
          ['live', '2'],
        ],
      );

      assert.equal(await store.functions.deleteAlias('orders', 'live'), true);
      assert.equal(await store.functions.deleteAlias('orders', 'live'), false);
      assert.equal(await store.functions.getAlias('orders', 'live'), undefined);
      assert.equal((await store.functions.getAlias('payments', 'live'))?.target, '7');
    });
  });
}
