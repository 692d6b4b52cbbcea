import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHttpBinary } from './binary-mode.js';
import type { CloudEvent } from './cloud-event.js';
import { assertInvalid, MINIMAL_JSON, parseBinary, parseStructured } from './test-support.js';

describe('attribute validation', () => {
  it('requires specversion and says which version to send', () => {
    const { specversion: _, ...rest } = MINIMAL_JSON;
    assertInvalid(() => parseStructured(rest), 'attribute "specversion"', 'is missing', '"1.0"');
  });

  it('reads 1.0 and 0.3 and rejects other specversions by name', () => {
    assert.equal(parseStructured({ ...MINIMAL_JSON, specversion: '0.3' })[0]?.specversion, '0.3');
    assertInvalid(() => parseStructured({ ...MINIMAL_JSON, specversion: '0.2' }), '"0.2"', 'CloudEvents 1.0');
    assertInvalid(() => parseBinary({ 'ce-specversion': '1.1' }), 'header ce-specversion', '"1.1"');
  });

  it('rejects a specversion that is a JSON number', () => {
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, specversion: 1.0 }),
      'must be the string "1.0"',
      'number',
    );
  });

  for (const name of ['id', 'source', 'type'] as const) {
    it(`requires ${name}`, () => {
      const { [name]: _, ...rest } = MINIMAL_JSON;
      assertInvalid(() => parseStructured(rest), `attribute "${name}"`, 'is missing; it is required');
      assertInvalid(() => parseBinary({ [`ce-${name}`]: undefined }), `header ce-${name}`, 'required');
    });
  }

  it('requires id, type and subject to be non-empty', () => {
    assertInvalid(() => parseStructured({ ...MINIMAL_JSON, id: '' }), 'attribute "id"', 'non-empty');
    assertInvalid(() => parseBinary({ 'ce-type': '' }), 'header ce-type', 'non-empty');
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, subject: '' }),
      'attribute "subject"',
      'non-empty',
    );
  });

  it('requires core attributes to be JSON strings', () => {
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, id: 42 }),
      'attribute "id"',
      'must be a string, got a number',
    );
  });

  it('requires source to be a URI-reference', () => {
    assert.equal(parseStructured({ ...MINIMAL_JSON, source: '1-555-123-4567' })[0]?.source, '1-555-123-4567');
    assert.equal(
      parseStructured({ ...MINIMAL_JSON, source: 'urn:uuid:6e8bc430' })[0]?.source,
      'urn:uuid:6e8bc430',
    );
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, source: 'my source' }),
      'attribute "source"',
      'URI-reference',
    );
    assertInvalid(() => parseBinary({ 'ce-source': 'a%20b:c' }), 'header ce-source', 'URI-reference');
  });

  it('requires dataschema to be an absolute URI', () => {
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, dataschema: '/schema.json' }),
      '"dataschema"',
      'absolute URI',
    );
  });

  it('requires time to be an RFC 3339 timestamp on a real date', () => {
    assert.equal(parseStructured({ ...MINIMAL_JSON, time: '2020-02-29T23:59:60.5+01:00' }).length, 1);
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, time: '2018-04-05 17:31' }),
      'attribute "time"',
      'RFC 3339',
    );
    assertInvalid(() => parseBinary({ 'ce-time': '2019-02-29T00:00:00Z' }), 'header ce-time', 'out of range');
  });

  it('requires datacontenttype to be a media type', () => {
    assertInvalid(() => parseBinary({ 'content-type': 'json' }), 'header content-type', 'media type');
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, datacontenttype: 'a b/c' }),
      '"datacontenttype"',
      'media type',
    );
  });

  it('rejects control characters in string values', () => {
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, subject: 'a\nb' }),
      '"subject"',
      'control characters',
    );
    assertInvalid(() => parseBinary({ 'ce-myext': 'a%00b' }), 'header ce-myext', 'control characters');
  });

  it('rejects unpaired surrogates and noncharacters in string values', () => {
    assertInvalid(() => parseStructured({ ...MINIMAL_JSON, subject: 'a\uDEADb' }), 'unpaired surrogate');
    assertInvalid(() => parseStructured({ ...MINIMAL_JSON, myext: '\uFDD0' }), 'noncharacter');
  });

  it('accepts extension names of lower-case letters and digits, longer than 20 too (a SHOULD NOT)', () => {
    const [event] = parseStructured({ ...MINIMAL_JSON, ext1: 'a', averyveryverylongextensionname: 'b' });
    assert.deepEqual(event?.extensions, { ext1: 'a', averyveryverylongextensionname: 'b' });
  });

  it('rejects extension names with upper-case letters, dashes or underscores', () => {
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, myExt: 'a' }),
      'attribute "myExt"',
      'lower-case letters',
    );
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, my_ext: 'a' }),
      '"my_ext"',
      'invalid attribute name',
    );
    assertInvalid(() => parseBinary({ 'ce-my-ext': 'a' }), 'header ce-my-ext', 'invalid attribute name');
  });

  it('rejects the reserved name data as a binary-mode header', () => {
    assertInvalid(() => parseBinary({ 'ce-data': 'x' }), 'header ce-data', 'reserved');
  });

  it('accepts extension values that are strings, 32-bit integers and booleans only', () => {
    const [event] = parseStructured({ ...MINIMAL_JSON, big: 2147483647, small: -2147483648, yes: true });
    assert.deepEqual(event?.extensions, { big: 2147483647, small: -2147483648, yes: true });
    assertInvalid(() => parseStructured({ ...MINIMAL_JSON, n: 1.5 }), 'attribute "n"', 'Integer');
    assertInvalid(() => parseStructured({ ...MINIMAL_JSON, n: 2147483648 }), 'Integer');
    assertInvalid(() => parseStructured({ ...MINIMAL_JSON, o: { a: 1 } }), 'attribute "o"', 'got an object');
    assertInvalid(() => parseStructured({ ...MINIMAL_JSON, a: [1] }), 'got an array');
  });

  it('reads schemaurl and datacontentencoding as 0.3 attributes, and as extensions in 1.0', () => {
    const [v03] = parseStructured({ ...MINIMAL_JSON, specversion: '0.3', schemaurl: '/schema' });
    assert.equal(v03?.schemaurl, '/schema');
    const [v1] = parseStructured({ ...MINIMAL_JSON, schemaurl: '/schema', datacontentencoding: 'gzip' });
    assert.deepEqual(v1?.extensions, { schemaurl: '/schema', datacontentencoding: 'gzip' });
    assertInvalid(
      () => parseStructured({ ...MINIMAL_JSON, specversion: '0.3', datacontentencoding: 'gzip' }),
      '"datacontentencoding"',
      'base64',
    );
  });
});

describe('attribute validation when sending', () => {
  const event: CloudEvent = { ...MINIMAL_JSON, extensions: {} };

  it('refuses an extension that clashes with a core attribute', () => {
    assertInvalid(
      () => toHttpBinary({ ...event, extensions: { subject: 'x' } }),
      'extension "subject"',
      'clashes',
    );
  });

  it("refuses the other version's schema attribute", () => {
    assertInvalid(
      () => toHttpBinary({ ...event, schemaurl: '/s' }),
      'attribute "schemaurl"',
      'use dataschema',
    );
    assertInvalid(
      () => toHttpBinary({ ...event, specversion: '0.3', dataschema: 'https://s' }),
      'use schemaurl',
    );
  });

  it('refuses extension values outside the type system', () => {
    assertInvalid(
      () => toHttpBinary({ ...event, extensions: { n: Number.NaN } }),
      'attribute "n"',
      'Integer',
    );
  });
});
