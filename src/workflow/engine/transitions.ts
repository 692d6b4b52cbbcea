/**
 * How a state's outcome moves the execution: to `Next` (with variables assigned), to the end
 * (SUCCEEDED), through Retry (a `wait` action, then the state runs again) or Catch (to the
 * catcher's `Next`), or to failure (FAILED). Mutates the cloned `next` state it is given.
 */
import type { Json } from '../data/json.js';
import type { Catcher, StateMachine, TaskState } from '../definition/types.js';
import type { ExecutionState, HistoryEvent, StepResult } from './api.js';
import { members, StatesError } from './data-flow.js';
import { findCatcher, findRetrier, maxAttempts, retryDelayMs } from './errors.js';
import { event, jsonText, stateExited } from './events.js';
import { evaluate } from './jsonata-flow.js';
import { applyResultPath, evaluateAssign } from './jsonpath-flow.js';
import type { DoneOutcome, ErrorOutcome, FailOutcome, StateRun } from './run.js';

/** Applies a finished state: Assign, StateExited, then Next or the end of the (sub-)execution. */
export function settleDone(
  next: ExecutionState,
  run: StateRun,
  outcome: DoneOutcome,
  events: HistoryEvent[],
): void {
  if (outcome.assign !== undefined) Object.assign(next.variables, outcome.assign);
  events.push(stateExited(run.state.Type, run.name, outcome.output, outcome.assign, run.now));
  next.retries = [];
  if (outcome.next !== undefined) {
    next.current = outcome.next;
    next.input = outcome.output;
    return;
  }
  next.status = 'SUCCEEDED';
  next.current = undefined;
  next.output = outcome.output;
  next.input = outcome.output;
  if (next.scope.kind === 'execution') {
    events.push(
      event('ExecutionSucceeded', run.now, {
        executionSucceededEventDetails: {
          output: jsonText(outcome.output),
          outputDetails: { truncated: false },
        },
      }),
    );
  } else if (next.scope.kind === 'iteration') {
    events.push(
      event('MapIterationSucceeded', run.now, {
        mapIterationSucceededEventDetails: { name: next.scope.mapStateName, index: next.scope.index },
      }),
    );
  }
}

/** Retry, else Catch, else fail. A Fail state (`retriable` false) always fails. */
export async function handleError(
  _definition: StateMachine,
  next: ExecutionState,
  run: StateRun,
  outcome: ErrorOutcome | FailOutcome,
  events: HistoryEvent[],
  retriable: boolean,
): Promise<StepResult> {
  const state = run.state as TaskState;
  const error = outcome.error;
  if (retriable && error !== undefined) {
    const index = findRetrier(state.Retry, error);
    const retrier = index >= 0 ? state.Retry?.[index] : undefined;
    if (retrier !== undefined) {
      const used = next.retries[index] ?? 0;
      if (used < maxAttempts(retrier)) {
        while (next.retries.length <= index) next.retries.push(0);
        next.retries[index] = used + 1;
        next.context.State.RetryCount += 1;
        const until = run.now + retryDelayMs(retrier, used, run.env.random);
        const action = { kind: 'wait' as const, until };
        next.awaiting = action;
        next.pending = { reason: 'retry-delay', effectiveInput: run.input };
        return { state: next, events, action };
      }
    }
    const catcher = findCatcher(state.Catch, error);
    if (catcher !== undefined) {
      try {
        const caught = await catchOutput(run, catcher, { Error: error, Cause: outcome.cause ?? '' });
        settleDone(next, run, { type: 'done', ...caught, next: catcher.Next }, events);
        return { state: next, events };
      } catch (err) {
        if (!(err instanceof StatesError)) throw err;
        return fail(next, run, err.error, err.cause, events);
      }
    }
  }
  return fail(next, run, error, outcome.cause, events);
}

/** The output (and assignments) of a caught error: ResultPath over the raw input, or JSONata Output. */
async function catchOutput(
  run: StateRun,
  catcher: Catcher,
  errorOutput: { Error: string; Cause: string },
): Promise<{ output: Json; assign?: Record<string, Json> }> {
  if (run.language === 'JSONata') {
    const extra = { errorOutput };
    const assign =
      catcher.Assign === undefined
        ? undefined
        : members(await evaluate(run, 'Assign', catcher.Assign, extra));
    const output =
      catcher.Output === undefined
        ? errorOutput
        : ((await evaluate(run, 'Output', catcher.Output, extra)) ?? null);
    return assign === undefined ? { output } : { output, assign };
  }
  const assign = evaluateAssign(run, catcher.Assign, errorOutput);
  const output = applyResultPath(run.input, catcher.ResultPath, errorOutput);
  return assign === undefined ? { output } : { output, assign };
}

function fail(
  next: ExecutionState,
  run: StateRun,
  error: string | undefined,
  cause: string | undefined,
  events: HistoryEvent[],
): StepResult {
  next.status = 'FAILED';
  next.current = undefined;
  next.failedState = run.name;
  next.failedInput = run.input;
  if (error !== undefined) next.error = error;
  if (cause !== undefined) next.cause = cause;
  const details: Record<string, Json> = {};
  if (error !== undefined) details.error = error;
  if (cause !== undefined) details.cause = cause;
  if (next.scope.kind === 'execution') {
    events.push(event('ExecutionFailed', run.now, { executionFailedEventDetails: details }));
  } else if (next.scope.kind === 'iteration') {
    events.push(
      event('MapIterationFailed', run.now, {
        mapIterationFailedEventDetails: { name: next.scope.mapStateName, index: next.scope.index },
      }),
    );
  }
  return { state: next, events };
}
