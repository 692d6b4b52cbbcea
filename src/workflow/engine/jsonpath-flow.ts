/**
 * The JSONPath data flow of a state:
 *
 *   raw input → InputPath → Parameters → (the state's work) → ResultSelector → ResultPath → OutputPath
 *
 * Assign is evaluated with `$` = the result after ResultSelector, against the variables as they
 * were when the state was entered. Errors: a path that matches nothing in InputPath/OutputPath is
 * States.Runtime; in Parameters/ResultSelector States.ParameterPathFailure... as the data layer
 * reports; a ResultPath that cannot be written is States.ResultPathMatchFailure.
 */
import type { Json } from '../data/json.js';
import type { BaseState } from '../definition/types.js';
import { type DataScope, fillTemplate, members, readPath, StatesError, writePath } from './data-flow.js';
import type { StateRun } from './run.js';

export function scopeOf(run: StateRun): DataScope {
  return { context: run.context, variables: run.variables, random: run.env.random };
}

/** InputPath: absent → the input; null → `{}`. */
export function applyInputPath(run: StateRun, input: Json): Json {
  const path = run.state.InputPath;
  if (path === undefined) return input;
  if (path === null) return {};
  return readPath(input, path, scopeOf(run), 'InputPath');
}

/** Parameters (or another template field) over the effective input; absent → the effective input. */
export function applyTemplate(run: StateRun, field: string, template: Json | undefined, data: Json): Json {
  if (template === undefined) return data;
  return fillTemplate(template, data, scopeOf(run), field);
}

/** ResultPath: absent → the result; null → the raw input; a path → the input with the result set there. */
export function applyResultPath(input: Json, path: string | null | undefined, result: Json): Json {
  if (path === undefined || path === '$') return result;
  if (path === null) return input;
  try {
    return writePath(input, path, result);
  } catch (err) {
    if (err instanceof StatesError) throw new StatesError('States.ResultPathMatchFailure', err.cause);
    throw err;
  }
}

/** OutputPath: absent → the value; null → `{}`. */
export function applyOutputPath(run: StateRun, value: Json): Json {
  const path = run.state.OutputPath;
  if (path === undefined) return value;
  if (path === null) return {};
  return readPath(value, path, scopeOf(run), 'OutputPath');
}

/** Evaluates an Assign block against `data` (`$`), returning name → value. */
export function evaluateAssign(
  run: StateRun,
  assign: Record<string, Json> | undefined,
  data: Json,
): Record<string, Json> | undefined {
  if (assign === undefined) return undefined;
  return members(fillTemplate(assign, data, scopeOf(run), 'Assign'));
}

/**
 * Completes a state that produced `result`: ResultSelector, Assign, ResultPath (into the raw
 * input), OutputPath.
 */
export function finishJsonPath(
  run: StateRun,
  result: Json,
  options: { resultSelector?: boolean } = {},
): { output: Json; assign: Record<string, Json> | undefined } {
  const state: BaseState = run.state;
  const selected =
    options.resultSelector !== false && state.ResultSelector !== undefined
      ? fillTemplate(state.ResultSelector, result, scopeOf(run), 'ResultSelector')
      : result;
  const assign = evaluateAssign(run, state.Assign, selected);
  const merged = applyResultPath(run.input, state.ResultPath, selected);
  return { output: applyOutputPath(run, merged), assign };
}
