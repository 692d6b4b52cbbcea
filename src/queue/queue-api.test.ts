import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { startTestGateway, type TestGateway } from '../gateway/test-support.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createQueueExtension } from './queue-extension.js';
import { createQueueService, type QueueService } from './queue-service.js';
import type { DeadLetterQueueView, MessageView, QueueView, ReceivedMessageView } from './queue-views.js';

let store: Store;
let queues: QueueService;
let gw: TestGateway;

beforeEach(async () => {
  store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const clock = new FakeClock();
  queues = createQueueService({ store, clock });
  const registry = { list: () => gw.registry.list() };
  gw = await startTestGateway({}, [
    createQueueExtension({ queues, registry, clock, region: 'us-east-1', accountId: '000000000000' }),
  ]);
});

afterEach(async () => {
  await gw.stop();
  await store.close();
});

async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`${gw.url}/_gust/v1${path}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

type ErrorBody = { error: { code: string; message: string; parameter?: string } };

describe('queues control API', () => {
  it('creates a queue, then changes only the settings given', async () => {
    const created = await api<QueueView>('POST', '/queues', {
      name: 'orders',
      visibilityTimeout: 45,
      delay: 2,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.config.visibilityTimeoutSec, 45);
    assert.equal(created.body.kind, 'user');
    assert.equal(created.body.arn, 'arn:aws:sqs:us-east-1:000000000000:orders');
    const updated = await api<QueueView>('POST', '/queues', { name: 'orders', retention: 600 });
    assert.equal(updated.status, 200);
    assert.deepEqual(
      [
        updated.body.config.visibilityTimeoutSec,
        updated.body.config.delaySec,
        updated.body.config.retentionSec,
      ],
      [45, 2, 600],
    );
  });

  it('names the field that is wrong when creating', async () => {
    const range = await api<ErrorBody>('POST', '/queues', { name: 'orders', visibilityTimeout: -1 });
    assert.equal(range.status, 400);
    assert.equal(range.body.error.code, 'ERR_INVALID_PARAMETER');
    assert.equal(range.body.error.parameter, 'visibilityTimeout');
    const dlq = await api<ErrorBody>('POST', '/queues', {
      name: 'orders',
      deadLetterQueue: 'missing',
      maxReceiveCount: 3,
    });
    assert.match(dlq.body.error.message, /deadLetterQueue: queue 'missing' does not exist/);
    const half = await api<ErrorBody>('POST', '/queues', { name: 'orders', maxReceiveCount: 3 });
    assert.match(half.body.error.message, /go together/);
    const fifo = await api<ErrorBody>('POST', '/queues', { name: 'jobs.fifo' });
    assert.match(fifo.body.error.message, /FIFO queues \(\.fifo\) are not supported/);
    const reserved = await api<ErrorBody>('POST', '/queues', { name: 'gust-mine' });
    assert.match(reserved.body.error.message, /one of Gust's own queues/);
  });

  it('lists queues with depth, dead-letter depth and the functions consuming them', async () => {
    await api('POST', '/queues', { name: 'orders-dlq' });
    await api('POST', '/queues', { name: 'orders', deadLetterQueue: 'orders-dlq', maxReceiveCount: 2 });
    gw.registry.add('worker', {
      queues: [{ queue: 'orders', batchSize: 10, maximumBatchingWindowSec: 0, maximumConcurrency: 1 }],
    });
    await api('POST', '/queues/orders/messages', {
      entries: [{ body: 'a' }, { body: 'b', delaySeconds: 60 }],
    });
    await api('POST', '/queues/orders-dlq/messages', { body: 'dead' });
    await api('POST', '/queues/orders/receive', { max: 1 });
    const { body } = await api<{ queues: QueueView[] }>('GET', '/queues');
    const orders = body.queues.find((q) => q.name === 'orders');
    assert.deepEqual(orders?.stats, { visible: 0, inFlight: 1, delayed: 1, oldestAgeMs: 0, total: 2 });
    assert.deepEqual(orders?.deadLetterQueue, { name: 'orders-dlq', messages: 1 });
    assert.deepEqual(orders?.consumers, ['worker']);
  });

  it('sends, receives, deletes and purges messages', async () => {
    await api('POST', '/queues', { name: 'orders' });
    const sent = await api<{ messages: { id: string; duplicate: boolean }[] }>(
      'POST',
      '/queues/orders/messages',
      {
        body: 'hello',
        attributes: { tenant: 'acme' },
        dedupeId: 'o-1',
      },
    );
    const again = await api<{ messages: { id: string; duplicate: boolean }[] }>(
      'POST',
      '/queues/orders/messages',
      {
        body: 'hello',
        dedupeId: 'o-1',
      },
    );
    assert.equal(again.body.messages[0]?.id, sent.body.messages[0]?.id);
    assert.equal(again.body.messages[0]?.duplicate, true);
    const received = await api<{ messages: ReceivedMessageView[] }>('POST', '/queues/orders/receive', {
      visibilityTimeout: 60,
    });
    const [m] = received.body.messages;
    assert.equal(m?.body, 'hello');
    assert.deepEqual(m?.attributes, { tenant: { DataType: 'String', StringValue: 'acme' } });
    assert.equal(m?.receiveCount, 1);
    assert.equal(
      (await api('DELETE', '/queues/orders/messages', { receiptHandle: m?.receiptHandle })).status,
      204,
    );
    const stale = await api<ErrorBody>('DELETE', '/queues/orders/messages', {
      receiptHandle: m?.receiptHandle,
    });
    assert.equal(stale.status, 400);
    assert.equal(stale.body.error.code, 'ERR_INVALID_RECEIPT_HANDLE');
    await api('POST', '/queues/orders/messages', { body: 'by query' });
    const [q] = (await api<{ messages: ReceivedMessageView[] }>('POST', '/queues/orders/receive', {})).body
      .messages;
    const byQuery = `/queues/orders/messages?receiptHandle=${q?.receiptHandle}`;
    assert.equal((await api('DELETE', byQuery)).status, 204, 'the handle may come in the query');
    await api('POST', '/queues/orders/messages', { entries: [{ body: '1' }, { body: '2' }] });
    assert.deepEqual((await api('POST', '/queues/orders/purge')).body, { purged: 2 });
  });

  it('answers bad messages and unknown queues clearly', async () => {
    await api('POST', '/queues', { name: 'orders' });
    const big = await api<ErrorBody>('POST', '/queues/orders/messages', { body: 'x'.repeat(256 * 1024 + 1) });
    assert.equal(big.status, 400);
    assert.equal(big.body.error.code, 'ERR_MESSAGE_TOO_LARGE');
    const unknown = await api<ErrorBody>('POST', '/queues/nope/messages', { body: 'x' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'ERR_QUEUE_NOT_FOUND');
    const shape = await api<ErrorBody>('POST', '/queues/orders/messages', { text: 'x' });
    assert.equal(shape.body.error.code, 'ERR_INVALID_PARAMETER');
  });

  it('deletes user queues, but not Gust queues or queues a function consumes', async () => {
    await api('POST', '/queues', { name: 'orders' });
    await queues.putQueue('gust-async', {}, { kind: 'system' });
    assert.equal((await api('DELETE', '/queues/orders')).status, 204);
    assert.equal((await api('GET', '/queues/orders')).status, 404);
    assert.equal((await api('DELETE', '/queues/gust-async')).status, 400);
    await api('POST', '/queues', { name: 'jobs' });
    gw.registry.add('worker', {
      queues: [{ queue: 'jobs', batchSize: 10, maximumBatchingWindowSec: 0, maximumConcurrency: 1 }],
    });
    const consumed = await api<ErrorBody>('DELETE', '/queues/jobs');
    assert.equal(consumed.status, 409);
    assert.match(consumed.body.error.message, /event source of function 'worker'/);
  });
});

describe('dead-letter queues control API', () => {
  it('lists DLQs with their sources, shows why messages failed, and redrives them', async () => {
    await api('POST', '/queues', { name: 'orders-dlq' });
    await api('POST', '/queues', {
      name: 'orders',
      deadLetterQueue: 'orders-dlq',
      maxReceiveCount: 1,
      visibilityTimeout: 0,
    });
    await queues.putQueue('gust-dlq-mailer', {}, { kind: 'system' });
    await api('POST', '/queues/orders/messages', { body: 'poison' });
    await api('POST', '/queues/orders/receive', {});
    assert.deepEqual(
      (await api<{ messages: unknown[] }>('POST', '/queues/orders/receive', {})).body.messages,
      [],
    );

    const { body } = await api<{ deadLetterQueues: DeadLetterQueueView[] }>('GET', '/dlq');
    assert.deepEqual(
      body.deadLetterQueues.map((d) => [d.name, d.sourceQueues, d.functionName, d.stats.total]),
      [
        ['gust-dlq-mailer', [], 'mailer', 0],
        ['orders-dlq', ['orders'], null, 1],
      ],
    );
    const peek = await api<{ messages: MessageView[] }>('GET', '/dlq/orders-dlq/messages');
    const [dead] = peek.body.messages;
    assert.equal(dead?.body, 'poison');
    assert.equal(dead?.sourceQueue, 'orders');
    assert.equal(dead?.lastError, 'not deleted after 1 receives (maxReceiveCount of orders)');

    const redriven = await api('POST', '/dlq/orders-dlq/redrive', {});
    assert.deepEqual(redriven.body, { moved: 1, remaining: 0 });
    assert.equal((await api<QueueView>('GET', '/queues/orders')).body.stats.visible, 1);
  });
});

describe('SQS endpoint errors over HTTP', () => {
  it("carry SQS's __type, status and x-amzn-query-error header", async () => {
    const res = await fetch(`${gw.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSQS.GetQueueUrl', 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ QueueName: 'nope' }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    const body = (await res.json()) as { __type: string; message: string };
    assert.equal(body.__type, 'com.amazonaws.sqs#QueueDoesNotExist');
    assert.equal(body.message, "Queue 'nope' does not exist.");
  });
});
