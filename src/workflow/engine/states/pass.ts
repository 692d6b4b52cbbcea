/**
 * Pass: passes its input (or `Result`, or `Parameters`) to its output.
 * JSONPath: InputPath → Parameters → result = Result ?? parameters → ResultPath → OutputPath.
 * JSONata: Output (default: the input) and Assign.
 */
import type { PassState } from '../../definition/types.js';
import { finishJsonata } from '../jsonata-flow.js';
import { applyInputPath, applyTemplate, finishJsonPath } from '../jsonpath-flow.js';
import { done, nextOf, type StateHandler, type StateOutcome, type StateRun } from '../run.js';

export const passHandler: StateHandler = {
  async enter(run: StateRun): Promise<StateOutcome> {
    const state = run.state as PassState;
    if (run.language === 'JSONata') {
      const { output, assign } = await finishJsonata(run, run.input);
      return done(output, assign, nextOf(state));
    }
    const effective = applyInputPath(run, run.input);
    const result =
      state.Result !== undefined
        ? state.Result
        : applyTemplate(run, 'Parameters', state.Parameters, effective);
    const { output, assign } = finishJsonPath(run, result, { resultSelector: false });
    return done(output, assign, nextOf(state));
  },
};
