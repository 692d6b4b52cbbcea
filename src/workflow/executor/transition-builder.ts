import type { ExecutionRecord, Transition, Wake, WorkflowTimer } from '../../store/workflow-repository.js';
import type { Action, BranchStart, HistoryEvent, StepResult } from '../engine/api.js';
import type { Arns } from './names.js';
import { parseResource } from './resources.js';

/** What a transition needs besides the execution and the engine's result. */
export interface BuildContext {
  wake: Wake;
  now: number;
  arns: Arns;
}

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** The token that names a task's callback: the engine's for `.waitForTaskToken`, else one of ours. */
export function taskTokenOf(execution: ExecutionRecord, action: Action): string | undefined {
  if (action.kind !== 'task') return undefined;
  if (action.taskToken !== undefined) return action.taskToken;
  const parsed = parseResource(action.resource);
  if (typeof parsed === 'string' || parsed.mode === 'request') return undefined;
  return `${execution.id}@${execution.actionSeq}`;
}

/** Ids of the timers an execution may hold (one of each kind at a time). */
export const timerId = (executionId: string, kind: string): string => `${executionId}#${kind}`;

/** Engine events, or the executor's own (ExecutionAborted, ExecutionTimedOut, ExecutionRedriven). */
export const storedEvents = (
  events: readonly (HistoryEvent | { type: string; timestamp: number; [details: string]: unknown })[],
) => events.map((e) => ({ type: e.type, timestamp: e.timestamp, body: JSON.stringify(e) }));

/**
 * What a finished execution tells a `.sync` caller: DescribeExecution's answer (Input and Output as
 * JSON text), as the result when it succeeded, else as the cause of States.TaskFailed.
 */
export function callbackOutcome(e: ExecutionRecord, arns: Arns): string {
  const description = {
    ExecutionArn: arns.execution(e.stateMachine, e.name),
    StateMachineArn: arns.stateMachine(e.stateMachine),
    Name: e.name,
    Status: e.status,
    StartDate: e.startedAt,
    StopDate: e.stoppedAt,
    Input: e.input,
    Output: e.output,
    ...(e.error !== null ? { Error: e.error } : {}),
    ...(e.cause !== null ? { Cause: e.cause } : {}),
  };
  return JSON.stringify(
    e.status === 'SUCCEEDED'
      ? { ok: description }
      : { error: 'States.TaskFailed', cause: JSON.stringify(description) },
  );
}

/** The child runs of a Parallel / Map action: the first `limit` start RUNNING, the rest PENDING. */
function childrenOf(
  parent: ExecutionRecord,
  version: number,
  starts: BranchStart[],
  limit: number,
  now: number,
) {
  return starts.map(
    (branch, i): ExecutionRecord => ({
      id: `${parent.id}/${version}.${i}`,
      rootId: parent.rootId,
      parentId: parent.id,
      groupSeq: version,
      branchIndex: branch.index ?? i,
      groupLimit: limit,
      stateMachine: parent.stateMachine,
      name: `${parent.name}/${version}.${i}`,
      status: limit > 0 && i >= limit ? 'PENDING' : 'RUNNING',
      input: JSON.stringify(branch.input),
      output: null,
      error: null,
      cause: null,
      definition: JSON.stringify(branch.definition),
      state: JSON.stringify(branch.start),
      version: 1,
      actionSeq: null,
      startedAt: now,
      stoppedAt: null,
      updatedAt: now,
      redriveCount: 0,
      redriveAt: null,
      callbackToken: null,
    }),
  );
}

/**
 * The transition that saves an engine result: the new row (version + 1), its history, and what
 * the new action needs to be resumed durably: a timer for a Wait or retry delay, a task token and
 * timeout/heartbeat timers for callback tasks, child runs for Parallel and Map.
 */
export function transitionFor(execution: ExecutionRecord, result: StepResult, ctx: BuildContext): Transition {
  const { now } = ctx;
  const state = result.state;
  const version = execution.version + 1;
  const finished = FINAL.has(state.status);
  const record: ExecutionRecord = {
    ...execution,
    status: state.status,
    state: JSON.stringify(state),
    version,
    actionSeq: result.action ? version : null,
    output: state.status === 'SUCCEEDED' ? JSON.stringify(state.output ?? null) : null,
    error: finished ? (state.error ?? null) : null,
    cause: finished ? (state.cause ?? null) : null,
    stoppedAt: finished ? now : null,
    updatedAt: now,
  };
  const transition: Transition = {
    execution: record,
    expectedVersion: execution.version,
    events: storedEvents(result.events),
    clearTimers: true,
    wake: ctx.wake,
    now,
  };
  const action = result.action;
  const timers: WorkflowTimer[] = [];
  const timer = (kind: string, dueAt: number) =>
    timers.push({ id: timerId(execution.id, kind), executionId: execution.id, kind, dueAt });
  if (action?.kind === 'wait') {
    if (action.until > now) timer('wait', action.until);
  } else if (action?.kind === 'task') {
    const token = taskTokenOf(record, action);
    if (token !== undefined) {
      transition.tokens = [
        {
          token,
          executionId: execution.id,
          stateMachine: execution.stateMachine,
          status: 'waiting',
          dispatched: false,
          outcome: null,
          createdAt: now,
          heartbeatAt: now,
        },
      ];
      if (action.timeoutSeconds !== undefined) timer('timeout', now + action.timeoutSeconds * 1000);
      if (action.heartbeatSeconds !== undefined) timer('heartbeat', now + action.heartbeatSeconds * 1000);
    }
  } else if (action?.kind === 'parallel' || action?.kind === 'map') {
    const starts = action.kind === 'parallel' ? action.branches : action.iterations;
    const limit = action.kind === 'map' ? action.maxConcurrency : 0;
    const children = childrenOf(record, version, starts, limit, now);
    transition.children = children;
    transition.wakeNow = children.filter((c) => c.status === 'RUNNING').map((c) => c.id);
    // No child at all (an empty Map): nothing will wake the parent, so it wakes itself.
    if (children.length === 0) transition.wakeNow = [execution.id];
  }
  if (timers.length > 0) transition.timers = timers;
  if (finished) {
    transition.finished =
      record.callbackToken !== null ? { callbackOutcome: callbackOutcome(record, ctx.arns) } : {};
  }
  return transition;
}
