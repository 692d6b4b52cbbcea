import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  type Message,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ADMIN_KEY, type RunningServer, startServer, waitFor, writeApp } from './harness.js';

/**
 * Queues end to end: the real `gust up`, driven with @aws-sdk/client-sqs (which verifies the MD5
 * digests Gust returns), with functions triggered by queues that report back through the SDK from
 * inside the function, and with the `gust queues` / `gust dlq` commands.
 */

const SQS_SDK = createRequire(import.meta.url).resolve('@aws-sdk/client-sqs');

/** The app the server starts with; the queue app is deployed once the server's URL is known. */
const STARTER = {
  'gust.yaml': 'service: qe2e\nfunctions:\n  noop:\n    handler: fn.noop\n',
  'fn.js': 'exports.noop = async () => ({});',
};

/**
 * Functions that write what they received to other queues through the SQS SDK, configured only by
 * the standard environment (AWS_ENDPOINT_URL_SQS and credentials from the manifest): the same code
 * would run on AWS Lambda.
 */
const FUNCTIONS = `
const { SQSClient, SendMessageCommand, GetQueueUrlCommand } = require(process.env.SQS_SDK);
const sqs = new SQSClient({});
const report = async (queue, value) => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(value) }));
};

exports.noop = async () => ({});

exports.record = async (event) => {
  for (const r of event.Records) {
    await report('seen', {
      messageId: r.messageId,
      body: r.body,
      receiveCount: r.attributes.ApproximateReceiveCount,
      eventSource: r.eventSource,
      eventSourceARN: r.eventSourceARN,
      tenant: r.messageAttributes.tenant && r.messageAttributes.tenant.stringValue,
      batch: event.Records.length,
    });
  }
  return {};
};

// Fails every message whose body starts with "flaky" on its first receive, through a partial batch response.
exports.partial = async (event) => {
  const failed = event.Records.filter((r) => r.body.startsWith('flaky') && r.attributes.ApproximateReceiveCount === '1');
  for (const r of event.Records) {
    if (!failed.includes(r)) await report('done', { body: r.body, receiveCount: r.attributes.ApproximateReceiveCount });
  }
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
};

exports.boom = async () => { throw new Error('card declined'); };
`;

function queueApp(url: string): string {
  return writeApp({
    'gust.yaml': `
service: qe2e
provider:
  permissions:
    - Effect: Allow
      Action: [queue:Get, queue:Send]
      Resource: "gust:queue:*"
  environment:
    AWS_ENDPOINT_URL_SQS: "${url}"
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true"
    SQS_SDK: "${SQS_SDK}"
queues:
  orders: {}
  seen: {}
  jobs: {}
  done: {}
  payments-dlq: {}
  payments: { maxReceiveCount: 2, deadLetterQueue: payments-dlq }
functions:
  noop:
    handler: fn.noop
  recorder:
    handler: fn.record
    events:
      - queue: { name: orders, batchSize: 10 }
  partial:
    handler: fn.partial
    events:
      - queue: { name: jobs, batchSize: 10 }
  boom:
    handler: fn.boom
    events:
      - queue: payments
`,
    'fn.js': FUNCTIONS,
  });
}

let server: RunningServer;
let sqs: SQSClient;
let appDir: string;

before(async () => {
  server = await startServer(STARTER);
  appDir = queueApp(server.url);
  const deployed = await server.cli(['deploy', appDir]);
  assert.equal(deployed.code, 0, deployed.stderr);
  sqs = new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: ADMIN_KEY,
  });
});

after(async () => {
  sqs?.destroy();
  await server?.stop();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

const urlOf = (name: string) => `${server.url}/000000000000/${name}`;

/** Receives from a queue until `count` messages arrived (deleting them), parsed as JSON. */
async function drain<T>(queue: string, count: number): Promise<T[]> {
  const got: T[] = [];
  await waitFor(
    `${count} message(s) in ${queue}`,
    async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: urlOf(queue), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of Messages) {
        got.push(JSON.parse(m.Body ?? 'null') as T);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: urlOf(queue), ReceiptHandle: m.ReceiptHandle }));
      }
      return got.length >= count ? true : undefined;
    },
    30_000,
  );
  return got;
}

async function counts(queue: string): Promise<Record<string, string>> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: urlOf(queue), AttributeNames: ['All'] }),
  );
  return Attributes;
}

describe('@aws-sdk/client-sqs against Gust', () => {
  it('creates, finds and lists queues', async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'sdk-basic', Attributes: { VisibilityTimeout: '1' } }),
    );
    assert.equal(QueueUrl, urlOf('sdk-basic'));
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: 'sdk-basic' }))).QueueUrl, QueueUrl);
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'sdk-' }));
    assert.deepEqual(listed.QueueUrls, [QueueUrl]);
    const all = await sqs.send(new ListQueuesCommand({}));
    assert.ok(all.QueueUrls?.includes(urlOf('orders')), 'manifest queues are listed');
    assert.ok(!all.QueueUrls?.some((u) => u.includes('/gust-')), "Gust's own queues are not");
  });

  it('sends and receives with attributes (the SDK checks the MD5s), then deletes', async () => {
    const QueueUrl = urlOf('sdk-basic');
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'héllo wörld',
        MessageAttributes: { tenant: { DataType: 'String', StringValue: 'acme' } },
      }),
    );
    // The attribute digest's algorithm is checked against SQS's reference values in sqs-md5.test.ts.
    assert.match(sent.MD5OfMessageAttributes ?? '', /^[0-9a-f]{32}$/);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    const [m] = Messages as [Message];
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, 'héllo wörld');
    assert.equal(m.MessageAttributes?.tenant?.StringValue, 'acme');
    assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(m.Attributes?.ApproximateReceiveCount, '1');
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    assert.equal((await counts('sdk-basic')).ApproximateNumberOfMessages, '0');
  });

  it('sends and deletes in batches', async () => {
    const QueueUrl = urlOf('sdk-basic');
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `batch ${i}` })),
      }),
    );
    assert.equal(batch.Successful?.length, 3);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
    );
    assert.equal(Messages.length, 3);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    assert.equal(deleted.Successful?.length, 3);
    assert.equal((await counts('sdk-basic')).ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('returns a long poll as soon as a message is sent', async () => {
    const QueueUrl = urlOf('sdk-basic');
    const started = Date.now();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' })), 300);
    const { Messages = [] } = await poll;
    assert.equal(Messages[0]?.Body, 'wake up');
    assert.ok(Date.now() - started < 10_000, 'answered long before the 20 s wait ran out');
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0]?.ReceiptHandle }));
  });

  it('redelivers when the visibility timeout runs out, and on ChangeMessageVisibility to 0', async () => {
    const QueueUrl = urlOf('sdk-basic');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'lease me' }));
    const first = (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.[0];
    assert.equal(
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages,
      undefined,
      'hidden while leased',
    );
    const again = (
      await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['All'] }),
      )
    ).Messages?.[0];
    assert.equal(again?.MessageId, first?.MessageId);
    assert.equal(again?.Attributes?.ApproximateReceiveCount, '2');

    const leased = (
      await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 600, WaitTimeSeconds: 5 }))
    ).Messages?.[0];
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: leased?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const back = (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.[0];
    assert.equal(back?.MessageId, first?.MessageId);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: back?.ReceiptHandle }));
  });

  it('counts visible, in-flight and delayed messages, and purges them', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'sdk-counts' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'b' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 600 }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    const c = await counts('sdk-counts');
    assert.deepEqual(
      [
        c.ApproximateNumberOfMessages,
        c.ApproximateNumberOfMessagesNotVisible,
        c.ApproximateNumberOfMessagesDelayed,
      ],
      ['1', '1', '1'],
    );
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    assert.equal((await counts('sdk-counts')).ApproximateNumberOfMessagesDelayed, '0');
  });

  it('answers an unknown queue with QueueDoesNotExist', async () => {
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: 'no-such-queue' })), QueueDoesNotExist);
    await assert.rejects(
      sqs.send(new SendMessageCommand({ QueueUrl: urlOf('no-such-queue'), MessageBody: 'x' })),
      (error: Error & { Code?: string }) => {
        assert.equal(error.name, 'QueueDoesNotExist');
        assert.equal(error.Code, 'AWS.SimpleQueueService.NonExistentQueue');
        return true;
      },
    );
  });

  it('rejects a message of 256 KB + 1 byte', async () => {
    await assert.rejects(
      sqs.send(
        new SendMessageCommand({ QueueUrl: urlOf('sdk-basic'), MessageBody: 'x'.repeat(256 * 1024 + 1) }),
      ),
      (error: Error) => {
        assert.equal(error.name, 'InvalidParameterValue');
        assert.match(error.message, /262145 bytes.*limit is 262144 bytes/);
        return true;
      },
    );
  });

  it('accepts a deduplication id once', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'sdk-dedupe' }));
    const first = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'pay', MessageDeduplicationId: 'order-42' }),
    );
    const second = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'pay', MessageDeduplicationId: 'order-42' }),
    );
    assert.equal(second.MessageId, first.MessageId);
    assert.equal((await counts('sdk-dedupe')).ApproximateNumberOfMessages, '1');
  });
});

describe('functions triggered by queues', () => {
  it('receive the SQS event, and can use the SQS SDK from inside', async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: urlOf('orders'),
        MessageBody: '{"order":1}',
        MessageAttributes: { tenant: { DataType: 'String', StringValue: 'acme' } },
      }),
    );
    const [seen] = await drain<Record<string, unknown>>('seen', 1);
    assert.equal(seen?.body, '{"order":1}');
    assert.equal(seen?.receiveCount, '1');
    assert.equal(seen?.eventSource, 'aws:sqs');
    assert.equal(seen?.eventSourceARN, 'arn:aws:sqs:us-east-1:000000000000:orders');
    assert.equal(seen?.tenant, 'acme');
    assert.equal(typeof seen?.messageId, 'string');
  });

  it('retry only the messages a partial batch response names', async () => {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: urlOf('jobs'),
        Entries: [
          { Id: 'a', MessageBody: 'steady-1' },
          { Id: 'b', MessageBody: 'flaky-1' },
        ],
      }),
    );
    const done = await drain<{ body: string; receiveCount: string }>('done', 2);
    done.sort((x, y) => x.body.localeCompare(y.body));
    assert.deepEqual(done, [
      { body: 'flaky-1', receiveCount: '2' },
      { body: 'steady-1', receiveCount: '1' },
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: urlOf('done'), WaitTimeSeconds: 1 }),
    );
    assert.equal(Messages, undefined, 'the message that succeeded was not delivered again');
  });

  it('dead-letter a message that always fails, with the failure reason, shown by gust dlq and redriven', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: urlOf('payments'), MessageBody: '{"amount":13}' }));
    await waitFor(
      'the message in payments-dlq',
      async () => ((await counts('payments-dlq')).ApproximateNumberOfMessages === '1' ? true : undefined),
      30_000,
    );

    const ls = await server.cli(['dlq', 'ls']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^payments-dlq\s+1\s+\S+\s+payments$/m);
    const show = await server.cli(['dlq', 'show', 'payments-dlq']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^From: +payments$/m);
    assert.match(show.stdout, /^Failure: +Error: card declined \(after 2 receives\)$/m);
    assert.match(show.stdout, /^\{"amount":13\}$/m);

    const redrive = await server.cli(['dlq', 'redrive', 'payments-dlq']);
    assert.equal(redrive.code, 0, redrive.stderr);
    assert.match(
      redrive.stdout,
      /^Moved 1 message\(s\) from 'payments-dlq' to their source queues; 0 left\.$/m,
    );
    // Back in payments, it fails twice more and returns to the dead-letter queue.
    await waitFor(
      'the redriven message to fail again',
      async () => ((await counts('payments-dlq')).ApproximateNumberOfMessages === '1' ? true : undefined),
      30_000,
    );
  });
});

describe('gust queues against the running server', () => {
  it('creates, sends, lists, receives, purges and removes', async () => {
    const create = await server.cli(['queues', 'create', 'cli-q', '--visibility-timeout', '60']);
    assert.equal(create.code, 0, create.stderr);
    const send = await server.cli(['queues', 'send', 'cli-q', '{"hi":1}', '--attr', 'k=v']);
    assert.equal(send.code, 0, send.stderr);
    assert.match(send.stdout, /^Sent message \S+ to 'cli-q'\.$/m);
    await server.cli(['queues', 'send', 'cli-q', 'second']);

    const ls = await server.cli(['queues', 'ls']);
    assert.match(ls.stdout, /^cli-q\s+user\s+2\s+0\s+0\s+\S+\s+-\s+-$/m);
    assert.match(ls.stdout, /^payments\s+user\s+\d+\s+\d+\s+\d+\s+\S+\s+payments-dlq \(\d+\)\s+boom$/m);

    const received = await server.cli(['queues', 'receive', 'cli-q', '--delete']);
    assert.equal(received.code, 0, received.stderr);
    assert.match(received.stdout, /^Attributes: +k=v$/m);
    assert.match(received.stdout, /^\{"hi":1\}$/m);

    const purge = await server.cli(['queues', 'purge', 'cli-q']);
    assert.equal(purge.stdout, "Purged 1 message(s) from 'cli-q'.\n");
    assert.equal((await server.cli(['queues', 'rm', 'cli-q'])).code, 0);
    const gone = await server.cli(['queues', 'get', 'cli-q']);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, "gust: Queue 'cli-q' does not exist. (ERR_QUEUE_NOT_FOUND)\n");
  });
});
