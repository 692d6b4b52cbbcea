import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGlob, globMatch } from './glob.js';

/** [pattern, value, matches] */
const CASES: [string, string, boolean][] = [
  ['orders', 'orders', true],
  ['orders', 'orders-1', false],
  ['orders', 'Orders', false],
  ['*', '', true],
  ['*', 'gust:function:a', true],
  ['**', 'anything', true],
  ['orders-*', 'orders-', true],
  ['orders-*', 'orders-eu:west/1', true],
  ['orders-*', 'orders', false],
  ['*-dlq', 'orders-dlq', true],
  ['*-dlq', 'orders-dlq2', false],
  ['v?', 'v1', true],
  ['v?', 'v', false],
  ['v?', 'v10', false],
  ['??', 'ab', true],
  ['a*b*c', 'abc', true],
  ['a*b*c', 'a-x-b-y-c', true],
  ['a*b*c', 'a-x-c-y-b', false],
  ['a*abc', 'aababc', true],
  ['*a?c', 'xxabcabd', false],
  ['*a?c', 'xxabdabc', true],
  ['gust:*:prod-*', 'gust:queue:prod-orders', true],
  ['gust:*:prod-*', 'gust:queue:dev-prod-orders', false],
  ['abc**', 'abc', true],
  ['*?', '', false],
  ['*a*a*a*a*a*a*a*b', 'a'.repeat(200), false],
];

describe('wildcard patterns', () => {
  for (const [pattern, value, expected] of CASES) {
    it(`'${pattern}' ${expected ? 'matches' : 'does not match'} '${value.length > 30 ? `${value.slice(0, 10)}…` : value}'`, () => {
      assert.equal(compileGlob(pattern)(value), expected);
      assert.equal(globMatch(pattern, value), expected, 'the general matcher agrees with the fast path');
    });
  }

  it('treat every character but * and ? literally, regular-expression ones included', () => {
    assert.equal(compileGlob('a.b')('axb'), false);
    assert.equal(compileGlob('a.b*')('a.bc'), true);
    assert.equal(compileGlob('(x)+*')('(x)+y'), true);
    assert.equal(compileGlob('*[0-9]')('a[0-9]'), true);
  });
});
