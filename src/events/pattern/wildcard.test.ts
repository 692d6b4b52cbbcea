import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejected, matches } from './test-support.js';
import { parseWildcard, type Wildcard } from './wildcard.js';
import { WILDCARD_COMPLEXITY_LIMIT, wildcardComplexity } from './wildcard-complexity.js';

const wildcard = (text: string) => ({ v: [{ wildcard: text }] });

function parsed(text: string): Wildcard {
  const result = parseWildcard(text);
  assert.ok(typeof result !== 'string', result as string);
  return result;
}

describe('wildcard', () => {
  it('matches any run of characters, including none, at each star', () => {
    const pattern = wildcard('arn:aws:events:us-east-1:*:event-bus/*');
    assert.equal(matches(pattern, { v: 'arn:aws:events:us-east-1:123456789012:event-bus/bus' }), true);
    assert.equal(matches(pattern, { v: 'arn:aws:events:us-east-1::event-bus/' }), true);
    assert.equal(matches(pattern, { v: 'arn:aws:events:us-west-2:1:event-bus/bus' }), false);
  });

  it('anchors both ends and places middle pieces in order', () => {
    assert.equal(matches(wildcard('/Users/*/doc.txt'), { v: '/Users/me/a/b/doc.txt' }), true);
    assert.equal(matches(wildcard('/Users/*/doc.txt'), { v: '/Users/me/notdoc.txt' }), false);
    assert.equal(matches(wildcard('a*b*c'), { v: 'abc' }), true);
    assert.equal(matches(wildcard('a*b*c'), { v: 'acb' }), false);
    assert.equal(matches(wildcard('ab*ba'), { v: 'aba' }), false);
    assert.equal(
      matches(wildcard('/Users/*/dir/dir/dir/doc.txt'), { v: '/Users/u/dir/dir/dir/dir/doc.txt' }),
      true,
    );
  });

  it('without a star matches only the exact string, so an empty wildcard matches only ""', () => {
    assert.equal(matches(wildcard('abc'), { v: 'abc' }), true);
    assert.equal(matches(wildcard(''), { v: '' }), true);
    assert.equal(matches(wildcard(''), { v: 'x' }), false);
  });

  it('treats \\* as a literal star and \\\\ as a literal backslash', () => {
    assert.equal(matches(wildcard('a\\*b'), { v: 'a*b' }), true);
    assert.equal(matches(wildcard('a\\*b'), { v: 'axb' }), false);
    assert.equal(matches(wildcard('a\\\\*'), { v: 'a\\tail' }), true);
  });

  it('only matches strings', () => {
    assert.equal(matches(wildcard('1*'), { v: 123 }), false);
  });

  it('rejects consecutive stars and escapes of other characters', () => {
    assertRejected(wildcard('a**b'), 'pattern.v[0].wildcard: consecutive "*" at position 1 are not allowed');
    assertRejected(
      wildcard('a\\b'),
      'pattern.v[0].wildcard: invalid escape at position 1: only \\* and \\\\ may follow a backslash',
    );
    assertRejected(
      wildcard('a\\'),
      'pattern.v[0].wildcard: invalid escape at position 1: only \\* and \\\\ may follow a backslash',
    );
    assertRejected({ v: [{ wildcard: ['a*'] }] }, 'pattern.v[0].wildcard: expects a string, got array');
  });

  it('rejects wildcards that are too complex, naming the field', () => {
    assertRejected(
      { EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] },
      'pattern.EventBusArn: the wildcards on this field are too complex (11 partial matches can be alive at once; the limit is 10): use fewer "*" or fewer repeated characters after a "*"',
    );
  });

  it('counts every wildcard on the same field path together, $or branches included', () => {
    const one = '*a*b*c*';
    assert.ok(wildcardComplexity([[parsed(one)]]) <= WILDCARD_COMPLEXITY_LIMIT);
    const pattern = {
      $or: [{ v: [{ wildcard: one }] }, { v: [{ wildcard: '*d*e*f*' }] }, { v: [{ wildcard: '*g*h*i*' }] }],
    };
    assert.throws(() => matches(pattern, {}), /pattern\.v: the wildcards on this field are too complex/);
  });
});

describe('wildcardComplexity', () => {
  it('stays low for literal prefixes and repeated text after a single star', () => {
    assert.equal(wildcardComplexity([[parsed('arn:aws:events:us-east-1:*:event-bus/*')]]), 3);
    assert.ok(wildcardComplexity([[parsed('/Users/*/dir/dir/dir/dir/dir/doc.txt')]]) <= 10);
  });

  it('grows with the number of stars that can be alive together', () => {
    assert.equal(wildcardComplexity([[parsed('*:*:*:*:*:event-bus/*')]]), 11);
    assert.ok(wildcardComplexity([[parsed('*:*:*:*:event-bus/*')]]) <= 10);
  });

  it('is zero when there is nothing after the quotes to branch on', () => {
    assert.equal(wildcardComplexity([]), 0);
  });
});
