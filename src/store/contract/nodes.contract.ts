import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeRecord } from '../node-repository.js';
import type { MakeStore } from './fixtures.js';
import { T0, withStore } from './fixtures.js';

const node = (id: string, overrides: Partial<NodeRecord> = {}): NodeRecord => ({
  id,
  url: `http://10.0.0.1:7800`,
  version: '0.1.0',
  startedAt: T0,
  heartbeatAt: T0,
  load: { inFlight: 2, instances: 3, rssBytes: 123_456_789 },
  ...overrides,
});

/** Registers the NodeRepository tests. */
export function nodeContract(makeStore: MakeStore): void {
  test('heartbeats insert a node, then update it; nodes list oldest start first', async () => {
    await withStore(makeStore, async (store) => {
      await store.nodes.heartbeat(node('b', { startedAt: T0 + 5 }));
      await store.nodes.heartbeat(node('a'));
      await store.nodes.heartbeat(
        node('a', { heartbeatAt: T0 + 2000, load: { inFlight: 0, instances: 1, rssBytes: 1 } }),
      );
      assert.deepEqual(await store.nodes.list(), [
        node('a', { heartbeatAt: T0 + 2000, load: { inFlight: 0, instances: 1, rssBytes: 1 } }),
        node('b', { startedAt: T0 + 5 }),
      ]);
    });
  });

  test('nodes are removed, and pruned when their last heartbeat is too old', async () => {
    await withStore(makeStore, async (store) => {
      await store.nodes.heartbeat(node('a', { heartbeatAt: T0 }));
      await store.nodes.heartbeat(node('b', { heartbeatAt: T0 + 10_000 }));
      await store.nodes.heartbeat(node('c', { heartbeatAt: T0 + 20_000 }));
      await store.nodes.remove('c');
      assert.equal(await store.nodes.pruneOlderThan(T0 + 5000), 1);
      assert.deepEqual(
        (await store.nodes.list()).map((n) => n.id),
        ['b'],
      );
    });
  });
}
