/**
 * The workflow engine's public API: a pure interpreter of Amazon States Language.
 *
 *   (definition, execution state, input/outcome, now) → (new execution state, history events, action)
 *
 * Everything here is data that round-trips through JSON.stringify/parse: the executor persists the
 * `ExecutionState` (and appends the `HistoryEvent`s) after every call, and performs the `Action`
 * through the invoker / timers / queue. The engine never does I/O, never reads a clock, and never
 * draws random numbers or UUIDs except through `EngineEnv`.
 *
 * The protocol (a loop the executor drives):
 *
 *   let r = { state: startExecution(def, input, ctx, now), events: [...], action: undefined }
 *   while (r.state.status === 'RUNNING') {
 *     if (r.action === undefined) r = await step(def, r.state, now)        // enter/run one state
 *     else r = await resume(def, r.state, await perform(r.action), now)    // deliver the outcome
 *   }
 *
 * Invariants:
 * - `result.action !== undefined` ⇔ `result.state.awaiting !== undefined` (the same value). While a
 *   state is awaiting, only `resume` may be called; otherwise only `step` (resume/step throw a
 *   GustError ERR_INTERNAL when called out of turn).
 * - `step` advances exactly one state: it either completes the current state (moving to `Next`,
 *   or ending the execution), or stops at an action the state needs.
 * - `status !== 'RUNNING'` is final (except `redrive` on FAILED): `output` is set when SUCCEEDED,
 *   `error`/`cause` when FAILED.
 * - History events carry no ids: the executor numbers them (`id`, `previousEventId`) as it appends.
 * - Errors in the workflow (a failing Task, a bad path, States.* errors) are never thrown: they are
 *   handled by Retry/Catch or end the execution as FAILED. Only programming errors throw.
 */
import type { Json } from '../data/json.js';
import type { StateMachine } from '../definition/types.js';

export type { Json } from '../data/json.js';
export type { Definition, DefinitionIssue, DefinitionOptions } from '../definition/types.js';

/** Injected non-determinism. Defaults: Math.random and crypto.randomUUID. */
export interface EngineEnv {
  /** Returns [0, 1): used for Retry JitterStrategy FULL. */
  random?: () => number;
  /** Returns a fresh UUID: task tokens (and States.UUID() when the data layer supports injection). */
  uuid?: () => string;
}

/** What the executor knows when an execution starts; becomes `$$.Execution` / `$$.StateMachine`. */
export interface StartContext {
  /** Execution ARN (`$$.Execution.Id`). */
  executionId: string;
  /** `$$.Execution.Name`. */
  executionName: string;
  /** State machine ARN (`$$.StateMachine.Id`). */
  stateMachineId: string;
  stateMachineName: string;
  roleArn?: string;
}

/** The context object, `$$` (JSONPath) / `$states.context` (JSONata). ISO-8601 times. */
export interface ContextObject {
  Execution: {
    Id: string;
    Name: string;
    Input: Json;
    StartTime: string;
    RoleArn?: string;
    RedriveCount: number;
    RedriveTime?: string;
  };
  State: { Name: string; EnteredTime: string; RetryCount: number };
  StateMachine: { Id: string; Name: string };
  Task?: { Token: string };
  Map?: { Item: { Index: number; Value: Json; Source?: string } };
}

/** `FAILED` is the only status the engine sets besides RUNNING/SUCCEEDED; the executor may set the others. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** Where a (sub-)execution runs: the top level, a Parallel branch, or a Map iteration. */
export type ExecutionScope =
  | { kind: 'execution' }
  | { kind: 'branch'; index: number }
  | { kind: 'iteration'; index: number; mapStateName: string };

/**
 * Everything needed to continue an execution (or a Parallel branch / Map iteration, which run as
 * their own ExecutionState over the branch's sub-machine). JSON-serialisable.
 */
export interface ExecutionState {
  /** Format version of this value; bump on incompatible change. */
  version: 1;
  status: ExecutionStatus;
  scope: ExecutionScope;
  /**
   * The state to run next (`step`) or the one awaiting an outcome (`resume`).
   * Undefined once the execution ended.
   */
  current: string | undefined;
  /** The raw input of `current` (before InputPath/Arguments). */
  input: Json;
  /** Variables assigned in this scope (Assign). Mutable by this scope's states only. */
  variables: Record<string, Json>;
  /**
   * Variables of enclosing scopes (Parallel/Map parents), read-only here, innermost wins.
   * Invariant: names in `variables` never shadow these (validation forbids re-assigning them).
   */
  outerVariables: Record<string, Json>;
  /** `$$` as the current state sees it. `State.RetryCount` is the current state's attempt - 1. */
  context: ContextObject;
  /** Attempts used per Retry entry index of `current` (reset when the state is left). */
  retries: number[];
  /** States entered so far in this (sub-)execution. */
  steps: number;
  /** The outstanding action (see invariant above). */
  awaiting?: Action;
  /** Internal to the engine: what `resume` must do with the outcome (the state's effective input etc.). */
  pending?: PendingWork;
  /** Set when status is SUCCEEDED. */
  output?: Json;
  /** Set when status is FAILED. */
  error?: string;
  cause?: string;
  /** The state that failed the execution (redrive restarts there). */
  failedState?: string;
  /** The input that state had when it failed. */
  failedInput?: Json;
}

/** Engine-private continuation data (opaque to the executor, but JSON like the rest). */
export interface PendingWork {
  /** Why we wait: the state's own action, or the delay before a retry. */
  reason: 'action' | 'retry-delay' | 'wait';
  /** The effective input of the state (after InputPath), which ResultPath merges into. */
  effectiveInput: Json;
  /** For Parallel/Map: number of branches; for Map the items. */
  extra?: Json;
}

/** A Task to invoke. The executor enforces timeoutSeconds/heartbeatSeconds and reports States.Timeout / States.HeartbeatTimeout. */
export interface TaskAction {
  kind: 'task';
  /** The Resource as written (minus nothing): an ARN or a Gust function name, possibly `...:function:name` or with `.waitForTaskToken`/`.sync` suffixes. */
  resource: string;
  /** The effective payload (after InputPath+Parameters, or Arguments). */
  input: Json;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** True when the resource ends in `.waitForTaskToken`: the result arrives via SendTaskSuccess/Failure. */
  waitForTaskToken?: boolean;
  /** Set when waitForTaskToken (also visible as `$$.Task.Token` in the payload). */
  taskToken?: string;
  /** Evaluated Credentials, e.g. `{RoleArn: "arn:..."}`. */
  credentials?: Record<string, Json>;
}

/** Resume at (or after) `until` (epoch ms): a Wait state, or the delay before a Retry. */
export interface WaitAction {
  kind: 'wait';
  until: number;
}

/**
 * Run each branch as its own sub-execution: repeatedly `step`/`resume` `branch.start` against
 * `branch.definition` until it ends, then `resume` this state with all outcomes (in branch order).
 * On the first failed branch the executor may stop the others (Step Functions does).
 */
export interface ParallelAction {
  kind: 'parallel';
  branches: BranchStart[];
}

/**
 * Run iteration i as a sub-execution of `iterations[i].definition`, at most `maxConcurrency` at a
 * time (0 = no limit). Resume with one outcome per iteration, in index order. The Map fails once
 * failures exceed the tolerance (see `mapToleranceExceeded`); the executor may stop early then.
 */
export interface MapAction {
  kind: 'map';
  iterations: BranchStart[];
  maxConcurrency: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
}

/** One branch / iteration: the sub-machine, its input and its ready-to-step initial state. */
export interface BranchStart {
  definition: StateMachine;
  input: Json;
  /** Map only: the item index. */
  index?: number;
  /** Ready to `step`: scope, context (with `$$.Map.Item`) and outer variables filled in. */
  start: ExecutionState;
}

export type Action = TaskAction | WaitAction | ParallelAction | MapAction;

/** The result of an action. `ok` for a task/wait (wait: any value, ignored). */
export type Outcome = { ok: Json } | { error: string; cause: string } | { branches: BranchOutcome[] };

/** One branch's / iteration's final result (its ExecutionState's output, or error/cause). */
export type BranchOutcome = { ok: Json } | { error: string; cause: string };

/**
 * A history event, as GetExecutionHistory shows it minus `id`/`previousEventId` (the executor
 * assigns them). `timestamp` is epoch ms. Details use the API's field names, e.g.
 * `stateEnteredEventDetails: {name, input}`, `taskScheduledEventDetails: {resourceType, resource,
 * region, parameters, timeoutInSeconds?, heartbeatInSeconds?}`, `executionFailedEventDetails:
 * {error, cause}`; `input`/`output`/`parameters` are JSON strings as in the API.
 */
export interface HistoryEvent {
  type: HistoryEventType;
  timestamp: number;
  [details: string]: Json | undefined;
}

export type HistoryEventType =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionRedriven'
  | `${'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map'}State${'Entered' | 'Exited'}`
  | 'TaskScheduled'
  | 'TaskStarted'
  | 'TaskSucceeded'
  | 'TaskFailed'
  | 'TaskTimedOut'
  | 'ParallelStateStarted'
  | 'ParallelStateSucceeded'
  | 'ParallelStateFailed'
  | 'MapStateStarted'
  | 'MapStateSucceeded'
  | 'MapStateFailed'
  | 'MapIterationStarted'
  | 'MapIterationSucceeded'
  | 'MapIterationFailed';

export interface StepResult {
  state: ExecutionState;
  events: HistoryEvent[];
  /** Present iff the state now awaits the outside world (see the invariants at the top). */
  action?: Action;
}

/**
 * The engine's functions (implemented in ./engine.ts and re-exported from ./index.ts):
 *
 * - `startExecution(definition, input, context: StartContext, now: number): StepResult`
 *   → a RUNNING state at `StartAt` with an `ExecutionStarted` event; no action.
 * - `step(definition, state, now, env?): Promise<StepResult>` advances exactly one state.
 * - `resume(definition, state, outcome, now, env?): Promise<StepResult>` delivers an action's
 *   outcome and completes the state (ResultSelector/ResultPath/OutputPath or Output/Assign,
 *   Retry, Catch), or schedules a retry (a `wait` action, then the task action again).
 * - `redrive(definition, failed: ExecutionState, now): StepResult` → RUNNING again at the state that
 *   failed, with its input, `$$.Execution.RedriveCount + 1` and an `ExecutionRedriven` event.
 * - `mapToleranceExceeded(action: MapAction, failures: number): boolean` tells the executor when
 *   a Map may stop early.
 * - `parseDefinition(text | object, options?): Definition` (definition/parse.ts) throws
 *   ERR_INVALID_DEFINITION with `details.issues: {path, message}[]`;
 *   `validateDefinition(text | object, options?): DefinitionIssue[]` never throws.
 */
export type EngineApi = typeof import('./engine.js');
