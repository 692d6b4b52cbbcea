/**
 * What a state handler sees while it runs (`StateRun`) and what it returns (`StateOutcome`).
 * Handlers (states/*.ts) are pure async functions of a StateRun; the driver (engine.ts) turns
 * their outcome into the next ExecutionState, history events, Retry and Catch.
 */
import type { Json } from '../data/json.js';
import type { QueryLanguage, State, StateMachine } from '../definition/types.js';
import type { Action, ContextObject, HistoryEvent, Outcome, PendingWork } from './api.js';

/** Injected non-determinism, with defaults filled in. */
export interface Env {
  random: () => number;
  uuid: () => string;
}

export interface StateRun {
  name: string;
  state: State;
  /** The (sub-)machine the state belongs to; its QueryLanguage is the inherited default. */
  machine: StateMachine;
  language: QueryLanguage;
  /** The raw state input (before InputPath / Arguments). */
  input: Json;
  /** `$$`; handlers may set `Task` (task token) on it. */
  context: ContextObject;
  /** Variables visible to the state (outer scopes merged under this one); read-only. */
  variables: Record<string, Json>;
  now: number;
  env: Env;
  /** Events to append after the StateEntered event (TaskScheduled, MapStateStarted, ...). */
  events: HistoryEvent[];
}

/** The state finished normally. `next` undefined means the (sub-)execution ends with `output`. */
export interface DoneOutcome {
  type: 'done';
  output: Json;
  /** Variables to assign (already evaluated against the values at state entry). */
  assign?: Record<string, Json>;
  next: string | undefined;
}

/** The state raised an ASL error: Retry and Catch apply (for the states that have them). */
export interface ErrorOutcome {
  type: 'error';
  error: string;
  cause: string;
}

/** A Fail state: the (sub-)execution fails with no Retry/Catch. */
export interface FailOutcome {
  type: 'fail';
  error: string | undefined;
  cause: string | undefined;
}

/** The state needs the outside world; `resume` continues it with `pending`. */
export interface AwaitOutcome {
  type: 'await';
  action: Action;
  pending: PendingWork;
}

export type StateOutcome = DoneOutcome | ErrorOutcome | FailOutcome | AwaitOutcome;

/** One state type's behaviour. `complete` is required for states that await an action. */
export interface StateHandler {
  enter(run: StateRun): Promise<StateOutcome>;
  complete?(run: StateRun, pending: PendingWork, outcome: Outcome): Promise<StateOutcome>;
}

/** The effective query language of a state: its own, else the machine's, else JSONPath. */
export function languageOf(state: State, machine: StateMachine): QueryLanguage {
  return state.QueryLanguage ?? machine.QueryLanguage ?? 'JSONPath';
}

/** A done outcome (`assign` only when there is one, for exactOptionalPropertyTypes). */
export function done(
  output: Json,
  assign: Record<string, Json> | undefined,
  next: string | undefined,
): DoneOutcome {
  return assign === undefined ? { type: 'done', output, next } : { type: 'done', output, assign, next };
}

/** Where a finished state goes: undefined when it ends the machine (End wins over a stray Next). */
export function nextOf(state: { Next?: string; End?: boolean }): string | undefined {
  return state.End === true ? undefined : state.Next;
}
