/**
 * The state of one behave-asl scenario, and "the state machine executes": exactly one state of
 * the engine (`step`, then any action satisfied from the scenario's stubs and `resume`d), stopping
 * at a Retry delay so the test sees the retry.
 */
import { type Json, jsonEquals } from '../../../src/workflow/data/json.js';
import { parseDefinition } from '../../../src/workflow/definition/parse.js';
import type { Definition, StateMachine } from '../../../src/workflow/definition/types.js';
import type {
  Action,
  BranchOutcome,
  ExecutionState,
  HistoryEvent,
  Outcome,
  StepResult,
} from '../../../src/workflow/engine/api.js';
import { resume, startExecution, step } from '../../../src/workflow/engine/engine.js';

export const NOW = Date.parse('2022-01-10T12:00:00Z');

export interface ResourceStub {
  calledWith?: Json;
  role?: string;
  result?: Json;
  error?: string;
}

export class World {
  definitionText = '';
  definition: Definition | undefined;
  compileError: unknown;
  executionInput: Json | undefined;
  stateData: Json | undefined;
  startState: string | undefined;
  retryCount: number | undefined;
  variables: Record<string, Json> | undefined;
  resources = new Map<string, ResourceStub>();
  branches = new Map<number, Json>();
  /** state name → input label → {calledWith, result}. */
  forInput = new Map<string, Map<string, { calledWith?: Json; result?: Json }>>();
  unknownResult = new Map<string, Json>();
  state: ExecutionState | undefined;
  lastAction: Action | undefined;
  lastWait: { until: number; now: number } | undefined;
  lastMapConcurrency: number | undefined;
  branchInputs: Json[] = [];
  stepOutput: Json | undefined;
  outputs = new Map<string, Json>();
  now = NOW;
  problems: string[] = [];

  compile(): boolean {
    if (this.definition !== undefined) return true;
    try {
      this.definition = parseDefinition(this.definitionText, { lenient: true });
      return true;
    } catch (err) {
      this.compileError = err;
      return false;
    }
  }

  /** Creates the execution on first use, applying the scenario's Given steps. */
  private ensureState(definition: Definition): ExecutionState {
    if (this.state !== undefined) return this.state;
    const input = this.executionInput ?? this.stateData ?? {};
    const ctx = {
      executionId: 'arn:aws:states:local:0:execution:sm:exec',
      executionName: 'exec',
      stateMachineId: 'arn:aws:states:local:0:stateMachine:sm',
      stateMachineName: 'sm',
    };
    const state = startExecution(definition, input, ctx, this.now).state;
    if (this.stateData !== undefined) state.input = this.stateData;
    if (this.startState !== undefined) state.current = this.startState;
    if (this.variables !== undefined) state.variables = { ...this.variables };
    if (this.retryCount !== undefined && state.current !== undefined) {
      const retry = (definition.States[state.current] as { Retry?: unknown[] } | undefined)?.Retry ?? [];
      state.retries = retry.map(() => this.retryCount as number);
      state.context.State.RetryCount = this.retryCount;
      state.awaiting = { kind: 'wait', until: this.now };
      state.pending = { reason: 'retry-delay', effectiveInput: state.input };
    }
    this.state = state;
    return state;
  }

  async executeOne(): Promise<void> {
    const definition = this.definition as Definition;
    let state = this.ensureState(definition);
    let result: StepResult =
      state.awaiting !== undefined
        ? await resume(definition, state, { ok: null }, this.now)
        : await step(definition, state, this.now);
    this.record(result.events);
    while (result.action !== undefined && result.state.pending?.reason !== 'retry-delay') {
      state = result.state;
      const outcome = await this.satisfy(definition, state, result.action);
      result = await resume(definition, state, outcome, this.now);
      this.record(result.events);
    }
    this.state = result.state;
    if (result.state.status === 'SUCCEEDED') this.stepOutput = result.state.output;
    else if (result.state.status === 'RUNNING' && result.state.awaiting === undefined)
      this.stepOutput = result.state.input;
  }

  private record(events: HistoryEvent[]): void {
    for (const e of events) {
      const d = e.stateExitedEventDetails as { name: string; output: string } | undefined;
      if (d !== undefined && e.type.endsWith('StateExited'))
        this.outputs.set(d.name, JSON.parse(d.output) as Json);
    }
  }

  private async satisfy(definition: StateMachine, state: ExecutionState, action: Action): Promise<Outcome> {
    this.lastAction = action;
    const name = state.current ?? '';
    switch (action.kind) {
      case 'wait':
        this.lastWait = { until: action.until, now: this.now };
        return { ok: null };
      case 'task':
        return (
          this.byInput(name, action.input) ??
          this.callResource(action.resource, action.input, action.credentials?.RoleArn)
        );
      case 'parallel': {
        const branches: BranchOutcome[] = [];
        for (const [i, b] of action.branches.entries()) {
          this.branchInputs.push(b.input);
          const stub = this.branches.get(i);
          branches.push(stub !== undefined ? { ok: stub } : await this.runBranch(b.definition, b.start));
        }
        return { branches };
      }
      case 'map': {
        this.lastMapConcurrency = action.maxConcurrency;
        const branches: BranchOutcome[] = [];
        for (const it of action.iterations) {
          branches.push(this.byInput(name, it.input) ?? (await this.runBranch(it.definition, it.start)));
        }
        void definition;
        return { branches };
      }
    }
  }

  /** "for input X, the state S will return ...": matched by the call's input. */
  private byInput(stateName: string, input: Json): BranchOutcome | undefined {
    const stubs = this.forInput.get(stateName) ?? new Map<string, { calledWith?: Json; result?: Json }>();
    for (const stub of stubs.values()) {
      if (stub.calledWith !== undefined && looseEquals(stub.calledWith, input) && stub.result !== undefined)
        return { ok: stub.result };
    }
    const unknown = this.unknownResult.get(stateName);
    return unknown === undefined ? undefined : { ok: unknown };
  }

  private callResource(resource: string, input: Json, role: Json | undefined): Outcome {
    const stub = this.resources.get(resource);
    if (stub === undefined) return { ok: input };
    if (stub.calledWith !== undefined && !jsonEquals(stub.calledWith, input)) {
      this.problems.push(
        `resource ${resource} was called with ${JSON.stringify(input)}, expected ${JSON.stringify(stub.calledWith)}`,
      );
    }
    if (stub.role !== undefined && stub.role !== role) {
      this.problems.push(
        `resource ${resource} was called with role ${JSON.stringify(role)}, expected ${stub.role}`,
      );
    }
    if (stub.error !== undefined) return { error: stub.error, cause: '' };
    return { ok: stub.result ?? input };
  }

  /** Runs a branch or iteration to its end with the same stubs. */
  private async runBranch(definition: StateMachine, start: ExecutionState): Promise<BranchOutcome> {
    let result: StepResult = { state: start, events: [] };
    for (let guard = 0; result.state.status === 'RUNNING' && guard < 1000; guard++) {
      result =
        result.action === undefined
          ? await step(definition, result.state, this.now)
          : await resume(
              definition,
              result.state,
              await this.satisfy(definition, result.state, result.action),
              this.now,
            );
    }
    if (result.state.status === 'SUCCEEDED') return { ok: result.state.output ?? null };
    return { error: result.state.error ?? 'States.BranchFailed', cause: result.state.cause ?? '' };
  }
}

/** Equal as JSON, or equal once both are read as text ("1" and 1). */
export function looseEquals(a: Json, b: Json): boolean {
  if (jsonEquals(a, b)) return true;
  const text = (v: Json) => (typeof v === 'string' ? v : JSON.stringify(v));
  return text(a) === text(b);
}
