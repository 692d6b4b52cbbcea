import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { LeasedMessage } from '../store/queue-repository.js';
import { failedItems, sqsEvent } from './event-source-mappings.js';

const message = (id: string, extra: Partial<LeasedMessage> = {}): LeasedMessage => ({
  id,
  queue: 'orders',
  body: `{"order":"${id}"}`,
  attributes: { kind: { DataType: 'String', StringValue: 'new' } },
  meta: null,
  sentAt: 1_000,
  visibleAt: 2_000,
  receiveCount: 2,
  firstReceivedAt: 1_500,
  receiptHandle: `rh-${id}`,
  lastError: null,
  sourceQueue: null,
  dedupeId: null,
  ...extra,
});

describe('SQS event source mapping', () => {
  it('gives the function the Lambda SQS event shape', () => {
    const event = sqsEvent([message('m1')], 'arn:aws:sqs:us-east-1:000000000000:orders', 'us-east-1');
    assert.deepEqual(event.Records[0], {
      messageId: 'm1',
      receiptHandle: 'rh-m1',
      body: '{"order":"m1"}',
      attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1000',
        SenderId: 'gust',
        ApproximateFirstReceiveTimestamp: '1500',
      },
      messageAttributes: {
        kind: {
          stringValue: 'new',
          binaryValue: undefined,
          stringListValues: [],
          binaryListValues: [],
          dataType: 'String',
        },
      },
      md5OfBody: createHash('md5').update('{"order":"m1"}').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders',
      awsRegion: 'us-east-1',
    });
  });

  it('retries only the messages a partial batch response names', () => {
    const batch = [message('a'), message('b'), message('c')];
    assert.deepEqual(failedItems('{"batchItemFailures":[{"itemIdentifier":"b"}]}', batch), new Set(['b']));
    assert.deepEqual(failedItems('{"batchItemFailures":[]}', batch), new Set());
    assert.deepEqual(failedItems('null', batch), new Set());
    assert.deepEqual(failedItems('"ok"', batch), new Set());
  });

  it('fails the whole batch when the response names a message that is not in it', () => {
    const batch = [message('a')];
    assert.equal(failedItems('{"batchItemFailures":[{"itemIdentifier":"zzz"}]}', batch), null);
    assert.equal(failedItems('{"batchItemFailures":[{}]}', batch), null);
    assert.equal(failedItems('{"batchItemFailures":"b"}', batch), null);
  });
});
