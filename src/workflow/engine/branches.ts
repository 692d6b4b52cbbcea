/**
 * Sub-executions for Parallel branches and Map iterations. Each runs as its own ExecutionState
 * over the branch's sub-machine; the parent's visible variables become its read-only
 * `outerVariables`, and its `$$` is the parent's with `State` reset (and `Map.Item` for Map).
 */
import type { Json } from '../data/json.js';
import type { StateMachine } from '../definition/types.js';
import type { BranchOutcome, BranchStart, ContextObject, ExecutionScope, ExecutionState } from './api.js';
import type { StateRun } from './run.js';
import { isoOf } from './timestamps.js';

/** The sub-machine with the inherited QueryLanguage written in, so it runs on its own. */
export function inheritLanguage(machine: StateMachine, parent: StateMachine): StateMachine {
  if (machine.QueryLanguage !== undefined || parent.QueryLanguage === undefined) return machine;
  return { ...machine, QueryLanguage: parent.QueryLanguage };
}

/** A ready-to-step branch or iteration. */
export function branchStart(
  run: StateRun,
  machine: StateMachine,
  input: Json,
  scope: ExecutionScope,
  item?: { index: number; value: Json },
): BranchStart {
  const definition = inheritLanguage(machine, run.machine);
  const context: ContextObject = {
    Execution: run.context.Execution,
    State: { Name: definition.StartAt, EnteredTime: isoOf(run.now), RetryCount: 0 },
    StateMachine: run.context.StateMachine,
  };
  if (item !== undefined) context.Map = { Item: { Index: item.index, Value: item.value } };
  const start: ExecutionState = {
    version: 1,
    status: 'RUNNING',
    scope,
    current: definition.StartAt,
    input,
    variables: {},
    outerVariables: { ...run.variables },
    context,
    retries: [],
    steps: 0,
  };
  const branch: BranchStart = { definition, input, start };
  if (item !== undefined) branch.index = item.index;
  return branch;
}

/** The first failed outcome, if any. */
export function firstFailure(outcomes: BranchOutcome[]): { error: string; cause: string } | undefined {
  for (const o of outcomes) if ('error' in o) return o;
  return undefined;
}
