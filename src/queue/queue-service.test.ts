import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { type Consumer, createConsumer, type DeliveryOutcome } from './consumer.js';
import { createQueueService, type QueueService } from './queue-service.js';

let store: Store;
let clock: FakeClock;
let queues: QueueService;

beforeEach(async () => {
  store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  clock = new FakeClock();
  queues = createQueueService({ store, clock });
});

afterEach(async () => {
  await store.close();
});

/** Lets pending promise callbacks and store calls run (the store is in-process and synchronous). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe('queue service', () => {
  it('delivers a sent message once until its lease runs out, then again', async () => {
    await queues.putQueue('orders', { visibilityTimeoutSec: 30 });
    const [sent] = await queues.send('orders', [{ body: 'hello' }]);
    const [first] = await queues.receive('orders');
    assert.equal(first?.id, sent?.id);
    assert.equal(first?.receiveCount, 1);
    assert.deepEqual(await queues.receive('orders'), [], 'leased: invisible to others');
    clock.advance(30_000);
    const [again] = await queues.receive('orders');
    assert.equal(again?.id, sent?.id);
    assert.equal(again?.receiveCount, 2);
    assert.equal(
      await queues.deleteMessage('orders', first?.receiptHandle ?? ''),
      false,
      'the first lease is stale',
    );
    assert.equal(await queues.deleteMessage('orders', again?.receiptHandle ?? ''), true);
    assert.equal((await queues.stats('orders')).total, 0);
  });

  it('wakes a long poll as soon as a message is sent', async () => {
    await queues.putQueue('q');
    const polling = queues.receive('q', { waitTimeSec: 20 });
    await settle();
    await queues.send('q', [{ body: 'late' }]);
    const got = await polling;
    assert.equal(got[0]?.body, 'late');
  });

  it('ends an empty long poll when its wait time passes', async () => {
    await queues.putQueue('q');
    const polling = queues.receive('q', { waitTimeSec: 2 });
    await settle();
    clock.advance(2000);
    assert.deepEqual(await polling, []);
  });

  it('holds a delayed message back until its delay passes', async () => {
    await queues.putQueue('q', { delaySec: 5 });
    await queues.send('q', [{ body: 'later' }]);
    assert.deepEqual(await queues.receive('q'), []);
    assert.equal((await queues.stats('q')).delayed, 1);
    clock.advance(5000);
    assert.equal((await queues.receive('q'))[0]?.body, 'later');
  });

  it('wakes a long poll for a delayed message when its delay ends, not when the wait ends', async () => {
    await queues.putQueue('q');
    const polling = queues.receive('q', { waitTimeSec: 20 });
    await settle();
    await queues.send('q', [{ body: 'soon', delaySec: 5 }]);
    await settle();
    clock.advance(5000);
    await settle();
    const got = await Promise.race([
      polling,
      new Promise<'still waiting'>((r) => setImmediate(() => r('still waiting'))),
    ]);
    assert.notEqual(got, 'still waiting');
    assert.equal((got as { body: string }[])[0]?.body, 'soon');
  });

  it('accepts a deduplication id once within the window', async () => {
    await queues.putQueue('q');
    const [a] = await queues.send('q', [{ body: 'x', dedupeId: 'order-1' }]);
    const [b] = await queues.send('q', [{ body: 'x', dedupeId: 'order-1' }]);
    assert.equal(b?.duplicate, true);
    assert.equal(b?.id, a?.id);
    assert.equal((await queues.stats('q')).total, 1);
  });

  it('refuses a message over 256 KB, an unknown queue and a bad batch, naming the problem', async () => {
    await queues.putQueue('q');
    await assert.rejects(queues.send('q', [{ body: 'x'.repeat(256 * 1024 + 1) }]), {
      code: 'ERR_MESSAGE_TOO_LARGE',
      message: /262145 bytes .* limit is 262144 bytes/,
    });
    await assert.rejects(queues.send('nope', [{ body: 'x' }]), {
      code: 'ERR_QUEUE_NOT_FOUND',
      message: "Queue 'nope' does not exist.",
    });
    await assert.rejects(queues.receive('q', { max: 11 }), {
      code: 'ERR_INVALID_PARAMETER',
      message: /MaxNumberOfMessages/,
    });
    await assert.rejects(queues.putQueue('bad name!'), { code: 'ERR_INVALID_PARAMETER' });
    await assert.rejects(queues.putQueue('q', { maxReceiveCount: 3 }), { message: /go together/ });
  });

  it('redrives dead-lettered messages back to their queue', async () => {
    await queues.putQueue('dlq');
    await queues.putQueue('q', { maxReceiveCount: 1, deadLetterQueue: 'dlq' });
    await queues.send('q', [{ body: 'poison' }]);
    const [m] = await queues.receive('q');
    assert.ok(await queues.moveToDeadLetter('q', m?.receiptHandle ?? '', 'dlq', 'boom'));
    const [dead] = await queues.peek('dlq');
    assert.equal(dead?.lastError, 'boom');
    assert.equal(dead?.sourceQueue, 'q');
    assert.equal(await queues.redrive('dlq'), 1);
    const [back] = await queues.receive('q');
    assert.equal(back?.id, m?.id);
    assert.equal(back?.receiveCount, 1, 'the receive count starts over');
  });
});

describe('queue consumer', () => {
  let consumer: Consumer | undefined;
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  function consume(queue: string, deliver: (bodies: string[]) => DeliveryOutcome[], batchSize = 10) {
    const seen: string[][] = [];
    consumer = createConsumer(queues, clock, {
      queue,
      batchSize,
      batchingWindowMs: 0,
      concurrency: 1,
      backoff: { baseMs: 1000, capMs: 8000 },
      deliver: async (batch) => {
        const bodies = batch.map((m) => m.body);
        seen.push(bodies);
        return deliver(bodies);
      },
    });
    consumer.start();
    return seen;
  }

  it('deletes delivered messages', async () => {
    await queues.putQueue('q');
    await queues.send('q', [{ body: 'a' }, { body: 'b' }]);
    const seen = consume('q', (b) => b.map(() => ({ kind: 'done' })));
    await settle();
    assert.deepEqual(seen, [['a', 'b']]);
    assert.equal((await queues.stats('q')).total, 0);
  });

  it('retries a failed message after a backoff delay, and only the failed one of a batch', async () => {
    await queues.putQueue('q');
    await queues.send('q', [{ body: 'ok' }, { body: 'bad' }]);
    const seen = consume('q', (b) =>
      b.map((body) => (body === 'bad' ? { kind: 'retry', error: 'nope' } : { kind: 'done' })),
    );
    await settle();
    assert.deepEqual(seen, [['ok', 'bad']]);
    const [waiting] = await queues.peek('q');
    assert.equal(waiting?.body, 'bad');
    assert.equal(waiting?.lastError, 'nope');
    assert.ok((waiting?.visibleAt ?? 0) <= clock.now() + 1000, 'full jitter: at most the first cap');
    clock.advance(1000);
    await settle();
    assert.deepEqual(seen.at(-1), ['bad']);
  });

  it('moves a message to the dead-letter queue with the reason after maxReceiveCount failures', async () => {
    await queues.putQueue('dlq');
    await queues.putQueue('q', { maxReceiveCount: 2, deadLetterQueue: 'dlq' });
    await queues.send('q', [{ body: 'poison' }]);
    consume('q', (b) => b.map(() => ({ kind: 'retry', error: 'TypeError: boom', delayMs: 0 })));
    await settle();
    await settle();
    const [dead] = await queues.peek('dlq');
    assert.equal(dead?.body, 'poison');
    assert.match(dead?.lastError ?? '', /TypeError: boom \(after 2 receives\)/);
    assert.equal((await queues.stats('q')).total, 0);
  });

  it('renews the lease of a batch while it runs, so a slow delivery is not handed out twice', async () => {
    await queues.putQueue('q', { visibilityTimeoutSec: 30 });
    await queues.send('q', [{ body: 'slow' }]);
    let finish: () => void = () => {};
    consumer = createConsumer(queues, clock, {
      queue: 'q',
      batchSize: 1,
      batchingWindowMs: 0,
      concurrency: 2,
      deliver: () => new Promise((resolve) => (finish = () => resolve([{ kind: 'done' }]))),
    });
    consumer.start();
    await settle();
    for (let i = 0; i < 9; i++) {
      clock.advance(10_000);
      await settle();
    }
    assert.deepEqual(await queues.receive('q'), [], '90 s later the running message is still leased');
    finish();
    await settle();
    assert.equal((await queues.stats('q')).total, 0);
  });

  it('puts a throttled message back without counting the receive', async () => {
    await queues.putQueue('dlq');
    await queues.putQueue('q', { maxReceiveCount: 1, deadLetterQueue: 'dlq' });
    await queues.send('q', [{ body: 'wait' }]);
    let throttle = true;
    const seen = consume('q', (b) =>
      b.map(() => (throttle ? { kind: 'throttled', delayMs: 500 } : { kind: 'done' })),
    );
    await settle();
    const [back] = await queues.peek('q');
    assert.equal(back?.receiveCount, 0, 'a throttled delivery is not an attempt');
    throttle = false;
    clock.advance(500);
    await settle();
    assert.equal(seen.length, 2);
    assert.equal((await queues.stats('dlq')).total, 0, 'never dead-lettered although maxReceiveCount is 1');
    assert.equal((await queues.stats('q')).total, 0);
  });
});
