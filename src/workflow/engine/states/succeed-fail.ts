/**
 * Succeed ends the (sub-)execution with its output (InputPath → OutputPath, or JSONata Output).
 * Fail ends it with Error/Cause (or ErrorPath/CausePath, or JSONata expressions); Fail has no
 * output, Retry or Catch.
 */
import type { Json } from '../../data/json.js';
import type { FailState } from '../../definition/types.js';
import { readPath } from '../data-flow.js';
import { evaluate, finishJsonata } from '../jsonata-flow.js';
import { applyInputPath, applyOutputPath, scopeOf } from '../jsonpath-flow.js';
import type { StateHandler, StateOutcome, StateRun } from '../run.js';

export const succeedHandler: StateHandler = {
  async enter(run: StateRun): Promise<StateOutcome> {
    if (run.language === 'JSONata') {
      const { output } = await finishJsonata(run, run.input);
      return { type: 'done', output, next: undefined };
    }
    const output = applyOutputPath(run, applyInputPath(run, run.input));
    return { type: 'done', output, next: undefined };
  },
};

export const failHandler: StateHandler = {
  async enter(run: StateRun): Promise<StateOutcome> {
    const state = run.state as FailState;
    if (run.language === 'JSONata') {
      return {
        type: 'fail',
        error: text(await evaluate(run, 'Error', state.Error)),
        cause: text(await evaluate(run, 'Cause', state.Cause)),
      };
    }
    const scope = scopeOf(run);
    const error = state.ErrorPath !== undefined ? readPath(run.input, state.ErrorPath, scope) : state.Error;
    const cause = state.CausePath !== undefined ? readPath(run.input, state.CausePath, scope) : state.Cause;
    return { type: 'fail', error: text(error), cause: text(cause) };
  },
};

/** Error/Cause are strings; a path or expression yielding something else is shown as JSON. */
function text(value: Json | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
