import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { AsyncConfig } from '../core/types.js';
import { FakeInvoker, FakeRegistry } from '../gateway/test-support.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { type AsyncDelivery, asyncMessage, createAsyncDelivery } from './async-delivery.js';
import { createQueueService, type QueueService } from './queue-service.js';
import { ASYNC_QUEUE, functionDeadLetterQueue } from './system-queues.js';

let store: Store;
let clock: FakeClock;
let queues: QueueService;
let registry: FakeRegistry;
let invoker: FakeInvoker;
let delivery: AsyncDelivery;

const settle = async () => {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
};

async function setup(asyncConfig?: Partial<AsyncConfig>) {
  registry.add(
    'work',
    asyncConfig ? { async: { maximumRetryAttempts: 2, maximumEventAgeSec: 3600, ...asyncConfig } } : {},
  );
  registry.add('alert');
  await queues.putQueue('results');
  delivery = createAsyncDelivery({
    queues,
    store,
    registry,
    invoker,
    clock,
    region: 'us-east-1',
    accountId: '000000000000',
    backoff: { baseMs: 1000, capMs: 1000 },
  });
  await delivery.start();
}

const enqueue = (requestId = 'r1', payload = '{"n":1}') =>
  delivery.enqueue({ functionName: 'work', qualifier: '$LATEST', payload, requestId, trigger: 'async' });

const fails = () => ({
  status: 'error' as const,
  payload: null,
  error: { errorType: 'Error', errorMessage: 'boom' },
});

beforeEach(async () => {
  store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  clock = new FakeClock();
  queues = createQueueService({ store, clock });
  registry = new FakeRegistry();
  invoker = new FakeInvoker();
});

afterEach(async () => {
  await delivery?.stop();
  await store.close();
});

describe('asynchronous invocation', () => {
  it('stores the request, runs it once through the invoker and records success', async () => {
    await setup();
    await enqueue();
    assert.equal((await store.asyncInvocations.get('r1'))?.status, 'queued');
    await settle();
    assert.equal(invoker.calls.length, 1);
    assert.deepEqual(invoker.calls[0]?.options, { qualifier: '$LATEST', trigger: 'async', requestId: 'r1' });
    assert.equal(invoker.calls[0]?.payload, '{"n":1}');
    const record = await store.asyncInvocations.get('r1');
    assert.equal(record?.status, 'succeeded');
    assert.equal(record?.attempts, 1);
    assert.equal((await queues.stats(ASYNC_QUEUE)).total, 0);
  });

  it('retries a failure after the backoff delay and reports retrying with the next attempt time', async () => {
    await setup({ maximumRetryAttempts: 2 });
    let attempt = 0;
    invoker.script = () => (++attempt === 1 ? fails() : {});
    await enqueue();
    await settle();
    const retrying = await store.asyncInvocations.get('r1');
    assert.equal(retrying?.status, 'retrying');
    assert.equal(retrying?.lastError?.errorMessage, 'boom');
    assert.ok((retrying?.nextAttemptAt ?? 0) <= clock.now() + 1000);
    clock.advance(1000);
    await settle();
    assert.equal(invoker.calls.length, 2);
    assert.equal((await store.asyncInvocations.get('r1'))?.status, 'succeeded');
  });

  it('sends an invocation that keeps failing to the function dead-letter queue with the reason', async () => {
    await setup({ maximumRetryAttempts: 1 });
    invoker.script = fails;
    await enqueue();
    await settle();
    clock.advance(1000);
    await settle();
    assert.equal(invoker.calls.length, 2, 'one attempt plus one retry');
    const [dead] = await queues.peek(functionDeadLetterQueue('work'));
    assert.equal(dead?.body, '{"n":1}');
    assert.match(dead?.lastError ?? '', /RetriesExhausted: Error: boom/);
    const record = await store.asyncInvocations.get('r1');
    assert.equal(record?.status, 'dead-lettered');
    assert.equal(record?.destination, `dlq:${functionDeadLetterQueue('work')}`);
  });

  it('gives maximumRetryAttempts 0 exactly one attempt', async () => {
    await setup({ maximumRetryAttempts: 0 });
    invoker.script = fails;
    await enqueue();
    await settle();
    clock.advance(5000);
    await settle();
    assert.equal(invoker.calls.length, 1);
    assert.equal((await store.asyncInvocations.get('r1'))?.status, 'dead-lettered');
  });

  it('sends the Lambda destination record to onFailure instead of the dead-letter queue', async () => {
    await setup({ maximumRetryAttempts: 0, onFailure: 'queue:results' });
    invoker.script = fails;
    await enqueue();
    await settle();
    const [message] = await queues.peek('results');
    const record = JSON.parse(message?.body ?? '{}');
    assert.equal(record.requestContext.condition, 'RetriesExhausted');
    assert.equal(record.requestContext.requestId, 'r1');
    assert.equal(record.requestContext.approximateInvokeCount, 1);
    assert.deepEqual(record.requestPayload, { n: 1 });
    assert.equal(record.responseContext.functionError, 'Unhandled');
    assert.deepEqual(record.responsePayload, { errorType: 'Error', errorMessage: 'boom' });
    assert.equal((await queues.stats(functionDeadLetterQueue('work')).catch(() => ({ total: 0 }))).total, 0);
    assert.equal((await store.asyncInvocations.get('r1'))?.status, 'failed');
  });

  it('invokes an onSuccess function with the result', async () => {
    await setup({ onSuccess: 'function:alert' });
    invoker.script = (call) => (call.functionName === 'work' ? { payload: '{"done":true}' } : {});
    await enqueue();
    await settle();
    const toAlert = invoker.calls.find((c) => c.functionName === 'alert');
    const record = JSON.parse(toAlert?.payload ?? '{}');
    assert.equal(record.requestContext.condition, 'Success');
    assert.deepEqual(record.responsePayload, { done: true });
  });

  it('waits out throttling without using up attempts', async () => {
    await setup({ maximumRetryAttempts: 0 });
    let throttled = 3;
    invoker.script = () => {
      if (throttled-- > 0) throw new GustError('ERR_TOO_MANY_REQUESTS', 'busy');
      return {};
    };
    await enqueue();
    for (let i = 0; i < 4; i++) {
      await settle();
      clock.advance(250);
    }
    await settle();
    assert.equal(invoker.calls.length, 4);
    assert.equal(
      (await store.asyncInvocations.get('r1'))?.status,
      'succeeded',
      'three throttles, then the one attempt',
    );
  });

  it('gives up an event older than maximumEventAge', async () => {
    await setup({ maximumEventAgeSec: 60, maximumRetryAttempts: 5 });
    invoker.script = fails;
    await enqueue();
    await settle();
    clock.advance(61_000);
    await settle();
    const record = await store.asyncInvocations.get('r1');
    assert.equal(record?.status, 'dead-lettered');
    assert.match(
      (await queues.peek(functionDeadLetterQueue('work')))[0]?.lastError ?? '',
      /EventAgeExceeded/,
    );
  });

  it('creates the status record on first delivery for work enqueued without one (schedules, rules)', async () => {
    await setup();
    await queues.send(ASYNC_QUEUE, [
      asyncMessage(
        {
          functionName: 'work',
          qualifier: '$LATEST',
          payload: '{}',
          requestId: 'tick-1',
          trigger: 'schedule',
        },
        clock.now(),
      ),
    ]);
    await settle();
    const record = await store.asyncInvocations.get('tick-1');
    assert.equal(record?.status, 'succeeded');
    assert.equal(record?.functionName, 'work');
    assert.equal(invoker.calls[0]?.options.trigger, 'schedule');
  });

  it('survives a restart: a stored request runs after the delivery starts again', async () => {
    await setup();
    await delivery.stop();
    await delivery.enqueue({
      functionName: 'work',
      qualifier: '$LATEST',
      payload: '{}',
      requestId: 'r2',
      trigger: 'async',
    });
    assert.equal(invoker.calls.length, 0);
    await delivery.start();
    await settle();
    assert.equal(invoker.calls.length, 1);
    assert.equal((await store.asyncInvocations.get('r2'))?.status, 'succeeded');
  });
});
