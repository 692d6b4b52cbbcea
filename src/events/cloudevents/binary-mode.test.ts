import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHttpBinary } from './binary-mode.js';
import type { CloudEvent } from './cloud-event.js';
import { parseCloudEventHttp } from './http-binding.js';
import { assertInvalid, parseBinary } from './test-support.js';

describe('binary content mode: receiving', () => {
  it('reads attributes from ce- headers and datacontenttype from Content-Type', () => {
    const event = parseBinary(
      {
        'ce-time': '2018-04-05T17:31:00Z',
        'ce-subject': 'mynewfile.jpg',
        'ce-dataschema': 'https://example.com/schema.json',
        'content-type': 'application/json; charset=utf-8',
      },
      '{"a":1}',
    );
    assert.deepEqual(event, {
      specversion: '1.0',
      id: 'A234-1234-1234',
      source: '/mycontext',
      type: 'com.example.someevent',
      time: '2018-04-05T17:31:00Z',
      subject: 'mynewfile.jpg',
      dataschema: 'https://example.com/schema.json',
      datacontenttype: 'application/json; charset=utf-8',
      extensions: {},
      data: { a: 1 },
    });
  });

  it('percent-decodes header values, extensions included, and keeps extensions as strings', () => {
    const event = parseBinary({ 'ce-subject': 'Euro%20%E2%82%AC', 'ce-comexampleothervalue': '5' });
    assert.equal(event.subject, 'Euro €');
    assert.deepEqual(event.extensions, { comexampleothervalue: '5' });
  });

  it('ignores headers that are not ce- headers', () => {
    const event = parseBinary({ 'user-agent': 'curl', 'x-ce-id': 'no' });
    assert.deepEqual(event.extensions, {});
  });

  it('treats any JSON media type (+json suffix too) as JSON data', () => {
    const event = parseBinary({ 'content-type': 'application/vnd.api+json' }, '[1,"two"]');
    assert.deepEqual(event.data, [1, 'two']);
  });

  it('hands text content over as a string and other content as a Buffer', () => {
    assert.equal(parseBinary({ 'content-type': 'text/plain' }, 'Hello, 🌎!').data, 'Hello, 🌎!');
    assert.equal(parseBinary({ 'content-type': 'application/xml; charset=utf-8' }, '<a/>').data, '<a/>');
    const bytes = Buffer.from([0, 1, 254, 255]);
    assert.deepEqual(parseBinary({ 'content-type': 'application/octet-stream' }, bytes).data, bytes);
    assert.deepEqual(parseBinary({}, bytes).data, bytes);
  });

  it('keeps the bytes of text that is not valid UTF-8', () => {
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
    assert.deepEqual(parseBinary({ 'content-type': 'text/plain' }, latin1).data, latin1);
  });

  it('gives an event without data when the body is empty', () => {
    const event = parseBinary({ 'content-type': 'application/json' }, '');
    assert.equal('data' in event, false);
    assert.equal(event.datacontenttype, 'application/json');
  });

  it('decodes a base64 body when a 0.3 event says ce-datacontentencoding: base64', () => {
    const event = parseBinary({ 'ce-specversion': '0.3', 'ce-datacontentencoding': 'base64' }, 'aGk=');
    assert.deepEqual(event.data, Buffer.from('hi'));
    assert.equal('datacontentencoding' in event.extensions, false);
  });

  it('rejects a body that is not JSON although Content-Type says it is', () => {
    assertInvalid(
      () => parseBinary({ 'content-type': 'application/json' }, '{nope'),
      'body',
      'not valid UTF-8 JSON',
    );
  });

  it('rejects a ce-datacontenttype header, which binary mode forbids', () => {
    assertInvalid(
      () => parseBinary({ 'ce-datacontenttype': 'text/plain' }),
      'header ce-datacontenttype',
      'Content-Type',
    );
  });

  it('rejects an attribute header sent twice', () => {
    assertInvalid(() => parseBinary({ 'ce-subject': ['a', 'b'] }), 'header ce-subject', 'appears 2 times');
  });

  it('rejects a request that is no CloudEvent at all, saying how to send one', () => {
    const error = assertInvalid(
      () => parseCloudEventHttp({ headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') }),
      'header ce-specversion',
      'application/cloudevents+json',
    );
    assert.deepEqual(error.details, { location: 'header ce-specversion' });
  });

  it('rejects an invalid base64 body of a 0.3 event', () => {
    assertInvalid(
      () => parseBinary({ 'ce-specversion': '0.3', 'ce-datacontentencoding': 'base64' }, '!!'),
      'base64',
    );
  });
});

const EVENT: CloudEvent = {
  specversion: '1.0',
  id: 'A234-1234-1234',
  source: '/mycontext',
  type: 'com.example.someevent',
  subject: 'Euro €',
  extensions: { comexampleothervalue: 5, flag: true },
};

describe('binary content mode: sending', () => {
  it('writes every attribute as a percent-encoded ce- header', () => {
    const message = toHttpBinary({ ...EVENT, datacontenttype: 'text/plain', data: 'hi' });
    assert.deepEqual(message.headers, {
      'ce-specversion': '1.0',
      'ce-id': 'A234-1234-1234',
      'ce-source': '/mycontext',
      'ce-type': 'com.example.someevent',
      'ce-subject': 'Euro%20%E2%82%AC',
      'ce-comexampleothervalue': '5',
      'ce-flag': 'true',
      'content-type': 'text/plain',
    });
    assert.equal(message.body.toString(), 'hi');
  });

  it('serialises JSON data and declares the implied application/json', () => {
    const message = toHttpBinary({ ...EVENT, data: { a: [1] } });
    assert.equal(message.headers['content-type'], 'application/json');
    assert.equal(message.body.toString(), '{"a":[1]}');
  });

  it('sends a Buffer as it is and no body without data', () => {
    const bytes = Buffer.from([1, 2, 3]);
    assert.equal(
      toHttpBinary({ ...EVENT, datacontenttype: 'application/octet-stream', data: bytes }).body,
      bytes,
    );
    assert.equal(toHttpBinary(EVENT).body.length, 0);
    assert.equal(toHttpBinary(EVENT).headers['content-type'], undefined);
  });

  it('round-trips through parseCloudEventHttp', () => {
    const event: CloudEvent = { ...EVENT, datacontenttype: 'application/json', data: { ok: true } };
    const [parsed] = parseCloudEventHttp(toHttpBinary(event));
    // Binary mode carries extensions as strings: the Integer and Boolean come back as their canonical strings.
    assert.deepEqual(parsed, { ...event, extensions: { comexampleothervalue: '5', flag: 'true' } });
  });

  it('refuses to send an invalid event', () => {
    assertInvalid(() => toHttpBinary({ ...EVENT, id: '' }), 'attribute "id"', 'non-empty');
  });

  it('refuses non-string data with a non-JSON content type', () => {
    assertInvalid(() => toHttpBinary({ ...EVENT, datacontenttype: 'text/plain', data: { a: 1 } }), 'data');
  });
});
