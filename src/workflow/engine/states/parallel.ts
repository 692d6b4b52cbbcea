/**
 * Parallel: runs every branch on the same input (a `parallel` action) and outputs the array of
 * branch outputs, in branch order. Any failed branch fails the state with that branch's error
 * (Retry/Catch apply). JSONPath: InputPath → Parameters → branches → ResultSelector → ResultPath →
 * OutputPath. JSONata: Arguments → branches → Output/Assign.
 */
import type { Json } from '../../data/json.js';
import type { ParallelState } from '../../definition/types.js';
import type { Outcome, PendingWork } from '../api.js';
import { branchStart, firstFailure } from '../branches.js';
import { event } from '../events.js';
import { evaluate, finishJsonata } from '../jsonata-flow.js';
import { applyInputPath, applyTemplate, finishJsonPath } from '../jsonpath-flow.js';
import { done, nextOf, type StateHandler, type StateOutcome, type StateRun } from '../run.js';

export const parallelHandler: StateHandler = {
  async enter(run: StateRun): Promise<StateOutcome> {
    const state = run.state as ParallelState;
    let effective = run.input;
    let branchInput: Json;
    if (run.language === 'JSONata') {
      branchInput =
        state.Arguments === undefined
          ? run.input
          : ((await evaluate(run, 'Arguments', state.Arguments)) ?? null);
    } else {
      effective = applyInputPath(run, run.input);
      branchInput = applyTemplate(run, 'Parameters', state.Parameters, effective);
    }
    const branches = state.Branches.map((machine, index) =>
      branchStart(run, machine, branchInput, { kind: 'branch', index }),
    );
    run.events.push(event('ParallelStateStarted', run.now));
    return {
      type: 'await',
      action: { kind: 'parallel', branches },
      pending: { reason: 'action', effectiveInput: effective },
    };
  },

  async complete(run: StateRun, _pending: PendingWork, outcome: Outcome): Promise<StateOutcome> {
    const state = run.state as ParallelState;
    if (!('branches' in outcome)) throw new Error('A Parallel state was resumed without branch outcomes');
    const failure = firstFailure(outcome.branches);
    if (failure !== undefined) {
      run.events.push(event('ParallelStateFailed', run.now));
      return { type: 'error', ...failure };
    }
    run.events.push(event('ParallelStateSucceeded', run.now));
    const result: Json[] = outcome.branches.map((o) => ('ok' in o ? o.ok : null));
    const { output, assign } =
      run.language === 'JSONata' ? await finishJsonata(run, result, { result }) : finishJsonPath(run, result);
    return done(output, assign, nextOf(state));
  },
};
