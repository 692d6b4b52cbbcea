import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejected, matches } from './test-support.js';

describe('prefix', () => {
  it('matches strings that start with the prefix, case-sensitively', () => {
    const pattern = { time: [{ prefix: '2022-07-13' }] };
    assert.equal(matches(pattern, { time: '2022-07-13T13:48:01Z' }), true);
    assert.equal(matches(pattern, { time: '2022-07-99T13:48:01Z' }), false);
    assert.equal(matches({ r: [{ prefix: 'us-' }] }, { r: 'US-east-1' }), false);
  });

  it('only matches strings', () => {
    assert.equal(matches({ n: [{ prefix: '12' }] }, { n: 123 }), false);
  });

  it('with an empty prefix matches every string', () => {
    assert.equal(matches({ source: [{ prefix: '' }] }, { source: 'anything' }), true);
    assert.equal(matches({ source: [{ prefix: '' }] }, { source: null }), false);
  });

  it('with equals-ignore-case ignores the case of the prefix', () => {
    const pattern = { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] };
    assert.equal(matches(pattern, { service: 'EvEnTbridge' }), true);
    assert.equal(matches(pattern, { service: 'Event' }), false);
  });

  it('accepts only a string or {"equals-ignore-case": string}', () => {
    assertRejected(
      { time: [{ prefix: 123 }] },
      'pattern.time[0].prefix: expects a string or {"equals-ignore-case": string}, got number 123',
    );
    assertRejected(
      { time: [{ prefix: ['2022'] }] },
      'pattern.time[0].prefix: expects a string or {"equals-ignore-case": string}, got array',
    );
    assertRejected(
      { time: [{ prefix: { wildcard: 'a*' } }] },
      'pattern.time[0].prefix: expects a string or {"equals-ignore-case": string}, got an object with "wildcard"',
    );
    assertRejected(
      { time: [{ prefix: { 'equals-ignore-case': 1 } }] },
      'pattern.time[0].prefix.equals-ignore-case: expects a string, got number 1',
    );
  });
});

describe('suffix', () => {
  it('matches strings that end with the suffix, case-sensitively', () => {
    assert.equal(matches({ f: [{ suffix: '.png' }] }, { f: 'image.png' }), true);
    assert.equal(matches({ f: [{ suffix: '.PNG' }] }, { f: 'image.png' }), false);
  });

  it('with equals-ignore-case ignores the case of the suffix', () => {
    const pattern = { f: [{ suffix: { 'equals-ignore-case': '.png' } }] };
    assert.equal(matches(pattern, { f: 'image.PNG' }), true);
    assert.equal(matches(pattern, { f: 'image.jpg' }), false);
    assert.equal(matches(pattern, { f: 'png' }), false);
  });

  it('accepts only a string or {"equals-ignore-case": string}', () => {
    assertRejected(
      { f: [{ suffix: ['.png'] }] },
      'pattern.f[0].suffix: expects a string or {"equals-ignore-case": string}, got array',
    );
  });
});

describe('equals-ignore-case', () => {
  it('matches strings equal apart from letter case', () => {
    const pattern = { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] };
    assert.equal(matches(pattern, { 'detail-type': 'EC2 Instance State-change Notification' }), true);
    assert.equal(matches(pattern, { 'detail-type': 'EC2 Instance State-change' }), false);
  });

  it('folds non-ASCII letters too', () => {
    assert.equal(matches({ city: [{ 'equals-ignore-case': 'ZÜRICH' }] }, { city: 'zürich' }), true);
    assert.equal(matches({ city: [{ 'equals-ignore-case': 'zürich' }] }, { city: 'ZURICH' }), false);
  });

  it('does not fold an ASCII pattern letter to a non-ASCII look-alike', () => {
    // U+212A KELVIN SIGN lower-cases to "k", but EventBridge compares "k" only with "k" and "K".
    assert.equal(matches({ u: [{ 'equals-ignore-case': 'k' }] }, { u: '\u212a' }), false);
  });

  it('with an empty string matches only the empty string', () => {
    assert.equal(matches({ v: [{ 'equals-ignore-case': '' }] }, { v: '' }), true);
    assert.equal(matches({ v: [{ 'equals-ignore-case': '' }] }, { v: 'x' }), false);
  });

  it('only matches strings', () => {
    assert.equal(matches({ v: [{ 'equals-ignore-case': '1' }] }, { v: 1 }), false);
  });

  it('accepts only a string', () => {
    assertRejected(
      { v: [{ 'equals-ignore-case': ['a'] }] },
      'pattern.v[0].equals-ignore-case: expects a string, got array',
    );
    assertRejected(
      { v: [{ 'equals-ignore-case': { prefix: 'a' } }] },
      'pattern.v[0].equals-ignore-case: expects a string, got object',
    );
  });
});
