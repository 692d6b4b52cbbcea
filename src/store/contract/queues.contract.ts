import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGustError } from '../../core/errors.js';
import type { StoredMessage } from '../queue-repository.js';
import type { MakeStore } from './fixtures.js';
import { messageId, newMessage, newMessages, queueRecord, T0, withStore } from './fixtures.js';

export const isNotFound = (error: unknown): boolean =>
  isGustError(error) && error.code === 'ERR_QUEUE_NOT_FOUND';
const ids = (messages: readonly StoredMessage[]): string[] => messages.map((m) => m.id);

/**
 * Registers the QueueRepository tests for queue records, sending, deduplication, stats, peeking
 * and retention. Leases, dead-lettering and redrive are in queue-leases.contract.ts.
 */
export function queueContract(makeStore: MakeStore): void {
  test('a stored queue reads back as it was written, and an unknown name reads as undefined', async () => {
    await withStore(makeStore, async (store) => {
      const record = {
        ...queueRecord('orders', { maxReceiveCount: 5, deadLetterQueue: 'orders-dlq', delaySec: 2 }),
        kind: 'system' as const,
        owner: 'shop',
      };
      await store.queues.putQueue(record);
      assert.deepEqual(await store.queues.getQueue('orders'), record);
      assert.equal(await store.queues.getQueue('missing'), undefined);
    });
  });

  test('putting a queue again replaces its config and keeps its messages', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(2), T0);
      const updated = queueRecord('orders', { visibilityTimeoutSec: 90, retentionSec: 60 });
      await store.queues.putQueue(updated);
      assert.deepEqual(await store.queues.getQueue('orders'), updated);
      assert.equal((await store.queues.stats('orders', T0)).total, 2);
    });
  });

  test('listQueues returns queues ordered by name, and only those starting with a prefix when given', async () => {
    await withStore(makeStore, async (store) => {
      assert.deepEqual(await store.queues.listQueues(), []);
      for (const name of ['orders', 'gust-async', 'orders-dlq', 'Orders_x', 'ord%']) {
        await store.queues.putQueue(queueRecord(name));
      }
      const names = async (prefix?: string) => (await store.queues.listQueues(prefix)).map((q) => q.name);
      assert.deepEqual(await names(), ['Orders_x', 'gust-async', 'ord%', 'orders', 'orders-dlq']);
      assert.deepEqual(await names('orders'), ['orders', 'orders-dlq']);
      assert.deepEqual(await names('ord%'), ['ord%']);
      assert.deepEqual(await names('Orders_'), ['Orders_x']);
      assert.deepEqual(await names('x'), []);
    });
  });

  test('deleting a queue removes it and its messages, and leaves other queues alone', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.putQueue(queueRecord('payments'));
      await store.queues.send('orders', newMessages(3, 1), T0);
      await store.queues.send('payments', newMessages(2, 10), T0);
      assert.equal(await store.queues.deleteQueue('orders'), true);
      assert.equal(await store.queues.getQueue('orders'), undefined);
      assert.equal(await store.queues.getMessage(messageId(1)), undefined);
      assert.equal((await store.queues.stats('payments', T0)).total, 2);
      assert.equal(await store.queues.deleteQueue('orders'), false);
      assert.equal(await store.queues.deleteQueue('missing'), false);
    });
  });

  test('a queue deleted and created again starts empty and has forgotten its dedupe ids', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', [newMessage('a', { dedupeId: 'd' }), ...newMessages(2500)], T0);
      await store.queues.deleteQueue('orders');
      await store.queues.putQueue(queueRecord('orders'));
      assert.equal((await store.queues.stats('orders', T0)).total, 0);
      assert.deepEqual(await store.queues.send('orders', [newMessage('b', { dedupeId: 'd' })], T0 + 1), [
        { id: 'b', duplicate: false },
      ]);
    });
  });

  test('a sent message reads back field for field, visible at once and never received', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      const attributes = {
        kind: { DataType: 'String', StringValue: 'order — ünïcode' },
        blob: { DataType: 'Binary', BinaryValue: 'AAEC' },
      };
      const meta = { target: 'function:orders', attempt: { max: 3 }, flags: [true, null] };
      const results = await store.queues.send(
        'orders',
        [newMessage('a', { body: '{"id":1}', attributes, meta, dedupeId: 'order-1' }), newMessage('b')],
        T0,
      );
      assert.deepEqual(results, [
        { id: 'a', duplicate: false },
        { id: 'b', duplicate: false },
      ]);
      const expected: StoredMessage = {
        id: 'a',
        queue: 'orders',
        body: '{"id":1}',
        attributes,
        meta,
        sentAt: T0,
        visibleAt: T0,
        receiveCount: 0,
        firstReceivedAt: null,
        receiptHandle: null,
        lastError: null,
        sourceQueue: null,
        dedupeId: 'order-1',
      };
      assert.deepEqual(await store.queues.getMessage('a'), expected);
      const b = await store.queues.getMessage('b');
      assert.equal(b?.meta, null);
      assert.deepEqual(b?.attributes, {});
      assert.equal(b?.dedupeId, null);
      assert.equal(await store.queues.getMessage('missing'), undefined);
    });
  });

  test('sending to a queue that does not exist fails with ERR_QUEUE_NOT_FOUND', async () => {
    await withStore(makeStore, async (store) => {
      await assert.rejects(store.queues.send('missing', [newMessage('a')], T0), isNotFound);
      assert.equal(await store.queues.getMessage('a'), undefined);
    });
  });

  test('a batch that fails part-way stores none of its messages', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', [newMessage('taken')], T0);
      await assert.rejects(store.queues.send('orders', [newMessage('fresh'), newMessage('taken')], T0));
      assert.equal(await store.queues.getMessage('fresh'), undefined);
      assert.equal((await store.queues.stats('orders', T0)).total, 1);
    });
  });

  test("a message waits for the queue's delay, or its own delaySec when it has one", async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders', { delaySec: 10 }));
      await store.queues.send(
        'orders',
        [
          newMessage('queue-delay'),
          newMessage('own-delay', { delaySec: 2 }),
          newMessage('no-delay', { delaySec: 0 }),
        ],
        T0,
      );
      assert.equal((await store.queues.getMessage('queue-delay'))?.visibleAt, T0 + 10_000);
      const receive = (now: number) =>
        store.queues.receive('orders', { max: 10, visibilityTimeoutSec: 30, now });
      assert.deepEqual(ids(await receive(T0)), ['no-delay']);
      assert.deepEqual(ids(await receive(T0 + 1999)), []);
      assert.deepEqual(ids(await receive(T0 + 2000)), ['own-delay']);
      assert.deepEqual(ids(await receive(T0 + 10_000)), ['queue-delay']);
    });
  });

  test('sendBatches stores each batch on its own queue and returns one result list per batch', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.putQueue(queueRecord('audit'));
      const results = await store.queues.sendBatches(
        [
          { queue: 'orders', messages: [newMessage('o1'), newMessage('o2')] },
          { queue: 'audit', messages: [newMessage('a1')] },
        ],
        T0,
      );
      assert.deepEqual(results, [
        [
          { id: 'o1', duplicate: false },
          { id: 'o2', duplicate: false },
        ],
        [{ id: 'a1', duplicate: false }],
      ]);
      assert.equal((await store.queues.getMessage('o2'))?.queue, 'orders');
      assert.equal((await store.queues.getMessage('a1'))?.queue, 'audit');
    });
  });

  test('sendBatches stores nothing at all when one of its queues does not exist', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await assert.rejects(
        store.queues.sendBatches(
          [
            { queue: 'orders', messages: [newMessage('o1')] },
            { queue: 'missing', messages: [newMessage('m1')] },
          ],
          T0,
        ),
        isNotFound,
      );
      assert.equal(await store.queues.getMessage('o1'), undefined);
    });
  });

  test('a dedupe id seen within the window returns the first message id and stores nothing', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders', { dedupeWindowSec: 60 }));
      await store.queues.putQueue(queueRecord('other', { dedupeWindowSec: 60 }));
      await store.queues.send('orders', [newMessage('first', { dedupeId: 'order-1' })], T0);
      assert.deepEqual(
        await store.queues.send('orders', [newMessage('second', { dedupeId: 'order-1' })], T0 + 59_999),
        [{ id: 'first', duplicate: true }],
      );
      assert.equal(await store.queues.getMessage('second'), undefined);
      assert.equal((await store.queues.stats('orders', T0)).total, 1);
      // The same id on another queue is another message.
      assert.deepEqual(await store.queues.send('other', [newMessage('third', { dedupeId: 'order-1' })], T0), [
        { id: 'third', duplicate: false },
      ]);
    });
  });

  test('a dedupe id is accepted again once the window since its first acceptance has passed', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders', { dedupeWindowSec: 60 }));
      await store.queues.send('orders', [newMessage('first', { dedupeId: 'd' })], T0);
      // A duplicate inside the window does not extend it.
      await store.queues.send('orders', [newMessage('dup', { dedupeId: 'd' })], T0 + 30_000);
      assert.deepEqual(
        await store.queues.send('orders', [newMessage('again', { dedupeId: 'd' })], T0 + 60_000),
        [{ id: 'again', duplicate: false }],
      );
      assert.deepEqual(
        await store.queues.send('orders', [newMessage('later', { dedupeId: 'd' })], T0 + 60_001),
        [{ id: 'again', duplicate: true }],
      );
    });
  });

  test('a dedupe id repeated within one batch stores the first message only', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      const results = await store.queues.send(
        'orders',
        [newMessage('a', { dedupeId: 'x' }), newMessage('b'), newMessage('c', { dedupeId: 'x' })],
        T0,
      );
      assert.deepEqual(results, [
        { id: 'a', duplicate: false },
        { id: 'b', duplicate: false },
        { id: 'a', duplicate: true },
      ]);
      assert.equal(await store.queues.getMessage('c'), undefined);
    });
  });

  test('deduplication still holds after the first message was deleted, and is off with a window of 0', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.putQueue(queueRecord('plain', { dedupeWindowSec: 0 }));
      await store.queues.send('orders', [newMessage('a', { dedupeId: 'x' })], T0);
      const [leased] = await store.queues.receive('orders', { max: 1, visibilityTimeoutSec: 30, now: T0 });
      assert.ok(leased);
      assert.equal(await store.queues.deleteMessage('orders', leased.receiptHandle), true);
      assert.deepEqual(await store.queues.send('orders', [newMessage('b', { dedupeId: 'x' })], T0 + 1), [
        { id: 'a', duplicate: true },
      ]);
      const plain = await store.queues.send(
        'plain',
        [newMessage('p1', { dedupeId: 'x' }), newMessage('p2', { dedupeId: 'x' })],
        T0,
      );
      assert.deepEqual(
        plain.map((r) => r.duplicate),
        [false, false],
      );
    });
  });

  test('stats counts visible, in-flight and delayed messages and the age of the oldest', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      assert.deepEqual(await store.queues.stats('orders', T0), {
        visible: 0,
        inFlight: 0,
        delayed: 0,
        oldestAgeMs: null,
        total: 0,
      });
      await store.queues.send('orders', newMessages(2, 1), T0);
      await store.queues.send('orders', [newMessage(messageId(3), { delaySec: 60 })], T0 + 1000);
      await store.queues.send('orders', newMessages(3, 4), T0 + 2000);
      await store.queues.receive('orders', { max: 2, visibilityTimeoutSec: 30, now: T0 + 5000 });
      assert.deepEqual(await store.queues.stats('orders', T0 + 5000), {
        visible: 3,
        inFlight: 2,
        delayed: 1,
        oldestAgeMs: 5000,
        total: 6,
      });
      // The leases run out at T0 + 35 s; the delay at T0 + 61 s.
      assert.deepEqual(await store.queues.stats('orders', T0 + 35_000), {
        visible: 5,
        inFlight: 0,
        delayed: 1,
        oldestAgeMs: 35_000,
        total: 6,
      });
      assert.equal((await store.queues.stats('orders', T0 + 61_000)).visible, 6);
      assert.deepEqual(await store.queues.stats('missing', T0), {
        visible: 0,
        inFlight: 0,
        delayed: 0,
        oldestAgeMs: null,
        total: 0,
      });
    });
  });

  test('a message waiting for a retry after changeVisibility counts as in flight, not delayed', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(1), T0);
      const [leased] = await store.queues.receive('orders', { max: 1, visibilityTimeoutSec: 30, now: T0 });
      assert.ok(leased);
      await store.queues.changeVisibility('orders', leased.receiptHandle, {
        visibleAt: T0 + 60_000,
        uncountReceive: true,
      });
      const stats = await store.queues.stats('orders', T0 + 40_000);
      assert.equal(stats.inFlight, 1);
      assert.equal(stats.delayed, 0);
    });
  });

  test('peek lists messages oldest first without leasing them', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.putQueue(queueRecord('other'));
      await store.queues.send('orders', [newMessage('c')], T0 + 2);
      await store.queues.send('orders', [newMessage('a'), newMessage('b', { delaySec: 60 })], T0);
      await store.queues.send('other', [newMessage('x')], T0);
      assert.deepEqual(ids(await store.queues.peek('orders', { limit: 10 })), ['a', 'b', 'c']);
      assert.deepEqual(ids(await store.queues.peek('orders', { limit: 2 })), ['a', 'b']);
      assert.equal((await store.queues.getMessage('a'))?.receiveCount, 0);
      assert.equal(
        (await store.queues.receive('orders', { max: 10, visibilityTimeoutSec: 30, now: T0 + 2 })).length,
        2,
      );
      assert.deepEqual(await store.queues.peek('missing', { limit: 10 }), []);
      assert.deepEqual(await store.queues.peek('orders', { limit: 0 }), []);
    });
  });

  test('nextVisibleAt is the earliest time a delayed or leased message becomes visible', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      assert.equal(await store.queues.nextVisibleAt('orders', T0), null);
      await store.queues.send('orders', [newMessage('now'), newMessage('later', { delaySec: 60 })], T0);
      assert.equal(await store.queues.nextVisibleAt('orders', T0), T0 + 60_000);
      await store.queues.receive('orders', { max: 1, visibilityTimeoutSec: 30, now: T0 + 1000 });
      assert.equal(await store.queues.nextVisibleAt('orders', T0 + 1000), T0 + 31_000);
      assert.equal(await store.queues.nextVisibleAt('orders', T0 + 31_000), T0 + 60_000);
      assert.equal(await store.queues.nextVisibleAt('orders', T0 + 60_000), null);
      assert.equal(await store.queues.nextVisibleAt('missing', T0), null);
    });
  });

  test('purge deletes every message of the queue, leased or not, and returns how many', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.putQueue(queueRecord('other'));
      await store.queues.send('orders', newMessages(2500, 1), T0);
      await store.queues.send('other', newMessages(1, 5000), T0);
      const [leased] = await store.queues.receive('orders', { max: 1, visibilityTimeoutSec: 30, now: T0 });
      assert.ok(leased);
      assert.equal(await store.queues.purge('orders'), 2500);
      assert.equal((await store.queues.stats('orders', T0)).total, 0);
      assert.equal(await store.queues.deleteMessage('orders', leased.receiptHandle), false);
      assert.equal((await store.queues.stats('other', T0)).total, 1);
      assert.equal(await store.queues.purge('orders'), 0);
      assert.equal(await store.queues.purge('missing'), 0);
    });
  });

  test("deleteExpired deletes messages once their queue's retention has passed, leased or not", async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('short', { retentionSec: 60 }));
      await store.queues.putQueue(queueRecord('long', { retentionSec: 3600 }));
      await store.queues.send('short', [newMessage('s0')], T0);
      await store.queues.send('short', [newMessage('s1')], T0 + 1);
      await store.queues.send('long', [newMessage('l0')], T0);
      await store.queues.receive('short', { max: 1, visibilityTimeoutSec: 600, now: T0 });
      assert.equal(await store.queues.deleteExpired(T0 + 59_999), 0);
      assert.equal(await store.queues.deleteExpired(T0 + 60_000), 1);
      assert.equal(await store.queues.getMessage('s0'), undefined);
      assert.ok(await store.queues.getMessage('s1'));
      assert.ok(await store.queues.getMessage('l0'));
      assert.equal(await store.queues.deleteExpired(T0 + 3_600_000), 2);
      assert.equal(await store.queues.getMessage('l0'), undefined);
    });
  });

  test('deleteExpired handles large queues completely', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders', { retentionSec: 60 }));
      const messages = newMessages(5000);
      for (let i = 0; i < messages.length; i += 500) {
        await store.queues.send('orders', messages.slice(i, i + 500), T0 + i);
      }
      assert.equal(await store.queues.deleteExpired(T0 + 60_000 + 4499), 4500);
      assert.equal((await store.queues.stats('orders', T0)).total, 500);
    });
  });

  test('deleteExpired keeps dedupe ids whose window is still open', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders', { dedupeWindowSec: 600, retentionSec: 60 }));
      await store.queues.send(
        'orders',
        [newMessage('a', { dedupeId: 'x' }), newMessage('b', { dedupeId: 'y' })],
        T0,
      );
      // The messages have expired; their dedupe ids have not.
      assert.equal(await store.queues.deleteExpired(T0 + 120_000), 2);
      assert.deepEqual(
        await store.queues.send('orders', [newMessage('d', { dedupeId: 'x' })], T0 + 120_000),
        [{ id: 'a', duplicate: true }],
      );
      // At T0 + 600 s both windows close; y is accepted again at once, opening a new window.
      await store.queues.send('orders', [newMessage('c', { dedupeId: 'y' })], T0 + 600_000);
      assert.equal(await store.queues.deleteExpired(T0 + 600_000), 0);
      assert.deepEqual(
        await store.queues.send('orders', [newMessage('e', { dedupeId: 'x' })], T0 + 600_000),
        [{ id: 'e', duplicate: false }],
      );
      assert.deepEqual(
        await store.queues.send('orders', [newMessage('f', { dedupeId: 'y' })], T0 + 600_001),
        [{ id: 'c', duplicate: true }],
      );
    });
  });
}
