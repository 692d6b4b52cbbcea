import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHeaderValue, encodeHeaderValue } from './header-encoding.js';
import { assertInvalid } from './test-support.js';

describe('ce- header value encoding', () => {
  it('percent-encodes space, non-ASCII and astral characters as the binding example shows', () => {
    assert.equal(encodeHeaderValue('Euro € 😀'), 'Euro%20%E2%82%AC%20%F0%9F%98%80');
  });

  it('percent-encodes double quotes, percent signs and control characters but not other printable ASCII', () => {
    assert.equal(encodeHeaderValue('a"b%c\td'), 'a%22b%25c%09d');
    assert.equal(encodeHeaderValue("/path?q=1&x=y#z!~'()*"), "/path?q=1&x=y#z!~'()*");
  });

  it('decodes what it encodes, for any string', () => {
    for (const value of ['', 'plain', 'Euro € 😀', '100% "quoted"', 'ünïcödé/日本', 'a+b=c']) {
      assert.equal(decodeHeaderValue(encodeHeaderValue(value), 'ce-x'), value);
    }
  });

  it('accepts lower-case hex and characters that were percent-encoded without need', () => {
    assert.equal(decodeHeaderValue('%e2%82%ac%41', 'ce-x'), '€A');
  });

  it('unwraps a double-quoted value with backslash escapes before percent-decoding', () => {
    assert.equal(decodeHeaderValue('"say \\"hi\\" %20there"', 'ce-x'), 'say "hi"  there');
  });

  it('accepts unencoded spaces and quotes inside a value, as older senders wrote them', () => {
    assert.equal(decodeHeaderValue('{"othervalue": 5}', 'ce-x'), '{"othervalue": 5}');
  });

  it('performs exactly one round of decoding', () => {
    assert.equal(decodeHeaderValue('%2520', 'ce-x'), '%20');
  });

  it('rejects an overlong UTF-8 sequence such as %C0%A0', () => {
    assertInvalid(() => decodeHeaderValue('a%C0%A0b', 'ce-subject'), 'header ce-subject', 'not valid UTF-8');
  });

  it('rejects a lone surrogate encoded as UTF-8 bytes', () => {
    assertInvalid(() => decodeHeaderValue('%ED%A0%80', 'ce-subject'), 'not valid UTF-8');
  });

  it('rejects a percent sign not followed by two hex digits', () => {
    assertInvalid(() => decodeHeaderValue('50%', 'ce-x'), 'header ce-x', 'encode "%" as %25');
    assertInvalid(() => decodeHeaderValue('%G0', 'ce-x'), 'two hex digits');
  });

  it('rejects raw characters outside printable ASCII', () => {
    assertInvalid(() => decodeHeaderValue('caf\u00e9', 'ce-x'), 'outside printable ASCII', 'percent-encode');
  });

  it('rejects a quoted value that is never closed or has text after the closing quote', () => {
    assertInvalid(() => decodeHeaderValue('"open', 'ce-x'), 'never closed');
    assertInvalid(() => decodeHeaderValue('"a"b', 'ce-x'), 'after its closing double quote');
  });
});
