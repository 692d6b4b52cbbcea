import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { testRequestAuth } from '../auth/access/test-support.js';
import { FakeClock } from '../core/clock.js';
import type { GustError } from '../core/errors.js';
import type { FunctionSummary } from '../functions/control-plane.js';
import type { AwsJsonContext, AwsJsonService } from '../gateway/types.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createQueueService, type QueueService } from './queue-service.js';
import { createSqsService } from './sqs-protocol.js';

let store: Store;
let clock: FakeClock;
let queues: QueueService;
let sqs: AwsJsonService;
/** Functions with a queue event, as the registry reports them. */
let consumed: { fn: string; queue: string }[];

const BASE = 'http://gust.test:7800';
const URL_OF = (name: string) => `${BASE}/000000000000/${name}`;

beforeEach(async () => {
  store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  clock = new FakeClock();
  queues = createQueueService({ store, clock });
  consumed = [];
  const registry = {
    list: () =>
      consumed.map(
        (c) => ({ name: c.fn, config: { queues: [{ queue: c.queue }] } }) as unknown as FunctionSummary,
      ),
  };
  sqs = createSqsService({ queues, registry, clock, region: 'us-east-1', accountId: '000000000000' });
});

afterEach(async () => {
  await store.close();
});

// biome-ignore lint/suspicious/noExplicitAny: operation outputs are untyped JSON; tests read fields freely.
type Json = any;

async function call(
  operation: string,
  input: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<Json> {
  const ctx: AwsJsonContext = {
    requestId: 'req-1',
    path: '/',
    query: '',
    baseUrl: BASE,
    signal: signal ?? new AbortController().signal,
    sourceIp: '127.0.0.1',
    auth: testRequestAuth(),
  };
  sqs.authorize(operation, input, ctx);
  return sqs.handle(operation, input, ctx);
}

/** Asserts that the operation fails with this SQS error (__type and status) and query error code. */
async function rejectsWith(promise: Promise<unknown>, name: string, status: number, queryCode?: string) {
  await assert.rejects(promise, (error: GustError) => {
    assert.equal(error.awsType, `com.amazonaws.sqs#${name}`, error.message);
    assert.equal(error.status, status);
    if (queryCode !== undefined) {
      assert.equal(sqs.errorHeaders?.(error)['x-amzn-query-error'], `${queryCode};Sender`);
    }
    return true;
  });
}

const create = async (name: string, Attributes?: Record<string, string>) =>
  (await call('CreateQueue', { QueueName: name, ...(Attributes ? { Attributes } : {}) })).QueueUrl as string;

describe('SQS protocol: queues', () => {
  it('creates a queue at a URL on the endpoint the client used, and finds and lists it', async () => {
    assert.equal(await create('orders', { VisibilityTimeout: '10' }), URL_OF('orders'));
    assert.equal(
      await create('orders', { VisibilityTimeout: '10' }),
      URL_OF('orders'),
      'same attributes: same queue',
    );
    assert.deepEqual(await call('GetQueueUrl', { QueueName: 'orders' }), { QueueUrl: URL_OF('orders') });
    assert.deepEqual(await call('ListQueues', { QueueNamePrefix: 'ord' }), { QueueUrls: [URL_OF('orders')] });
    await rejectsWith(
      call('CreateQueue', { QueueName: 'orders', Attributes: { VisibilityTimeout: '11' } }),
      'QueueNameExists',
      400,
      'QueueAlreadyExists',
    );
  });

  it('answers an unknown queue with QueueDoesNotExist and the query error code the SDK maps', async () => {
    await rejectsWith(
      call('GetQueueUrl', { QueueName: 'nope' }),
      'QueueDoesNotExist',
      400,
      'AWS.SimpleQueueService.NonExistentQueue',
    );
    await rejectsWith(
      call('SendMessage', { QueueUrl: URL_OF('nope'), MessageBody: 'x' }),
      'QueueDoesNotExist',
      400,
    );
    await rejectsWith(call('GetQueueUrl', {}), 'MissingParameter', 400, 'MissingParameter');
  });

  it('pages ListQueues with MaxResults and NextToken, and hides Gust queues unless asked for', async () => {
    for (const name of ['a', 'b', 'c']) await create(name);
    await queues.putQueue('gust-async', {}, { kind: 'system' });
    const first = await call('ListQueues', { MaxResults: 2 });
    assert.deepEqual(first.QueueUrls, [URL_OF('a'), URL_OF('b')]);
    const second = await call('ListQueues', { MaxResults: 2, NextToken: first.NextToken });
    assert.deepEqual(second, { QueueUrls: [URL_OF('c')] });
    assert.deepEqual((await call('ListQueues', { QueueNamePrefix: 'gust-' })).QueueUrls, [
      URL_OF('gust-async'),
    ]);
  });

  it('reports counts and configuration, and changes it with SetQueueAttributes', async () => {
    const url = await create('orders');
    await call('SendMessage', { QueueUrl: url, MessageBody: 'now' });
    await call('SendMessage', { QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 });
    await call('ReceiveMessage', { QueueUrl: url });
    await call('SendMessage', { QueueUrl: url, MessageBody: 'ready' });
    await call('SetQueueAttributes', { QueueUrl: url, Attributes: { VisibilityTimeout: '90' } });
    const { Attributes } = await call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] });
    assert.equal(Attributes.ApproximateNumberOfMessages, '1');
    assert.equal(Attributes.ApproximateNumberOfMessagesNotVisible, '1');
    assert.equal(Attributes.ApproximateNumberOfMessagesDelayed, '1');
    assert.equal(Attributes.VisibilityTimeout, '90');
    assert.equal(
      Attributes.MessageRetentionPeriod,
      '345600',
      'SetQueueAttributes keeps what it was not given',
    );
  });

  it('refuses FIFO queues and Gust names clearly', async () => {
    await rejectsWith(
      call('CreateQueue', { QueueName: 'jobs.fifo' }),
      'UnsupportedOperation',
      400,
      'AWS.SimpleQueueService.UnsupportedOperation',
    );
    await rejectsWith(call('CreateQueue', { QueueName: 'gust-mine' }), 'InvalidParameterValue', 400);
    await rejectsWith(call('CreateQueue', { QueueName: 'bad name' }), 'InvalidParameterValue', 400);
  });

  it('refuses a RedrivePolicy whose dead-letter queue does not exist', async () => {
    const policy = JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
      maxReceiveCount: 2,
    });
    await rejectsWith(
      call('CreateQueue', { QueueName: 'orders', Attributes: { RedrivePolicy: policy } }),
      'InvalidParameterValue',
      400,
    );
    await create('dlq');
    await create('orders', { RedrivePolicy: policy });
    const { Attributes } = await call('GetQueueAttributes', {
      QueueUrl: URL_OF('orders'),
      AttributeNames: ['RedrivePolicy'],
    });
    assert.deepEqual(JSON.parse(Attributes.RedrivePolicy), JSON.parse(policy));
  });

  it('deletes a queue, but not one that a deployed function consumes', async () => {
    await create('orders');
    await create('spare');
    consumed.push({ fn: 'fulfil', queue: 'orders' });
    await rejectsWith(call('DeleteQueue', { QueueUrl: URL_OF('orders') }), 'InvalidParameterValue', 400);
    assert.deepEqual(await call('DeleteQueue', { QueueUrl: URL_OF('spare') }), {});
    await rejectsWith(call('GetQueueUrl', { QueueName: 'spare' }), 'QueueDoesNotExist', 400);
  });

  it('refuses unknown and unimplemented operations by name', async () => {
    await rejectsWith(call('Frobnicate'), 'InvalidAction', 400);
    await rejectsWith(call('TagQueue', { QueueUrl: URL_OF('x') }), 'UnsupportedOperation', 400);
  });
});

describe('SQS protocol: messages', () => {
  it('sends with attributes and receives with the digests and the attributes asked for', async () => {
    const url = await create('orders');
    const sent = await call('SendMessage', {
      QueueUrl: url,
      MessageBody: 'hello',
      MessageAttributes: { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } },
    });
    assert.equal(sent.MD5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
    assert.equal(sent.MD5OfMessageAttributes, '19e27d4e946b072f3f58da80d94fd778');
    const { Messages } = await call('ReceiveMessage', {
      QueueUrl: url,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    });
    assert.equal(Messages.length, 1);
    const [m] = Messages;
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, 'hello');
    assert.equal(m.MD5OfBody, sent.MD5OfMessageBody);
    assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.deepEqual(m.Attributes, { SentTimestamp: String(clock.now()), ApproximateReceiveCount: '1' });
    assert.deepEqual(
      await call('ReceiveMessage', { QueueUrl: url }),
      {},
      'leased: no Messages in the answer',
    );
  });

  it('redelivers after the visibility timeout, and a superseded receipt handle deletes nothing', async () => {
    const url = await create('orders', { VisibilityTimeout: '30' });
    await call('SendMessage', { QueueUrl: url, MessageBody: 'x' });
    const first = (await call('ReceiveMessage', { QueueUrl: url })).Messages[0];
    clock.advance(30_000);
    const second = (await call('ReceiveMessage', { QueueUrl: url, AttributeNames: ['All'] })).Messages[0];
    assert.equal(second.Attributes.ApproximateReceiveCount, '2');
    assert.deepEqual(await call('DeleteMessage', { QueueUrl: url, ReceiptHandle: first.ReceiptHandle }), {});
    assert.equal((await queues.stats('orders')).total, 1, 'the old handle deleted nothing (as in SQS)');
    await call('DeleteMessage', { QueueUrl: url, ReceiptHandle: second.ReceiptHandle });
    assert.equal((await queues.stats('orders')).total, 0);
    await rejectsWith(
      call('DeleteMessage', { QueueUrl: url, ReceiptHandle: 'garbage' }),
      'ReceiptHandleIsInvalid',
      404,
    );
  });

  it('changes a message visibility, and says when the message is no longer leased', async () => {
    const url = await create('orders');
    await call('SendMessage', { QueueUrl: url, MessageBody: 'x' });
    const m = (await call('ReceiveMessage', { QueueUrl: url, VisibilityTimeout: 300 })).Messages[0];
    await call('ChangeMessageVisibility', {
      QueueUrl: url,
      ReceiptHandle: m.ReceiptHandle,
      VisibilityTimeout: 0,
    });
    const again = (await call('ReceiveMessage', { QueueUrl: url })).Messages[0];
    assert.equal(again.MessageId, m.MessageId);
    await call('DeleteMessage', { QueueUrl: url, ReceiptHandle: again.ReceiptHandle });
    await rejectsWith(
      call('ChangeMessageVisibility', {
        QueueUrl: url,
        ReceiptHandle: again.ReceiptHandle,
        VisibilityTimeout: 10,
      }),
      'InvalidParameterValue',
      400,
    );
  });

  it('answers batches entry by entry, and refuses malformed batches as a whole', async () => {
    const url = await create('orders');
    const result = await call('SendMessageBatch', {
      QueueUrl: url,
      Entries: [
        { Id: 'ok', MessageBody: 'fine' },
        { Id: 'bad', MessageBody: 'bell \u0007' },
      ],
    });
    assert.deepEqual(
      result.Successful.map((s: Json) => s.Id),
      ['ok'],
    );
    assert.equal(result.Successful[0].MD5OfMessageBody, 'fff25994ee3941b225ba898fd17d186f');
    assert.deepEqual(result.Failed, [
      { Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents', Message: result.Failed[0].Message },
    ]);
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    await rejectsWith(call('SendMessageBatch', { QueueUrl: url, Entries: [] }), 'EmptyBatchRequest', 400);
    await rejectsWith(
      call('SendMessageBatch', { QueueUrl: url, Entries: entries(11) }),
      'TooManyEntriesInBatchRequest',
      400,
    );
    await rejectsWith(
      call('SendMessageBatch', {
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'x' },
          { Id: 'a', MessageBody: 'y' },
        ],
      }),
      'BatchEntryIdsNotDistinct',
      400,
    );
    await rejectsWith(
      call('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: 'a b', MessageBody: 'x' }] }),
      'InvalidBatchEntryId',
      400,
    );
    const big = 'x'.repeat(100 * 1024);
    await rejectsWith(
      call('SendMessageBatch', {
        QueueUrl: url,
        Entries: [0, 1, 2].map((i) => ({ Id: `b${i}`, MessageBody: big })),
      }),
      'BatchRequestTooLong',
      400,
    );

    const received = (await call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 })).Messages;
    const deleted = await call('DeleteMessageBatch', {
      QueueUrl: url,
      Entries: [
        { Id: 'one', ReceiptHandle: received[0].ReceiptHandle },
        { Id: 'two', ReceiptHandle: 'not-a-handle' },
      ],
    });
    assert.deepEqual(deleted.Successful, [{ Id: 'one' }]);
    assert.equal(deleted.Failed[0].Code, 'ReceiptHandleIsInvalid');
  });

  it('rejects a message over 256 KB, counting its attributes', async () => {
    const url = await create('orders');
    await call('SendMessage', { QueueUrl: url, MessageBody: 'x'.repeat(256 * 1024) });
    await rejectsWith(
      call('SendMessage', { QueueUrl: url, MessageBody: 'x'.repeat(256 * 1024 + 1) }),
      'InvalidParameterValue',
      400,
    );
    await rejectsWith(
      call('SendMessage', {
        QueueUrl: url,
        MessageBody: 'x'.repeat(256 * 1024 - 5),
        MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } },
      }),
      'InvalidParameterValue',
      400,
    );
  });

  it('accepts a deduplication id once within the window', async () => {
    const url = await create('orders');
    const first = await call('SendMessage', {
      QueueUrl: url,
      MessageBody: 'a',
      MessageDeduplicationId: 'order-1',
    });
    const again = await call('SendMessage', {
      QueueUrl: url,
      MessageBody: 'a',
      MessageDeduplicationId: 'order-1',
    });
    assert.equal(again.MessageId, first.MessageId);
    assert.equal((await queues.stats('orders')).total, 1);
    clock.advance(301_000);
    const later = await call('SendMessage', {
      QueueUrl: url,
      MessageBody: 'a',
      MessageDeduplicationId: 'order-1',
    });
    assert.notEqual(later.MessageId, first.MessageId, 'after the 5-minute window it is a new message');
  });

  it('returns a long poll as soon as a message is sent', async () => {
    const url = await create('orders');
    const poll = call('ReceiveMessage', { QueueUrl: url, WaitTimeSeconds: 20 });
    await new Promise((r) => setImmediate(r));
    await call('SendMessage', { QueueUrl: url, MessageBody: 'wake' });
    assert.equal((await poll).Messages[0].Body, 'wake');
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives, and back with a move task', async () => {
    await create('dlq');
    const policy = JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
      maxReceiveCount: 2,
    });
    const url = await create('orders', { RedrivePolicy: policy, VisibilityTimeout: '1' });
    await call('SendMessage', { QueueUrl: url, MessageBody: 'poison' });
    for (let i = 0; i < 2; i++) {
      assert.equal((await call('ReceiveMessage', { QueueUrl: url })).Messages.length, 1);
      clock.advance(1000);
    }
    assert.deepEqual(await call('ReceiveMessage', { QueueUrl: url }), {});
    const inDlq = (
      await call('ReceiveMessage', { QueueUrl: URL_OF('dlq'), AttributeNames: ['All'], VisibilityTimeout: 0 })
    ).Messages[0];
    assert.equal(inDlq.Body, 'poison');
    assert.equal(inDlq.Attributes.DeadLetterQueueSourceArn, 'arn:aws:sqs:us-east-1:000000000000:orders');
    assert.deepEqual(await call('ListDeadLetterSourceQueues', { QueueUrl: URL_OF('dlq') }), {
      queueUrls: [URL_OF('orders')],
    });

    await rejectsWith(
      call('StartMessageMoveTask', { SourceArn: 'arn:aws:sqs:us-east-1:000000000000:orders' }),
      'InvalidParameterValue',
      400,
    );
    const { TaskHandle } = await call('StartMessageMoveTask', {
      SourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
    });
    const { Results } = await call('ListMessageMoveTasks', {
      SourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
    });
    assert.equal(Results[0].TaskHandle, TaskHandle);
    assert.equal(Results[0].Status, 'COMPLETED');
    assert.equal(Results[0].ApproximateNumberOfMessagesMoved, 1);
    assert.equal((await call('ReceiveMessage', { QueueUrl: url })).Messages[0].Body, 'poison');
  });

  it("keeps Gust's own queues read-only, except consuming a function's dead-letter queue", async () => {
    await queues.putQueue('gust-async', {}, { kind: 'system' });
    await queues.putQueue('gust-dlq-fn', {}, { kind: 'system' });
    await queues.send('gust-dlq-fn', [{ body: 'failed event' }]);
    await rejectsWith(
      call('SendMessage', { QueueUrl: URL_OF('gust-async'), MessageBody: 'x' }),
      'InvalidParameterValue',
      400,
    );
    await rejectsWith(
      call('ReceiveMessage', { QueueUrl: URL_OF('gust-async') }),
      'InvalidParameterValue',
      400,
    );
    await rejectsWith(call('DeleteQueue', { QueueUrl: URL_OF('gust-dlq-fn') }), 'InvalidParameterValue', 400);
    assert.equal(
      (await call('ReceiveMessage', { QueueUrl: URL_OF('gust-dlq-fn') })).Messages[0].Body,
      'failed event',
    );
    assert.ok(
      (await call('GetQueueAttributes', { QueueUrl: URL_OF('gust-async'), AttributeNames: ['QueueArn'] }))
        .Attributes,
    );
  });
});
