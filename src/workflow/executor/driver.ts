import type { Clock } from '../../core/clock.js';
import type {
  ExecutionRecord,
  Transition,
  Wake,
  WorkflowRepository,
} from '../../store/workflow-repository.js';
import type { Json } from '../data/json.js';
import type { Definition } from '../definition/types.js';
import type { Action, BranchOutcome, EngineEnv, ExecutionState, Outcome, StepResult } from '../engine/api.js';
import type { Arns } from './names.js';
import { parseResource } from './resources.js';
import { callTask, type TaskRunnerDeps } from './task-runner.js';
import { callbackOutcome, storedEvents, taskTokenOf, transitionFor } from './transition-builder.js';
import type { WorkflowEngine } from './types.js';

export interface DriverDeps {
  repo: WorkflowRepository;
  engine: WorkflowEngine;
  clock: Clock;
  arns: Arns;
  wake: Wake;
  env: EngineEnv;
  tasks: TaskRunnerDeps;
  /** Called after each saved transition (wakes consumers, reschedules timers, tells waiters). */
  afterCommit(transition: Transition): void;
}

/** The action is waiting for the outside world (a timer, a callback, child runs): stop here. */
const BLOCKED = Symbol('blocked');
/** Someone else changed the execution meanwhile: read it again. */
const RELOAD = Symbol('reload');

const DEFINITIONS_CACHED = 256;

/**
 * Advances executions: loads one, asks the pure engine for the next transition (`step`, or
 * `resume` with the outcome of the action it awaits), saves the result with compare-and-set, and
 * repeats until the execution ends or must wait. Each transition is committed before the next one
 * starts, so after a crash the execution continues from the last saved state: an action that was
 * saved but whose outcome was not is performed again (a Task runs at least once).
 */
export function createDriver(deps: DriverDeps) {
  const definitions = new Map<string, Definition>();
  const definitionOf = (text: string): Definition => {
    let definition = definitions.get(text);
    if (definition === undefined) {
      // Stored definitions were validated when created; branch sub-machines as part of their parent.
      definition = JSON.parse(text) as Definition;
      if (definitions.size >= DEFINITIONS_CACHED) definitions.clear();
      definitions.set(text, definition);
    }
    return definition;
  };

  const timedOut = (error: string, seconds: number, what: string): Outcome => ({
    error,
    cause: `The task ${what} within ${seconds} s.`,
  });

  /** Runs a request-mode task, failing it with States.Timeout after `timeoutSeconds`. */
  const runWithTimeout = async (call: Promise<Outcome | undefined>, seconds: number | undefined) => {
    if (seconds === undefined) return call;
    let cancel = () => {};
    const timeout = new Promise<Outcome>((resolve) => {
      const timer = deps.clock.setTimeout(
        () => resolve(timedOut('States.Timeout', seconds, 'did not finish')),
        seconds * 1000,
      );
      cancel = () => timer.cancel();
    });
    try {
      return await Promise.race([call, timeout]);
    } finally {
      cancel();
    }
  };

  const performTask = async (
    execution: ExecutionRecord,
    action: Extract<Action, { kind: 'task' }>,
  ): Promise<Outcome | typeof BLOCKED | typeof RELOAD> => {
    const resource = parseResource(action.resource);
    if (typeof resource === 'string') return { error: 'States.Runtime', cause: resource };
    const defaultName = `${execution.name}-${execution.actionSeq}`.slice(0, 80).replaceAll('/', '-');
    const token = taskTokenOf(execution, action);
    if (token === undefined) {
      const outcome = await runWithTimeout(
        callTask(deps.tasks, { resource, input: action.input, defaultName }),
        action.timeoutSeconds,
      );
      return outcome ?? { ok: null };
    }
    const record = await deps.repo.getToken(token);
    if (record === undefined) return { error: 'States.Runtime', cause: 'The task token is missing.' };
    const settled = async (outcome: Outcome) =>
      (await deps.repo.settleToken(token, JSON.stringify(outcome), deps.wake, deps.clock.now()))
        ? outcome
        : RELOAD;
    if (record.status === 'settled') {
      const outcome = JSON.parse(record.outcome ?? '{}') as Outcome;
      return resource.mode === 'sync:2' ? parsedDescription(outcome) : outcome;
    }
    if (!record.dispatched) {
      const failed = await callTask(deps.tasks, { resource, input: action.input, defaultName, token });
      if (failed !== undefined) return settled(failed);
      await deps.repo.markDispatched(token);
    }
    const now = deps.clock.now();
    if (action.timeoutSeconds !== undefined && now >= record.createdAt + action.timeoutSeconds * 1000) {
      return settled(timedOut('States.Timeout', action.timeoutSeconds, 'was not completed'));
    }
    if (action.heartbeatSeconds !== undefined && now >= record.heartbeatAt + action.heartbeatSeconds * 1000) {
      return settled(timedOut('States.HeartbeatTimeout', action.heartbeatSeconds, 'sent no heartbeat'));
    }
    return BLOCKED;
  };

  const performChildren = async (execution: ExecutionRecord): Promise<Outcome | typeof BLOCKED> => {
    const seq = execution.actionSeq ?? 0;
    const counts = await deps.repo.childCounts(execution.id, seq);
    if (counts.PENDING + counts.RUNNING > 0) return BLOCKED;
    const results = await deps.repo.childResults(execution.id, seq);
    const branches = results.map(
      (r): BranchOutcome =>
        r.status === 'SUCCEEDED'
          ? { ok: JSON.parse(r.output ?? 'null') as Json }
          : { error: r.error ?? 'States.BranchFailed', cause: r.cause ?? `The run ended ${r.status}.` },
    );
    return { branches };
  };

  const perform = async (execution: ExecutionRecord, action: Action) => {
    switch (action.kind) {
      case 'wait':
        return deps.clock.now() >= action.until ? { ok: null } : BLOCKED;
      case 'task':
        return performTask(execution, action);
      default:
        return performChildren(execution);
    }
  };

  /** Saves `result`; false when another save won (the caller reloads). */
  const save = async (execution: ExecutionRecord, result: StepResult) => {
    const transition = transitionFor(execution, result, {
      wake: deps.wake,
      now: deps.clock.now(),
      arns: deps.arns,
    });
    if (!(await deps.repo.commit(transition))) return undefined;
    deps.afterCommit(transition);
    return transition.execution;
  };

  /** Ends a top-level execution that ran past its definition's TimeoutSeconds. */
  const timeOut = async (execution: ExecutionRecord, seconds: number) => {
    const now = deps.clock.now();
    const cause = `The execution ran longer than its TimeoutSeconds (${seconds} s).`;
    const record: ExecutionRecord = {
      ...execution,
      status: 'TIMED_OUT',
      version: execution.version + 1,
      error: 'States.Timeout',
      cause,
      stoppedAt: now,
      updatedAt: now,
    };
    const event = {
      type: 'ExecutionTimedOut',
      timestamp: now,
      executionTimedOutEventDetails: { error: 'States.Timeout', cause },
    };
    const transition: Transition = {
      execution: record,
      expectedVersion: execution.version,
      events: storedEvents([event]),
      finished: record.callbackToken !== null ? { callbackOutcome: callbackOutcome(record, deps.arns) } : {},
      wake: deps.wake,
      now,
    };
    if (await deps.repo.commit(transition)) deps.afterCommit(transition);
  };

  /** Advances one execution as far as it can go now. */
  const advance = async (id: string): Promise<void> => {
    let execution = await deps.repo.getExecution(id);
    while (execution !== undefined && execution.status === 'RUNNING') {
      const definition = definitionOf(execution.definition);
      const seconds = execution.parentId === null ? definition.TimeoutSeconds : undefined;
      if (seconds !== undefined && deps.clock.now() >= execution.startedAt + seconds * 1000) {
        await timeOut(execution, seconds);
        return;
      }
      const state = JSON.parse(execution.state) as ExecutionState;
      let result: StepResult;
      if (state.awaiting === undefined) {
        result = await deps.engine.step(definition, state, deps.clock.now(), deps.env);
      } else {
        const outcome = await perform(execution, state.awaiting);
        if (outcome === BLOCKED) return;
        if (outcome === RELOAD) {
          execution = await deps.repo.getExecution(id);
          continue;
        }
        result = await deps.engine.resume(definition, state, outcome, deps.clock.now(), deps.env);
      }
      execution = (await save(execution, result)) ?? (await deps.repo.getExecution(id));
    }
  };

  return { advance, definitionOf };
}

/** `.sync:2`: the started execution's Input and Output as JSON rather than text. */
function parsedDescription(outcome: Outcome): Outcome {
  if (!('ok' in outcome) || typeof outcome.ok !== 'object' || outcome.ok === null) return outcome;
  const d = outcome.ok as Record<string, Json>;
  const parse = (v: Json | undefined) => (typeof v === 'string' ? (JSON.parse(v) as Json) : (v ?? null));
  return { ok: { ...d, Input: parse(d.Input), Output: parse(d.Output) } };
}
