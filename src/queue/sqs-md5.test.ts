import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { md5OfBody, md5OfMessageAttributes } from './sqs-md5.js';

const binary = (text: string) => Buffer.from(text).toString('base64');

describe('SQS message digests', () => {
  it('digest the body as the MD5 of its UTF-8 bytes', () => {
    assert.equal(md5OfBody('hello'), '5d41402abc4b2a76b9719d911017c592');
    assert.equal(md5OfBody(''), 'd41d8cd98f00b204e9800998ecf8427e');
    // UTF-8 (c3 a9), not Latin-1 (e9, whose MD5 is 3406877694691ddd1dfb0aca54681407).
    assert.equal(md5OfBody('\u00e9'), '66ddcd97cfdeabb2f6fb8a999b4bc76f');
  });

  // Published reference values of SQS's attribute digest (String, custom Number type, Binary, mixed).
  it('digest a String attribute as SQS does', () => {
    assert.equal(
      md5OfMessageAttributes({ attribName1: { DataType: 'String', StringValue: 'attribValue 1' } }),
      '19e27d4e946b072f3f58da80d94fd778',
    );
  });

  it('digest a Number attribute with a custom type label as a string value', () => {
    assert.equal(
      md5OfMessageAttributes({
        customNumberTypeAttrib: {
          DataType: 'Number.float',
          StringValue: '4563442423554324324264524243.32543234',
        },
      }),
      '9fe1b90bbd9965bdf77bac517c7d2495',
    );
  });

  it('digest a Binary attribute over its decoded bytes with transport type 2', () => {
    assert.equal(
      md5OfMessageAttributes({
        binaryAttribute: { DataType: 'Binary', BinaryValue: binary('Hello binary world!') },
      }),
      '31a92b15d92f8db860eda32aceb656c3',
    );
  });

  it('digest several attributes sorted by name, whatever order they were given in', () => {
    const expected = 'c932db14a896c663f83c260297d594ff';
    const a = { DataType: 'String', StringValue: 'attribValue 1' };
    const n = { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' };
    const b = { DataType: 'Binary', BinaryValue: binary('Hello binary world!') };
    assert.equal(
      md5OfMessageAttributes({ attribName1: a, customNumberTypeAttrib: n, binaryAttribute: b }),
      expected,
    );
    assert.equal(
      md5OfMessageAttributes({ binaryAttribute: b, customNumberTypeAttrib: n, attribName1: a }),
      expected,
    );
  });

  it('have no attribute digest for a message without attributes', () => {
    assert.equal(md5OfMessageAttributes({}), undefined);
  });
});
