import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CloudEvent } from './cloud-event.js';
import { cloudEventToEventBridge } from './eventbridge.js';
import { assertInvalid } from './test-support.js';

const CONTEXT = {
  region: 'local',
  account: '000000000000',
  receivedAt: new Date('2024-01-02T03:04:05.678Z'),
};

const EVENT: CloudEvent = {
  specversion: '1.0',
  id: 'A234-1234-1234',
  source: 'https://github.com/cloudevents/spec/pull',
  type: 'com.github.pull_request.opened',
  subject: '123',
  time: '2018-04-05T19:31:00.250+02:00',
  datacontenttype: 'application/json',
  extensions: { tenant: 'acme', retries: 2 },
  data: { number: 123 },
};

describe('CloudEvent to EventBridge mapping', () => {
  it('maps id, source, type, subject and data onto the EventBridge fields', () => {
    assert.deepEqual(cloudEventToEventBridge(EVENT, CONTEXT), {
      version: '0',
      id: 'A234-1234-1234',
      source: 'https://github.com/cloudevents/spec/pull',
      'detail-type': 'com.github.pull_request.opened',
      time: '2018-04-05T17:31:00Z',
      region: 'local',
      account: '000000000000',
      resources: ['123'],
      detail: { number: 123 },
      cloudevent: {
        specversion: '1.0',
        id: 'A234-1234-1234',
        source: 'https://github.com/cloudevents/spec/pull',
        type: 'com.github.pull_request.opened',
        datacontenttype: 'application/json',
        subject: '123',
        time: '2018-04-05T19:31:00.250+02:00',
        tenant: 'acme',
        retries: 2,
      },
    });
  });

  it('uses the receive time, in whole seconds, when the event has no time', () => {
    const { time: _, ...event } = EVENT;
    assert.equal(cloudEventToEventBridge(event, CONTEXT).time, '2024-01-02T03:04:05Z');
  });

  it('turns a leap second into the second before it', () => {
    assert.equal(
      cloudEventToEventBridge({ ...EVENT, time: '2016-12-31T23:59:60Z' }, CONTEXT).time,
      '2016-12-31T23:59:59Z',
    );
  });

  it('has no resources without a subject and an empty detail without data', () => {
    const { subject: _, data: __, ...event } = EVENT;
    const mapped = cloudEventToEventBridge(event, CONTEXT);
    assert.deepEqual(mapped.resources, []);
    assert.deepEqual(mapped.detail, {});
  });

  it('wraps data that is not a JSON object under the JSON format member names', () => {
    assert.deepEqual(cloudEventToEventBridge({ ...EVENT, data: [1, 2] }, CONTEXT).detail, { data: [1, 2] });
    assert.deepEqual(cloudEventToEventBridge({ ...EVENT, data: null }, CONTEXT).detail, { data: null });
    assert.deepEqual(
      cloudEventToEventBridge({ ...EVENT, datacontenttype: 'text/plain', data: 'hi' }, CONTEXT).detail,
      { data: 'hi' },
    );
    assert.deepEqual(cloudEventToEventBridge({ ...EVENT, data: Buffer.from('hi') }, CONTEXT).detail, {
      data_base64: 'aGk=',
    });
  });

  it('refuses an invalid event', () => {
    assertInvalid(
      () => cloudEventToEventBridge({ ...EVENT, time: 'yesterday' }, CONTEXT),
      'attribute "time"',
    );
  });
});
