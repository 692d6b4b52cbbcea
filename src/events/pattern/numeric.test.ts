import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejected, matches } from './test-support.js';

const numeric = (...operand: unknown[]) => ({ n: [{ numeric: operand }] });

describe('numeric', () => {
  it('supports each comparison operator', () => {
    assert.equal(matches(numeric('=', 5), { n: 5 }), true);
    assert.equal(matches(numeric('=', 5), { n: 5.5 }), false);
    assert.equal(matches(numeric('<', 5), { n: 4.999 }), true);
    assert.equal(matches(numeric('<', 5), { n: 5 }), false);
    assert.equal(matches(numeric('<=', 5), { n: 5 }), true);
    assert.equal(matches(numeric('>', 5), { n: 5 }), false);
    assert.equal(matches(numeric('>', 5), { n: 6 }), true);
    assert.equal(matches(numeric('>=', 5), { n: 5 }), true);
    assert.equal(matches(numeric('>=', 5), { n: 4 }), false);
  });

  it('supports ranges with open or closed ends', () => {
    const closed = numeric('>=', 200, '<=', 500);
    assert.equal(matches(closed, { n: 200 }), true);
    assert.equal(matches(closed, { n: 500 }), true);
    assert.equal(matches(closed, { n: 501 }), false);
    const open = numeric('>', 0, '<', 5);
    assert.equal(matches(open, { n: 0 }), false);
    assert.equal(matches(open, { n: 5 }), false);
    assert.equal(matches(open, { n: 0.5 }), true);
  });

  it('treats integers and floats as the same numbers', () => {
    assert.equal(matches(numeric('>', 100), JSON.parse('{"n": 101.0}')), true);
    assert.equal(matches(numeric('=', 3.018e2), { n: 301.8 }), true);
  });

  it('only matches JSON numbers, not strings or null', () => {
    assert.equal(matches(numeric('>', 100), { n: '300' }), false);
    assert.equal(matches(numeric('>', 100), { n: null }), false);
    assert.equal(matches(numeric('>', 100), {}), false);
  });

  it('does not match event numbers beyond the 5e9 limit', () => {
    assert.equal(matches(numeric('>', 0), { n: 5e9 }), true);
    assert.equal(matches(numeric('>', 0), { n: 6e9 }), false);
  });

  it('requires an array of operator and number pairs', () => {
    assertRejected(
      numericPattern(10),
      'pattern.n[0].numeric: expects an array like [">", 0, "<=", 5], got number 10',
    );
    assertRejected(
      numeric('>', 0, '<'),
      'pattern.n[0].numeric: expects pairs of operator and number, got "<" then nothing',
    );
    assertRejected(
      numeric(5, '>'),
      'pattern.n[0].numeric: expects pairs of operator and number, got number 5 then ">"',
    );
    assertRejected(
      numeric('>', '5'),
      'pattern.n[0].numeric: expects pairs of operator and number, got ">" then "5"',
    );
  });

  it('rejects unknown operators', () => {
    assertRejected(numeric('=>', 5), 'pattern.n[0].numeric: unknown operator "=>"; use =, <, <=, > or >=');
  });

  it('accepts a range only as a lower bound followed by an upper bound', () => {
    const message = (a: string, b: string) =>
      `pattern.n[0].numeric: a range is a lower bound (">" or ">=") then an upper bound ("<" or "<="), got "${a}" then "${b}"`;
    assertRejected(numeric('>', 0, '>', 0), message('>', '>'));
    assertRejected(numeric('<', 10, '>', 0), message('<', '>'));
    assertRejected(numeric('=', 1, '<', 5), message('=', '<'));
    assertRejected(
      numeric('>', 0, '<', 5, '<', 6),
      'pattern.n[0].numeric: expects one comparison or a range of two, got 3',
    );
  });

  it('rejects empty ranges', () => {
    assertRejected(numeric('>', 5, '<', 3), 'pattern.n[0].numeric: the range is empty: 5 is not below 3');
    assertRejected(
      numeric('>', 5e9),
      'pattern.n[0].numeric: the range is empty: 5000000000 is not below 5000000000',
    );
  });

  it('limits operands to -5e9..5e9 with at most six decimal places', () => {
    assertRejected(
      numeric('<', 5000000001),
      'pattern.n[0].numeric: 5000000001 is outside the supported range -5e9 to 5e9',
    );
    assertRejected(numeric('=', 1.0000001), 'pattern.n[0].numeric: 1.0000001 has more than 6 decimal places');
    assertRejected(numeric('=', 1.5e-7), 'pattern.n[0].numeric: 1.5e-7 has more than 6 decimal places');
    assert.equal(matches(numeric('=', 0.000001), { n: 1e-6 }), true);
  });
});

function numericPattern(operand: unknown) {
  return { n: [{ numeric: operand }] };
}
