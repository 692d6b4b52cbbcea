/**
 * Choice: picks the first rule that matches and moves to its `Next`, else `Default`, else fails
 * with States.NoChoiceMatched. JSONPath: InputPath (and Parameters) → rules → OutputPath; the
 * matched rule's Assign (else the state's) is applied. JSONata: each rule's `Condition`; the
 * matched rule's Assign/Output apply, the state-level ones only when Default is taken.
 */
import type { Json } from '../../data/json.js';
import type { ChoiceRule, ChoiceState } from '../../definition/types.js';
import { matches } from '../choice-rules.js';
import { members, StatesError } from '../data-flow.js';
import { evaluate } from '../jsonata-flow.js';
import { applyInputPath, applyOutputPath, applyTemplate, evaluateAssign, scopeOf } from '../jsonpath-flow.js';
import { done, type StateHandler, type StateOutcome, type StateRun } from '../run.js';

export const choiceHandler: StateHandler = {
  async enter(run: StateRun): Promise<StateOutcome> {
    const state = run.state as ChoiceState;
    return run.language === 'JSONata' ? chooseJsonata(run, state) : chooseJsonPath(run, state);
  },
};

function noMatch(): StateOutcome {
  return { type: 'error', error: 'States.NoChoiceMatched', cause: 'No Matches!' };
}

function chooseJsonPath(run: StateRun, state: ChoiceState): StateOutcome {
  const effective = applyTemplate(run, 'Parameters', state.Parameters, applyInputPath(run, run.input));
  const scope = scopeOf(run);
  const rule = state.Choices.find((r) => matches(r, effective, scope));
  const next = rule?.Next ?? state.Default;
  if (next === undefined) return noMatch();
  const assign = evaluateAssign(run, rule?.Assign ?? state.Assign, effective);
  return done(applyOutputPath(run, effective), assign, next);
}

async function chooseJsonata(run: StateRun, state: ChoiceState): Promise<StateOutcome> {
  let chosen: ChoiceRule | undefined;
  for (const rule of state.Choices) {
    const value =
      typeof rule.Condition === 'boolean'
        ? rule.Condition
        : await evaluate(run, 'Condition', rule.Condition ?? null);
    if (typeof value !== 'boolean') {
      throw new StatesError(
        'States.QueryEvaluationError',
        `The Condition of a Choice rule must evaluate to a boolean, got ${JSON.stringify(value ?? null)}`,
      );
    }
    if (value) {
      chosen = rule;
      break;
    }
  }
  const next = chosen?.Next ?? state.Default;
  if (next === undefined) return noMatch();
  const source: { Assign?: Record<string, Json>; Output?: Json } = chosen ?? state;
  const assign =
    source.Assign === undefined ? undefined : members(await evaluate(run, 'Assign', source.Assign));
  const output =
    source.Output === undefined ? run.input : ((await evaluate(run, 'Output', source.Output)) ?? null);
  return done(output, assign, next);
}
