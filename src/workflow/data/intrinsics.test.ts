import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateIntrinsic, type IntrinsicScope, intrinsicProblem, parseIntrinsic } from './intrinsics.js';
import { JavaRandom } from './java-random.js';
import { StatesError } from './states-error.js';

const scope: IntrinsicScope = {
  input: { name: 'Ann', template: 'Hi {}!', list: [3, 1, 3, 'x'], csv: 'a,b,,c', obj: { a: 1 }, n: 4 },
  context: { Execution: { Id: 'exec-1' } },
  variables: { greeting: 'Hello', extra: { b: [1, 2] } },
  random: () => 0.5,
};
const run = (expression: string) => evaluateIntrinsic(expression, scope, 'Param.$');

function assertFailure(expression: string, cause: RegExp, error = 'States.IntrinsicFailure'): void {
  assert.throws(
    () => run(expression),
    (e: unknown) => e instanceof StatesError && e.error === error && cause.test(e.cause),
    expression,
  );
}

describe('parsing', () => {
  it('parses nested calls, literals and paths of every kind', () => {
    const call = parseIntrinsic("States.Array('a', -1.5, true, null, $.x, $$.y, $v, States.UUID())");
    assert.equal(call.name, 'States.Array');
    assert.deepEqual(
      call.args.map((a) => a.kind),
      ['string', 'literal', 'literal', 'literal', 'path', 'path', 'path', 'call'],
    );
  });

  it('keeps brackets, quotes and commas inside a path argument', () => {
    const scopeWithOddKey = { ...scope, input: { 'a, b)': ['odd'] } };
    assert.equal(evaluateIntrinsic("States.Format('{}', $['a, b)'][0])", scopeWithOddKey), 'odd');
    const call = parseIntrinsic("States.Array($['a, b)'][0], $.c)");
    assert.deepEqual(call.args, [
      { kind: 'path', path: "$['a, b)'][0]" },
      { kind: 'path', path: '$.c' },
    ]);
  });

  it('reports syntax, unknown functions and argument counts as problems', () => {
    assert.equal(intrinsicProblem("States.Format('{} {}', $.a, States.Array(1, 2))"), undefined);
    assert.match(intrinsicProblem('States.Nope(1)') ?? '', /unknown function States\.Nope/);
    assert.match(intrinsicProblem("States.Format('x'") ?? '', /missing '\)'/);
    assert.match(intrinsicProblem('States.ArrayLength($.a, 1)') ?? '', /takes 1 argument\(s\), got 2/);
    assert.match(intrinsicProblem('States.MathRandom(1)') ?? '', /takes 2 to 3 argument/);
    assert.match(intrinsicProblem("States.Format('a\\b')") ?? '', /backslash/);
    assert.match(intrinsicProblem('States.Array($.a[)') ?? '', /not a valid JSONPath/);
    assert.match(intrinsicProblem('States.Array(foo)') ?? '', /expected a quoted string/);
  });

  it('allows at most 10 nested calls', () => {
    const nest = (depth: number): string => (depth === 0 ? '1' : `States.Array(${nest(depth - 1)})`);
    assert.equal(intrinsicProblem(nest(10)), undefined);
    assert.match(intrinsicProblem(nest(11)) ?? '', /nested at most 10/);
  });

  it('throws States.IntrinsicFailure when evaluating an invalid call', () => {
    assertFailure('States.Nope()', /unknown function/);
  });
});

describe('States.Format', () => {
  it('fills placeholders from literals, paths, the context object and variables', () => {
    assert.equal(run("States.Format('Hello {}', 'World')"), 'Hello World');
    assert.equal(run("States.Format('{} {}, {}', $greeting, $.name, $$.Execution.Id)"), 'Hello Ann, exec-1');
    assert.equal(run("States.Format($.template, 'Bo')"), 'Hi Bo!');
  });

  it('unescapes quotes, braces and backslashes; escaped braces are not placeholders', () => {
    assert.equal(run("States.Format('It\\'s {}', 'ok')"), "It's ok");
    assert.equal(run("States.Format('\\{\\} {} \\\\', 'x')"), '{} x \\');
    assert.equal(run("States.Format('say \"{}\"', 'hi')"), 'say "hi"');
  });

  it('prints numbers, booleans, null, arrays and objects like Step Functions', () => {
    assert.equal(run("States.Format('{} {} {} {}', 1.5, true, null, $.list)"), '1.5 true null [3, 1, 3, x]');
    assert.equal(run("States.Format('{}', $extra)"), '{b=[1, 2]}');
  });

  it('fails when the number of values does not match the placeholders', () => {
    assertFailure("States.Format('{} {}', 'a')", /2 placeholder\(s\).*1 value/);
    assertFailure("States.Format('{}', 'a', 'b')", /1 placeholder/);
    assertFailure('States.Format(1)', /argument 1 must be a string, got the number literal/);
  });
});

describe('JSON functions', () => {
  it('parses JSON text and prints JSON compactly', () => {
    assert.deepEqual(run('States.StringToJson(\'{"a": ["b"]}\')'), { a: ['b'] });
    assert.equal(run('States.StringToJson(\'"text"\')'), 'text');
    assert.equal(run('States.JsonToString($.obj)'), '{"a":1}');
    assert.equal(run("States.JsonToString('Hello')"), '"Hello"');
    assertFailure("States.StringToJson('{oops')", /not valid JSON/);
  });

  it('merges objects shallowly, the second winning, and refuses deep merges', () => {
    assert.deepEqual(run('States.JsonMerge($.obj, $extra, false)'), { a: 1, b: [1, 2] });
    assert.deepEqual(run('States.JsonMerge($.obj, States.StringToJson(\'{"a": {"z": 1}}\'), false)'), {
      a: { z: 1 },
    });
    assertFailure('States.JsonMerge($.obj, $extra, true)', /deep merging is not supported/);
    assertFailure('States.JsonMerge($.list, $extra, false)', /argument 1 must be a JSON object, got array/);
  });
});

describe('array functions', () => {
  it('builds arrays from any arguments', () => {
    assert.deepEqual(run('States.Array()'), []);
    assert.deepEqual(run("States.Array('A', 2, 2.2, $.n)"), ['A', 2, 2.2, 4]);
  });

  it('partitions arrays into chunks with a shorter last chunk', () => {
    assert.deepEqual(run('States.ArrayPartition(States.ArrayRange(1, 9, 1), 4)'), [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9],
    ]);
    assert.deepEqual(run('States.ArrayPartition(States.Array(), 4)'), []);
    assertFailure('States.ArrayPartition($.list, 0)', /positive integer/);
  });

  it('checks membership by value and type', () => {
    assert.equal(run('States.ArrayContains($.list, 3)'), true);
    assert.equal(run("States.ArrayContains($.list, '3')"), false);
    assert.equal(run('States.ArrayContains(States.Array($.obj), $.obj)'), true);
  });

  it('makes inclusive ranges, rounding non-integers, up to 1000 items', () => {
    assert.deepEqual(run('States.ArrayRange(1, 9, 2)'), [1, 3, 5, 7, 9]);
    assert.deepEqual(run('States.ArrayRange(1, 9, 5)'), [1, 6]);
    assert.deepEqual(run('States.ArrayRange(1.1, 9, 2)'), [1, 3, 5, 7, 9]);
    assert.deepEqual(run('States.ArrayRange(5, 1, -2)'), [5, 3, 1]);
    assert.deepEqual(run('States.ArrayRange(5, 1, 2)'), []);
    assert.equal((run('States.ArrayRange(1, 1000, 1)') as number[]).length, 1000);
    assertFailure('States.ArrayRange(1, 2000, 1)', /2000 items; at most 1000/);
    assertFailure('States.ArrayRange(1, 2, 0)', /must not be 0/);
  });

  it('gets items by index and fails outside the array', () => {
    assert.equal(run('States.ArrayGetItem($.list, 3)'), 'x');
    assertFailure('States.ArrayGetItem($.list, 10)', /index 10 is out of bounds/);
    assertFailure('States.ArrayGetItem($.list, -1)', /out of bounds/);
  });

  it('measures arrays and removes duplicates keeping first occurrences', () => {
    assert.equal(run('States.ArrayLength($.list)'), 4);
    assert.deepEqual(run('States.ArrayUnique($.list)'), [3, 1, 'x']);
    assert.deepEqual(run("States.ArrayUnique(States.Array(1, '1', $.obj, $.obj))"), [1, '1', { a: 1 }]);
    assertFailure('States.ArrayLength($.name)', /must be an array, got string/);
  });
});

describe('encoding and hashing', () => {
  it('encodes and decodes Base64 as UTF-8 text', () => {
    assert.equal(run("States.Base64Encode('ABC')"), 'QUJD');
    assert.equal(run("States.Base64Encode('')"), '');
    assert.equal(run("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"), 'Data to encode');
    assert.equal(run("States.Base64Decode(States.Base64Encode('ünï'))"), 'ünï');
    assertFailure("States.Base64Decode('not base64!')", /not valid Base64/);
  });

  it('limits Base64 input to 10,000 characters', () => {
    const scopeWithLong = { ...scope, input: { long: 'a'.repeat(10_001) } };
    assert.throws(() => evaluateIntrinsic('States.Base64Encode($.long)', scopeWithLong), /at most 10000/);
  });

  it('hashes with the five supported algorithms as lowercase hex', () => {
    assert.equal(run("States.Hash('ABC', 'MD5')"), '902fbdd2b1df0c4f70b4a5d23525e932');
    assert.equal(run("States.Hash('', 'SHA-1')"), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
    assert.equal(
      run("States.Hash('ABC', 'SHA-256')"),
      'b5d4045c3f466fa91fe2cc6abe79232a1a57cdf104f7a26e716e0a1e2789df78',
    );
    assert.equal((run("States.Hash('ABC', 'SHA-384')") as string).length, 96);
    assert.equal((run("States.Hash('ABC', 'SHA-512')") as string).slice(0, 16), '397118fdac8d83ad');
    assertFailure("States.Hash('ABC', 'SHA-3')", /'SHA-3' is not supported/);
  });
});

describe('math', () => {
  it('adds integers, rounding non-integers half up like Java', () => {
    assert.equal(run('States.MathAdd(1, 2)'), 3);
    assert.equal(run('States.MathAdd(111, -1)'), 110);
    assert.equal(run('States.MathAdd(1.2, -2.5)'), -1); // 1 + -2
    assert.equal(run('States.MathAdd(2.5, 0)'), 3);
    assertFailure('States.MathAdd(2147483648, 0)', /between -2147483648 and 2147483647/);
    assertFailure("States.MathAdd('1', 2)", /argument 1 must be a number, got the string literal/);
    assertFailure('States.MathAdd($.name, 2)', /argument 1 must be a number, got string/);
  });

  it('draws random integers in [start, end) from the injected source', () => {
    assert.equal(evaluateIntrinsic('States.MathRandom(1, 5)', { ...scope, random: () => 0 }), 1);
    assert.equal(evaluateIntrinsic('States.MathRandom(1, 5)', { ...scope, random: () => 0.999 }), 4);
    assertFailure('States.MathRandom(5, 5)', /start \(5\) must be less than the end/);
  });

  it('returns the same number for the same seed', () => {
    const first = run('States.MathRandom(1, 1000, 42)');
    assert.equal(run('States.MathRandom(1, 1000, 42)'), first);
    assert.equal(first, 1 + new JavaRandom(42).nextInt(999));
  });

  it('seeds like java.util.Random', () => {
    const random = new JavaRandom(42);
    assert.deepEqual([random.nextInt(10), random.nextInt(10), random.nextInt(10)], [0, 3, 8]);
    assert.equal(new JavaRandom(42).nextDouble(), 0.7275636800328681);
  });
});

describe('strings and identifiers', () => {
  it('splits on every character of the delimiter string and drops empty tokens', () => {
    assert.deepEqual(run("States.StringSplit('1,2,3', ',')"), ['1', '2', '3']);
    assert.deepEqual(run("States.StringSplit('This.is+a,test=string', '.+,=')"), [
      'This',
      'is',
      'a',
      'test',
      'string',
    ]);
    assert.deepEqual(run("States.StringSplit($.csv, ',')"), ['a', 'b', 'c']);
  });

  it('returns version 4 UUIDs', () => {
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(run('States.UUID()') as string, v4);
    const { random: _unused, ...unseeded } = scope;
    const a = evaluateIntrinsic('States.UUID()', unseeded);
    assert.match(a as string, v4);
    assert.notEqual(a, evaluateIntrinsic('States.UUID()', unseeded));
  });

  it('evaluates deeply nested calls', () => {
    const scopeWithArn = { ...scope, input: { Arn: 'arn:aws:imagebuilder:r:1:image/my.recipe/1.0' } };
    const expr =
      "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.Arn, '/'), 1), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.Arn, '/'), 1), '.'), 1))";
    assert.equal(evaluateIntrinsic(expr, scopeWithArn), 'my.recipe');
  });

  it('reports a missing path argument as States.Runtime naming the field', () => {
    assertFailure(
      'States.ArrayLength($.missing)',
      /'\$\.missing' specified for the field 'Param\.\$'/,
      'States.Runtime',
    );
  });
});

describe('literal argument types', () => {
  it('reports literals of the wrong type at deploy time and leaves paths to run time', () => {
    assert.match(
      intrinsicProblem("States.MathAdd(1, '-1')") ?? '',
      /argument 2 must be a number, got the string literal "-1"/,
    );
    assert.match(intrinsicProblem('States.JsonMerge($.a, $.b, 0)') ?? '', /argument 3 must be a boolean/);
    assert.match(intrinsicProblem("States.ArrayLength('abc')") ?? '', /must be an array/);
    assert.equal(intrinsicProblem('States.MathAdd($.a, States.ArrayLength($.b))'), undefined);
    assert.equal(intrinsicProblem("States.Format('{} {}', 1, true)"), undefined);
  });
});
