import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { QueueView, ReceivedMessageView } from '../../queue/queue-views.js';
import { type FakeApi, runAgainst, startFakeApi } from '../fake-api.js';
import { formatTime } from '../format.js';
import { formatAge } from './queues.js';

const T0 = Date.UTC(2025, 10, 26, 22, 0, 0);

const orders: QueueView = {
  name: 'orders',
  kind: 'user',
  owner: 'shop',
  createdAt: T0,
  arn: 'arn:aws:sqs:us-east-1:000000000000:orders',
  config: {
    visibilityTimeoutSec: 30,
    maxReceiveCount: 3,
    deadLetterQueue: 'orders-dlq',
    retentionSec: 345_600,
    delaySec: 0,
    dedupeWindowSec: 300,
  },
  stats: { visible: 12, inFlight: 3, delayed: 1, oldestAgeMs: 125_000, total: 16 },
  deadLetterQueue: { name: 'orders-dlq', messages: 2 },
  consumers: ['fulfil'],
};

const asyncQueue: QueueView = {
  ...orders,
  name: 'gust-async',
  kind: 'system',
  owner: null,
  arn: 'arn:aws:sqs:us-east-1:000000000000:gust-async',
  stats: { visible: 0, inFlight: 0, delayed: 0, oldestAgeMs: null, total: 0 },
  deadLetterQueue: null,
  consumers: [],
};

const received: ReceivedMessageView = {
  id: '01a21a18-383b-7000-9edc-83d6c06ac4a7',
  body: '{"order":1}',
  md5OfBody: 'x',
  attributes: { tenant: { DataType: 'String', StringValue: 'acme' } },
  sentAt: T0,
  receiveCount: 1,
  firstReceivedAt: T0,
  visibleAt: T0 + 30_000,
  lastError: null,
  sourceQueue: null,
  dedupeId: null,
  requestId: null,
  receiptHandle: '11d6b063-ca51-425d-84f7-291e7ff84366',
};

let api: FakeApi;
before(async () => {
  api = await startFakeApi({
    'GET /_gust/v1/queues': { body: { queues: [asyncQueue, orders] } },
    'GET /_gust/v1/queues/orders': { body: orders },
    'POST /_gust/v1/queues': { status: 201, body: orders },
    'DELETE /_gust/v1/queues/orders': { status: 204 },
    'POST /_gust/v1/queues/orders/messages': (req) => {
      const sent = JSON.parse(req.body.toString()) as { dedupeId?: string };
      return { body: { messages: [{ id: 'm-1', duplicate: sent.dedupeId === 'seen', md5OfBody: 'x' }] } };
    },
    'POST /_gust/v1/queues/orders/receive': { body: { messages: [received] } },
    'DELETE /_gust/v1/queues/orders/messages': { status: 204 },
    'POST /_gust/v1/queues/orders/purge': { body: { purged: 7 } },
    'GET /_gust/v1/queues/nope': {
      status: 404,
      body: {
        error: { code: 'ERR_QUEUE_NOT_FOUND', message: "Queue 'nope' does not exist.", requestId: 'r' },
      },
    },
  });
});
after(() => api.close());

const gust = (args: string[]) => runAgainst(api.url, args);
const lastBody = () => JSON.parse(api.requests.at(-1)?.body.toString() ?? 'null') as Record<string, unknown>;

describe('gust queues', () => {
  test('ls prints depth, in-flight, delayed, oldest age, DLQ and consumers', async () => {
    const { code, stdout } = await gust(['queues', 'ls']);
    assert.equal(code, 0);
    assert.equal(
      stdout,
      [
        'NAME        KIND    VISIBLE  IN-FLIGHT  DELAYED  OLDEST  DLQ             CONSUMERS',
        'gust-async  system        0          0        0       -  -               -',
        'orders      user         12          3        1      2m  orders-dlq (2)  fulfil',
        '',
      ].join('\n'),
    );
  });

  test('get shows the configuration and the dead-letter policy', async () => {
    const { stdout } = await gust(['queues', 'get', 'orders']);
    assert.match(stdout, /^Kind: +user \(service shop\)$/m);
    assert.match(stdout, /^Dead-letter queue: +orders-dlq after 3 receives \(2 messages\)$/m);
  });

  test('create sends the settings given, by their API names', async () => {
    const { code, stdout } = await gust([
      'queues',
      'create',
      'orders',
      '--visibility-timeout',
      '60',
      '--dlq',
      'orders-dlq',
      '--max-receive',
      '3',
    ]);
    assert.equal(code, 0);
    assert.deepEqual(lastBody(), {
      name: 'orders',
      visibilityTimeout: 60,
      deadLetterQueue: 'orders-dlq',
      maxReceiveCount: 3,
    });
    assert.equal(stdout, "Queue 'orders' is ready (arn:aws:sqs:us-east-1:000000000000:orders).\n");
  });

  test('create refuses --dlq without --max-receive before calling the server', async () => {
    const before = api.requests.length;
    const { code, stderr } = await gust(['queues', 'create', 'orders', '--dlq', 'd']);
    assert.equal(code, 2);
    assert.equal(stderr, 'gust: --dlq and --max-receive go together: give both, or neither.\n');
    assert.equal(api.requests.length, before);
  });

  test('send passes delay, attributes and dedupe id, and reads @file bodies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gust-cli-queues-'));
    writeFileSync(join(dir, 'order.json'), '{"order":7}');
    const { code, stdout } = await runAgainst(
      api.url,
      [
        'queues',
        'send',
        'orders',
        '@order.json',
        '--delay',
        '5',
        '--attr',
        'tenant=acme',
        '--attr',
        'k=a=b',
        '--dedupe',
        'o-7',
      ],
      { cwd: dir },
    );
    assert.equal(code, 0);
    assert.deepEqual(lastBody(), {
      body: '{"order":7}',
      delaySeconds: 5,
      attributes: { tenant: 'acme', k: 'a=b' },
      dedupeId: 'o-7',
    });
    assert.equal(stdout, "Sent message m-1 to 'orders'.\n");
    const dup = await gust(['queues', 'send', 'orders', 'x', '--dedupe', 'seen']);
    assert.equal(dup.stdout, "Not sent again: deduplication id 'seen' was accepted as message m-1.\n");
  });

  test('receive prints each message with its receipt handle, and --delete deletes them', async () => {
    const { code, stdout } = await gust([
      'queues',
      'receive',
      'orders',
      '--max',
      '5',
      '--wait',
      '2',
      '--delete',
    ]);
    assert.equal(code, 0);
    const receive = api.requests.at(-2);
    assert.deepEqual(JSON.parse(receive?.body.toString() ?? ''), { max: 5, waitTime: 2 });
    assert.deepEqual(lastBody(), { receiptHandle: received.receiptHandle });
    assert.match(stdout, new RegExp(`^Sent: +${formatTime(T0)}$`, 'm'));
    assert.match(stdout, /^Attributes: +tenant=acme$/m);
    assert.match(stdout, /^\{"order":1\}$/m);
    assert.match(stdout, /Deleted 1 message\(s\)\.\n$/);
  });

  test('purge and rm report what they did', async () => {
    assert.equal((await gust(['queues', 'purge', 'orders'])).stdout, "Purged 7 message(s) from 'orders'.\n");
    assert.equal((await gust(['queues', 'rm', 'orders'])).stdout, "Deleted queue 'orders'.\n");
  });

  test('an unknown queue is one line with the code, exit 1', async () => {
    const { code, stderr } = await gust(['queues', 'get', 'nope']);
    assert.equal(code, 1);
    assert.equal(stderr, "gust: Queue 'nope' does not exist. (ERR_QUEUE_NOT_FOUND)\n");
  });

  test('--json prints the API response', async () => {
    const { stdout } = await gust(['--json', 'queues', 'ls']);
    assert.deepEqual(JSON.parse(stdout), { queues: [asyncQueue, orders] });
  });

  test('ages read in the largest sensible unit', () => {
    assert.deepEqual([null, 850, 42_000, 7 * 60_000, 3 * 3_600_000, 2 * 86_400_000].map(formatAge), [
      '-',
      '850ms',
      '42s',
      '7m',
      '3h',
      '2d',
    ]);
  });
});
