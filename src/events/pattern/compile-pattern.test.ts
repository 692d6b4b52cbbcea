import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGustError } from '../../core/errors.js';
import { compilePattern } from './compile-pattern.js';
import { assertRejected, eventWith, matches } from './test-support.js';

describe('compilePattern structure', () => {
  it('reports an invalid pattern as a 400 GustError that names the path and the AWS error type', () => {
    assert.throws(
      () => compilePattern({ detail: { price: [{ numeric: ['>', 'x'] }] } }),
      (error: unknown) => {
        assert.ok(isGustError(error));
        assert.equal(error.code, 'ERR_INVALID_PATTERN');
        assert.equal(error.status, 400);
        assert.equal(error.awsType, 'InvalidEventPatternException');
        assert.deepEqual(error.details, { path: 'pattern.detail.price[0].numeric' });
        assert.equal(
          error.message,
          'pattern.detail.price[0].numeric: expects pairs of operator and number, got ">" then "x"',
        );
        return true;
      },
    );
  });

  it('accepts only a JSON object as the pattern', () => {
    assertRejected(['source'], 'pattern: must be a JSON object, got array');
    assertRejected(null, 'pattern: must be a JSON object, got null');
    assertRejected(
      '{"source": ["a"]}',
      'pattern: must be a JSON object, got string "{\\"source\\": [\\"a\\"]}"',
    );
  });

  it('rejects empty objects at any level', () => {
    assertRejected({}, 'pattern: an object needs at least one field; {} is not allowed');
    assertRejected({ detail: {} }, 'pattern.detail: an object needs at least one field; {} is not allowed');
  });

  it('requires leaf values to be wrapped in a list, and says how', () => {
    assertRejected(
      { source: 'aws.ec2' },
      'pattern.source: must be a list of values or an object of fields, got string "aws.ec2"; to match it, write ["aws.ec2"]',
    );
    assertRejected(
      { detail: { count: 42 } },
      'pattern.detail.count: must be a list of values or an object of fields, got number 42; to match it, write [42]',
    );
  });

  it('rejects an empty value list', () => {
    assertRejected(
      { resources: [] },
      'pattern.resources: expects at least one value; an empty list is not allowed',
    );
  });

  it('rejects nested lists and other non-values inside a value list', () => {
    assertRejected(
      { source: [['a']] },
      'pattern.source[0]: a value must be a string, number, boolean, null or an operator object, got array',
    );
  });

  it('writes keys that are not plain names in brackets in error paths', () => {
    assertRejected(
      { detail: { 'state.name': 'x' } },
      'pattern.detail["state.name"]: must be a list of values or an object of fields, got string "x"; to match it, write ["x"]',
    );
  });

  it('rejects patterns longer than the limit, counted as compact JSON', () => {
    const big = { source: ['x'.repeat(5000)] };
    assert.throws(
      () => compilePattern(big),
      /pattern: is 5015 characters as compact JSON; the limit is 4096/,
    );
    assert.equal(compilePattern(big, { maxLength: 6000 }).matches({ source: 'x'.repeat(5000) }), true);
  });

  it('rejects values that are not plain JSON', () => {
    const cyclic: Record<string, unknown> = { source: ['a'] };
    cyclic.self = cyclic;
    assert.throws(() => compilePattern(cyclic), /^GustError: pattern: must be plain JSON \(/);
  });

  it('lets the later of two entries for the same field win, as EventBridge does', () => {
    const pattern = { detail: { 'state.name': ['old'], state: { name: ['new'] } } };
    assert.equal(matches(pattern, eventWith({ state: { name: 'new' } })), true);
    assert.equal(matches(pattern, eventWith({ state: { name: 'old' } })), false);
  });

  it('treats a dotted pattern key as nesting', () => {
    const pattern = { 'detail.state': ['running'] };
    assert.equal(matches(pattern, eventWith({ state: 'running' })), true);
    assert.equal(matches(pattern, eventWith({ state: 'stopped' })), false);
  });

  it('matches field names case-sensitively', () => {
    assert.equal(matches({ Source: ['test-source'] }, eventWith({})), false);
    assert.equal(matches({ source: ['test-source'] }, eventWith({})), true);
  });

  it('does not mistake inherited property names for event fields', () => {
    assert.equal(matches({ constructor: [{ exists: true }] }, {}), false);
    assert.equal(matches({ constructor: [{ exists: false }] }, {}), true);
    assert.equal(matches({ toString: ['x'] }, { toString: 'x' }), true);
  });
});

describe('compilePattern $or', () => {
  const pattern = {
    source: ['shop'],
    detail: {
      $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }],
    },
  };

  it('matches when any branch matches, together with the fields beside it', () => {
    assert.equal(matches(pattern, { source: 'shop', detail: { 'c-count': 3 } }), true);
    assert.equal(matches(pattern, { source: 'shop', detail: { 'c-count': 9, 'd-count': 2 } }), true);
    assert.equal(matches(pattern, { source: 'shop', detail: { 'c-count': 9, 'd-count': 20 } }), false);
    assert.equal(matches(pattern, { source: 'other', detail: { 'c-count': 3 } }), false);
  });

  it('supports $or at the top level and nested inside a branch', () => {
    const nested = {
      $or: [{ source: ['a'] }, { source: ['b'], $or: [{ region: ['eu'] }, { account: ['1'] }] }],
    };
    assert.equal(matches(nested, { source: 'a' }), true);
    assert.equal(matches(nested, { source: 'b', account: '1' }), true);
    assert.equal(matches(nested, { source: 'b', account: '2' }), false);
  });

  it('requires a list of at least two non-empty objects', () => {
    assertRejected(
      { $or: [{ source: ['a'] }] },
      'pattern.$or: expects a list of at least two objects, got 1 entry',
    );
    assertRejected(
      { $or: { source: ['a'] } },
      'pattern.$or: expects a list of at least two objects, got object',
    );
    assertRejected(
      { $or: [{ source: ['a'] }, ['b']] },
      'pattern.$or[1]: expects an object of fields, got array',
    );
    assertRejected(
      { $or: [{ source: ['a'] }, {}] },
      'pattern.$or[1]: an object needs at least one field; {} is not allowed',
    );
  });

  it('rejects operator names used as field names inside a branch', () => {
    assertRejected(
      { $or: [{ numeric: [1] }, { source: ['a'] }] },
      'pattern.$or[0].numeric: "numeric" is an operator name and cannot be a field name inside $or',
    );
  });
});
