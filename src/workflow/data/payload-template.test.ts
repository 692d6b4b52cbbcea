import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntrinsicScope } from './intrinsics.js';
import { evaluateTemplate, templateProblems } from './payload-template.js';
import { StatesError } from './states-error.js';

const scope: IntrinsicScope = {
  input: { product: { color: 'blue', sizes: ['s', 'm'] }, Existing: 'Value' },
  context: { Execution: { Id: 'exec-1' }, Map: { Item: { Value: 3 } } },
  variables: { MyVar: { Level2: 'v2' } },
};

describe('evaluateTemplate', () => {
  it('copies static values and does not evaluate path-like strings without the .$ suffix', () => {
    const template = { Static: 'Value', Param: '$.Existing', n: 1, flag: false, none: null };
    assert.deepEqual(evaluateTemplate(template, scope, 'Parameters'), template);
  });

  it('replaces .$ keys with path values from the input, context object and variables', () => {
    const template = {
      'color.$': '$.product.color',
      'id.$': '$$.Execution.Id',
      'item.$': '$$.Map.Item.Value',
      'v.$': '$MyVar.Level2',
      'whole.$': '$',
    };
    assert.deepEqual(evaluateTemplate(template, scope, 'Parameters'), {
      color: 'blue',
      id: 'exec-1',
      item: 3,
      v: 'v2',
      whole: scope.input,
    });
  });

  it('evaluates intrinsic functions under .$ keys', () => {
    const template = { 'greeting.$': "States.Format('{} is {}', $.Existing, $.product.color)" };
    assert.deepEqual(evaluateTemplate(template, scope, 'Parameters'), { greeting: 'Value is blue' });
  });

  it('recurses into nested objects and objects inside arrays', () => {
    const template = {
      OutputDetails: { colorData: { 'color.$': '$.product.color' }, 'sizes.$': '$.product.sizes' },
      list: [{ 'c.$': '$.product.color' }, 'plain', ['$.x']],
    };
    assert.deepEqual(evaluateTemplate(template, scope, 'Parameters'), {
      OutputDetails: { colorData: { color: 'blue' }, sizes: ['s', 'm'] },
      list: [{ c: 'blue' }, 'plain', ['$.x']],
    });
  });

  it('fails with States.Runtime naming the .$ key when a path is missing or not a path', () => {
    assert.throws(
      () => evaluateTemplate({ 'Param.$': '$.DoesNotExist' }, scope, 'Parameters'),
      (e: unknown) =>
        e instanceof StatesError &&
        e.error === 'States.Runtime' &&
        e.cause.startsWith(
          "The JSONPath '$.DoesNotExist' specified for the field 'Param.$' could not be found in the input",
        ),
    );
    assert.throws(
      () => evaluateTemplate({ 'Param.$': 'Invalid' }, scope, 'Parameters'),
      (e: unknown) => e instanceof StatesError && e.error === 'States.Runtime' && e.cause.includes('Invalid'),
    );
  });

  it('fails when a .$ value is not a string', () => {
    assert.throws(
      () => evaluateTemplate({ 'Var2.$': 2 }, scope, 'Assign'),
      (e: unknown) => e instanceof StatesError && /'Var2\.\$' in Assign must be a string/.test(e.cause),
    );
  });
});

describe('templateProblems', () => {
  it('finds nothing wrong with a valid template', () => {
    const template = {
      a: 1,
      'b.$': '$.x',
      c: [{ 'd.$': "States.Array($.y, 'z')" }],
      'e.$': '$$.Execution.Id',
      'f.$': '$v',
    };
    assert.deepEqual(templateProblems(template, 'Parameters'), []);
  });

  it('locates bad paths, bad intrinsic calls, non-string values and duplicate keys', () => {
    const problems = templateProblems(
      { 'a.$': 'nope', n: { 'b.$': 'States.Nope()' }, list: [{ 'c.$': 2 }], d: 1, 'd.$': '$.d' },
      'States.Pass.Parameters',
    );
    assert.deepEqual(
      problems.map((p) => p.path),
      [
        'States.Pass.Parameters.a.$',
        'States.Pass.Parameters.n.b.$',
        'States.Pass.Parameters.list[0].c.$',
        'States.Pass.Parameters.d.$',
      ],
    );
    assert.match(problems[0]?.message ?? '', /not a JSONPath/);
    assert.match(problems[1]?.message ?? '', /unknown function States\.Nope/);
    assert.match(problems[2]?.message ?? '', /needs a string/);
    assert.match(problems[3]?.message ?? '', /both 'd' and 'd\.\$'/);
  });
});
