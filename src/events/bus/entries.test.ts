import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGustError } from '../../core/errors.js';
import { checkEntries, type EntryInput, readEntry } from './entries.js';

const read = (entry: unknown) => readEntry(entry) as EntryInput;

const valid = { Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"id":1}' };

describe('PutEvents entries', () => {
  it('read into an event input with the default bus and no resources', () => {
    assert.deepEqual(readEntry(valid), {
      bus: 'default',
      source: 'shop',
      detailType: 'OrderPlaced',
      detail: { id: 1 },
      resources: [],
    });
  });

  it('refuse the sources reserved for the platform (aws.*), as EventBridge does', () => {
    const refused = readEntry({ ...valid, Source: 'aws.events' });
    assert.equal((refused as { ErrorCode: string }).ErrorCode, 'NotAuthorizedForSourceException');
    assert.equal(read({ ...valid, Source: 'awsome.shop' }).source, 'awsome.shop');
  });

  it('take Time as epoch seconds (what the SDKs send) or ISO text, in UTC whole seconds', () => {
    assert.equal(read({ ...valid, Time: 1767225600.5 }).time, '2026-01-01T00:00:00Z');
    assert.equal(read({ ...valid, Time: '2026-01-01T01:00:00.9+01:00' }).time, '2026-01-01T00:00:00Z');
    assert.deepEqual(readEntry({ ...valid, Time: 'yesterday' }), {
      ErrorCode: 'InvalidArgument',
      ErrorMessage:
        'Parameter Time is not valid. Reason: Time must be a timestamp (epoch seconds, or ISO 8601 text).',
    });
  });

  it('take EventBusName as a name or an ARN', () => {
    assert.equal(
      read({ ...valid, EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/orders' }).bus,
      'orders',
    );
    assert.equal(read({ ...valid, EventBusName: 'orders' }).bus, 'orders');
  });

  it('report each missing or wrong field with the code EventBridge uses', () => {
    const code = (entry: unknown) => (readEntry(entry) as { ErrorCode?: string }).ErrorCode;
    assert.equal(code({ ...valid, Source: undefined }), 'InvalidArgument');
    assert.equal(code({ ...valid, DetailType: '' }), 'InvalidArgument');
    assert.equal(code({ ...valid, Detail: undefined }), 'InvalidArgument');
    assert.equal(code({ ...valid, Detail: '{oops' }), 'MalformedDetail');
    assert.equal(code({ ...valid, Detail: '"text"' }), 'MalformedDetail');
    assert.equal(code({ ...valid, Resources: 'arn' }), 'InvalidArgument');
    assert.equal(code({ ...valid, Source: 'x'.repeat(257) }), 'InvalidArgument');
    assert.equal(code('not an object'), 'InvalidArgument');
  });

  it('refuse a request whose entries total more than 256 KB', () => {
    const big = { ...valid, Detail: JSON.stringify({ x: 'a'.repeat(130 * 1024) }) };
    assert.equal(checkEntries([big]).length, 1);
    assert.throws(
      () => checkEntries([big, big]),
      (e) => isGustError(e) && e.awsType === 'ValidationException' && /at most 262144 bytes/.test(e.message),
    );
  });
});
