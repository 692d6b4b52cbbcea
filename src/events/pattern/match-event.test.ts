import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejected, eventWith, matches } from './test-support.js';

describe('exact values', () => {
  it('match when the event value equals any value in the list', () => {
    const pattern = { detail: { state: ['running', 'pending'] } };
    assert.equal(matches(pattern, eventWith({ state: 'pending' })), true);
    assert.equal(matches(pattern, eventWith({ state: 'stopped' })), false);
  });

  it('compare strings character by character, without case folding or trimming', () => {
    const pattern = { detail: { s: ['A CamelCase 🚀 string '] } };
    assert.equal(matches(pattern, eventWith({ s: 'A CamelCase 🚀 string ' })), true);
    assert.equal(matches(pattern, eventWith({ s: 'a camelcase 🚀 string ' })), false);
    assert.equal(matches(pattern, eventWith({ s: 'A CamelCase 🚀 string' })), false);
  });

  it('compare numbers by value, so 300 matches 300.0 and 3.0e2', () => {
    const event = JSON.parse('{"detail": {"a": 300.0, "b": 3.0e2}}');
    assert.equal(matches({ detail: { a: [300], b: [300] } }, event), true);
  });

  it('never match across types', () => {
    assert.equal(matches({ detail: { n: [300] } }, eventWith({ n: '300' })), false);
    assert.equal(matches({ detail: { n: ['300'] } }, eventWith({ n: 300 })), false);
    assert.equal(matches({ detail: { b: [true] } }, eventWith({ b: 'true' })), false);
    assert.equal(matches({ detail: { z: [null] } }, eventWith({ z: 'null' })), false);
  });

  it('match booleans and null literally', () => {
    assert.equal(matches({ detail: { b: [false] } }, eventWith({ b: false })), true);
    assert.equal(matches({ detail: { b: [false] } }, eventWith({ b: true })), false);
    assert.equal(matches({ detail: { z: [null] } }, eventWith({ z: null })), true);
    assert.equal(matches({ detail: { z: [null] } }, eventWith({})), false);
  });

  it('match the empty string only against an empty string', () => {
    assert.equal(matches({ detail: { v: [''] } }, eventWith({ v: '' })), true);
    assert.equal(matches({ detail: { v: [''] } }, eventWith({ v: 'x' })), false);
  });

  it('use a set for long lists and still match every entry', () => {
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    assert.equal(matches({ detail: { v: values } }, eventWith({ v: 'v49' })), true);
    assert.equal(matches({ detail: { v: values } }, eventWith({ v: 'v50' })), false);
  });

  it('reject numbers that are not finite', () => {
    assertRejected({ detail: { n: [Number.NaN] } }, 'pattern.detail.n[0]: expects a finite number, got NaN');
  });
});

describe('arrays in events', () => {
  it('match when any element of an event array matches', () => {
    const pattern = { resources: ['arn:b', 'arn:z'] };
    assert.equal(matches(pattern, { resources: ['arn:a', 'arn:b'] }), true);
    assert.equal(matches(pattern, { resources: ['arn:a'] }), false);
    assert.equal(matches(pattern, { resources: [['arn:x', ['arn:z']]] }), true);
  });

  it('match nested fields inside arrays of objects', () => {
    const pattern = { detail: { automations: { id: [{ exists: true }] } } };
    assert.equal(matches(pattern, eventWith({ automations: [{ key: 'v' }, { id: 'x' }] })), true);
    assert.equal(matches(pattern, eventWith({ automations: [{ key: 'v' }] })), false);
  });

  it('require fields under one array to come from the same element', () => {
    const pattern = { employees: { first: ['Anna'], last: ['Jones'] } };
    const event = {
      employees: [
        { first: 'Anna', last: 'Smith' },
        { first: 'Peter', last: 'Jones' },
      ],
    };
    assert.equal(matches(pattern, event), false);
    assert.equal(matches({ employees: { first: ['Peter'], last: ['Jones'] } }, event), true);
  });

  it('treat an empty array as having no values', () => {
    assert.equal(matches({ resources: [null] }, { resources: [] }), false);
    assert.equal(matches({ resources: [{ exists: true }] }, { resources: [] }), false);
    assert.equal(matches({ resources: [{ exists: false }] }, { resources: [] }), true);
  });
});

describe('nested objects', () => {
  it('match only when the event has the same nesting', () => {
    const pattern = { detail: { state: { status: ['ok'] } } };
    assert.equal(matches(pattern, eventWith({ state: { status: 'ok' } })), true);
    assert.equal(matches(pattern, eventWith({ status: 'ok' })), false);
    assert.equal(matches(pattern, eventWith({ state: 'ok' })), false);
  });

  it('do not look inside JSON held in a string', () => {
    assert.equal(matches({ detail: { key: ['v'] } }, { detail: '{"key": "v"}' }), false);
  });

  it('require every field of the pattern (AND) and ignore extra event fields', () => {
    const pattern = { source: ['a'], detail: { x: [1] } };
    assert.equal(matches(pattern, { source: 'a', other: 1, detail: { x: 1, y: 2 } }), true);
    assert.equal(matches(pattern, { source: 'a', detail: { x: 2 } }), false);
  });

  it('evaluate several operators in one list as alternatives (OR)', () => {
    const pattern = { k: [{ exists: true }, { prefix: 'IGNORED' }, { suffix: 'IGNORED' }] };
    assert.equal(matches(pattern, { k: 'my-value' }), true);
    const either = { n: [{ numeric: ['>', 100] }, { 'anything-but': '101' }] };
    assert.equal(matches(either, { n: '42' }), true);
    assert.equal(matches(either, { n: '101' }), false);
  });
});

describe('exists', () => {
  it('true matches any value at the path, null included', () => {
    const pattern = { detail: { state: [{ exists: true }] } };
    assert.equal(matches(pattern, eventWith({ state: 'pending' })), true);
    assert.equal(matches(pattern, eventWith({ state: null })), true);
    assert.equal(matches(pattern, eventWith({ state: '' })), true);
    assert.equal(matches(pattern, eventWith({})), false);
  });

  it('only sees leaf values: a field holding an object does not exist for it', () => {
    const exists = { detail: { c: [{ exists: true }] } };
    const absent = { detail: { c: [{ exists: false }] } };
    assert.equal(matches(exists, eventWith({ c: { c1: 100 } })), false);
    assert.equal(matches(absent, eventWith({ c: { c1: 100 } })), true);
  });

  it('false matches a missing field, including when a parent is missing', () => {
    const pattern = { detail: { a: { b: { c: [{ exists: false }] } } } };
    assert.equal(matches(pattern, eventWith({ a: { other: 1 } })), true);
    assert.equal(matches(pattern, eventWith({})), true);
    assert.equal(matches(pattern, { source: 'no detail at all' }), true);
    assert.equal(matches(pattern, eventWith({ a: { b: { c: 'x' } } })), false);
  });

  it('false under an array holds only when no element has the field', () => {
    const pattern = { items: { discount: [{ exists: false }] } };
    assert.equal(matches(pattern, { items: [{ price: 1, discount: 2 }, { price: 2 }] }), false);
    assert.equal(matches(pattern, { items: [{ price: 1 }, { price: 2 }] }), true);
  });

  it('combines with values in one list: value present and matching, or field absent', () => {
    const pattern = { image: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } };
    assert.equal(matches(pattern, { image: { S: 'tulips' } }), true);
    assert.equal(matches(pattern, { image: { N: '1' } }), true);
    assert.equal(matches(pattern, {}), true);
    assert.equal(matches(pattern, { image: { S: 'roses' } }), false);
  });

  it('accepts only true or false', () => {
    assertRejected(
      { k: [{ exists: 'yes' }] },
      'pattern.k[0].exists: expects true or false, got string "yes"',
    );
  });
});

describe('operator objects', () => {
  it('hold exactly one operator', () => {
    assertRejected(
      { k: [{ prefix: 'a', suffix: 'b' }] },
      'pattern.k[0]: an operator object needs exactly one operator, got 2 ("prefix", "suffix")',
    );
    assertRejected({ k: [{}] }, 'pattern.k[0]: an operator object needs exactly one operator, got 0');
  });

  it('are case-sensitive and reject unknown names', () => {
    assertRejected(
      { k: [{ EXISTS: true }] },
      'pattern.k[0]: unknown operator "EXISTS"; expected one of prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr',
    );
  });
});

describe('events of any shape', () => {
  it('never throw, whatever the event is', () => {
    const pattern = { detail: { a: [{ exists: false }] } };
    for (const event of [null, undefined, 42, 'text', [], [1, { detail: {} }], { detail: [[]] }]) {
      assert.equal(typeof matches(pattern, event), 'boolean');
    }
    assert.equal(matches({ source: ['x'] }, null), false);
  });
});
