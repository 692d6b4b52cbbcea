import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejected, matches } from './test-support.js';

describe('anything-but', () => {
  it('with a string matches every other value, including other types and null', () => {
    const pattern = { state: [{ 'anything-but': 'initializing' }] };
    assert.equal(matches(pattern, { state: 'pending' }), true);
    assert.equal(matches(pattern, { state: 'initializing' }), false);
    assert.equal(matches(pattern, { state: 12 }), true);
    assert.equal(matches(pattern, { state: null }), true);
  });

  it('never matches a missing field', () => {
    assert.equal(matches({ state: [{ 'anything-but': 'x' }] }, {}), false);
    assert.equal(matches({ state: [{ 'anything-but': { prefix: 'x' } }] }, { other: 1 }), false);
  });

  it('with a number excludes that number by value, not a string spelling it', () => {
    const pattern = { n: [{ 'anything-but': 123 }] };
    assert.equal(matches(pattern, { n: 123.0 }), false);
    assert.equal(matches(pattern, { n: 789 }), true);
    assert.equal(matches(pattern, { n: '123' }), true);
    assert.equal(matches({ n: [{ 'anything-but': 0 }] }, { n: 789 }), true);
  });

  it('with a list excludes every listed value', () => {
    const strings = { state: [{ 'anything-but': ['stopped', 'overloaded'] }] };
    assert.equal(matches(strings, { state: 'stopped' }), false);
    assert.equal(matches(strings, { state: 'running' }), true);
    const numbers = { n: [{ 'anything-but': [100, 200, 300] }] };
    assert.equal(matches(numbers, { n: 300 }), false);
    assert.equal(matches(numbers, { n: 999 }), true);
  });

  it('matches when any element of an event array is not excluded', () => {
    assert.equal(matches({ s: [{ 'anything-but': 'a' }] }, { s: ['a', 'b'] }), true);
    assert.equal(matches({ s: [{ 'anything-but': 'a' }] }, { s: ['a'] }), false);
  });

  it('with prefix or suffix excludes strings by their start or end', () => {
    const prefix = { s: [{ 'anything-but': { prefix: 'init' } }] };
    assert.equal(matches(prefix, { s: 'init-1' }), false);
    assert.equal(matches(prefix, { s: 'post-init' }), true);
    assert.equal(matches(prefix, { s: 12 }), true);
    const suffixes = { f: [{ 'anything-but': { suffix: ['.txt', '.jpg'] } }] };
    assert.equal(matches(suffixes, { f: 'a.jpg' }), false);
    assert.equal(matches(suffixes, { f: 'a.txt.bak' }), true);
  });

  it('with equals-ignore-case excludes strings in any letter case', () => {
    const pattern = { s: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] };
    assert.equal(matches(pattern, { s: 'Stopped' }), false);
    assert.equal(matches(pattern, { s: 'pending' }), true);
    assert.equal(matches(pattern, { s: null }), true);
  });

  it('with wildcard excludes strings the wildcard matches', () => {
    const pattern = { p: [{ 'anything-but': { wildcard: ['*/init/*', '*/lib/*'] } }] };
    assert.equal(matches(pattern, { p: 'dir/init/file' }), false);
    assert.equal(matches(pattern, { p: 'dir/post/file' }), true);
    assert.equal(matches(pattern, { p: 123 }), true);
    assert.equal(matches({ p: [{ 'anything-but': { wildcard: '' } }] }, { p: 'x' }), true);
  });

  it('rejects null, booleans and mixed or empty lists', () => {
    assertRejected(
      { s: [{ 'anything-but': null }] },
      'pattern.s[0].anything-but: expects a string, a number, a list of either, or an object with one of prefix, suffix, equals-ignore-case, wildcard; got null',
    );
    assertRejected(
      { s: [{ 'anything-but': ['stopped', null] }] },
      'pattern.s[0].anything-but[1]: a list holds only strings or only numbers, got null',
    );
    assertRejected(
      { s: [{ 'anything-but': ['a', 1] }] },
      'pattern.s[0].anything-but[1]: a list holds only strings or only numbers, got number 1',
    );
    assertRejected(
      { s: [{ 'anything-but': [] }] },
      'pattern.s[0].anything-but: expects at least one value in the list',
    );
  });

  it('applies the numeric range and precision limits to numbers', () => {
    assertRejected(
      { n: [{ 'anything-but': 6e9 }] },
      'pattern.n[0].anything-but: 6000000000 is outside the supported range -5e9 to 5e9',
    );
    assertRejected(
      { n: [{ 'anything-but': [1, 0.1234567] }] },
      'pattern.n[0].anything-but[1]: 0.1234567 has more than 6 decimal places',
    );
  });

  it('rejects empty prefixes and suffixes, non-strings and nested operators', () => {
    assertRejected(
      { f: [{ 'anything-but': { prefix: '' } }] },
      'pattern.f[0].anything-but.prefix: an empty prefix is not allowed in anything-but',
    );
    assertRejected(
      { f: [{ 'anything-but': { suffix: ['.txt', ''] } }] },
      'pattern.f[0].anything-but.suffix[1]: an empty suffix is not allowed in anything-but',
    );
    assertRejected(
      { f: [{ 'anything-but': { prefix: 123 } }] },
      'pattern.f[0].anything-but.prefix: expects a string or a list of strings, got number 123',
    );
    assertRejected(
      { f: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'a' } } }] },
      'pattern.f[0].anything-but.prefix: expects a string or a list of strings, got object (operators do not nest here)',
    );
    assertRejected(
      { f: [{ 'anything-but': { 'equals-ignore-case': [123] } }] },
      'pattern.f[0].anything-but.equals-ignore-case[0]: expects a string, got number 123',
    );
  });

  it('accepts exactly one of prefix, suffix, equals-ignore-case and wildcard as an object', () => {
    assertRejected(
      { f: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'pattern.f[0].anything-but: supports prefix, suffix, equals-ignore-case, wildcard; got "numeric"',
    );
    assertRejected(
      { f: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
      'pattern.f[0].anything-but: expects exactly one of prefix, suffix, equals-ignore-case, wildcard, got 2 keys',
    );
  });

  it('validates wildcards inside it', () => {
    assertRejected(
      { f: [{ 'anything-but': { wildcard: ['a**'] } }] },
      'pattern.f[0].anything-but.wildcard[0]: consecutive "*" at position 1 are not allowed',
    );
  });
});
