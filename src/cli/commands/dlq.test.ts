import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DeadLetterQueueView, MessageView } from '../../queue/queue-views.js';
import { type FakeApi, runAgainst, startFakeApi } from '../fake-api.js';

const T0 = Date.UTC(2025, 10, 26, 22, 0, 0);

const dlqs: DeadLetterQueueView[] = [
  {
    name: 'gust-dlq-mailer',
    sourceQueues: [],
    functionName: 'mailer',
    stats: { visible: 1, inFlight: 0, delayed: 0, oldestAgeMs: 3_600_000, total: 1 },
  },
  {
    name: 'orders-dlq',
    sourceQueues: ['orders'],
    functionName: null,
    stats: { visible: 2, inFlight: 0, delayed: 0, oldestAgeMs: 90_000, total: 2 },
  },
];

const dead: MessageView = {
  id: '01a21a18-383b-7000-9edc-83d6c06ac4a7',
  body: '{"order":13}',
  md5OfBody: 'x',
  attributes: {},
  sentAt: T0,
  receiveCount: 0,
  firstReceivedAt: null,
  visibleAt: T0,
  lastError: 'Error: card declined (after 3 receives)',
  sourceQueue: 'orders',
  dedupeId: null,
  requestId: null,
};

let api: FakeApi;
before(async () => {
  api = await startFakeApi({
    'GET /_gust/v1/dlq': { body: { deadLetterQueues: dlqs } },
    'GET /_gust/v1/dlq/orders-dlq/messages': { body: { messages: [dead] } },
    'GET /_gust/v1/dlq/empty/messages': { body: { messages: [] } },
    'POST /_gust/v1/dlq/orders-dlq/redrive': { body: { moved: 2, remaining: 0 } },
  });
});
after(() => api.close());

const gust = (args: string[]) => runAgainst(api.url, args);

describe('gust dlq', () => {
  test('ls prints each dead-letter queue with its depth and what it serves', async () => {
    const { code, stdout } = await gust(['dlq', 'ls']);
    assert.equal(code, 0);
    assert.equal(
      stdout,
      [
        'NAME             MESSAGES  OLDEST  FOR',
        'gust-dlq-mailer         1      1h  function mailer (async)',
        'orders-dlq              2      1m  orders',
        '',
      ].join('\n'),
    );
  });

  test('show prints each message with where it came from and why it failed', async () => {
    const { code, stdout } = await gust(['dlq', 'show', 'orders-dlq', '--limit', '5']);
    assert.equal(code, 0);
    assert.equal(api.requests.at(-1)?.query.get('limit'), '5');
    assert.match(stdout, /^From: +orders$/m);
    assert.match(stdout, /^Failure: +Error: card declined \(after 3 receives\)$/m);
    assert.match(stdout, /^\{"order":13\}$/m);
    assert.equal((await gust(['dlq', 'show', 'empty'])).stdout, "'empty' holds no messages.\n");
  });

  test('redrive sends --to and --max and reports how many moved', async () => {
    const { code, stdout } = await gust(['dlq', 'redrive', 'orders-dlq', '--to', 'orders', '--max', '10']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(api.requests.at(-1)?.body.toString() ?? ''), { toQueue: 'orders', max: 10 });
    assert.equal(stdout, "Moved 2 message(s) from 'orders-dlq' to 'orders'; 0 left.\n");
    const back = await gust(['dlq', 'redrive', 'orders-dlq']);
    assert.equal(back.stdout, "Moved 2 message(s) from 'orders-dlq' to their source queues; 0 left.\n");
  });
});
