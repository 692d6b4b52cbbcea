import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GustError } from '../core/errors.js';
import type { QueueRecord } from '../store/queue-repository.js';
import { DEFAULT_QUEUE_CONFIG } from './limits.js';
import {
  configFromAttributes,
  differingAttribute,
  queueAttributes,
  redrivePolicyText,
} from './sqs-attributes.js';
import {
  checkMessageContents,
  parseMessageAttributes,
  queueNameFromArn,
  queueNameFromUrl,
  selectAttributes,
} from './sqs-input.js';

const at = { region: 'us-east-1', accountId: '000000000000' };

/** Asserts that `run` throws a GustError with this SQS error name and a message matching `pattern`. */
function throwsSqs(run: () => unknown, name: string, pattern: RegExp): void {
  assert.throws(run, (error: GustError) => {
    assert.equal(error.awsType, name);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('SQS queue attributes', () => {
  it('read RedrivePolicy as JSON text or an object, with maxReceiveCount as a string or a number', () => {
    const arn = 'arn:aws:sqs:us-east-1:000000000000:orders-dlq';
    const expected = { deadLetterQueue: 'orders-dlq', maxReceiveCount: 3 };
    assert.deepEqual(
      configFromAttributes({ RedrivePolicy: `{"deadLetterTargetArn":"${arn}","maxReceiveCount":"3"}` }),
      expected,
    );
    assert.deepEqual(
      configFromAttributes({ RedrivePolicy: { deadLetterTargetArn: arn, maxReceiveCount: 3 } }),
      expected,
    );
    assert.deepEqual(configFromAttributes({ RedrivePolicy: '' }), {
      deadLetterQueue: null,
      maxReceiveCount: null,
    });
  });

  it('refuse a RedrivePolicy that is not JSON, has no target ARN, or a count out of range', () => {
    throwsSqs(
      () => configFromAttributes({ RedrivePolicy: '{oops' }),
      'InvalidAttributeValue',
      /RedrivePolicy: expected JSON/,
    );
    throwsSqs(
      () => configFromAttributes({ RedrivePolicy: '{"maxReceiveCount":3}' }),
      'InvalidAttributeValue',
      /deadLetterTargetArn is required/,
    );
    throwsSqs(
      () =>
        configFromAttributes({ RedrivePolicy: '{"deadLetterTargetArn":"orders-dlq","maxReceiveCount":3}' }),
      'InvalidParameterValue',
      /not an SQS queue ARN/,
    );
    throwsSqs(
      () =>
        configFromAttributes({
          RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:d","maxReceiveCount":0}',
        }),
      'InvalidAttributeValue',
      /maxReceiveCount: expected a whole number from 1 to 1000/,
    );
  });

  it('map the timing attributes to the queue configuration and check their ranges', () => {
    assert.deepEqual(
      configFromAttributes({ VisibilityTimeout: '45', MessageRetentionPeriod: '120', DelaySeconds: '5' }),
      {
        visibilityTimeoutSec: 45,
        retentionSec: 120,
        delaySec: 5,
      },
    );
    throwsSqs(
      () => configFromAttributes({ VisibilityTimeout: '43201' }),
      'InvalidAttributeValue',
      /VisibilityTimeout: expected a whole number from 0 to 43200, got "43201"/,
    );
    throwsSqs(() => configFromAttributes({ DelaySeconds: '1.5' }), 'InvalidAttributeValue', /DelaySeconds/);
  });

  it('accept the values Gust already has for fixed attributes and refuse others by name', () => {
    assert.deepEqual(
      configFromAttributes({
        MaximumMessageSize: '262144',
        ReceiveMessageWaitTimeSeconds: '0',
        FifoQueue: 'false',
      }),
      {},
    );
    throwsSqs(
      () => configFromAttributes({ ReceiveMessageWaitTimeSeconds: '20' }),
      'InvalidAttributeValue',
      /pass WaitTimeSeconds to ReceiveMessage/,
    );
    throwsSqs(
      () => configFromAttributes({ FifoQueue: 'true' }),
      'UnsupportedOperation',
      /FIFO queues are not supported/,
    );
    throwsSqs(
      () => configFromAttributes({ KmsMasterKeyId: 'k' }),
      'InvalidAttributeName',
      /KmsMasterKeyId: Gust does not support/,
    );
    throwsSqs(
      () => configFromAttributes({ QueueArn: 'x' }),
      'InvalidAttributeName',
      /QueueArn: this attribute is read-only/,
    );
    throwsSqs(
      () => configFromAttributes({ Nope: '1' }),
      'InvalidAttributeName',
      /Nope: there is no such attribute/,
    );
  });

  it('report counts, configuration and the redrive policy, and only what was asked for', () => {
    const queue: QueueRecord = {
      name: 'orders',
      kind: 'user',
      owner: null,
      createdAt: 1_700_000_000_999,
      config: { ...DEFAULT_QUEUE_CONFIG, deadLetterQueue: 'orders-dlq', maxReceiveCount: 3 },
    };
    const stats = { visible: 2, inFlight: 1, delayed: 4, oldestAgeMs: 10, total: 7 };
    const all = queueAttributes(queue, stats, ['All'], at);
    assert.equal(all.ApproximateNumberOfMessages, '2');
    assert.equal(all.ApproximateNumberOfMessagesNotVisible, '1');
    assert.equal(all.ApproximateNumberOfMessagesDelayed, '4');
    assert.equal(all.CreatedTimestamp, '1700000000');
    assert.equal(all.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:orders');
    assert.deepEqual(JSON.parse(all.RedrivePolicy ?? ''), {
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq',
      maxReceiveCount: 3,
    });
    assert.deepEqual(queueAttributes(queue, stats, ['VisibilityTimeout', 'Policy'], at), {
      VisibilityTimeout: '30',
    });
    throwsSqs(() => queueAttributes(queue, stats, ['Bogus'], at), 'InvalidAttributeName', /Bogus/);
    assert.equal(redrivePolicyText(DEFAULT_QUEUE_CONFIG, at), undefined);
  });

  it('compare only the attributes CreateQueue was given with an existing queue', () => {
    assert.equal(differingAttribute(DEFAULT_QUEUE_CONFIG, {}), undefined);
    assert.equal(differingAttribute(DEFAULT_QUEUE_CONFIG, { visibilityTimeoutSec: 30 }), undefined);
    assert.equal(differingAttribute(DEFAULT_QUEUE_CONFIG, { visibilityTimeoutSec: 31 }), 'VisibilityTimeout');
  });
});

describe('SQS request fields', () => {
  it('take the queue name from the last path segment of any queue URL, or a bare name', () => {
    assert.equal(queueNameFromUrl('http://127.0.0.1:7800/000000000000/orders'), 'orders');
    assert.equal(queueNameFromUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/orders/'), 'orders');
    assert.equal(queueNameFromUrl('orders'), 'orders');
    assert.equal(queueNameFromArn('arn:aws:sqs:us-east-1:000000000000:orders', 'SourceArn'), 'orders');
  });

  it('parse message attributes and check names, types and values', () => {
    assert.deepEqual(
      parseMessageAttributes(
        {
          tenant: { DataType: 'String', StringValue: 'acme' },
          n: { DataType: 'Number.int', StringValue: '-1.5e3' },
          raw: { DataType: 'Binary', BinaryValue: 'AAE=' },
        },
        'MessageAttributes',
      ),
      {
        tenant: { DataType: 'String', StringValue: 'acme' },
        n: { DataType: 'Number.int', StringValue: '-1.5e3' },
        raw: { DataType: 'Binary', BinaryValue: 'AAE=' },
      },
    );
    const one = (name: string, value: unknown) => () =>
      parseMessageAttributes({ [name]: value }, 'MessageAttributes');
    throwsSqs(
      one('AWS.x', { DataType: 'String', StringValue: 'v' }),
      'InvalidParameterValue',
      /MessageAttributes\.AWS\.x/,
    );
    throwsSqs(
      one('a..b', { DataType: 'String', StringValue: 'v' }),
      'InvalidParameterValue',
      /attribute names/,
    );
    throwsSqs(
      one('n', { DataType: 'Number', StringValue: 'ten' }),
      'InvalidParameterValue',
      /'ten' is not a number/,
    );
    throwsSqs(one('s', { DataType: 'String' }), 'InvalidParameterValue', /needs a non-empty StringValue/);
    throwsSqs(
      one('b', { DataType: 'Binary', StringValue: 'x' }),
      'InvalidParameterValue',
      /needs a BinaryValue/,
    );
    const eleven = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
    );
    throwsSqs(
      () => parseMessageAttributes(eleven, 'MessageAttributes'),
      'InvalidParameterValue',
      /at most 10 attributes/,
    );
  });

  it('select received attributes by All, exact name or prefix.*', () => {
    const attrs = {
      'order.id': { DataType: 'String', StringValue: '1' },
      'order.total': { DataType: 'Number', StringValue: '2' },
      tenant: { DataType: 'String', StringValue: 'acme' },
    };
    assert.deepEqual(selectAttributes(attrs, undefined), {});
    assert.deepEqual(selectAttributes(attrs, ['All']), attrs);
    assert.deepEqual(Object.keys(selectAttributes(attrs, ['order.*'])), ['order.id', 'order.total']);
    assert.deepEqual(Object.keys(selectAttributes(attrs, ['tenant', 'missing'])), ['tenant']);
  });

  it('refuse characters SQS does not allow in a body', () => {
    checkMessageContents('tab\tnewline\n emoji \u{1F600} ok', 'MessageBody');
    throwsSqs(() => checkMessageContents('bell \u0007', 'MessageBody'), 'InvalidMessageContents', /U\+0007/);
    throwsSqs(
      () => checkMessageContents('lone \uD800 surrogate', 'MessageBody'),
      'InvalidMessageContents',
      /U\+D800/,
    );
  });
});
