/**
 * Map: runs the item processor once per item (a `map` action) and outputs the array of iteration
 * outputs, in item order. JSONPath: InputPath → ItemsPath (default `$`) → ItemSelector (legacy:
 * Parameters) per item, with `$$.Map.Item.{Index,Value}` → iterations → ResultSelector →
 * ResultPath → OutputPath. JSONata: Items (default `$states.input`) → ItemSelector per item →
 * iterations → Output/Assign. Failures beyond the tolerance (default none) fail the state with
 * the first iteration's error, or States.ExceedToleratedFailureThreshold when a tolerance is set.
 */
import type { Json } from '../../data/json.js';
import type { MapState } from '../../definition/types.js';
import type { MapAction, Outcome, PendingWork } from '../api.js';
import { branchStart, firstFailure } from '../branches.js';
import { readPath, StatesError } from '../data-flow.js';
import { event } from '../events.js';
import { evaluate, finishJsonata } from '../jsonata-flow.js';
import { applyInputPath, applyTemplate, finishJsonPath, scopeOf } from '../jsonpath-flow.js';
import { done, nextOf, type StateHandler, type StateOutcome, type StateRun } from '../run.js';

export const mapHandler: StateHandler = {
  async enter(run: StateRun): Promise<StateOutcome> {
    const state = run.state as MapState;
    const jsonata = run.language === 'JSONata';
    const effective = jsonata ? run.input : applyInputPath(run, run.input);
    const items = await itemsOf(run, state, effective);
    const machine = state.ItemProcessor ?? state.Iterator ?? { StartAt: '', States: {} };
    const selector = state.ItemSelector ?? state.Parameters;
    const iterations = [];
    for (const [index, value] of items.entries()) {
      const itemRun: StateRun = {
        ...run,
        context: { ...run.context, Map: { Item: { Index: index, Value: value } } },
      };
      let input: Json = value;
      if (selector !== undefined) {
        input = jsonata
          ? ((await evaluate(itemRun, 'ItemSelector', selector)) ?? null)
          : applyTemplate(itemRun, 'ItemSelector', selector, effective);
      }
      iterations.push(
        branchStart(
          run,
          machine,
          input,
          { kind: 'iteration', index, mapStateName: run.name },
          { index, value },
        ),
      );
    }
    const action: MapAction = {
      kind: 'map',
      iterations,
      maxConcurrency: (await numberField(run, state, 'MaxConcurrency', effective)) ?? 0,
    };
    const count = await numberField(run, state, 'ToleratedFailureCount', effective);
    const percentage = await numberField(run, state, 'ToleratedFailurePercentage', effective);
    if (count !== undefined) action.toleratedFailureCount = count;
    if (percentage !== undefined) action.toleratedFailurePercentage = percentage;
    run.events.push(
      event('MapStateStarted', run.now, { mapStateStartedEventDetails: { length: items.length } }),
    );
    return { type: 'await', action, pending: { reason: 'action', effectiveInput: effective } };
  },

  async complete(run: StateRun, pending: PendingWork, outcome: Outcome): Promise<StateOutcome> {
    const state = run.state as MapState;
    if (!('branches' in outcome)) throw new Error('A Map state was resumed without iteration outcomes');
    const failures = outcome.branches.filter((o) => 'error' in o).length;
    const tolerance = await toleranceOf(run, state, pending.effectiveInput);
    if (failures > 0 && exceeds(tolerance, failures, outcome.branches.length)) {
      run.events.push(event('MapStateFailed', run.now));
      if (tolerance.count === undefined && tolerance.percentage === undefined) {
        return { type: 'error', ...(firstFailure(outcome.branches) as { error: string; cause: string }) };
      }
      return {
        type: 'error',
        error: 'States.ExceedToleratedFailureThreshold',
        cause: 'The specified tolerated failure threshold for the Map run was exceeded.',
      };
    }
    run.events.push(event('MapStateSucceeded', run.now));
    const result: Json[] = outcome.branches.map((o) =>
      'ok' in o ? o.ok : { Error: o.error, Cause: o.cause },
    );
    const { output, assign } =
      run.language === 'JSONata' ? await finishJsonata(run, result, { result }) : finishJsonPath(run, result);
    return done(output, assign, nextOf(state));
  },
};

/**
 * True when `failures` of `total` iterations exceed the tolerance (no tolerance set: any failure).
 * Exported for executors that stop a Map early.
 */
export function exceeds(
  tolerance: { count?: number; percentage?: number },
  failures: number,
  total: number,
): boolean {
  if (tolerance.count === undefined && tolerance.percentage === undefined) return failures > 0;
  const overCount = tolerance.count !== undefined && failures > tolerance.count;
  const overPct =
    tolerance.percentage !== undefined && total > 0 && (failures / total) * 100 > tolerance.percentage;
  // With both set, the state fails when either threshold is passed.
  if (tolerance.count !== undefined && tolerance.percentage !== undefined) return overCount || overPct;
  return tolerance.count !== undefined ? overCount : overPct;
}

async function toleranceOf(run: StateRun, state: MapState, effective: Json) {
  const out: { count?: number; percentage?: number } = {};
  const count = await numberField(run, state, 'ToleratedFailureCount', effective);
  const percentage = await numberField(run, state, 'ToleratedFailurePercentage', effective);
  if (count !== undefined) out.count = count;
  if (percentage !== undefined) out.percentage = percentage;
  return out;
}

async function itemsOf(run: StateRun, state: MapState, effective: Json): Promise<Json[]> {
  let items: Json | undefined;
  if (run.language === 'JSONata') {
    items = state.Items === undefined ? run.input : await evaluate(run, 'Items', state.Items);
  } else {
    items = state.ItemsPath === undefined ? effective : readPath(effective, state.ItemsPath, scopeOf(run));
  }
  if (!Array.isArray(items)) {
    throw new StatesError(
      run.language === 'JSONata' ? 'States.QueryEvaluationError' : 'States.Runtime',
      `The Map state's items must be a JSON array, got ${JSON.stringify(items ?? null)}`,
    );
  }
  return items;
}

type NumberField = 'MaxConcurrency' | 'ToleratedFailureCount' | 'ToleratedFailurePercentage';

/** A number given directly, by `<field>Path` (JSONPath) or as a JSONata expression. */
async function numberField(run: StateRun, state: MapState, field: NumberField, effective: Json) {
  const path = state[`${field}Path`];
  let value: Json | undefined =
    path !== undefined && run.language !== 'JSONata' ? readPath(effective, path, scopeOf(run)) : state[field];
  if (typeof value === 'string' && run.language === 'JSONata') value = await evaluate(run, field, value);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || value < 0) {
    throw new StatesError(
      'States.Runtime',
      `${field} must be a non-negative number, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
