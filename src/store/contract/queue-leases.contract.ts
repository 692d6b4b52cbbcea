import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGustError } from '../../core/errors.js';
import type { LeasedMessage, QueueRepository, StoredMessage } from '../queue-repository.js';
import type { MakeStore } from './fixtures.js';
import { messageId, newMessage, newMessages, queueRecord, T0, withStore } from './fixtures.js';
import { isNotFound } from './queues.contract.js';

const ids = (messages: readonly StoredMessage[]): string[] => messages.map((m) => m.id);

/** Receives with a 30-second visibility timeout. */
const receive = (queues: QueueRepository, queue: string, now: number, max = 10) =>
  queues.receive(queue, { max, visibilityTimeoutSec: 30, now });

/** Receives exactly one message and returns it. */
async function receiveOne(queues: QueueRepository, queue: string, now: number): Promise<LeasedMessage> {
  const [message] = await receive(queues, queue, now, 1);
  assert.ok(message, `expected a message on ${queue} at T0 + ${now - T0} ms`);
  return message;
}

/** Registers the QueueRepository tests for receiving, receipt handles, dead-lettering and redrive. */
export function queueLeaseContract(makeStore: MakeStore): void {
  test('receive leases the oldest visible messages, up to max, each with a new receipt handle', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(5), T0);
      const leased = await store.queues.receive('orders', { max: 3, visibilityTimeoutSec: 45, now: T0 + 10 });
      assert.deepEqual(ids(leased), [messageId(1), messageId(2), messageId(3)]);
      for (const m of leased) {
        assert.equal(m.receiveCount, 1);
        assert.equal(m.firstReceivedAt, T0 + 10);
        assert.equal(m.visibleAt, T0 + 10 + 45_000);
        assert.equal(typeof m.receiptHandle, 'string');
        assert.equal(m.body, `body of ${m.id}`);
        assert.deepEqual(await store.queues.getMessage(m.id), m);
      }
      assert.equal(new Set(leased.map((m) => m.receiptHandle)).size, 3);
    });
  });

  test('messages are received in the order they become visible, then by id', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send(
        'orders',
        [newMessage('a', { delaySec: 5 }), newMessage('c'), newMessage('b')],
        T0,
      );
      assert.deepEqual(ids(await receive(store.queues, 'orders', T0 + 5000)), ['b', 'c', 'a']);
    });
  });

  test('a leased message is not received again until its lease runs out, then gets a new handle', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(1), T0);
      const first = await receiveOne(store.queues, 'orders', T0);
      assert.deepEqual(await receive(store.queues, 'orders', T0 + 29_999), []);
      const second = await receiveOne(store.queues, 'orders', T0 + 30_000);
      assert.equal(second.id, first.id);
      assert.equal(second.receiveCount, 2);
      assert.equal(second.firstReceivedAt, T0);
      assert.notEqual(second.receiptHandle, first.receiptHandle);
    });
  });

  test('concurrent receives never return the same message', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(25), T0);
      const batches = await Promise.all(
        Array.from({ length: 8 }, () => receive(store.queues, 'orders', T0, 4)),
      );
      const all = batches.flatMap(ids);
      assert.equal(all.length, 25);
      assert.equal(new Set(all).size, 25);
    });
  });

  test('receive with max 0 leases nothing, and at most 1000 messages are leased at once', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(1005), T0);
      assert.deepEqual(await receive(store.queues, 'orders', T0, 0), []);
      assert.equal((await receive(store.queues, 'orders', T0, 5000)).length, 1000);
    });
  });

  test('receiving from a queue that does not exist fails with ERR_QUEUE_NOT_FOUND', async () => {
    await withStore(makeStore, async (store) => {
      await assert.rejects(receive(store.queues, 'missing', T0), isNotFound);
    });
  });

  test('deleteMessage deletes the message leased under the current handle, once', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(2), T0);
      const leased = await receiveOne(store.queues, 'orders', T0);
      assert.equal(await store.queues.deleteMessage('orders', leased.receiptHandle), true);
      assert.equal(await store.queues.getMessage(leased.id), undefined);
      assert.equal(await store.queues.deleteMessage('orders', leased.receiptHandle), false);
      assert.equal((await store.queues.stats('orders', T0)).total, 1);
    });
  });

  test('a stale handle can no longer delete, change visibility or dead-letter the message', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.putQueue(queueRecord('orders-dlq'));
      await store.queues.send('orders', newMessages(1), T0);
      const stale = await receiveOne(store.queues, 'orders', T0);
      const current = await receiveOne(store.queues, 'orders', T0 + 30_000);
      const before = await store.queues.getMessage(current.id);
      assert.equal(await store.queues.deleteMessage('orders', stale.receiptHandle), false);
      assert.deepEqual(await store.queues.deleteMessages('orders', [stale.receiptHandle]), [false]);
      assert.equal(
        await store.queues.changeVisibility('orders', stale.receiptHandle, {
          visibleAt: T0,
          uncountReceive: true,
        }),
        false,
      );
      assert.equal(
        await store.queues.moveToDeadLetter('orders', stale.receiptHandle, 'orders-dlq', 'boom', T0 + 30_000),
        false,
      );
      assert.deepEqual(await store.queues.getMessage(current.id), before);
      assert.equal(await store.queues.deleteMessage('orders', 'never-issued'), false);
    });
  });

  test("a handle does not act on another queue's message", async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.putQueue(queueRecord('other'));
      await store.queues.send('orders', newMessages(1), T0);
      const leased = await receiveOne(store.queues, 'orders', T0);
      assert.equal(await store.queues.deleteMessage('other', leased.receiptHandle), false);
      assert.equal(
        await store.queues.changeVisibility('other', leased.receiptHandle, { visibleAt: T0 }),
        false,
      );
      assert.ok(await store.queues.getMessage(leased.id));
    });
  });

  test('a handle stays valid after its lease runs out, until the message is received again', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(1), T0);
      const leased = await receiveOne(store.queues, 'orders', T0);
      assert.equal((await store.queues.stats('orders', T0 + 30_000)).visible, 1);
      assert.equal(await store.queues.deleteMessage('orders', leased.receiptHandle), true);
    });
  });

  test('deleteMessages deletes a batch and reports each handle, in order', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(4), T0);
      const leased = await receive(store.queues, 'orders', T0, 3);
      const handles = leased.map((m) => m.receiptHandle);
      const [h0 = '', h1 = '', h2 = ''] = handles;
      assert.equal(await store.queues.deleteMessage('orders', h1), true);
      assert.deepEqual(await store.queues.deleteMessages('orders', [h0, h1, 'unknown', h2]), [
        true,
        false,
        false,
        true,
      ]);
      assert.deepEqual(await store.queues.deleteMessages('orders', []), []);
      assert.deepEqual(ids(await store.queues.peek('orders', { limit: 10 })), [messageId(4)]);
    });
  });

  test('changeVisibility sets when the message is visible again, keeps its handle and records the error', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(1), T0);
      const leased = await receiveOne(store.queues, 'orders', T0);
      assert.equal(
        await store.queues.changeVisibility('orders', leased.receiptHandle, {
          visibleAt: T0 + 5000,
          lastError: 'e1',
        }),
        true,
      );
      let stored = await store.queues.getMessage(leased.id);
      assert.equal(stored?.visibleAt, T0 + 5000);
      assert.equal(stored?.lastError, 'e1');
      assert.equal(stored?.receiveCount, 1);
      assert.equal(stored?.receiptHandle, leased.receiptHandle);
      // Without lastError the stored one stays; visibility can also be shortened to now.
      assert.equal(
        await store.queues.changeVisibility('orders', leased.receiptHandle, { visibleAt: T0 + 1 }),
        true,
      );
      stored = await store.queues.getMessage(leased.id);
      assert.equal(stored?.lastError, 'e1');
      assert.deepEqual(await receive(store.queues, 'orders', T0), []);
      assert.deepEqual(ids(await receive(store.queues, 'orders', T0 + 1)), [leased.id]);
    });
  });

  test('an uncounted receive takes the receive count back down, never below 0', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(1), T0);
      await receiveOne(store.queues, 'orders', T0);
      const second = await receiveOne(store.queues, 'orders', T0 + 30_000);
      const back = { visibleAt: T0 + 30_000, uncountReceive: true };
      assert.equal(await store.queues.changeVisibility('orders', second.receiptHandle, back), true);
      let stored = await store.queues.getMessage(second.id);
      assert.equal(stored?.receiveCount, 1);
      assert.equal(stored?.firstReceivedAt, T0);
      await store.queues.changeVisibility('orders', second.receiptHandle, back);
      stored = await store.queues.getMessage(second.id);
      assert.equal(stored?.receiveCount, 0);
      assert.equal(stored?.firstReceivedAt, null);
      await store.queues.changeVisibility('orders', second.receiptHandle, back);
      assert.equal((await store.queues.getMessage(second.id))?.receiveCount, 0);
    });
  });

  test('a message that reached maxReceiveCount moves to the dead-letter queue on the next receive', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(
        queueRecord('orders', { maxReceiveCount: 2, deadLetterQueue: 'orders-dlq' }),
      );
      await store.queues.putQueue(queueRecord('orders-dlq'));
      await store.queues.send('orders', [newMessage('poison'), newMessage('fine', { delaySec: 60 })], T0);
      const first = await receiveOne(store.queues, 'orders', T0);
      await store.queues.changeVisibility('orders', first.receiptHandle, {
        visibleAt: T0 + 1,
        lastError: 'boom',
      });
      const second = await receiveOne(store.queues, 'orders', T0 + 1);
      assert.equal(second.receiveCount, 2);
      // Delivered twice: the third receive moves it and delivers the next message instead.
      assert.deepEqual(ids(await receive(store.queues, 'orders', T0 + 60_000)), ['fine']);
      assert.deepEqual(await store.queues.getMessage('poison'), {
        id: 'poison',
        queue: 'orders-dlq',
        body: 'body of poison',
        attributes: {},
        meta: null,
        sentAt: T0,
        visibleAt: T0 + 60_000,
        receiveCount: 0,
        firstReceivedAt: null,
        receiptHandle: null,
        lastError: 'boom',
        sourceQueue: 'orders',
        dedupeId: null,
      });
      assert.equal(await store.queues.deleteMessage('orders', second.receiptHandle), false);
      assert.deepEqual(ids(await receive(store.queues, 'orders-dlq', T0 + 60_000)), ['poison']);
    });
  });

  test('receive moves every exhausted message ahead of the batch it delivers', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(
        queueRecord('orders', { maxReceiveCount: 1, deadLetterQueue: 'orders-dlq' }),
      );
      await store.queues.putQueue(queueRecord('orders-dlq'));
      await store.queues.send('orders', newMessages(6), T0);
      await store.queues.receive('orders', { max: 3, visibilityTimeoutSec: 0, now: T0 });
      // Messages 1-3 were delivered once and are visible again, ahead of 4-6 that never were.
      assert.deepEqual(ids(await receive(store.queues, 'orders', T0, 2)), [4, 5].map(messageId));
      assert.deepEqual(ids(await store.queues.peek('orders-dlq', { limit: 10 })), [1, 2, 3].map(messageId));
      assert.deepEqual(ids(await store.queues.peek('orders', { limit: 10 })), [4, 5, 6].map(messageId));
    });
  });

  test('without an existing dead-letter queue a message past maxReceiveCount is still delivered', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('no-dlq', { maxReceiveCount: 1 }));
      await store.queues.putQueue(
        queueRecord('gone-dlq', { maxReceiveCount: 1, deadLetterQueue: 'missing' }),
      );
      for (const queue of ['no-dlq', 'gone-dlq']) {
        await store.queues.send(queue, [newMessage(`${queue}-m`)], T0);
        await receiveOne(store.queues, queue, T0);
        const again = await receiveOne(store.queues, queue, T0 + 30_000);
        assert.equal(again.receiveCount, 2);
        assert.equal(again.queue, queue);
      }
    });
  });

  test('uncounted receives do not bring a message closer to the dead-letter queue', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(
        queueRecord('orders', { maxReceiveCount: 1, deadLetterQueue: 'orders-dlq' }),
      );
      await store.queues.putQueue(queueRecord('orders-dlq'));
      await store.queues.send('orders', newMessages(1), T0);
      for (let i = 0; i < 3; i++) {
        const leased = await receiveOne(store.queues, 'orders', T0 + i);
        assert.equal(leased.receiveCount, 1);
        await store.queues.changeVisibility('orders', leased.receiptHandle, {
          visibleAt: T0 + i + 1,
          uncountReceive: true,
        });
      }
      assert.equal((await store.queues.getMessage(messageId(1)))?.queue, 'orders');
    });
  });

  test('moveToDeadLetter moves a leased message keeping its id, and records where it came from', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.putQueue(queueRecord('orders-dlq'));
      await store.queues.send('orders', [newMessage('m', { meta: { attempt: 3 }, dedupeId: 'd' })], T0);
      const leased = await receiveOne(store.queues, 'orders', T0 + 5);
      assert.equal(
        await store.queues.moveToDeadLetter('orders', leased.receiptHandle, 'orders-dlq', 'timeout', T0 + 9),
        true,
      );
      assert.deepEqual(await store.queues.getMessage('m'), {
        ...leased,
        queue: 'orders-dlq',
        visibleAt: T0 + 9,
        receiveCount: 0,
        firstReceivedAt: null,
        receiptHandle: null,
        lastError: 'timeout',
        sourceQueue: 'orders',
      });
      assert.equal((await store.queues.stats('orders', T0 + 9)).total, 0);
      assert.equal(await store.queues.deleteMessage('orders', leased.receiptHandle), false);
      assert.equal(
        await store.queues.moveToDeadLetter('orders', leased.receiptHandle, 'orders-dlq', 'again', T0 + 9),
        false,
      );
    });
  });

  test('moveToDeadLetter to a queue that does not exist fails and leaves the lease as it was', async () => {
    await withStore(makeStore, async (store) => {
      await store.queues.putQueue(queueRecord('orders'));
      await store.queues.send('orders', newMessages(1), T0);
      const leased = await receiveOne(store.queues, 'orders', T0);
      await assert.rejects(
        store.queues.moveToDeadLetter('orders', leased.receiptHandle, 'missing', 'e', T0),
        isNotFound,
      );
      assert.deepEqual(await store.queues.getMessage(leased.id), leased);
    });
  });

  test('redrive moves dead-lettered messages back to their source queues, oldest first, up to max', async () => {
    await withStore(makeStore, async (store) => {
      for (const name of ['orders', 'payments', 'dlq']) await store.queues.putQueue(queueRecord(name));
      await store.queues.send('orders', [newMessage('o1')], T0);
      await store.queues.send('payments', [newMessage('p1')], T0 + 1);
      await store.queues.send('orders', [newMessage('o2')], T0 + 2);
      for (const [queue, id] of [
        ['orders', 'o1'],
        ['payments', 'p1'],
        ['orders', 'o2'],
      ] as const) {
        const leased = await receiveOne(store.queues, queue, T0 + 10);
        assert.equal(leased.id, id);
        await store.queues.moveToDeadLetter(queue, leased.receiptHandle, 'dlq', `failed ${id}`, T0 + 10);
      }
      assert.equal(await store.queues.redrive('dlq', { max: 2, now: T0 + 100 }), 2);
      assert.deepEqual(await store.queues.getMessage('o1'), {
        id: 'o1',
        queue: 'orders',
        body: 'body of o1',
        attributes: {},
        meta: null,
        sentAt: T0 + 100,
        visibleAt: T0 + 100,
        receiveCount: 0,
        firstReceivedAt: null,
        receiptHandle: null,
        lastError: 'failed o1',
        sourceQueue: null,
        dedupeId: null,
      });
      assert.equal((await store.queues.getMessage('p1'))?.queue, 'payments');
      assert.deepEqual(ids(await store.queues.peek('dlq', { limit: 10 })), ['o2']);
      assert.equal(await store.queues.redrive('dlq', { now: T0 + 200 }), 1);
      assert.deepEqual(ids(await receive(store.queues, 'orders', T0 + 200)), ['o1', 'o2']);
    });
  });

  test('redrive with toQueue moves messages there, whatever their source', async () => {
    await withStore(makeStore, async (store) => {
      for (const name of ['orders', 'replay', 'dlq']) await store.queues.putQueue(queueRecord(name));
      await store.queues.send('orders', newMessages(2), T0);
      for (const leased of await receive(store.queues, 'orders', T0)) {
        await store.queues.moveToDeadLetter('orders', leased.receiptHandle, 'dlq', 'e', T0);
      }
      await store.queues.send('dlq', [newMessage(messageId(3))], T0 + 1);
      assert.equal(await store.queues.redrive('dlq', { toQueue: 'replay', now: T0 + 5 }), 3);
      assert.deepEqual(ids(await receive(store.queues, 'replay', T0 + 5)), [1, 2, 3].map(messageId));
      assert.equal((await store.queues.stats('orders', T0 + 5)).total, 0);
    });
  });

  test('redrive leaves messages whose source queue is gone, and refuses missing or identical queues', async () => {
    await withStore(makeStore, async (store) => {
      for (const name of ['orders', 'temp', 'dlq']) await store.queues.putQueue(queueRecord(name));
      for (const queue of ['orders', 'temp']) {
        await store.queues.send(queue, [newMessage(`${queue}-m`)], T0);
        const leased = await receiveOne(store.queues, queue, T0);
        await store.queues.moveToDeadLetter(queue, leased.receiptHandle, 'dlq', 'e', T0);
      }
      await store.queues.send('dlq', [newMessage('no-source')], T0);
      await store.queues.deleteQueue('temp');
      assert.equal(await store.queues.redrive('dlq', { now: T0 + 1 }), 1);
      assert.deepEqual(ids(await store.queues.peek('dlq', { limit: 10 })), ['no-source', 'temp-m']);
      await assert.rejects(store.queues.redrive('missing', { now: T0 }), isNotFound);
      await assert.rejects(store.queues.redrive('dlq', { toQueue: 'missing', now: T0 }), isNotFound);
      await assert.rejects(
        store.queues.redrive('dlq', { toQueue: 'dlq', now: T0 }),
        (error: unknown) => isGustError(error) && error.code === 'ERR_INVALID_PARAMETER',
      );
    });
  });

  test('redrive moves large dead-letter queues completely', async () => {
    await withStore(makeStore, async (store) => {
      for (const name of ['orders', 'dlq']) await store.queues.putQueue(queueRecord(name));
      await store.queues.send('dlq', newMessages(4500), T0);
      assert.equal(await store.queues.redrive('dlq', { toQueue: 'orders', now: T0 + 1 }), 4500);
      assert.equal((await store.queues.stats('orders', T0 + 1)).visible, 4500);
      assert.equal((await store.queues.stats('dlq', T0 + 1)).total, 0);
    });
  });
}
