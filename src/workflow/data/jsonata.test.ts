import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateJsonata,
  evaluateJsonataTemplate,
  isJsonataExpression,
  type JsonataBindings,
  jsonataProblem,
  jsonataSurroundProblem,
  jsonataTemplateProblems,
} from './jsonata.js';
import { StatesError } from './states-error.js';

const bindings: JsonataBindings = {
  states: {
    input: { Existing: 'Value', root: ['1', '2'], n: 5, content: 'ABC', seed: 42 },
    context: { Execution: { Input: { Existing: 'FromContext' } }, Map: { Item: { Value: 1 } } },
    result: { StaticResponse: 'Value' },
  },
  variables: { B: 'C', count: 0, list: [1, 2, 3] },
  random: () => 0.25,
};
const run = (expression: string) => evaluateJsonata(expression, bindings, 'Output');

async function assertQueryError(expression: string, cause: RegExp, field = 'Output'): Promise<void> {
  await assert.rejects(
    evaluateJsonata(expression, bindings, field),
    (e: unknown) =>
      e instanceof StatesError && e.error === 'States.QueryEvaluationError' && cause.test(e.cause),
  );
}

describe('isJsonataExpression', () => {
  it('recognises only strings wrapped exactly in {% %}', () => {
    assert.equal(isJsonataExpression('{% $states.input %}'), true);
    assert.equal(isJsonataExpression('{%1%}'), true);
    assert.equal(isJsonataExpression(' {% 1 %}'), false);
    assert.equal(isJsonataExpression('{% 1 %} '), false);
    assert.equal(isJsonataExpression('$.x'), false);
    assert.equal(isJsonataExpression({ a: '{% 1 %}' }), false);
  });
});

describe('evaluateJsonata', () => {
  it('binds $states.input, $states.context, $states.result and workflow variables', async () => {
    assert.equal(await run('{% $states.input.Existing %}'), 'Value');
    assert.equal(await run('{% $states.context.Execution.Input.Existing %}'), 'FromContext');
    assert.deepEqual(await run("{% $merge([$states.input, {'output': $states.result}]) %}"), {
      ...(bindings.states.input as object),
      output: { StaticResponse: 'Value' },
    });
    assert.equal(await run('{% $B %}'), 'C');
    assert.equal(await run('{% $count + $sum($list) %}'), 6);
    assert.equal(await run('{% 2 %}'), 2);
    assert.equal(await run("{% 'I am designed to fail' %}"), 'I am designed to fail');
    assert.equal(await run('{% false %}'), false);
  });

  it('does not bind $states.result or $states.errorOutput when absent', async () => {
    const { result: _unused, ...states } = bindings.states;
    await assert.rejects(
      evaluateJsonata('{% $states.result %}', { ...bindings, states }, 'Output'),
      /returned nothing/,
    );
  });

  it('returns plain JSON: sequences become arrays and single results are unwrapped', async () => {
    assert.deepEqual(await run('{% $states.input.root %}'), ['1', '2']);
    assert.equal(await run('{% $states.input.root[0] %}'), '1');
    assert.deepEqual(await run('{% $list.($ * 2) %}'), [2, 4, 6]);
  });

  it('fails with States.QueryEvaluationError when the result is undefined', async () => {
    await assertQueryError(
      '{% $states.input.missing %}',
      /^The JSONata expression '\$states\.input\.missing' specified for the field 'Arguments\/Input\/id' returned nothing \(undefined\)\.$/,
      'Arguments/Input/id',
    );
  });

  it('reports evaluation and syntax errors with the JSONata error code', async () => {
    await assertQueryError(
      "{% $sum(['a']) %}",
      /specified for the field 'Output' threw an error during evaluation\. T0412: /,
    );
    await assertQueryError('{% 1 + %}', /threw an error during evaluation\. S0207: /);
  });

  it('provides the Step Functions functions $partition, $range, $hash, $random, $uuid and $parse', async () => {
    assert.deepEqual(await run('{% $partition([1,2,3,4,5,6,7,8,9], 4) %}'), [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9],
    ]);
    assert.deepEqual(await run('{% $range(0, 10, 2) %}'), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(await run('{% $range(3, 1, -1) %}'), [3, 2, 1]);
    assert.equal(
      await run("{% $hash($states.input.content, 'SHA-256') %}"),
      'b5d4045c3f466fa91fe2cc6abe79232a1a57cdf104f7a26e716e0a1e2789df78',
    );
    assert.equal(await run('{% $random() %}'), 0.25);
    assert.equal(await run('{% $random($states.input.seed) %}'), await run('{% $random(42) %}'));
    assert.match(
      (await run('{% $uuid() %}')) as string,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.deepEqual(await run('{% $parse(\'{"a": [1]}\') %}'), { a: [1] });
  });

  it('gives clear errors for misuse of the added functions', async () => {
    await assertQueryError("{% $hash('x', 'SHA-3') %}", /'SHA-3' is not supported/);
    await assertQueryError("{% $parse('{oops') %}", /not valid JSON/);
    await assertQueryError("{% $range('0', 4, 1) %}", /T0410/);
    await assertQueryError('{% $eval("1") %}', /\$eval is not available/);
  });

  it('reads randomness from the injected source only for that evaluation', async () => {
    const other = { ...bindings, random: () => 0.75 };
    const [a, b] = await Promise.all([
      run('{% $random() %}'),
      evaluateJsonata('{% $random() %}', other, 'Output'),
    ]);
    assert.deepEqual([a, b], [0.25, 0.75]);
  });
});

describe('evaluateJsonataTemplate', () => {
  it('replaces every {% %} string at any depth and keeps everything else', async () => {
    const template = {
      C: 'D',
      E: '{% $states.context.Map.Item.Value %}',
      list: ['{% 1 + 1 %}', 'x', { deep: '{% $B %}' }],
      n: 1,
      notAnExpression: 'text {% 1 %}',
    };
    assert.deepEqual(await evaluateJsonataTemplate(template, bindings, 'Arguments'), {
      C: 'D',
      E: 1,
      list: [2, 'x', { deep: 'C' }],
      n: 1,
      notAnExpression: 'text {% 1 %}',
    });
  });

  it('evaluates a whole-value expression', async () => {
    assert.deepEqual(await evaluateJsonataTemplate('{% $states.input.root %}', bindings, 'Items'), [
      '1',
      '2',
    ]);
  });

  it('names the failing field with / for keys and [i] for array items', async () => {
    await assert.rejects(
      evaluateJsonataTemplate({ a: { b: ['ok', '{% $nope %}'] } }, bindings, 'Output'),
      (e: unknown) =>
        e instanceof StatesError &&
        e.cause.includes("specified for the field 'Output/a/b[1]' returned nothing"),
    );
  });
});

describe('jsonataSurroundProblem', () => {
  it('flags strings that look like half-written expressions', () => {
    assert.equal(jsonataSurroundProblem('{% 1 %}'), undefined);
    assert.equal(jsonataSurroundProblem('plain text'), undefined);
    assert.match(jsonataSurroundProblem('{% x') ?? '', /must start with '\{%' and end with '%\}'/);
    assert.match(jsonataSurroundProblem('x %}') ?? '', /must start/);
    assert.match(jsonataSurroundProblem(' {% x %}') ?? '', /spaces outside/);
  });
});

describe('jsonataProblem', () => {
  it('accepts valid expressions and explains invalid ones', () => {
    assert.equal(jsonataProblem('{% $states.input.a + 1 %}'), undefined);
    assert.match(jsonataProblem('{% $states.input.a + %}') ?? '', /is not valid: S0207/);
    assert.match(jsonataProblem('{%  %}') ?? '', /empty/);
  });

  it('locates invalid expressions inside a JSONata-mode value', () => {
    const problems = jsonataTemplateProblems({ a: '{% 1 %}', b: ['{% ( %}'] }, 'Arguments');
    assert.deepEqual(
      problems.map((p) => p.path),
      ['Arguments/b[0]'],
    );
  });
});
