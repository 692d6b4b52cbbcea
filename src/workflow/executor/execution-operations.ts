import type { Clock } from '../../core/clock.js';
import { GustError } from '../../core/errors.js';
import type {
  ExecutionQuery,
  ExecutionRecord,
  StoredHistoryEvent,
  Transition,
  Wake,
  WorkflowRepository,
  WorkflowTimer,
} from '../../store/workflow-repository.js';
import type { Json } from '../data/json.js';
import type { Definition } from '../definition/types.js';
import type { ExecutionState, Outcome } from '../engine/api.js';
import {
  executionExists,
  executionNotFound,
  invalidField,
  notRedrivable,
  taskNotFound,
  taskTimedOut,
} from './errors.js';
import { type Arns, checkName, executionId } from './names.js';
import type { StateMachineService } from './state-machines.js';
import { callbackOutcome, storedEvents, timerId } from './transition-builder.js';
import type { WorkflowEngine } from './types.js';

/** Largest execution input and task output, as Step Functions (256 KB). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export interface ExecutionOperationsDeps {
  repo: WorkflowRepository;
  engine: WorkflowEngine;
  clock: Clock;
  arns: Arns;
  wake: Wake;
  uuid: () => string;
  stateMachines: StateMachineService;
  afterCommit(transition: Transition): void;
  /** Wakes the workflow queue's consumers (a message was queued). */
  notify(): void;
  definitionOf(text: string): Definition;
  /** Resolves when the execution is no longer RUNNING (or the signal aborts). */
  waitFor(id: string, signal?: AbortSignal): Promise<ExecutionRecord | undefined>;
}

export interface StartRequest {
  workflow: string;
  /** Default: a new UUID. */
  name?: string;
  /** JSON text (default `{}`). */
  input?: string;
  /** A `.sync` caller's token, settled when this execution ends. */
  callbackToken?: string;
}

/** A JSON payload given as text: parsed, within 256 KB, or a ValidationException-style error. */
export function checkPayload(field: string, text: string, awsType = 'InvalidExecutionInput'): Json {
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
    throw new GustError('ERR_INVALID_PARAMETER', `${field} is larger than 256 KB.`, {
      awsType,
      details: { parameter: field },
    });
  }
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new GustError('ERR_INVALID_PARAMETER', `${field} is not JSON: ${(error as Error).message}`, {
      awsType,
      details: { parameter: field },
    });
  }
}

/** Executions as the APIs see them: start, describe, list, history, stop, redrive, task callbacks. */
export function createExecutionOperations(deps: ExecutionOperationsDeps) {
  const { repo, arns } = deps;

  const describe = async (workflow: string, name: string): Promise<ExecutionRecord> => {
    const execution = await repo.getExecution(executionId(workflow, name));
    if (!execution || execution.parentId !== null) throw executionNotFound(workflow, name);
    return execution;
  };

  /** Saves an executor-made change of a whole execution (stop, redrive), retrying on races. */
  const change = async (
    workflow: string,
    name: string,
    make: (e: ExecutionRecord, now: number) => Omit<Transition, 'wake' | 'now'>,
  ): Promise<ExecutionRecord> => {
    for (;;) {
      const execution = await describe(workflow, name);
      const now = deps.clock.now();
      const transition: Transition = { ...make(execution, now), wake: deps.wake, now };
      if (await repo.commit(transition)) {
        deps.afterCommit(transition);
        return transition.execution;
      }
    }
  };

  const startExecution = async (request: StartRequest) => {
    const machine = await deps.stateMachines.get(request.workflow);
    const name = checkName('Execution', request.name ?? deps.uuid());
    const inputText = request.input ?? '{}';
    const input = checkPayload('input', inputText);
    const definition = deps.definitionOf(machine.definition);
    const now = deps.clock.now();
    const id = executionId(machine.name, name);
    const started = deps.engine.startExecution(
      definition,
      input,
      {
        executionId: arns.execution(machine.name, name),
        executionName: name,
        stateMachineId: arns.stateMachine(machine.name),
        stateMachineName: machine.name,
      },
      now,
    );
    const execution: ExecutionRecord = {
      id,
      rootId: id,
      parentId: null,
      groupSeq: null,
      branchIndex: null,
      groupLimit: null,
      stateMachine: machine.name,
      name,
      status: 'RUNNING',
      input: JSON.stringify(input),
      output: null,
      error: null,
      cause: null,
      definition: machine.definition,
      state: JSON.stringify(started.state),
      version: 1,
      actionSeq: null,
      startedAt: now,
      stoppedAt: null,
      updatedAt: now,
      redriveCount: 0,
      redriveAt: null,
      callbackToken: request.callbackToken ?? null,
    };
    const timers: WorkflowTimer[] = [];
    if (definition.TimeoutSeconds !== undefined) {
      const dueAt = now + definition.TimeoutSeconds * 1000;
      timers.push({ id: timerId(id, 'execution'), executionId: id, kind: 'execution', dueAt });
    }
    const result = await repo.createExecution(
      execution,
      storedEvents(started.events),
      timers,
      deps.wake,
      now,
    );
    if (!result.created) {
      // Step Functions' idempotency: the same name and input is the same request.
      if (result.existing.input !== execution.input) throw executionExists(machine.name, name);
      return { execution: result.existing, created: false };
    }
    deps.afterCommit({ execution, expectedVersion: 0, events: [], timers, wake: deps.wake, now });
    return { execution, created: true };
  };

  const tokenRecord = async (token: string) => {
    if (typeof token !== 'string' || token === '' || token.length > 1024) {
      throw invalidField('taskToken', 'the task token of a waiting task');
    }
    const record = await repo.getToken(token);
    if (!record) throw taskNotFound();
    if (record.status !== 'waiting') throw taskTimedOut();
    return record;
  };

  const settle = async (token: string, outcome: Outcome) => {
    await tokenRecord(token);
    if (!(await repo.settleToken(token, JSON.stringify(outcome), deps.wake, deps.clock.now()))) {
      throw taskTimedOut();
    }
    deps.notify();
  };

  return {
    arns,
    startExecution,
    /** Starts an execution and waits (up to `signal`) until it ends. */
    async startSyncExecution(request: StartRequest, signal?: AbortSignal) {
      const { execution } = await startExecution(request);
      return (await deps.waitFor(execution.id, signal)) ?? execution;
    },
    describeExecution: describe,
    listExecutions: async (query: ExecutionQuery) => {
      await deps.stateMachines.get(query.stateMachine);
      return repo.listExecutions(query);
    },
    async history(
      workflow: string,
      name: string,
      options: { afterId?: number; limit?: number; reverse?: boolean } = {},
    ): Promise<StoredHistoryEvent[]> {
      const execution = await describe(workflow, name);
      return repo.history(execution.id, options);
    },
    stopExecution(
      workflow: string,
      name: string,
      reason: { error?: string | undefined; cause?: string | undefined } = {},
    ) {
      return change(workflow, name, (e, now) => {
        if (e.status !== 'RUNNING') return noChange(e);
        const details = { error: reason.error ?? null, cause: reason.cause ?? null };
        const record: ExecutionRecord = {
          ...e,
          status: 'ABORTED',
          version: e.version + 1,
          ...details,
          stoppedAt: now,
          updatedAt: now,
        };
        return {
          execution: record,
          expectedVersion: e.version,
          events: storedEvents([
            { type: 'ExecutionAborted', timestamp: now, executionAbortedEventDetails: details },
          ]),
          finished: e.callbackToken !== null ? { callbackOutcome: callbackOutcome(record, arns) } : {},
        };
      });
    },
    /**
     * Runs a FAILED execution again from the state that failed (the engine's redrive); a TIMED_OUT
     * or ABORTED one continues from where it stopped (its last saved state).
     */
    redriveExecution(workflow: string, name: string) {
      return change(workflow, name, (e, now) => {
        if (e.status === 'RUNNING' || e.status === 'SUCCEEDED' || e.parentId !== null) {
          throw notRedrivable(name, e.status);
        }
        const stateValue = JSON.parse(e.state) as ExecutionState;
        const redriven =
          e.status === 'FAILED' && stateValue.status === 'FAILED'
            ? deps.engine.redrive(deps.definitionOf(e.definition), stateValue, now)
            : {
                state: stateValue,
                events: [
                  {
                    type: 'ExecutionRedriven',
                    timestamp: now,
                    executionRedrivenEventDetails: { redriveCount: e.redriveCount + 1 },
                  },
                ],
              };
        return {
          execution: {
            ...e,
            status: 'RUNNING',
            state: JSON.stringify(redriven.state),
            version: e.version + 1,
            actionSeq: redriven.state.awaiting ? e.actionSeq : null,
            output: null,
            error: null,
            cause: null,
            stoppedAt: null,
            updatedAt: now,
            redriveCount: e.redriveCount + 1,
            redriveAt: now,
          },
          expectedVersion: e.version,
          events: storedEvents(redriven.events),
          wakeNow: [e.id],
        };
      });
    },
    /** The workflow a task token belongs to (to authorize a callback), if it exists. */
    async tokenWorkflow(token: string): Promise<string | undefined> {
      return typeof token === 'string' ? (await repo.getToken(token))?.stateMachine : undefined;
    },
    sendTaskSuccess(token: string, output: string) {
      return settle(token, { ok: checkPayload('output', output, 'InvalidOutput') });
    },
    sendTaskFailure(token: string, error?: string, cause?: string) {
      return settle(token, { error: error ?? '', cause: cause ?? '' });
    },
    async sendTaskHeartbeat(token: string) {
      const record = await tokenRecord(token);
      const execution = await repo.getExecution(record.executionId);
      const state = execution ? (JSON.parse(execution.state) as ExecutionState) : undefined;
      const seconds = state?.awaiting?.kind === 'task' ? state.awaiting.heartbeatSeconds : undefined;
      const now = deps.clock.now();
      const timer =
        seconds === undefined
          ? undefined
          : {
              id: timerId(record.executionId, 'heartbeat'),
              executionId: record.executionId,
              kind: 'heartbeat',
              dueAt: now + seconds * 1000,
            };
      if (!(await repo.heartbeat(token, now, timer))) throw taskTimedOut();
    },
  };
}

/** A transition that changes nothing but the version (stopping an execution that already ended). */
function noChange(e: ExecutionRecord): Omit<Transition, 'wake' | 'now'> {
  return { execution: { ...e, version: e.version + 1 }, expectedVersion: e.version, events: [] };
}

export type ExecutionOperations = ReturnType<typeof createExecutionOperations>;
