/**
 * The driver: startExecution, step, resume, redrive (documented in api.ts). It dispatches to the
 * state handlers (states/*.ts), and owns what is common to every state: history events, variable
 * assignment, transitions, Retry, Catch, and ending the (sub-)execution.
 *
 * Invariant: inputs are never mutated; every call works on a structured clone of the state.
 */
import { randomUUID } from 'node:crypto';
import type { Json } from '../data/json.js';
import type { Definition, State, StateMachine, StateType } from '../definition/types.js';
import type {
  EngineEnv,
  ExecutionState,
  HistoryEvent,
  MapAction,
  Outcome,
  StartContext,
  StepResult,
} from './api.js';
import { StatesError } from './data-flow.js';
import { event, jsonText, stateEntered } from './events.js';
import { type Env, languageOf, type StateHandler, type StateOutcome, type StateRun } from './run.js';
import { choiceHandler } from './states/choice.js';
import { exceeds, mapHandler } from './states/map.js';
import { parallelHandler } from './states/parallel.js';
import { passHandler } from './states/pass.js';
import { failHandler, succeedHandler } from './states/succeed-fail.js';
import { taskHandler } from './states/task.js';
import { waitHandler } from './states/wait.js';
import { isoOf } from './timestamps.js';
import { handleError, settleDone } from './transitions.js';

const HANDLERS: Record<StateType, StateHandler> = {
  Pass: passHandler,
  Task: taskHandler,
  Choice: choiceHandler,
  Wait: waitHandler,
  Succeed: succeedHandler,
  Fail: failHandler,
  Parallel: parallelHandler,
  Map: mapHandler,
};

function envOf(env: EngineEnv | undefined): Env {
  return { random: env?.random ?? Math.random, uuid: env?.uuid ?? randomUUID };
}

/** Starts an execution: RUNNING at StartAt, with an ExecutionStarted event and no action. */
export function startExecution(
  definition: Definition,
  input: Json,
  start: StartContext,
  now: number,
): StepResult {
  const time = isoOf(now);
  const execution: ExecutionState['context']['Execution'] = {
    Id: start.executionId,
    Name: start.executionName,
    Input: input,
    StartTime: time,
    RedriveCount: 0,
  };
  if (start.roleArn !== undefined) execution.RoleArn = start.roleArn;
  const state: ExecutionState = {
    version: 1,
    status: 'RUNNING',
    scope: { kind: 'execution' },
    current: definition.StartAt,
    input,
    variables: {},
    outerVariables: {},
    context: {
      Execution: execution,
      State: { Name: definition.StartAt, EnteredTime: time, RetryCount: 0 },
      StateMachine: { Id: start.stateMachineId, Name: start.stateMachineName },
    },
    retries: [],
    steps: 0,
  };
  const details: Record<string, Json> = { input: jsonText(input), inputDetails: { truncated: false } };
  if (start.roleArn !== undefined) details.roleArn = start.roleArn;
  return { state, events: [event('ExecutionStarted', now, { executionStartedEventDetails: details })] };
}

/** Enters the current state and runs it until it completes or needs an action. */
export async function step(
  definition: StateMachine,
  current: ExecutionState,
  now: number,
  env?: EngineEnv,
): Promise<StepResult> {
  if (current.status !== 'RUNNING' || current.awaiting !== undefined || current.current === undefined) {
    throw new Error(
      `step() called on an execution that is ${current.awaiting ? 'awaiting an action' : current.status}`,
    );
  }
  const next = structuredClone(current);
  const name = current.current;
  const stateDef = definition.States[name];
  if (stateDef === undefined) throw new Error(`The state machine has no state named ${name}`);
  next.context.State = { Name: name, EnteredTime: isoOf(now), RetryCount: 0 };
  delete next.context.Task;
  next.retries = [];
  const events: HistoryEvent[] = [];
  if (next.scope.kind === 'iteration' && next.steps === 0) {
    events.push(
      event('MapIterationStarted', now, {
        mapIterationStartedEventDetails: { name: next.scope.mapStateName, index: next.scope.index },
      }),
    );
  }
  next.steps += 1;
  events.push(stateEntered(stateDef.Type, name, next.input, now));
  const run = runOf(definition, next, name, stateDef, now, envOf(env));
  const outcome = await guard(() => HANDLERS[stateDef.Type].enter(run));
  return settle(definition, next, run, outcome, events);
}

/** Delivers the outcome of the awaited action and completes (or retries, or catches) the state. */
export async function resume(
  definition: StateMachine,
  current: ExecutionState,
  outcome: Outcome,
  now: number,
  env?: EngineEnv,
): Promise<StepResult> {
  const pending = current.pending;
  if (
    current.status !== 'RUNNING' ||
    current.awaiting === undefined ||
    pending === undefined ||
    current.current === undefined
  ) {
    throw new Error('resume() called on an execution that awaits no action');
  }
  const next = structuredClone(current);
  delete next.awaiting;
  delete next.pending;
  const name = current.current;
  const stateDef = definition.States[name];
  if (stateDef === undefined) throw new Error(`The state machine has no state named ${name}`);
  const run = runOf(definition, next, name, stateDef, now, envOf(env));
  const handler = HANDLERS[stateDef.Type];
  const result =
    pending.reason === 'retry-delay'
      ? await guard(() => handler.enter(run))
      : await guard(async () => {
          if (handler.complete === undefined) throw new Error(`${stateDef.Type} states await no action`);
          return handler.complete(run, pending, outcome);
        });
  return settle(definition, next, run, result, []);
}

/**
 * Restarts a FAILED execution at the state that failed, with that state's input, counting the
 * redrive in `$$.Execution.RedriveCount`. Variables keep the values they had when it failed.
 */
export function redrive(_definition: Definition, failed: ExecutionState, now: number): StepResult {
  if (failed.status !== 'FAILED' || failed.failedState === undefined) {
    throw new Error('Only a FAILED execution can be redriven');
  }
  const next = structuredClone(failed);
  next.status = 'RUNNING';
  next.current = failed.failedState;
  next.input = failed.failedInput ?? null;
  next.retries = [];
  next.context.Execution.RedriveCount += 1;
  next.context.Execution.RedriveTime = isoOf(now);
  for (const key of [
    'error',
    'cause',
    'failedState',
    'failedInput',
    'output',
    'awaiting',
    'pending',
  ] as const) {
    delete next[key];
  }
  const events = [
    event('ExecutionRedriven', now, {
      executionRedrivenEventDetails: { redriveCount: next.context.Execution.RedriveCount },
    }),
  ];
  return { state: next, events };
}

/** True when a Map with `failures` failed iterations so far must fail (the executor may stop early). */
export function mapToleranceExceeded(action: MapAction, failures: number): boolean {
  const tolerance: { count?: number; percentage?: number } = {};
  if (action.toleratedFailureCount !== undefined) tolerance.count = action.toleratedFailureCount;
  if (action.toleratedFailurePercentage !== undefined)
    tolerance.percentage = action.toleratedFailurePercentage;
  return exceeds(tolerance, failures, action.iterations.length);
}

function runOf(
  definition: StateMachine,
  state: ExecutionState,
  name: string,
  stateDef: State,
  now: number,
  env: Env,
): StateRun {
  return {
    name,
    state: stateDef,
    machine: definition,
    language: languageOf(stateDef, definition),
    input: state.input,
    context: state.context,
    variables: { ...state.outerVariables, ...state.variables },
    now,
    env,
    events: [],
  };
}

/** Turns a StatesError thrown by a handler into an error outcome. */
async function guard(body: () => Promise<StateOutcome>): Promise<StateOutcome> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof StatesError) return { type: 'error', error: err.error, cause: err.cause };
    throw err;
  }
}

async function settle(
  definition: StateMachine,
  next: ExecutionState,
  run: StateRun,
  outcome: StateOutcome,
  events: HistoryEvent[],
): Promise<StepResult> {
  events.push(...run.events);
  switch (outcome.type) {
    case 'await':
      next.awaiting = outcome.action;
      next.pending = outcome.pending;
      return { state: next, events, action: outcome.action };
    case 'done':
      settleDone(next, run, outcome, events);
      return { state: next, events };
    case 'fail':
      return handleError(definition, next, run, outcome, events, false);
    case 'error':
      return handleError(definition, next, run, outcome, events, true);
  }
}
