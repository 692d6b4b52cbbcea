/**
 * The JSONata data flow of a state: `Arguments` (Task, Parallel) → the state's work → `Output`
 * and `Assign`, all evaluated with `$states = {input, context, result?, errorOutput?}` and the
 * variables as they were when the state was entered (assignments take effect after the state).
 */
import type { Json } from '../data/json.js';
import { members, runJsonata, type StatesBinding } from './data-flow.js';
import type { StateRun } from './run.js';

export function statesOf(run: StateRun, extra: { result?: Json; errorOutput?: Json } = {}): StatesBinding {
  return { input: run.input, context: run.context, ...extra };
}

/** Evaluates a JSONata-bearing field value (any `{% %}` strings inside it). Undefined stays undefined. */
export async function evaluate(
  run: StateRun,
  field: string,
  value: Json | undefined,
  extra: { result?: Json; errorOutput?: Json } = {},
): Promise<Json | undefined> {
  if (value === undefined) return undefined;
  return runJsonata(value, statesOf(run, extra), run.variables, field, run.env.random);
}

/**
 * Completes a JSONata state: Output (default `fallback`) and Assign, both seeing `$states.result`
 * (when there is one).
 */
export async function finishJsonata(
  run: StateRun,
  fallback: Json,
  extra: { result?: Json; errorOutput?: Json } = {},
): Promise<{ output: Json; assign: Record<string, Json> | undefined }> {
  const assign =
    run.state.Assign === undefined
      ? undefined
      : members(await evaluate(run, 'Assign', run.state.Assign, extra));
  const output =
    run.state.Output === undefined
      ? fallback
      : ((await evaluate(run, 'Output', run.state.Output, extra)) ?? null);
  return { output, assign };
}
