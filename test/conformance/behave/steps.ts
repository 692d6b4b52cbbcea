/**
 * Step definitions for the behave-asl features: one regular expression per phrasing (checked
 * against all 92 files), each acting on the scenario's World. Assertions throw AssertionError.
 */
import assert from 'node:assert/strict';
import { type Json, jsonEquals } from '../../../src/workflow/data/json.js';
import { queryPath } from '../../../src/workflow/data/jsonpath.js';
import { looseEquals, type ResourceStub, type World } from './world.js';

type Handler = (world: World, args: string[], doc: string | undefined) => void | Promise<void>;

const SIMPLE = JSON.stringify({
  StartAt: 'FirstState',
  States: { FirstState: { Type: 'Pass', Next: 'EndState' }, EndState: { Type: 'Pass', End: true } },
});

function json(doc: string | undefined): Json {
  return JSON.parse(doc ?? 'null') as Json;
}

/** JSON when the doc string is JSON, else the raw text as a string. */
function jsonOrText(doc: string | undefined): Json {
  try {
    return json(doc);
  } catch {
    return (doc ?? '').trim();
  }
}

function stub(world: World, resource: string): ResourceStub {
  const s = world.resources.get(resource) ?? {};
  world.resources.set(resource, s);
  return s;
}

function forInput(world: World, state: string, label: string) {
  const byLabel = world.forInput.get(state) ?? new Map<string, { calledWith?: Json; result?: Json }>();
  world.forInput.set(state, byLabel);
  const entry = byLabel.get(label) ?? {};
  byLabel.set(label, entry);
  return entry;
}

function resultAt(world: World, path: string): Json | undefined {
  assert.ok(world.stepOutput !== undefined, 'the step produced no result data');
  try {
    return queryPath(path.startsWith('$') ? path : `$.${path}`, world.stepOutput);
  } catch {
    return undefined;
  }
}

/** Python's str() of a value (the suite's step definitions are Python). */
function pyText(v: Json | undefined): string {
  return typeof v === 'string' ? v : pyRepr(v ?? null);
}

function pyRepr(v: Json): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `'${k}': ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}

function assertMatches(value: Json | undefined, expected: string, what: string): void {
  assert.ok(value !== undefined, `${what} does not exist`);
  const ok = looseEquals(value, expected) || pyText(value) === expected || String(value) === expected;
  assert.ok(ok, `${what} is ${JSON.stringify(value)}, expected ${expected}`);
}

function variablesOf(world: World): Record<string, Json> {
  const s = world.state;
  return s === undefined ? {} : { ...s.outerVariables, ...s.variables };
}

export const STEPS: Array<[RegExp, Handler]> = [
  [
    /^a state machine defined by:?$/,
    (w, _, d) => {
      w.definitionText = d ?? '';
    },
  ],
  [
    /^an invalid state machine defined by:?$/,
    (w, _, d) => {
      w.definitionText = d ?? '';
    },
  ],
  [
    /^a simple state machine$/,
    (w) => {
      w.definitionText = SIMPLE;
    },
  ],
  [
    /^the execution input is:?$/,
    (w, _, d) => {
      w.executionInput = json(d);
    },
  ],
  [
    /^the current state data is:?$/,
    (w, _, d) => {
      w.stateData = json(d);
    },
  ],
  [
    /^the current variables are:?$/,
    (w, _, d) => {
      w.variables = json(d) as Record<string, Json>;
    },
  ],
  [
    /^the (?:state machine is current|execution is currently) at the state "(.*)"$/,
    (w, [s]) => {
      w.startState = s as string;
    },
  ],
  [
    /^the retry count is "(\d+)"$/,
    (w, [n]) => {
      w.retryCount = Number(n);
    },
  ],
  [
    /^the resource "(.*)" will return:?$/,
    (w, [r], d) => {
      stub(w, r as string).result = jsonOrText(d);
    },
  ],
  [
    /^the resource "(.*)" will be called with:?$/,
    (w, [r], d) => {
      stub(w, r as string).calledWith = json(d);
    },
  ],
  [
    /^the resource "(.*)" will be called with any parameters and return:?$/,
    (w, [r], d) => {
      stub(w, r as string).result = jsonOrText(d);
    },
  ],
  [
    /^the resource "(.*)" will be called with any parameters using role "(.*)" and return:?$/,
    (w, [r, role], d) => {
      Object.assign(stub(w, r as string), { role, result: jsonOrText(d) });
    },
  ],
  [
    /^the resource "(.*)" will be called with any parameters and fail with error "(.*)"$/,
    (w, [r, e]) => {
      stub(w, r as string).error = e as string;
    },
  ],
  [
    /^the resource "(.*)" will be called with any parameters, with role "(.*)" and fail with error "(.*)"$/,
    (w, [r, role, e]) => {
      Object.assign(stub(w, r as string), { role, error: e });
    },
  ],
  [
    /^the resource "(.*)" will be called with role "(.*)" and parameters:?$/,
    (w, [r, role], d) => {
      Object.assign(stub(w, r as string), { role, calledWith: json(d) });
    },
  ],
  [
    /^branch (\d+) will return:?$/,
    (w, [i], d) => {
      w.branches.set(Number(i), jsonOrText(d));
    },
  ],
  [
    /^for input "(.*)", the state "(.*)" will be called with:?$/,
    (w, [l, s], d) => {
      forInput(w, s as string, l as string).calledWith = jsonOrText(d);
    },
  ],
  [
    /^for input "(.*)", the state "(.*)" will return JSON:?$/,
    (w, [l, s], d) => {
      forInput(w, s as string, l as string).result = json(d);
    },
  ],
  [
    /^for input "(.*)", the state "(.*)" will return:?$/,
    (w, [l, s], d) => {
      forInput(w, s as string, l as string).result = jsonOrText(d);
    },
  ],
  [
    /^the state "(.*)" will return "(.*)" when invoked with any unknown parameters$/,
    (w, [s, v]) => {
      w.unknownResult.set(s as string, v as string);
    },
  ],
  [/^the parser runs$/, (w) => void w.compile()],
  [/^the parser fails$/, (w) => assert.ok(w.compileError !== undefined, 'the definition was accepted')],
  [
    /^a "StateMachineModel" is created$/,
    (w) => assert.ok(w.definition !== undefined, `the definition was rejected: ${String(w.compileError)}`),
  ],
  [
    /^the "(.*)" step is a "(.*)State" object$/,
    (w, [s, type]) =>
      assert.equal((w.definition?.States[s as string] as { Type?: string } | undefined)?.Type, type),
  ],
  [
    /^the state machine executes$/,
    async (w) => {
      if (w.compile()) await w.executeOne();
    },
  ],
  [
    /^the state machine failed to compile$/,
    (w) => assert.ok(w.compileError !== undefined, 'the definition compiled'),
  ],
  [
    /^the step result is:?$/,
    (w, _, d) => {
      w.stepOutput = json(d);
    },
  ],
  [
    /^the step sets "(.*)" as the next state$/,
    (w, [s]) => {
      w.state = { status: 'RUNNING', current: s } as World['state'];
    },
  ],
  [
    /^the step ends the execution in a successful state$/,
    (w) => {
      w.state = { status: 'SUCCEEDED' } as World['state'];
    },
  ],
  [
    /^the step ends the execution in a failure state$/,
    (w) => {
      w.state = { status: 'FAILED' } as World['state'];
    },
  ],
  [/^the next state is "(.*)"$/, (w, [s]) => assertState(w, s as string)],
  [
    /^the execution ended$/,
    (w) => assert.notEqual(w.state?.status ?? 'RUNNING', 'RUNNING', 'the execution is still running'),
  ],
  [/^the execution succeeded$/, (w) => assert.equal(w.state?.status, 'SUCCEEDED', failure(w))],
  [/^the execution failed$/, (w) => assert.equal(w.state?.status, 'FAILED')],
  [/^the execution error was null$/, (w) => assert.equal(w.state?.error, undefined)],
  [/^the execution error was "(.*)"$/, (w, [e]) => assert.equal(w.state?.error, e, failure(w))],
  [/^the execution error cause was null$/, (w) => assert.equal(w.state?.cause, undefined)],
  [/^the execution error cause was "(.*)"$/, (w, [c]) => assert.equal(w.state?.cause, c)],
  [
    /^the execution error cause contained "(.*)"$/,
    (w, [c]) => assert.ok(w.state?.cause?.includes(c as string), `cause: ${w.state?.cause}`),
  ],
  [
    /^the step result data is:?$/,
    (w, _, d) =>
      assert.ok(jsonEquals(w.stepOutput ?? null, json(d)), `result: ${JSON.stringify(w.stepOutput)}`),
  ],
  [/^the step result data is not:?$/, (w, _, d) => assert.ok(!jsonEquals(w.stepOutput ?? null, json(d)))],
  [
    /^the step result data path "(.*)" matches "(.*)"$/,
    (w, [p, v]) => assertMatches(resultAt(w, p as string), v as string, `${p}`),
  ],
  [
    /^the step result data path "(.*)" is (True|False|true|false)$/,
    (w, [p, v]) => assert.equal(resultAt(w, p as string), v?.toLowerCase() === 'true'),
  ],
  [
    /^the step result data path "(.*)" is a string$/,
    (w, [p]) => assert.equal(typeof resultAt(w, p as string), 'string'),
  ],
  [
    /^the step result data path "(.*)" is an int$/,
    (w, [p]) => assert.ok(Number.isInteger(resultAt(w, p as string))),
  ],
  [
    /^the step result data path "(.*)" is a list$/,
    (w, [p]) => assert.ok(Array.isArray(resultAt(w, p as string))),
  ],
  [
    /^the step result data path "(.*)" is a dict$/,
    (w, [p]) => {
      const v = resultAt(w, p as string);
      assert.ok(typeof v === 'object' && v !== null && !Array.isArray(v));
    },
  ],
  [
    /^the step result data path "(.*)" does not exist$/,
    (w, [p]) => assert.equal(resultAt(w, p as string), undefined),
  ],
  [
    /^the step result data path "(.*)" (?:has length|has) "(\d+)"(?: entry| entries)?$/,
    (w, [p, n]) => {
      const v = resultAt(w, p as string);
      const size =
        Array.isArray(v) || typeof v === 'string'
          ? v.length
          : typeof v === 'object' && v !== null
            ? Object.keys(v).length
            : -1;
      assert.equal(size, Number(n));
    },
  ],
  [
    /^the step result data path "(.*)" contains "(.*)"$/,
    (w, [p, x]) => {
      const v = resultAt(w, p as string);
      const ok = Array.isArray(v)
        ? v.some((item) => looseEquals(item, x as string))
        : typeof v === 'string'
          ? v.includes(x as string)
          : typeof v === 'object' && v !== null && Object.hasOwn(v, x as string);
      assert.ok(ok, `${JSON.stringify(v)} does not contain ${x}`);
    },
  ],
  [
    /^the variable path "(.*)" matches "(.*)"$/,
    (w, [p, v]) => assertMatches(queryOr(variablesOf(w), p as string), v as string, `variable ${p}`),
  ],
  [
    /^the variable path "(.*)" does not exist$/,
    (w, [p]) => assert.equal(queryOr(variablesOf(w), p as string), undefined),
  ],
  [
    /^the context path "(.*)" matches "(.*)"$/,
    (w, [p, v]) =>
      assertMatches(queryOr(w.state?.context as unknown as Json, p as string), v as string, `context ${p}`),
  ],
  [
    /^the last state waited for "(\d+)" seconds$/,
    (w, [n]) => assert.equal(((w.lastWait?.until ?? Number.NaN) - (w.lastWait?.now ?? 0)) / 1000, Number(n)),
  ],
  [
    /^the last state waited until "(.*)"$/,
    (w, [t]) => assert.equal(w.lastWait?.until, Date.parse(t as string)),
  ],
  [
    /^the last state ran with a max of "(\d+)" concurrent executions$/,
    (w, [n]) => assert.equal(w.lastMapConcurrency, Number(n)),
  ],
  [
    /^the states "MaxConcurrency" field was "(\d+)"$/,
    (w, [n]) => assert.equal(w.lastMapConcurrency, Number(n)),
  ],
  [/^the JSON output of "(.*)" is:?$/, (w, [s], d) => assert.deepEqual(w.outputs.get(s as string), json(d))],
  [
    /^branches were called with:?$/,
    (w, _, d) => {
      assert.ok(w.branchInputs.length > 0, 'no branch was called');
      for (const input of w.branchInputs) assert.deepEqual(input, json(d));
    },
  ],
];

function queryOr(data: Json, path: string): Json | undefined {
  try {
    return queryPath(path.startsWith('$') ? path : `$.${path}`, data);
  } catch {
    return undefined;
  }
}

function failure(w: World): string {
  return `status ${w.state?.status}, error ${w.state?.error}: ${w.state?.cause}; compile: ${String(w.compileError ?? '')} ${JSON.stringify((w.compileError as { details?: unknown })?.details ?? '')}`;
}

function assertState(w: World, name: string): void {
  assert.equal(w.state?.status, 'RUNNING', `the execution is not running: ${failure(w)}`);
  assert.equal(w.state?.current, name);
}
