import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json } from './json.js';
import { isReferencePath, pathProblem, queryPath, resolvePath, setPath } from './jsonpath.js';
import { StatesError } from './states-error.js';

const shop: Json = {
  'order-id': 'o-1',
  'odd key': { 'a.b': 1 },
  items: [
    { sku: 'pen', price: 2, tags: ['office'], gift: false },
    { sku: 'lamp', price: 25, tags: ['home', 'office'] },
    { sku: 'mug', price: 8, tags: [], gift: true },
  ],
  owner: { name: 'Ann', address: { city: 'Oslo' } },
};

/** Asserts that `fn` throws a StatesError with this name and a cause matching `cause`. */
function assertStatesError(fn: () => unknown, error: string, cause: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StatesError, `expected a StatesError, got ${String(e)}`);
    assert.equal(e.error, error);
    assert.match(e.cause, cause);
    return true;
  });
}

describe('queryPath', () => {
  it('returns the whole input for $', () => {
    assert.deepEqual(queryPath('$', shop), shop);
  });

  it('returns the value itself for a definite path', () => {
    assert.equal(queryPath('$.owner.address.city', shop), 'Oslo');
    assert.equal(queryPath('$.items[1].sku', shop), 'lamp');
    assert.equal(queryPath("$['owner']['name']", shop), 'Ann');
    assert.equal(queryPath('$["owner"].name', shop), 'Ann');
  });

  it('reads names with hyphens in dot notation and other characters in brackets', () => {
    assert.equal(queryPath('$.order-id', shop), 'o-1');
    assert.equal(queryPath("$['odd key']['a.b']", shop), 1);
    assert.equal(queryPath("$.['odd key']", shop, 'x.$'), queryPath("$['odd key']", shop));
  });

  it('counts negative indexes from the end of an array', () => {
    assert.equal(queryPath('$.items[-1].sku', shop), 'mug');
  });

  it('returns an array of matches for wildcards, deep scans, unions and slices', () => {
    assert.deepEqual(queryPath('$.items[*].sku', shop), ['pen', 'lamp', 'mug']);
    assert.deepEqual(queryPath('$.items.*.price', shop), [2, 25, 8]);
    assert.deepEqual(queryPath('$..city', shop), ['Oslo']);
    assert.deepEqual(queryPath('$.items[0,2].sku', shop), ['pen', 'mug']);
    assert.deepEqual(queryPath("$.owner['name','missing']", shop), ['Ann']);
    assert.deepEqual(queryPath('$.items[1:].sku', shop), ['lamp', 'mug']);
    assert.deepEqual(queryPath('$.items[:-1].sku', shop), ['pen', 'lamp']);
    assert.deepEqual(queryPath('$.items[::2].sku', shop), ['pen', 'mug']);
    assert.deepEqual(queryPath('$.items[0:1].sku', shop), ['pen']);
  });

  it('filters array items with comparisons, boolean operators and regular expressions', () => {
    assert.deepEqual(queryPath('$.items[?(@.price < 10)].sku', shop), ['pen', 'mug']);
    assert.deepEqual(queryPath('$.items[?(@.price >= 8 && @.price <= 25)].sku', shop), ['lamp', 'mug']);
    assert.deepEqual(queryPath("$.items[?(@.sku == 'pen' || @.price > 20)].sku", shop), ['pen', 'lamp']);
    assert.deepEqual(queryPath("$.items[?(@.sku != 'pen')].sku", shop), ['lamp', 'mug']);
    assert.deepEqual(queryPath('$.items[?(@.sku =~ /^m.*/)].sku', shop), ['mug']);
    assert.deepEqual(queryPath('$.items[?(@.sku =~ /P.n/i)].sku', shop), ['pen']);
    assert.deepEqual(queryPath("$.items[?(@.sku in ['mug', 'pen'])].sku", shop), ['pen', 'mug']);
    assert.deepEqual(queryPath("$.items[?(@.tags anyof ['home'])].sku", shop), ['lamp']);
    assert.deepEqual(queryPath('$.items[?(@.tags size 2)].sku', shop), ['lamp']);
    assert.deepEqual(queryPath('$.items[?(@.tags empty true)].sku', shop), ['mug']);
    assert.deepEqual(queryPath('$.items[?(@.price > $.items[2].price)].sku', shop), ['lamp']);
  });

  it('accepts the Jayway forms the asl-validator suite calls valid', () => {
    assert.deepEqual(queryPath('$.items[?(@.sku == pen)].price', shop), [2]);
    assert.deepEqual(queryPath('$.items[(@.length-1)].sku', shop), ['mug']);
    assert.equal(pathProblem('$[(@.length-1)].bar', 'path'), undefined);
  });

  it('treats a lone path in a filter as an existence test, as Jayway does', () => {
    // gift: false still exists, so the pen is selected.
    assert.deepEqual(queryPath('$.items[?(@.gift)].sku', shop), ['pen', 'mug']);
    assert.deepEqual(queryPath('$.items[?(!@.gift)].sku', shop), ['lamp']);
  });

  it('returns an empty array when an indefinite path matches nothing', () => {
    assert.deepEqual(queryPath('$.items[?(@.price > 100)]', shop), []);
    assert.deepEqual(queryPath('$.items[*].colour', shop), []);
  });

  it('applies path functions such as length()', () => {
    assert.equal(queryPath('$.items.length()', shop), 3);
    assert.equal(queryPath('$.items[*].price.sum()', shop), 35);
    assert.equal(queryPath('$.items[*].price.max()', shop), 25);
    assert.deepEqual(queryPath('$.owner.keys()', shop), ['name', 'address']);
  });

  it('fails with States.Runtime in AWS wording when a definite path matches nothing', () => {
    assertStatesError(
      () => queryPath('$.DoesNotExist', { a: 1 }, 'InputPath'),
      'States.Runtime',
      /^The JSONPath '\$\.DoesNotExist' specified for the field 'InputPath' could not be found in the input '\{"a":1\}'$/,
    );
    assertStatesError(() => queryPath('$.items[7]', shop), 'States.Runtime', /could not be found/);
    assertStatesError(() => queryPath('$.owner.name.first', shop), 'States.Runtime', /could not be found/);
  });

  it('fails when a member before the indefinite part is missing, as Jayway does', () => {
    assertStatesError(() => queryPath('$.missing[*]', shop), 'States.Runtime', /'\$\.missing\[\*\]'/);
  });

  it('rejects malformed paths with States.Runtime', () => {
    assertStatesError(() => queryPath('$.items[', shop), 'States.Runtime', /is not valid/);
    assertStatesError(() => queryPath('items', shop), 'States.Runtime', /must start with '\$'/);
    assertStatesError(() => queryPath('$.items.nope()', shop), 'States.Runtime', /unknown path function/);
  });
});

describe('pathProblem and isReferencePath', () => {
  it('accepts reference paths to the input, the context object and variables', () => {
    for (const path of [
      '$',
      '$.a',
      "$['a b'][0]",
      '$.a[-1].b',
      '$$',
      '$$.Execution.Id',
      '$myVar',
      '$my_var.x[2]',
    ]) {
      assert.equal(pathProblem(path, 'reference'), undefined, path);
      assert.equal(isReferencePath(path), true, path);
    }
  });

  it('rejects wildcards, filters, slices, unions, deep scans and functions in reference paths', () => {
    for (const path of ['$.a[*]', '$..a', '$.a[?(@.b)]', '$.a[0:2]', '$.a[0,1]', '$.a.*', '$.a.length()']) {
      assert.match(pathProblem(path, 'reference') ?? '', /not a Reference Path/, path);
      assert.equal(pathProblem(path, 'path'), undefined, path);
    }
  });

  it('explains what is wrong with a malformed path', () => {
    assert.match(pathProblem('a.b', 'path') ?? '', /must be '\$'/);
    assert.match(pathProblem("$['a", 'path') ?? '', /unterminated/);
    assert.match(pathProblem('$.a[?(@.b <)]', 'path') ?? '', /not a valid JSONPath/);
  });
});

describe('setPath', () => {
  it('replaces the whole value for $', () => {
    assert.deepEqual(setPath({ a: 1 }, '$', 'x'), 'x');
  });

  it('writes into a copy and creates missing objects along the way', () => {
    const input = { a: { keep: true } };
    const output = setPath(input, '$.a.b.c', [1]);
    assert.deepEqual(output, { a: { keep: true, b: { c: [1] } } });
    assert.deepEqual(input, { a: { keep: true } }, 'the input is not mutated');
  });

  it('replaces an existing array element', () => {
    assert.deepEqual(setPath({ list: [1, 2, 3] }, '$.list[-1]', 9), { list: [1, 2, 9] });
  });

  it('fails with States.ResultPathMatchFailure when the input has the wrong shape', () => {
    assertStatesError(
      () => setPath({ a: 'text' }, '$.a.b', 1),
      'States.ResultPathMatchFailure',
      /^Unable to apply ReferencePath \$\.a\.b to input \{"a":"text"\}$/,
    );
    assertStatesError(
      () => setPath({ list: [] }, '$.list[0]', 1),
      'States.ResultPathMatchFailure',
      /list\[0\]/,
    );
    assertStatesError(() => setPath('text', '$.a', 1), 'States.ResultPathMatchFailure', /"text"/);
  });

  it('refuses paths that are not reference paths', () => {
    assertStatesError(() => setPath({}, '$.a[*]', 1), 'States.Runtime', /not a Reference Path/);
  });
});

describe('resolvePath', () => {
  const scope = {
    input: { id: 7 },
    context: { Execution: { Id: 'exec-1', Input: { id: 1 } } },
    variables: { order: { lines: ['a', 'b'] }, count: 0 },
  };

  it('reads the input for $ paths and the context object for $$ paths', () => {
    assert.equal(resolvePath('$.id', scope), 7);
    assert.equal(resolvePath('$$.Execution.Id', scope), 'exec-1');
    assert.deepEqual(resolvePath('$$', scope), scope.context);
  });

  it('reads workflow variables for $name paths, including falsy values', () => {
    assert.deepEqual(resolvePath('$order', scope), { lines: ['a', 'b'] });
    assert.equal(resolvePath('$order.lines[1]', scope), 'b');
    assert.equal(resolvePath('$count', scope), 0);
  });

  it('also reads $$name as a variable, the spelling some ASL tools use', () => {
    assert.equal(resolvePath('$$order.lines[0]', scope), 'a');
  });

  it('fails with States.Runtime for an unassigned variable', () => {
    assertStatesError(
      () => resolvePath('$nope.x', scope, 'p.$'),
      'States.Runtime',
      /variable '\$nope'.*'p\.\$'.*not defined/,
    );
  });

  it('reports a missing context path with the expression the user wrote', () => {
    assertStatesError(
      () => resolvePath('$$.Execution.Nope', scope, 'p.$'),
      'States.Runtime',
      /'\$\$\.Execution\.Nope'/,
    );
  });

  it('fails with States.Runtime, naming the text, when the expression is not a path', () => {
    assertStatesError(
      () => resolvePath('Invalid', scope, 'Param.$'),
      'States.Runtime',
      /'Invalid'.*'Param\.\$'/,
    );
  });
});
