import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GustError } from '../../core/errors.js';
import type { CloudEvent } from './cloud-event.js';
import { parseCloudEventHttp } from './http-binding.js';
import { toHttpBatch, toHttpStructured, toJsonEvent } from './json-format.js';
import { assertInvalid, MINIMAL_JSON, parseStructured } from './test-support.js';

describe('structured content mode: receiving', () => {
  it('reads attributes, extensions and JSON data from the body', () => {
    const [event] = parseStructured({
      ...MINIMAL_JSON,
      time: '2018-04-05T17:31:00Z',
      comexampleextension1: 'value',
      comexampleothervalue: 5,
      flag: false,
      datacontenttype: 'application/json',
      data: { appinfoA: 'abc' },
    });
    assert.deepEqual(event, {
      ...MINIMAL_JSON,
      time: '2018-04-05T17:31:00Z',
      datacontenttype: 'application/json',
      extensions: { comexampleextension1: 'value', comexampleothervalue: 5, flag: false },
      data: { appinfoA: 'abc' },
    });
  });

  it('accepts a charset parameter and any letter case in the content type', () => {
    assert.equal(parseStructured(MINIMAL_JSON, 'Application/CloudEvents+JSON; charset=UTF-8').length, 1);
  });

  it('treats data as JSON when there is no datacontenttype, and a JSON string stays a string', () => {
    const [event] = parseStructured({ ...MINIMAL_JSON, data: '{"not":"parsed again"}' });
    assert.equal(event?.data, '{"not":"parsed again"}');
    assert.equal(event?.datacontenttype, undefined);
  });

  it('keeps an explicit null payload apart from no data', () => {
    const [withNull] = parseStructured({ ...MINIMAL_JSON, data: null });
    const [without] = parseStructured(MINIMAL_JSON);
    assert.equal(withNull?.data, null);
    assert.equal(without !== undefined && 'data' in without, false);
  });

  it('keeps non-JSON data as the string it is sent as', () => {
    const [event] = parseStructured({
      ...MINIMAL_JSON,
      datacontenttype: 'text/xml',
      data: '<much wow="xml"/>',
    });
    assert.equal(event?.data, '<much wow="xml"/>');
  });

  it('decodes data_base64 into a Buffer', () => {
    const [event] = parseStructured({
      ...MINIMAL_JSON,
      datacontenttype: 'image/png',
      data_base64: 'AAH+/w==',
    });
    assert.deepEqual(event?.data, Buffer.from([0, 1, 254, 255]));
  });

  it('treats null attributes as absent', () => {
    const [event] = parseStructured({ ...MINIMAL_JSON, subject: null, time: null, unsetextension: null });
    assert.deepEqual(event, { ...MINIMAL_JSON, extensions: {} });
  });

  it('decodes base64 data of a 0.3 event with datacontentencoding', () => {
    const [event] = parseStructured({
      ...MINIMAL_JSON,
      specversion: '0.3',
      datacontentencoding: 'base64',
      data: 'aGk=',
    });
    assert.deepEqual(event?.data, Buffer.from('hi'));
  });

  it('ignores ce- headers sent alongside a structured event', () => {
    const [event] = parseCloudEventHttp({
      headers: { 'content-type': 'application/cloudevents+json', 'ce-id': 'other' },
      body: Buffer.from(JSON.stringify(MINIMAL_JSON)),
    });
    assert.equal(event?.id, MINIMAL_JSON.id);
  });

  it('rejects a body that is not JSON', () => {
    assertInvalid(
      () =>
        parseCloudEventHttp({
          headers: { 'content-type': 'application/cloudevents+json' },
          body: Buffer.from('{'),
        }),
      'body',
      'not valid UTF-8 JSON',
    );
  });

  it('rejects a body that is not a JSON object', () => {
    assertInvalid(() => parseStructured([MINIMAL_JSON]), 'body', 'JSON object');
  });

  it('rejects data and data_base64 together', () => {
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, data: 1, data_base64: 'AA==' }),
      'data_base64',
      'together',
    );
  });

  it('rejects data_base64 that is not base64', () => {
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, data_base64: 'not base64!' }),
      '"data_base64"',
      'base64',
    );
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, data_base64: 12 }),
      '"data_base64"',
      'base64 string',
    );
  });

  it('rejects non-string data when datacontenttype is not JSON', () => {
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, datacontenttype: 'text/plain', data: { a: 1 } }),
      '"data"',
    );
  });

  it('answers 415 for a CloudEvents format other than JSON', () => {
    for (const contentType of ['application/cloudevents+avro', 'application/cloudevents-batch+protobuf']) {
      assert.throws(
        () => parseCloudEventHttp({ headers: { 'content-type': contentType }, body: Buffer.alloc(0) }),
        (error: unknown) =>
          error instanceof GustError && error.code === 'ERR_UNSUPPORTED_MEDIA_TYPE' && error.status === 415,
      );
    }
  });
});

describe('batched content mode: receiving', () => {
  const batch = 'application/cloudevents-batch+json';

  it('reads every event of the array, in order', () => {
    const events = parseStructured(
      [MINIMAL_JSON, { ...MINIMAL_JSON, id: 'second', data_base64: 'AA==' }],
      batch,
    );
    assert.deepEqual(
      events.map((event) => event.id),
      [MINIMAL_JSON.id, 'second'],
    );
  });

  it('accepts an empty batch', () => {
    assert.deepEqual(parseStructured([], batch), []);
  });

  it('names the event at fault by its index', () => {
    assertInvalid(
      () => parseStructured([MINIMAL_JSON, { ...MINIMAL_JSON, id: '' }], batch),
      'batch event [1] attribute "id"',
    );
    assertInvalid(() => parseStructured([MINIMAL_JSON, 'x'], batch), 'batch event [1]', 'JSON object');
  });

  it('rejects a batch that is not an array', () => {
    assertInvalid(() => parseStructured(MINIMAL_JSON, batch), 'body', 'JSON array');
  });

  it('rejects a batch mixing specversions', () => {
    assertInvalid(
      () => parseStructured([MINIMAL_JSON, { ...MINIMAL_JSON, specversion: '0.3' }], batch),
      'one specversion',
    );
  });
});

const EVENT: CloudEvent = { ...MINIMAL_JSON, extensions: { comexampleothervalue: 5 } };

describe('structured and batched content mode: sending', () => {
  it('writes attributes and extensions as top-level members with the structured content type', () => {
    const message = toHttpStructured({ ...EVENT, data: { a: 1 } });
    assert.equal(message.headers['content-type'], 'application/cloudevents+json; charset=utf-8');
    assert.deepEqual(JSON.parse(message.body.toString()), {
      ...MINIMAL_JSON,
      comexampleothervalue: 5,
      data: { a: 1 },
    });
  });

  it('writes bytes as data_base64 in 1.0 and as base64 data with datacontentencoding in 0.3', () => {
    assert.deepEqual(toJsonEvent({ ...EVENT, data: Buffer.from('hi') }).data_base64, 'aGk=');
    const v03 = toJsonEvent({ ...EVENT, specversion: '0.3', data: Buffer.from('hi') });
    assert.equal(v03.data, 'aGk=');
    assert.equal(v03.datacontentencoding, 'base64');
  });

  it('round-trips events with JSON, text, byte and no data', () => {
    const events: CloudEvent[] = [
      { ...EVENT, datacontenttype: 'application/json', data: [1, 'two', null] },
      { ...EVENT, datacontenttype: 'text/plain', data: 'Hello, 🌎!' },
      { ...EVENT, datacontenttype: 'application/octet-stream', data: Buffer.from([0, 255]) },
      { ...EVENT, specversion: '0.3', schemaurl: '/schema', data: Buffer.from([7]) },
      EVENT,
    ];
    for (const event of events) assert.deepEqual(parseCloudEventHttp(toHttpStructured(event)), [event]);
    assert.deepEqual(parseCloudEventHttp(toHttpBatch(events.slice(0, 3))), events.slice(0, 3));
  });

  it('writes a batch with the batch content type, and an empty one as []', () => {
    const message = toHttpBatch([]);
    assert.equal(message.headers['content-type'], 'application/cloudevents-batch+json; charset=utf-8');
    assert.equal(message.body.toString(), '[]');
  });

  it('refuses a batch mixing specversions', () => {
    assertInvalid(() => toHttpBatch([EVENT, { ...EVENT, specversion: '0.3' }]), 'batch event [1]');
  });
});
